"""Project settings, read from the environment.

Local use needs nothing set: the embedded PostgreSQL starts by itself. Production sets
``DEBUG=0`` (the default), ``SECRET_KEY``, ``ALLOWED_HOSTS`` and usually ``DATABASE_URL``;
without a ``SECRET_KEY`` and with ``DEBUG`` off the project refuses to start.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.database import database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for local use."
        )
    SECRET_KEY = "local-development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django_filters",
    "reversion",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]


def database_settings(url: str) -> dict:
    """One database's settings, with parallel query off for the archive's connections.

    A page runs a handful of short statements while other requests want the same cores;
    starting parallel workers for one of them costs more than it saves, and spreads a "newest
    twenty matches" walk over workers that each read far past their share (docs/PERFORMANCE.md).
    DATABASE_PARALLEL_WORKERS sets another number; set empty, nothing is sent (a pooler such
    as PgBouncer refuses the startup option: set it on the role instead).
    """
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    workers = os.environ.get("DATABASE_PARALLEL_WORKERS", "0").strip()
    if workers:
        if not workers.isdigit():
            raise ImproperlyConfigured(
                f"DATABASE_PARALLEL_WORKERS must be a whole number or empty, not {workers!r}."
            )
        options = config.setdefault("OPTIONS", {})
        setting = f"-c max_parallel_workers_per_gather={workers}"
        options["options"] = f"{options.get('options', '')} {setting}".strip()
    return config


DATABASES = {"default": database_settings(database_url())}

# Read replicas (docs/SCALING.md): DATABASE_REPLICA_URLS, comma-separated, makes each a database
# alias, and the public pages read from one of them while writes, the admin and everything
# outside a request use the primary (config/routers.py). Unset: one database, no router.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    alias = f"replica_{number}"
    DATABASES[alias] = database_settings(url)
    # Tests never touch a replica: its alias points at the primary's test database.
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(alias)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    # First, so that the request's reads are routed before anything reads.
    MIDDLEWARE.insert(0, "config.routers.ReplicaReadsMiddleware")

# "default" is each process's own memory: a search's counts for its next page. "figures" keeps
# the whole-archive and per-place figures there too, in front of "shared", which every process
# and server reads: a table in the archive's database, made by migration 0026 (archive/caching.py).
# Memcached or Redis can take the "shared" alias's place, with nothing else changed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # At most 300 entries (Django's default, as in each process's memory), each version of the
    # archive's figures stored apart, compressed (archive.caching.Packed): the largest, the
    # place list's map, is about 360 KB as stored, 1.2 MB before.
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "archive_shared_cache",
    },
    "figures": {
        "BACKEND": "archive.caching.LayeredCache",
        "OPTIONS": {"NEAR": "default", "FAR": "shared"},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Scripts and styles come from our own origin only; nothing inline, nothing from a CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=1 so Django trusts it.
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Results per page on every list of articles.
ARCHIVE_PAGE_SIZE = 20
# How long a search's counts and facet counts are reused (each process keeps its own) for the
# next page of the same search, unless the archive changes first; 0 turns reuse off.
ARCHIVE_COUNTS_CACHE_SECONDS = int(os.environ.get("ARCHIVE_COUNTS_CACHE_SECONDS", 300))

# The JSON API (archive/api/): read-only, public, JSON only. Its schema is generated from the code
# and its docs page serves Swagger UI from drf-spectacular-sidecar's files, never from a CDN.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Immigration Enforcement News Archive API",
    "DESCRIPTION": (
        "Every list of the archive as data, read-only and public. The article list takes the "
        "same parameters as /articles/ (and /articles.csv and /feeds/articles/)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
