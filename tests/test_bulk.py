"""The COPY path and the benchmark corpus, in small, so neither can rot."""

import re

import pytest

from archive.bulk import NewArticle, bulk_load_articles
from archive.dates import PartialDate
from archive.models import Article, Jurisdiction, Outlet, Topic
from bench.corpus import generate

pytestmark = pytest.mark.django_db


def test_bulk_loaded_articles_are_searchable_tagged_and_filterable(client):
    maryland_county = Jurisdiction.objects.get(slug="baltimore-county-md")
    outlet = Outlet.objects.get(slug="fox-news")
    topic = Topic.objects.get(slug="ice-detainers")
    rows = [
        NewArticle(
            headline=f"Bulk story {n} about wombats",
            slug=f"bulk-story-{n}",
            raw_text=f"Bulk story {n}\n\nWombats and detainers, take {n}.",
            body=f"Wombats and detainers, take {n}.",
            published=PartialDate.parse("2025-02"),
            outlet_id=outlet.pk,
            jurisdiction_ids=[maryland_county.pk],
            topic_ids=[topic.pk],
        )
        for n in range(25)
    ]
    assert bulk_load_articles(rows, batch_size=10) == 25

    loaded = Article.objects.get(slug="bulk-story-7")
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
