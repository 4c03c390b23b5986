"""The body and the collected text are stored out of line without compressing them, as the
vectors are since 0019: compressing them (pglz) was about 7% of the CPU a bulk load spends on
an article, and every snippet decompressed the body again. The price is disk: the benchmark's
bodies, 4.7 KB on average, took 3.1 KB compressed, and its database of 100,000 articles is
13% larger (docs/PERFORMANCE.md, item 45). Rows written before keep their compressed values
until they are written again; both kinds are read the same way."""

from django.db import migrations

UNCOMPRESSED = """
    ALTER TABLE archive_article
        ALTER COLUMN body SET STORAGE EXTERNAL,
        ALTER COLUMN raw_text SET STORAGE EXTERNAL
"""
COMPRESSED = UNCOMPRESSED.replace("EXTERNAL", "EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("archive", "0019_vectors_stored_uncompressed")]

    operations = [migrations.RunSQL(UNCOMPRESSED, COMPRESSED)]
