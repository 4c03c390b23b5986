"""One table of parameters drives all four views of the article list: the HTML pages, the
JSON API, the CSV export and the Atom feed must list the same articles in the same order.

The feed is the one exception by design: it is always newest first (a reader follows new
articles), so it must equal the list with ``sort=newest``, cut to its length.
"""

import pytest

from archive.feeds import FEED_SIZE
from tests.factories import make_article, official, outlet, place, topic
from tests.readers import api_pages, api_slugs, csv_slugs, feed_slugs, html_page, html_slugs

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20


@pytest.fixture
def bigger_archive():
    """22 articles on top of the five seeds: two pages, ties on a date, every date precision."""
    places = ["baltimore-county-md", "wake-county-nc", "new-britain-ct", "maryland", "boston-ma"]
    outlets = ["fox-news", "the-epoch-times", "the-daily-caller", None]
    dates = ["2024-03-15", "2024-03", "2023", "2024-03-15", "2025-01-02", None, "2019-11-01"]
    subjects = ["detainer", "sanctuary policy", "sheriff", "county executive"]
    for n in range(22):
        subject = subjects[n % len(subjects)]
        make_article(
            f"Story {n} about a {subject}",
            f"The {subject} was discussed at length. Item {n}.",
            published=dates[n % len(dates)],
            outlet=outlet(outlets[n % len(outlets)]) if outlets[n % len(outlets)] else None,
            jurisdictions=[place(places[n % len(places)])],
            officials=[official("marc-elrich")] if n % 3 == 0 else [],
            topics=[topic("ice-detainers")] if n % 2 == 0 else [topic("ice-arrests")],
        )


PARAMETERS = [
    {},
    {"q": "detainer"},
    {"q": '"sanctuary policy"'},
    {"q": "detainer -Maryland"},
    {"q": "sheriff or executive"},
    {"jurisdiction": "maryland"},
    {"jurisdiction": ["wake-county-nc", "new-britain-ct"]},
    {"state": "md"},
    {"outlet": ["fox-news", "the-epoch-times"]},
    {"official": "marc-elrich"},
    {"topic": "ice-detainers"},
    {"published_after": "2024-03-20"},
    {"published_before": "2024-03-01", "sort": "oldest"},
    {"published_after": "2024-01-01", "published_before": "2024-12-31", "sort": "newest"},
    {"q": "detainer", "sort": "oldest"},
    {"q": "county", "jurisdiction": "maryland", "topic": "ice-detainers"},
    {"sort": "relevance"},
    {"q": "", "jurisdiction": "", "outlet": "", "published_after": ""},
    {"q": "zzyzx-nothing-matches"},
]


@pytest.mark.parametrize("params", PARAMETERS)
def test_every_view_of_the_list_returns_the_same_articles(client, bigger_archive, params):
    listed = html_slugs(client, params)
    assert api_slugs(client, params) == listed
    assert csv_slugs(client, params) == listed
    newest = html_slugs(client, {**params, "sort": "newest"})
    assert sorted(newest) == sorted(listed)
    assert feed_slugs(client, params) == newest[:FEED_SIZE]


def test_the_table_covers_more_than_one_page_and_empty_results(client, bigger_archive):
    sizes = [len(html_slugs(client, params)) for params in PARAMETERS]
    assert max(sizes) > PAGE_SIZE
    assert 0 in sizes
    assert len(set(sizes)) > 5


@pytest.mark.parametrize(
    "params", [{}, {"q": "detainer"}, {"topic": "ice-detainers", "sort": "oldest"}]
)
def test_api_pages_hold_what_the_html_pages_hold(client, bigger_archive, params):
    pages = api_pages(client, params)
    total = len(html_slugs(client, params))
    assert len(pages) == -(-total // PAGE_SIZE)
    for number, page in enumerate(pages, start=1):
        html, _more = html_page(client, params, number)
        assert [item["slug"] for item in page["results"]] == html
        assert page["count"] == total


def test_api_next_and_previous_links_keep_the_parameters(client, bigger_archive):
    first, second = api_pages(client, {"sort": "oldest", "q": ""})
    assert first["previous"] is None
    assert "page=2" in first["next"] and "sort=oldest" in first["next"]
    assert second["next"] is None
    assert "page=" not in second["previous"] and "sort=oldest" in second["previous"]


BAD_PARAMETERS = [
    ({"jurisdiction": "atlantis"}, "jurisdiction", "There is no jurisdiction “atlantis”."),
    ({"outlet": ["fox-news", "the-onion"]}, "outlet", "There is no outlet “the-onion”."),
    ({"official": "nobody"}, "official", "There is no official “nobody”."),
    ({"topic": "weather"}, "topic", "There is no topic “weather”."),
    ({"state": "ZZ"}, "state", "There is no state with the postal code “ZZ”."),
    ({"published_after": "2024-13-01"}, "published_after", "Enter a valid date."),
    ({"published_before": "March 2024"}, "published_before", "Enter a valid date."),
    (
        {"published_after": "2024-06-01", "published_before": "2024-01-01"},
        "published_before",
        "The end date is before the start date.",
    ),
    ({"sort": "random"}, "sort", "Select a valid choice."),
]


@pytest.mark.parametrize(("params", "name", "message"), BAD_PARAMETERS)
def test_every_view_reports_a_bad_parameter_by_name(client, params, name, message):
    html = client.get("/articles/", params).content.decode()
    assert 'class="errors"' in html and 'class="card"' not in html

    api = client.get("/api/articles/", params)
    assert api.status_code == 400
    assert api["Content-Type"] == "application/json"
    assert any(message in error for error in api.json()[name])

    for url in ("/articles.csv", "/feeds/articles/"):
        response = client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert f"{name}: {message}" in response.content.decode()
