"""The tally of articles per tag (migration 0027) stays what counting the archive afresh
gives, whatever writes the articles and their tags."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count

from archive.bulk import NewArticle, bulk_load_articles
from archive.facets import place_counts, tallied_place_counts
from archive.merging import merge_tags
from archive.models import (
    Article,
    ArticleTally,
    Jurisdiction,
    JurisdictionKind,
    Official,
    Outlet,
    Topic,
)
from archive.places import counts_within
from tests.factories import bulk_rows, make_article, official, outlet, place, topic

pytestmark = pytest.mark.django_db


def counted_afresh() -> dict[tuple[str, int], int]:
    """Every tag's articles counted from the articles and their links, as the tally should
    hold them."""
    counts = {("place", p.id): p.count for p in place_counts(Article.objects.all())}
    outlets = Article.objects.exclude(outlet=None).values_list("outlet").annotate(n=Count("pk"))
    counts |= {("outlet", pk): n for pk, n in outlets}
    for kind, field in (("official", "officials"), ("topic", "topics")):
        through = getattr(Article, field).through
        column = f"{field.removesuffix('s')}_id"
        links = through.objects.values_list(column).annotate(n=Count("article_id", distinct=True))
        counts |= {(kind, pk): n for pk, n in links}
    if total := Article.objects.count():
        counts["archive", 0] = total
    return counts


def tallied() -> dict[tuple[str, int], int]:
    rows = ArticleTally.objects.exclude(articles=0).values_list("kind", "tag_id", "articles")
    return {(kind, tag_id): n for kind, tag_id, n in rows}


def tally_writes() -> int:
    """Rows this transaction has inserted into or updated in the tally so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [ArticleTally._meta.db_table],
        )
        return cursor.fetchone()[0]


def assert_tallied_as_counted():
    assert tallied() == counted_afresh()


def test_the_seed_archive_is_tallied_as_counted():
    assert ArticleTally.objects.archive_size() == Article.objects.count() == 5
    assert_tallied_as_counted()


def test_the_places_read_from_the_tally_are_those_counting_gives():
    make_article(jurisdictions=[place("baltimore-county-md"), place("wake-county-nc")])
    make_article(jurisdictions=[place("baltimore-md")])
    assert tallied_place_counts(Jurisdiction.objects.all()) == place_counts(Article.objects.all())

    maryland = place("maryland")
    inside = set(Jurisdiction.objects.within([maryland]).values_list("pk", flat=True))
    counted = place_counts(Article.objects.in_jurisdictions([maryland]))
    assert counts_within(maryland) == {p.id: p.count for p in counted if p.id in inside}
    assert place("wake-county-nc").pk not in counts_within(maryland)


def test_articles_tagged_retagged_and_deleted_through_the_orm_are_followed():
    wake = place("wake-county-nc")
    article = make_article(
        outlet=outlet("fox-news"),
        jurisdictions=[wake],
        officials=[official("marc-elrich")],
        topics=[topic("ice-detainers")],
    )
    assert ArticleTally.objects.get(kind="place", tag_id=wake.parent_id).articles >= 1
    assert_tallied_as_counted()

    article.jurisdictions.add(place("baltimore-county-md"))
    article.officials.clear()
    article.topics.set([topic("ice-arrests")])
    article.outlet = None
    article.save()
    assert_tallied_as_counted()

    Article.objects.filter(pk=article.pk).delete()
    assert ArticleTally.objects.archive_size() == 5
    assert_tallied_as_counted()


def test_a_place_moved_deleted_or_merged_moves_its_counts():
    county = place("wake-county-nc")
    city = Jurisdiction.objects.create(
        name="Testville",
        slug="testville-nc",
        kind=JurisdictionKind.CITY,
        parent=county,
        postal_code="NC",
    )
    make_article(jurisdictions=[city])
    make_article(jurisdictions=[city, place("durham-county-nc")])

    city.parent = place("durham-county-nc")
    city.save()
    assert_tallied_as_counted()

    merge_tags(place("durham-county-nc"), [county])
    assert_tallied_as_counted()

    city.delete()
    assert_tallied_as_counted()


def test_tags_merged_or_deleted_take_their_counts_along():
    first = Topic.objects.create(name="Tally topic one", slug="tally-topic-one")
    second = Topic.objects.create(name="Tally topic two", slug="tally-topic-two")
    make_article(topics=[first])
    make_article(topics=[first, second])
    other_outlet = Outlet.objects.create(name="Tally Outlet", slug="tally-outlet")
    make_article(topics=[second], officials=[official("marc-elrich")], outlet=other_outlet)

    merge_tags(first, [second])
    assert ArticleTally.objects.get(kind="topic", tag_id=first.pk).articles == 3
    merge_tags(outlet("fox-news"), [other_outlet])
    assert_tallied_as_counted()

    Official.objects.filter(slug="marc-elrich").delete()
    assert_tallied_as_counted()


def test_plain_sql_writes_are_tallied_too():
    article = make_article(topics=[topic("ice-detainers")])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_article SET outlet_id = %s WHERE id = %s",
            [outlet("fox-news").pk, article.pk],
        )
        cursor.execute("DELETE FROM archive_article_topics WHERE article_id = %s", [article.pk])
    assert_tallied_as_counted()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_article WHERE id = %s", [article.pk])
    assert_tallied_as_counted()


def test_a_truncate_empties_the_tally():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE archive_article CASCADE")
    assert not ArticleTally.objects.exists()
    assert ArticleTally.objects.archive_size() == 0


def test_an_edit_that_leaves_the_tags_alone_writes_nothing_to_the_tally():
    article = make_article(jurisdictions=[place("wake-county-nc")], topics=[topic("ice-arrests")])
    before = tally_writes()
    article.headline = "A corrected headline"
    article.body = "A corrected body."
    article.save()
    Article.objects.update(curator_note="Checked.")  # every article, no tag changed
    assert tally_writes() == before
    article.topics.add(topic("ice-detainers"))
    assert tally_writes() == before + 1


def loaded_rows(count: int) -> list[NewArticle]:
    """The bulk loader's rows, varied: some without an outlet, a place or a topic, some in a
    county of the state too."""
    rows = bulk_rows(count)
    state = Jurisdiction.objects.get(slug="bulk-test-state")
    county, _ = Jurisdiction.objects.get_or_create(
        slug="bulk-test-county-qq",
        defaults={"name": "Bulk County", "kind": "county", "parent": state, "postal_code": "QQ"},
    )
    for n, row in enumerate(rows):
        row.outlet_id = row.outlet_id if n % 2 else None
        row.jurisdiction_ids = [[], [county.pk], [state.pk, county.pk]][n % 3]
        row.topic_ids = row.topic_ids[: n % 2]
    return rows


def test_a_bulk_load_is_tallied():
    assert bulk_load_articles(loaded_rows(25), batch_size=10) == 25
    assert ArticleTally.objects.archive_size() == 30
    assert_tallied_as_counted()


def test_only_the_triggers_write_the_tally():
    before = tallied()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article_tally SET articles = articles + 7")
        cursor.execute("DELETE FROM archive_article_tally WHERE kind = 'topic'")
        cursor.execute("INSERT INTO archive_article_tally VALUES ('official', -1, 3)")
    assert tallied() == before


def test_the_recount_puts_back_a_tally_gone_wrong():
    with connection.cursor() as cursor:
        # As an operator could, with the tally's guard off for the transaction.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE archive_article_tally SET articles = articles + 7")
        cursor.execute("DELETE FROM archive_article_tally WHERE kind = 'topic'")
        cursor.execute("INSERT INTO archive_article_tally VALUES ('official', -1, 3)")
        cursor.execute("SET LOCAL session_replication_role = origin")
        assert tallied() != counted_afresh()
        cursor.execute("SELECT archive_tally_recount()")
    assert_tallied_as_counted()


@pytest.mark.filterwarnings("ignore:archive.Change is a proxy model")
def test_a_dump_loaded_back_counts_each_article_once(tmp_path):
    dump = tmp_path / "archive.json"
    call_command("dumpdata", "archive", output=str(dump), verbosity=0)
    assert '"archive.articletally"' in dump.read_text()  # Django dumps it whatever it is
    Article.objects.all().delete()
    assert ArticleTally.objects.archive_size() == 0

    call_command("loaddata", str(dump), verbosity=0)
    assert ArticleTally.objects.archive_size() == 5
    assert_tallied_as_counted()


# Two writers on their own connections: they commit, and Django empties the tables after.
@pytest.mark.django_db(transaction=True)
def test_two_writers_tagging_the_same_places_both_count():
    state = Jurisdiction.objects.create(
        name="Tally State", slug="tally-state", kind="state", postal_code="QT"
    )
    county = Jurisdiction.objects.create(
        name="Tally County", slug="tally-county-qt", kind="county", parent=state, postal_code="QT"
    )
    first_wrote = threading.Event()
    second_waits = threading.Event()
    failures = []

    def write(places, hold: threading.Event | None, signal: threading.Event):
        try:
            with transaction.atomic():
                make_article(jurisdictions=places)
                signal.set()
                if hold is not None:
                    hold.wait(timeout=10)
        except Exception as error:  # reported below, where the test can fail on it
            failures.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=([county], second_waits, first_wrote))
    first.start()
    first_wrote.wait(timeout=10)
    second = threading.Thread(target=write, args=([state, county], None, threading.Event()))
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive(), "the second writer should wait for the first's tally rows"
    second_waits.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert failures == []
    assert ArticleTally.objects.get(kind="place", tag_id=state.pk).articles == 2
    assert ArticleTally.objects.get(kind="place", tag_id=county.pk).articles == 2
    assert_tallied_as_counted()


@pytest.mark.django_db(transaction=True)
def test_a_parallel_bulk_load_is_tallied():
    before = ArticleTally.objects.archive_size()
    assert bulk_load_articles(loaded_rows(45), batch_size=5, workers=2) == 45
    assert ArticleTally.objects.archive_size() == before + 45
    assert_tallied_as_counted()
