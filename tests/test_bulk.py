"""The COPY path and the benchmark corpus, in small, so neither can rot."""

import re
from importlib import import_module

import pytest
from django.db import connection, transaction

import archive.bulk
from archive.bulk import BulkLoadError, NewArticle, bulk_load_articles, restore_indexes
from archive.dates import PartialDate
from archive.models import Article, Jurisdiction, Official, Outlet, Topic
from bench.corpus import generate
from tests.factories import bulk_rows

pytestmark = pytest.mark.django_db


def test_bulk_loaded_articles_are_searchable_tagged_and_filterable(client):
    maryland_county = Jurisdiction.objects.get(slug="baltimore-county-md")
    outlet = Outlet.objects.get(slug="fox-news")
    topic = Topic.objects.get(slug="ice-detainers")
    rows = bulk_rows(25)  # about wombats
    for row in rows:
        row.published = PartialDate.parse("2025-02")
        row.outlet_id = outlet.pk
        row.jurisdiction_ids = [maryland_county.pk]
        row.topic_ids = [topic.pk]
    assert bulk_load_articles(rows, batch_size=10) == 25

    loaded = Article.objects.get(slug="loaded-story-7")
    assert loaded.published.iso() == "2025-02"
    assert loaded.published_until.isoformat() == "2025-02-28"
    assert list(loaded.jurisdictions.values_list("slug", flat=True)) == ["baltimore-county-md"]
    html = client.get("/articles/", {"q": "wombat", "state": "MD", "outlet": "fox-news"}).content
    assert re.search(rb'id="results-heading"[^>]*>\s*25 articles', html)


def test_the_corpus_is_deterministic_with_the_promised_term_shares():
    first = list(generate(2000, places=100, outlets=40, officials=200, topics=12))
    again = list(generate(2000, places=100, outlets=40, officials=200, topics=12))
    assert [a.body for a in first[:50]] == [a.body for a in again[:50]]

    def share(word: str) -> float:
        return sum(f" {word} " in f" {a.body.replace('.', ' ')} " for a in first) / len(first)

    assert 0.82 < share("ICE") < 0.88
    assert 0.26 < share("detainer") < 0.34
    assert 0.07 < share("sheriff") < 0.13
    assert all(600 <= len(a.body.split()) <= 910 for a in first)
    assert len({a.slug for a in first}) == 2000


def test_bulk_loaded_rows_carry_their_tag_ids_as_the_triggers_would():
    county = Jurisdiction.objects.get(slug="baltimore-county-md")
    topic = Topic.objects.get(slug="ice-detainers")
    rows = [
        NewArticle(
            headline="Tag id check",
            slug="tag-id-check",
            raw_text="Tag id check\n\nA county story.",
            body="A county story.",
            jurisdiction_ids=[county.pk],
            topic_ids=[topic.pk],
        )
    ]
    bulk_load_articles(rows)
    loaded = Article.objects.get(slug="tag-id-check")
    assert loaded.place_ids == sorted([county.pk, county.parent_id])
    assert loaded.topic_ids == [topic.pk] and loaded.official_ids == []
    # The link triggers compute the same from the links.
    loaded.jurisdictions.clear()
    loaded.refresh_from_db()
    assert loaded.place_ids == []
    loaded.jurisdictions.add(county)
    loaded.refresh_from_db()
    assert loaded.place_ids == sorted([county.pk, county.parent_id])


def _ids_the_triggers_compute(article_ids: list[int]) -> dict[int, tuple[list, list, list]]:
    """Each article's three arrays as the link triggers compute them from its links."""
    arrays = import_module("archive.migrations.0011_refresh_only_the_changed_ids").ARRAYS
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article.id, {arrays['place_ids']}, {arrays['official_ids']}, "
            f"{arrays['topic_ids']} FROM unnest(%s::bigint[]) AS article(id)",
            [article_ids],
        )
        return {pk: (places, officials, topics) for pk, places, officials, topics in cursor}


def test_rows_loaded_with_every_kind_of_place_hold_the_triggers_own_arrays():
    # The triggers stand aside for a bulk load's links (migration 0025), so the loader's own
    # arrays must be theirs: every kind of place, its parents and its state included.
    places = [
        place
        for kind in ("state", "county", "city")
        for place in Jurisdiction.objects.filter(kind=kind).order_by("pk")[:10]
    ]
    assert {place.kind for place in places} == {"state", "county", "city"}
    officials, topics = list(Official.objects.all()), list(Topic.objects.all())
    rows = [
        NewArticle(
            headline=f"Every tag {n}",
            slug=f"every-tag-{n}",
            raw_text=f"Every tag {n}\n\nText {n}.",
            body=f"Text {n}.",
            jurisdiction_ids=[place.pk for place in places[n % len(places) :][: 1 + n % 3]],
            official_ids=[official.pk for official in officials[n % 3 :: 3]],
            topic_ids=[topic.pk for topic in topics[: n % 4]],
        )
        for n in range(60)
    ]
    bulk_load_articles(rows, batch_size=25)

    loaded = Article.objects.filter(slug__startswith="every-tag-")
    stored = {
        pk: (places, officials, topics)
        for pk, places, officials, topics in loaded.values_list(
            "pk", "place_ids", "official_ids", "topic_ids"
        )
    }
    assert len(stored) == 60 and any(places for places, _, _ in stored.values())
    assert stored == _ids_the_triggers_compute(list(stored))


def test_inside_a_transaction_the_load_stays_on_its_connection():
    with pytest.raises(ValueError, match="Inside a transaction"):
        bulk_load_articles(bulk_rows(3), workers=2)
    with pytest.raises(ValueError, match="Inside a transaction"):
        bulk_load_articles(bulk_rows(3), rebuild_indexes=True)


def test_a_failed_batch_inside_a_transaction_is_reported_and_rolled_back_alone():
    rows = bulk_rows(12)
    rows[7].slug = rows[2].slug
    with pytest.raises(BulkLoadError) as failure:
        bulk_load_articles(rows, batch_size=5)

    error = failure.value
    assert str(error).startswith("batch 1 (rows 5–9, slugs loaded-story-5 … loaded-story-9)")
    assert "archive_article_slug_key" in str(error)
    assert error.committed == [range(0, 5)]
    assert error.loaded == 5
    assert Article.objects.filter(slug__startswith="loaded-story-").count() == 5


# Loading on several connections needs committed data: these tests commit, and Django empties
# the tables after each (they run after the others, which keep the seed archive).
@pytest.mark.django_db(transaction=True)
def test_a_parallel_load_has_every_row_and_link_in_input_order():
    rows = bulk_rows(45)
    assert bulk_load_articles(rows, batch_size=10, workers=2) == 45

    loaded = Article.objects.filter(slug__startswith="loaded-story-")
    # The ids are reserved in input order, whichever connection copied the batch.
    assert list(loaded.order_by("pk").values_list("slug", flat=True)) == [r.slug for r in rows]
    for field in ("jurisdictions", "officials", "topics"):
        through = getattr(Article, field).through
        assert through.objects.filter(article__in=loaded).count() == 45
    assert Article.objects.search("wombat").filter(slug__startswith="loaded-story-").count() == 45


@pytest.mark.django_db(transaction=True)
def test_a_failed_parallel_load_says_which_batch_failed_and_what_is_loaded():
    rows = bulk_rows(60)
    rows[33].outlet_id = 999_999_999  # checked when batch 3 commits
    with pytest.raises(BulkLoadError) as failure:
        bulk_load_articles(rows, batch_size=10, workers=2, rebuild_indexes=True)

    error = failure.value
    assert str(error).startswith("batch 3 (rows 30–39, slugs loaded-story-30 … loaded-story-39)")
    assert "outlet_id" in str(error)
    assert error.failures[0][0].number == 3
    loaded_rows = {n for span in error.committed for n in span}
    # Batches handed out before the failing one finish; later ones may or may not have.
    assert set(range(30)) <= loaded_rows
    assert not loaded_rows & set(range(30, 40))
    loaded = Article.objects.filter(slug__startswith="loaded-story-")
    assert set(loaded.values_list("slug", flat=True)) == {rows[n].slug for n in loaded_rows}
    assert loaded.count() == error.loaded
    assert Article.jurisdictions.through.objects.filter(article__in=loaded).count() == error.loaded
    assert _index_exists("article_words_tags_samples")


@pytest.mark.django_db(transaction=True)
def test_when_the_rows_fail_midway_the_error_says_what_is_loaded():
    def rows():
        yield from bulk_rows(25)
        raise RuntimeError("the feed broke")

    with pytest.raises(RuntimeError, match="the feed broke") as failure:
        bulk_load_articles(rows(), batch_size=10, workers=2, rebuild_indexes=True)

    assert "Rows loaded: 0–19 (20 articles)" in " ".join(failure.value.__notes__)
    assert Article.objects.filter(slug__startswith="loaded-story-").count() == 20
    assert _index_exists("article_words_tags_samples")


class _Watched:
    """Rows that note, a few rows in, whether the search index is there."""

    def __init__(self, rows: list[NewArticle]):
        self.rows = rows
        self.index_during_load: list[bool] = []

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        for n, row in enumerate(self.rows):
            if n == 15:
                self.index_during_load.append(_index_exists("article_words_tags_samples"))
            yield row


@pytest.mark.django_db(transaction=True)
def test_a_large_load_drops_the_search_index_and_builds_it_again(monkeypatch):
    monkeypatch.setattr(archive.bulk, "LARGE_LOAD", 20)
    small, large = _Watched(bulk_rows(19)), _Watched(bulk_rows(40)[19:])

    assert bulk_load_articles(small, batch_size=10) == 19
    assert bulk_load_articles(large, batch_size=10) == 21

    assert small.index_during_load == [True]
    assert large.index_during_load == [False]
    assert _index_exists("article_words_tags_samples")
    assert Article.objects.search("wombat").filter(slug__startswith="loaded-story-").count() == 40


@pytest.mark.django_db(transaction=True)
def test_an_index_lost_with_an_interrupted_load_comes_back_with_the_next_load():
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX article_words_tags_samples")

    assert bulk_load_articles(bulk_rows(3)) == 3
    assert _index_exists("article_words_tags_samples")
    assert restore_indexes() == []


def _index_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


@transaction.atomic
def _article_updates() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'archive_article'"
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def test_loaded_rows_are_not_rewritten_by_the_link_triggers():
    # Each kind of link refreshes only its own ids: rows that arrive with the right arrays are
    # left alone (a rewrite would redo the row's index entries, search vector included).
    county = Jurisdiction.objects.get(slug="baltimore-county-md")
    official = Official.objects.first()
    topic = Topic.objects.get(slug="ice-detainers")
    before = _article_updates()
    bulk_load_articles(
        [
            NewArticle(
                headline=f"Rewrite check {n}",
                slug=f"rewrite-check-{n}",
                raw_text=f"Rewrite check {n}\n\nText.",
                body="Text.",
                jurisdiction_ids=[county.pk],
                official_ids=[official.pk],
                topic_ids=[topic.pk],
            )
            for n in range(3)
        ]
    )
    assert _article_updates() == before
    loaded = Article.objects.get(slug="rewrite-check-1")
    assert loaded.official_ids == [official.pk] and loaded.topic_ids == [topic.pk]


def test_links_added_after_a_load_in_the_same_transaction_still_refresh_the_ids():
    # The loader's word to the triggers lasts for its own statements only.
    bulk_load_articles(bulk_rows(2))
    loaded = Article.objects.get(slug="loaded-story-1")
    topic = Topic.objects.create(name="Added after the load", slug="added-after-the-load")
    loaded.topics.add(topic)
    loaded.refresh_from_db()
    assert topic.pk in loaded.topic_ids


def test_the_link_triggers_stand_aside_only_while_rows_are_said_to_carry_their_ids():
    article = Article.objects.first()
    first, second = (
        Topic.objects.create(name=f"Trigger check {n}", slug=f"trigger-check-{n}") for n in (1, 2)
    )
    with connection.cursor() as cursor:
        cursor.execute(archive.bulk.SAY_ROWS_CARRY_TAG_IDS, ["on"])
        article.topics.add(first)
        article.refresh_from_db()
        assert first.pk not in article.topic_ids
        cursor.execute(archive.bulk.SAY_ROWS_CARRY_TAG_IDS, ["off"])
        article.topics.add(second)  # recomputed from every link, the first one's included
    article.refresh_from_db()
    assert {first.pk, second.pk} <= set(article.topic_ids)
