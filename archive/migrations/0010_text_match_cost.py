"""Tell the planner what matching a search vector costs.

PostgreSQL rates ``tsvector @@ tsquery`` (ts_match_vq) as cheap as comparing two integers.
For an article it means fetching and decompressing a search vector of several kilobytes
stored out of line: a few microseconds, about what reading a page costs. Rated that cheap,
the planner filters the rows of a state through the vectors (reading every one) rather than
combining the state's index with the full-text index, and reads the whole table in order for
a common term rather than using the index. COST 1000 puts a match near its real price.

The cost lives in this database's catalog. Changing it needs the owner of the catalog (a
superuser); where the archive's role is not, the migration says so and changes nothing: the
archive works the same, some searches more slowly (docs/PERFORMANCE.md).
"""

from django.db import migrations


def set_cost(cost: int) -> str:
    return f"""
    DO $$
    BEGIN
        ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost};
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'Only a superuser can set the cost of ts_match_vq; searches that combine
a common word with a filter will be slower. See docs/PERFORMANCE.md.';
    END $$
    """


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_tag_ids_on_articles")]

    operations = [migrations.RunSQL(set_cost(1000), set_cost(1))]
