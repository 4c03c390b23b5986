"""The editors' desk, through the real admin views and forms."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article, Jurisdiction
from tests.factories import make_article, official, place, topic

pytestmark = pytest.mark.django_db


def change_form_data(article: Article, **overrides) -> dict:
    """What the admin change form posts for an article, with some fields changed."""
    data = {
        "headline": article.headline,
        "outlet": article.outlet_id or "",
        "byline": article.byline,
        "published_on": article.published_on.isoformat() if article.published_on else "",
        "date_precision": article.date_precision,
        "source_url": article.source_url,
        "jurisdictions": [p.pk for p in article.jurisdictions.all()],
        "officials": [o.pk for o in article.officials.all()],
        "topics": [t.pk for t in article.topics.all()],
        "body": article.body,
        "curator_note": article.curator_note,
    }
    for flag in ("headline_uncertain", "date_uncertain", "is_excerpt"):
        if getattr(article, flag):
            data[flag] = "on"
    data.update(overrides)
    return data


def result_count(client, **params) -> int:
    html = client.get("/articles/", params).content.decode()
    return int(re.search(r'id="results-heading"[^>]*>\s*(\d+) article', html).group(1))


def facet_count(client, facet: str, value: str, **params) -> int | None:
    html = client.get("/articles/", params).content.decode()
    match = re.search(
        rf'data-facet="{facet}" data-value="{value}">.*?<span class="facet__count">(\d+)</span>',
        html,
        re.S,
    )
    return int(match.group(1)) if match else None


def test_changing_a_place_in_the_admin_shows_at_once_on_public_pages(admin_client, client):
    wake = Article.objects.get(headline__startswith="ICE Singles Out")
    assert result_count(client, jurisdiction="baltimore-county-md") == 2
    assert facet_count(client, "jurisdiction", "baltimore-county-md", q="Albence") is None

    url = reverse("admin:archive_article_change", args=[wake.pk])
    data = change_form_data(wake, jurisdictions=[place("baltimore-county-md").pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    wake.refresh_from_db()
    assert [p.slug for p in wake.jurisdictions.all()] == ["baltimore-county-md"]
    assert result_count(client, jurisdiction="baltimore-county-md") == 3
    assert result_count(client, jurisdiction="wake-county-nc") == 0
    assert result_count(client, q="Albence", state="MD") == 1
    assert facet_count(client, "jurisdiction", "baltimore-county-md", q="Albence") == 1
    assert facet_count(client, "state", "MD") == 4
    row = f'class="field-headline"><a href="{url}">'
    changelist = reverse("admin:archive_article_changelist")
    assert row in admin_client.get(changelist).content.decode()
    wake_filter = {"jurisdiction": "wake-county-nc"}
    assert row not in admin_client.get(changelist, wake_filter).content.decode()


def test_editing_the_headline_updates_search_but_not_the_slug(admin_client, client):
    article = Article.objects.get(headline__startswith="Deep Blue")
    old_slug = article.slug
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = admin_client.post(url, change_form_data(article, headline="Kestrel county reverses"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == old_slug
    html = client.get("/articles/", {"q": "kestrel"}).content.decode()
    assert f'href="/articles/{old_slug}/?q=kestrel"' in html


def test_raw_text_and_fingerprint_cannot_be_changed(admin_client):
    article = Article.objects.get(headline__startswith="Deep Blue")
    raw = article.raw_text
    url = reverse("admin:archive_article_change", args=[article.pk])
    admin_client.post(url, change_form_data(article, raw_text="Replaced", sha256="0" * 64))
    article.refresh_from_db()
    assert article.raw_text == raw
    page = admin_client.get(url).content.decode()
    assert 'name="raw_text"' not in page and 'name="sha256"' not in page


def test_adding_an_article_by_hand(admin_client, client):
    response = admin_client.post(
        reverse("admin:archive_article_add"),
        {
            "headline": "County jail ends detainer holds",
            "raw_text": "County jail ends detainer holds\n\nThe sheriff spoke…\n\nFacebook",
            "published_on": "2025-02-01",
            "date_precision": "month",
            "jurisdictions": [place("wake-county-nc").pk],
            "body": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(headline="County jail ends detainer holds")
    assert article.slug == "county-jail-ends-detainer-holds"
    assert article.body == "The sheriff spoke…"
    assert article.published.iso() == "2025-02"
    assert client.get(article.get_absolute_url()).status_code == 200


def test_adding_a_text_already_in_the_archive_is_refused_with_a_message(admin_client):
    existing = Article.objects.get(headline__startswith="Deep Blue")
    response = admin_client.post(
        reverse("admin:archive_article_add"),
        {"headline": "Copy", "raw_text": existing.raw_text, "body": ""},
    )
    assert response.status_code == 200
    assert "This text is already in the archive" in response.content.decode()
    assert Article.objects.count() == 5


@pytest.mark.parametrize(
    ("published_on", "precision", "message"),
    [
        ("2024-03-15", "month", "first day of that month"),
        ("2024-03-01", "year", "January 1 of that year"),
        ("2024-03-01", "", "A date needs its precision"),
        ("", "day", "A date needs its precision"),
    ],
)
def test_date_and_precision_must_agree(admin_client, published_on, precision, message):
    article = Article.objects.get(headline__startswith="Deep Blue")
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = change_form_data(article, published_on=published_on, date_precision=precision)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_place_needs_a_parent_in_its_own_state(admin_client):
    # Counties come from the gazetteer; editors add cities, and pick their parent.
    response = admin_client.post(
        reverse("admin:archive_jurisdiction_add"),
        {
            "name": "Raleigh",
            "slug": "raleigh-nc",
            "kind": "city",
            "parent": place("maryland").pk,
            "postal_code": "NC",
            "fips": "3755000",
        },
    )
    assert response.status_code == 200
    assert "The parent is in MD, not NC." in response.content.decode()
    assert not Jurisdiction.objects.filter(slug="raleigh-nc").exists()


@pytest.mark.parametrize("model", ["article", "jurisdiction", "official", "outlet", "topic"])
def test_admin_lists_search_and_add_pages_load(admin_client, model, django_assert_max_num_queries):
    changelist = reverse(f"admin:archive_{model}_changelist")
    with django_assert_max_num_queries(15):
        assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "county"}).status_code == 200
    assert admin_client.get(reverse(f"admin:archive_{model}_add")).status_code == 200


def test_article_list_shows_tag_counts(admin_client):
    html = admin_client.get(reverse("admin:archive_article_changelist")).content.decode()
    assert "column-place_count" in html and "column-topic_count" in html
    assert "June 2024" in html


CHANGELIST = "/admin/archive/article/"


def listed_headlines(admin_client, **params) -> list[str]:
    response = admin_client.get(CHANGELIST, params)
    assert response.status_code == 200
    return [article.headline for article in response.context["cl"].result_list]


def test_the_editors_search_uses_the_archives_search_and_bylines(admin_client):
    make_article("Quarry vote", "The glimmerfen warden held the detainee.", byline="Ana Ruiz")
    make_article("Warden budget", "The warden met at glimmerfen hall.", byline="Bo Kim")
    assert listed_headlines(admin_client, q="wardens") == ["Warden budget", "Quarry vote"]
    assert listed_headlines(admin_client, q='"glimmerfen warden"') == ["Quarry vote"]
    assert listed_headlines(admin_client, q="warden -detainee") == ["Warden budget"]
    assert listed_headlines(admin_client, q="RUIZ") == ["Quarry vote"]
    assert listed_headlines(admin_client, q="n Ru") == []  # no three letters in a row
    assert listed_headlines(admin_client, q="the") == []  # a stop word alone matches no text
    assert listed_headlines(admin_client, q='"unclosed (') == []


def test_the_article_list_counts_each_rows_tags(admin_client):
    make_article(
        "Tagged twice over",
        jurisdictions=[place("wake-county-nc"), place("maryland")],
        officials=[official("matt-albence")],
        topics=[topic("ice-detainers"), topic("state-sanctuary-laws")],
    )
    response = admin_client.get(CHANGELIST, {"q": "tagged twice"})
    row = response.context["cl"].result_list[0]
    assert (row.place_count, row.official_count, row.topic_count) == (2, 1, 2)
    for order, column, most_first in (("-5", "official_count", True), ("6", "topic_count", False)):
        rows = admin_client.get(CHANGELIST, {"o": order}).context["cl"].result_list
        counts = [getattr(article, column) for article in rows]
        assert counts == sorted(counts, reverse=most_first) and len(set(counts)) > 1


def test_the_missing_tags_filter_lists_the_articles_without_that_kind_of_tag(admin_client):
    make_article("Nothing tagged yet")
    make_article("Only a topic", topics=[topic("ice-detainers")])
    for tag, relation in (
        ("place", "jurisdictions"),
        ("official", "officials"),
        ("topic", "topics"),
    ):
        listed = listed_headlines(admin_client, missing=tag)
        assert "Nothing tagged yet" in listed
        assert ("Only a topic" in listed) == (tag != "topic")
        untagged = Article.objects.filter(**{f"{relation}__isnull": True})
        assert sorted(listed) == sorted(untagged.values_list("headline", flat=True))
    assert listed_headlines(admin_client, missing="outlet") == []


def test_the_article_list_reads_no_text_and_joins_no_tags(admin_client):
    """Each statement stays on the article rows: the list once joined and grouped the three
    link tables over the whole archive, and read every listed article's texts."""
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST, {"q": "county", "jurisdiction": "maryland", "year": "2024"})
    statements = [q["sql"] for q in queries.captured_queries if "archive_article" in q["sql"]]
    assert statements
    for sql in statements:
        assert '"raw_text"' not in sql and '"body"' not in sql
        assert 'JOIN "archive_article_' not in sql


def test_the_article_list_asks_as_often_for_many_rows_as_for_few(
    admin_client, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    for n in range(30):
        make_article(f"Another detainer story {n}", jurisdictions=[place("wake-county-nc")])
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)


def test_the_place_filter_takes_any_place_and_the_places_inside_it(admin_client):
    make_article("About Wake", jurisdictions=[place("wake-county-nc")])
    assert "About Wake" in listed_headlines(admin_client, jurisdiction="wake-county-nc")
    assert "About Wake" in listed_headlines(admin_client, jurisdiction="north-carolina")
    assert "About Wake" not in listed_headlines(admin_client, jurisdiction="maryland")
    html = admin_client.get(CHANGELIST, {"jurisdiction": "wake-county-nc"}).content.decode()
    assert "Wake County, NC" in html  # the chosen county is shown among the states
    assert listed_headlines(admin_client, jurisdiction="no-such-place") == []
    wake = place("wake-county-nc")
    wake.slug = "wake-nc"
    wake.save()  # its old slug is kept as a retired one
    assert "About Wake" in listed_headlines(admin_client, jurisdiction="wake-county-nc")


def test_the_year_filter_offers_the_archives_span(admin_client):
    make_article("An old one", published="2015-03")
    make_article("Undated one", published=None)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "?year=2015" in html and "?year=2024" in html and "?year=none" in html
    assert listed_headlines(admin_client, year="2015") == ["An old one"]
    assert listed_headlines(admin_client, year="none") == ["Undated one"]
    for odd in ("0", "10000", "x", "-1", "2015.0"):
        assert listed_headlines(admin_client, year=odd) == []


def test_autocomplete_finds_places_by_name(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "archive",
            "model_name": "article",
            "field_name": "jurisdictions",
            "term": "baltimore",
        },
    )
    assert response.status_code == 200
    names = {item["text"] for item in response.json()["results"]}
    assert names == {"Baltimore County, MD", "Baltimore, MD"}


def test_the_admin_requires_a_login(client):
    response = client.get(reverse("admin:archive_article_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_undated_article_is_checked_without_database_errors(admin_client, caplog):
    """Constraint checks on a blank date must run, not fail quietly into a log line."""
    response = admin_client.post(
        reverse("admin:archive_article_add"),
        {"headline": "Undated note", "raw_text": "Undated note\n\nNo date known.", "body": ""},
    )
    assert response.status_code == 302
    assert not [r for r in caplog.records if "database error calling check" in r.getMessage()]
    assert Article.objects.get(headline="Undated note").published is None
