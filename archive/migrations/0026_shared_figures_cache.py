"""The table of the cache every process shares (settings.CACHES["shared"], archive/caching.py).

Made here rather than by a separate ``createcachetable`` step, so that every database the
archive migrates (a new server's, the tests') has it. Nothing is made when the shared cache
is configured as something other than a table.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    for config in settings.CACHES.values():
        if config["BACKEND"] == DATABASE_CACHE:
            schema_editor.execute(
                f"DROP TABLE IF EXISTS {schema_editor.quote_name(config['LOCATION'])}"
            )


class Migration(migrations.Migration):
    dependencies = [("archive", "0025_bulk_links_arrive_with_their_ids")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_tables)]
