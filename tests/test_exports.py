"""The CSV export and the Atom feed: format, completeness, safety, and the list page's links."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import exports
from archive.feeds import FEED_SIZE
from archive.models import Article
from tests.factories import make_article, make_detainer_stories, official, outlet, place, topic
from tests.readers import ATOM, api_slugs, csv_rows, feed_slugs, slug_of

pytestmark = pytest.mark.django_db

WAKE = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"
MONTGOMERY = (
    "maryland-county-reverses-sanctuary-policy-in-wake-of-tragedy-pledges-enhanced-"
    "cooperation-with-ice"
)


def export(client, **params) -> list[dict[str, str]]:
    return csv_rows(client.get("/articles.csv", params))


# CSV


def test_the_csv_is_a_download_with_a_header_and_one_row_per_article(client):
    response = client.get("/articles.csv")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="articles.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == exports.COLUMNS
    assert len(rows) == Article.objects.count() == 5


def test_a_row_holds_the_article_and_its_tags(client):
    rows = {row["slug"]: row for row in export(client)}
    wake = rows[WAKE]
    assert wake["url"] == f"http://testserver/articles/{WAKE}/"
    assert wake["published"] == "2019-11-01"
    assert wake["outlet"] == "The Epoch Times"
    assert wake["byline"] == "Zachary Stieber"
    assert wake["is_excerpt"] == "true" and wake["date_uncertain"] == "false"
    assert wake["jurisdictions"] == "Wake County, NC"
    assert wake["officials"] == "Gerald Baker; Matt Albence"
    assert wake["topics"] == "ICE arrests; ICE detainers; Sex-offense cases"
    montgomery = rows[MONTGOMERY]
    assert montgomery["published"] == "2024-03"  # never 2024-03-01
    assert montgomery["officials"].split("; ") == ["Darius Reeves", "Earl Stoddard", "Marc Elrich"]


def test_every_matching_article_is_exported_not_one_page(client):
    for n in range(30):
        make_article(f"Detainer story {n}", "A detainer.", topics=[topic("ice-detainers")])
    rows = export(client, q="detainer", topic="ice-detainers")
    assert len(rows) == 35
    assert len({row["slug"] for row in rows}) == 35


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1 555", "-30-", "@SUM(A1:A2)", "\t=1"]
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, text):
    make_article(
        text,
        "Body.",
        byline=text,
        outlet=None,
        source_url="https://example.org/a",
        topics=[],
    )
    row = next(r for r in export(client) if r["byline"].lstrip("'") == text)
    assert row["headline"] == "'" + text
    assert row["byline"] == "'" + text
    for cell in row.values():
        assert not cell.startswith(exports.FORMULA_STARTS), cell


def test_text_round_trips_through_the_csv(client):
    headline = 'Commas, "quotes" and\nnew lines — and “curly” ones, in São Paulo'
    make_article(headline, "Body.")
    row = next(r for r in export(client) if r["headline"].startswith("Commas"))
    assert row["headline"] == headline


def test_rows_keep_their_own_tags_across_chunks(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    for n in range(11):
        make_article(
            f"Chunked {n}",
            outlet=outlet("fox-news") if n % 2 else None,
            jurisdictions=[place("wake-county-nc")] if n % 3 == 0 else [place("boston-ma")],
            officials=[official("marc-elrich")] if n % 4 == 0 else [],
            topics=[topic("ice-arrests")] if n % 5 else [],
        )
    rows = export(client)
    assert len(rows) == 16
    for row in rows:
        article = Article.objects.get(slug=row["slug"])
        assert row["outlet"] == (article.outlet.name if article.outlet else "")
        assert row["jurisdictions"].split("; ") == [
            str(p) for p in article.jurisdictions.order_by("kind", "name")
        ]
        assert row["officials"] == "; ".join(
            article.officials.order_by("name").values_list("name", flat=True)
        )
        assert row["topics"] == "; ".join(
            article.topics.order_by("name").values_list("name", flat=True)
        )


def test_csv_queries_grow_with_chunks_not_rows(client, django_assert_num_queries):
    def consume():
        b"".join(client.get("/articles.csv", {"q": "detainer"}).streaming_content)

    with CaptureQueriesContext(connection) as before:
        consume()
    make_detainer_stories(40)
    with django_assert_num_queries(len(before.captured_queries)):
        consume()


def test_the_csv_never_loads_the_texts(client):
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get("/articles.csv").streaming_content)
    main = next(q["sql"] for q in queries.captured_queries if 'FROM "archive_article"' in q["sql"])
    assert '"raw_text"' not in main and '"body"' not in main and '"search_vector"' not in main


# Atom


def feed(client, **params) -> ET.Element:
    response = client.get("/feeds/articles/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_the_feed_describes_the_search_and_links_back_to_it(client):
    root = feed(client, q="detainer", jurisdiction="wake-county-nc", page="3")
    assert root.tag == f"{ATOM}feed"
    title = root.find(f"{ATOM}title").text
    assert "“detainer”" in title and "(Place: Wake County)" in title
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"] == (
        "http://testserver/articles/?q=detainer&jurisdiction=wake-county-nc"
    )
    assert links["self"].startswith("http://testserver/feeds/articles/?q=detainer")
    assert root.find(f"{ATOM}updated").text
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/articles/{WAKE}/"


def test_entries_keep_dates_as_precise_as_known(client):
    root = feed(client)
    entries = {slug_of(e.find(f"{ATOM}link").get("href")): e for e in root.iter(f"{ATOM}entry")}
    assert entries[WAKE].find(f"{ATOM}published").text.startswith("2019-11-01T00:00:00")
    montgomery = entries[MONTGOMERY]
    assert montgomery.find(f"{ATOM}published") is None  # March 2024 is not a moment
    assert "March 2024" in montgomery.find(f"{ATOM}summary").text
    for entry in entries.values():
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}id").text


def test_the_feed_holds_the_newest_fifty_whatever_the_sort(client):
    for n in range(FEED_SIZE + 5):
        make_article(f"Detainer story {n}", "A detainer.", published=f"2025-{n % 12 + 1:02}-01")
    newest = api_slugs(client, {"q": "detainer", "sort": "newest"})
    assert len(newest) > FEED_SIZE
    for sort in ("", "oldest", "relevance"):
        assert feed_slugs(client, {"q": "detainer", "sort": sort}) == newest[:FEED_SIZE]


def test_summaries_mark_the_search_and_escape_the_text(client):
    make_article("Detainer <b>notes</b>", 'He said <img src=x onerror=alert(1)> detainer & "more".')
    root = feed(client, q="detainer")
    entry = next(e for e in root.findall(f"{ATOM}entry") if "notes" in e.find(f"{ATOM}title").text)
    assert entry.find(f"{ATOM}title").text == "Detainer <b>notes</b>"  # text, not markup
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<mark>detainer</mark>" in summary.text
    assert "<img" not in summary.text
    assert "&amp;" in summary.text


def test_feed_queries_do_not_grow_with_its_entries(client, django_assert_num_queries):
    params = {"q": "detainer", "state": "MD"}
    with CaptureQueriesContext(connection) as before:
        feed(client, **params)
    for n in range(30):
        make_article(
            f"Detainer story {n}",
            "A detainer was ignored.",
            outlet=outlet("fox-news"),
            jurisdictions=[place("baltimore-county-md"), place("baltimore-md")],
            topics=[topic("ice-detainers"), topic("ice-arrests")],
        )
    with django_assert_num_queries(len(before.captured_queries)):
        entries = feed(client, **params).findall(f"{ATOM}entry")
    assert len(entries) == 33


@pytest.mark.parametrize("query", ["\x01\x02", "a\x0bb", "\x00", "\ufffe", "x" * 5000, '"'])
def test_any_query_gives_a_well_formed_feed(client, query):
    feed(client, q=query)


def test_stored_control_characters_do_not_break_the_feed(client):
    make_article("Bell\x07 in the headline", "A detainer.", byline="Tab\x0b name")
    assert len(feed(client, q="detainer").findall(f"{ATOM}entry")) >= 1


# The list page's links


def test_the_list_page_links_its_feed_csv_and_json_with_the_same_parameters(client):
    params = {"q": "detainer", "jurisdiction": "wake-county-nc", "sort": "oldest"}
    html = client.get("/articles/", {**params, "page": "1"}).content.decode()
    query = "?q=detainer&amp;jurisdiction=wake-county-nc&amp;sort=oldest"
    head = html[: html.index("</head>")]
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" [^>]*>', head)
    assert link and f'href="/feeds/articles/{query}"' in link.group(0)
    assert f'href="/feeds/articles/{query}"' in html
    assert f'href="/articles.csv{query}"' in html
    assert f'href="/api/articles/{query}&amp;page=1"' in html


def test_the_list_page_offers_no_data_links_for_a_bad_search(client):
    html = client.get("/articles/", {"jurisdiction": "atlantis"}).content.decode()
    assert "/articles.csv" not in html
