"""The shared cache's values stored as they come, never compressed again by PostgreSQL.

Every value the figures' cache writes there is already compressed (``Packed``,
archive/caching.py), and the database cache writes it in base64, in which pglz still finds
short repeats: storing the place list's county map ran pglz over some 300 KB to save a few
per cent. ``STORAGE EXTERNAL`` keeps a long value out of line as before, uncompressed
(docs/PERFORMANCE.md, item 69). Values already stored keep their form until written again.
"""

from django.conf import settings
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def cache_tables() -> list[str]:
    return [
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config["BACKEND"] == DATABASE_CACHE
    ]


def set_storage(storage: str):
    def alter(apps, schema_editor):
        for table in cache_tables():
            schema_editor.execute(
                f"ALTER TABLE IF EXISTS {schema_editor.quote_name(table)} "
                f"ALTER COLUMN value SET STORAGE {storage}"
            )

    return alter


class Migration(migrations.Migration):
    dependencies = [("archive", "0027_article_tally")]

    operations = [migrations.RunPython(set_storage("EXTERNAL"), set_storage("EXTENDED"))]
