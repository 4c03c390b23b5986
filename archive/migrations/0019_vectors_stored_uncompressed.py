"""The search vector and the word pairs are stored out of line without trying to compress
them: they never compress by the quarter PostgreSQL asks of a compressed value (none of 2,000
search vectors did, 35 of 2,000 pair vectors), so every write ran pglz over them for nothing."""

from django.db import migrations

COLUMNS = ("search_vector", "word_pairs")


def storage(kind: str) -> str:
    alters = ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in COLUMNS)
    return f"ALTER TABLE archive_article {alters}"


class Migration(migrations.Migration):
    dependencies = [("archive", "0018_sample_keys_in_the_words_and_places_index")]

    operations = [migrations.RunSQL(storage("EXTERNAL"), storage("EXTENDED"))]
