"""The JSON API: the keys CONTRACT.md promises, facets, pages, errors, tag lists, queries."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.filters import ArticleFilter
from archive.models import Article, Jurisdiction, Topic
from tests.factories import make_article, make_detainer_stories, official, outlet, place, topic

pytestmark = pytest.mark.django_db

WAKE = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"
MONTGOMERY = (
    "maryland-county-reverses-sanctuary-policy-in-wake-of-tragedy-pledges-enhanced-"
    "cooperation-with-ice"
)
RESULT_KEYS = {
    "slug",
    "url",
    "headline",
    "outlet",
    "published",
    "published_precision",
    "date_uncertain",
    "headline_uncertain",
    "is_excerpt",
    "jurisdictions",
    "officials",
    "topics",
    "snippet",
}


def results(client, **params) -> list[dict]:
    response = client.get("/api/articles/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_slug(client, **params) -> dict[str, dict]:
    return {item["slug"]: item for item in results(client, **params)}


def test_the_list_has_the_contract_keys(client):
    data = client.get("/api/articles/").json()
    # The contract's keys, then what the archive adds: whether the count is exact and which
    # order the results are in.
    assert list(data) == ["count", "next", "previous", "results", "count_exact", "order", "facets"]
    assert data["count"] == Article.objects.count() == len(data["results"])
    assert data["count_exact"] is True
    assert data["order"] == "newest"
    wake = next(item for item in data["results"] if item["slug"] == WAKE)
    assert set(wake) == RESULT_KEYS
    assert wake["url"] == f"http://testserver/articles/{WAKE}/"
    assert (
        wake["headline"]
        == "ICE Singles Out North Carolina County for Shielding Illegal Alien Criminals"
    )
    assert wake["outlet"] == {"slug": "the-epoch-times", "name": "The Epoch Times"}
    assert wake["jurisdictions"] == [{"slug": "wake-county-nc", "name": "Wake County"}]
    assert {"slug": "matt-albence", "name": "Matt Albence"} in wake["officials"]
    assert {"slug": "ice-detainers", "name": "ICE detainers"} in wake["topics"]
    assert wake["is_excerpt"] is True
    assert wake["snippet"] is None


def test_dates_are_as_precise_as_known(client):
    make_article("A story known to the year", published="2023")
    make_article("A story with no date", published=None)
    items = {item["headline"]: item for item in results(client)}
    found = {h: (i["published"], i["published_precision"]) for h, i in items.items()}
    assert found["ICE Singles Out North Carolina County for Shielding Illegal Alien Criminals"] == (
        "2019-11-01",
        "day",
    )
    assert found[Article.objects.get(slug=MONTGOMERY).headline] == ("2024-03", "month")
    assert found["A story known to the year"] == ("2023", "year")
    assert found["A story with no date"] == (None, None)


def test_an_article_without_outlet_has_null(client):
    make_article("An article from nowhere", outlet=None)
    assert by_slug(client)["an-article-from-nowhere"]["outlet"] is None


def test_snippets_mark_the_matches_and_escape_the_text(client):
    make_article(
        "Detainer notes",
        'The sheriff wrote <script>alert("x")</script> beside each detainer & signed it.',
    )
    snippet = by_slug(client, q="detainer")["detainer-notes"]["snippet"]
    assert "<mark>detainer</mark>" in snippet
    assert "<" not in re.sub(r"</?mark>", "", snippet)
    assert "&amp; signed" in snippet and "&quot;x&quot;" in snippet
    for other in results(client, q="detainer"):
        assert "<mark>" in other["snippet"] or other["headline"].lower().count("detain")


def test_the_detail_adds_text_byline_and_original_url(client):
    article = Article.objects.get(slug=MONTGOMERY)
    response = client.get(f"/api/articles/{MONTGOMERY}/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == RESULT_KEYS | {"body", "byline", "source_url", "raw_text"}
    assert data["raw_text"] == article.raw_text
    assert data["body"] == article.body
    assert data["byline"] == "Chase Smith"
    assert data["source_url"].startswith("https://www.theepochtimes.com/")
    assert data["published"] == "2024-03"
    assert [o["slug"] for o in data["officials"]] == [
        "darius-reeves",
        "earl-stoddard",
        "marc-elrich",
    ]


@pytest.mark.parametrize("slug", ["no-such-article", "UPPER", "a.b", "%20"])
def test_an_unknown_article_is_a_json_404(client, slug):
    response = client.get(f"/api/articles/{slug}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Article matches the given query."}


@pytest.mark.parametrize("params", [{}, {"q": "county"}, {"jurisdiction": "maryland"}])
def test_each_facet_count_is_what_choosing_it_returns(client, params):
    facets = client.get("/api/articles/", params).json()["facets"]
    assert set(facets) == {"outlet", "jurisdiction", "state", "official", "topic"}
    checked = 0
    for name, values in facets.items():
        for value in values:
            assert set(value) == {"slug", "name", "count", "count_exact", "selected"}
            # Five articles: every count is exact (a chosen value outside the busiest has none).
            assert value["count_exact"] is (None if value["count"] is None else True)
            if value["selected"] or name in params:
                continue
            chosen = client.get("/api/articles/", {**params, name: value["slug"]}).json()
            assert chosen["count"] == value["count"], (name, value)
            checked += 1
    assert checked >= 10


def test_chosen_facet_values_are_marked(client):
    facets = client.get("/api/articles/", {"outlet": "fox-news"}).json()["facets"]
    chosen = [v for v in facets["outlet"] if v["selected"]]
    assert [v["slug"] for v in chosen] == ["fox-news"]
    assert facets["state"] == [
        {"slug": "CT", "name": "Connecticut", "count": 1, "count_exact": True, "selected": False}
    ]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "\x00"])
def test_a_malformed_page_is_a_400_naming_it(client, page):
    response = client.get("/api/articles/", {"page": page})
    assert response.status_code == 400
    assert response.json() == {"page": ["A page is a whole number from 1."]}


@pytest.mark.parametrize("page", ["2", "99", "9" * 30])
def test_a_page_past_the_end_is_a_json_404(client, page):
    response = client.get("/api/articles/", {"page": page})
    assert response.status_code == 404
    assert "detail" in response.json()


def test_empty_and_last_pages_work(client):
    assert client.get("/api/articles/", {"page": ""}).json()["count"] == 5
    assert len(client.get("/api/articles/", {"page": "last"}).json()["results"]) == 5


@pytest.mark.parametrize("query", ["\x00", '"', "-", "x" * 10_000, "or or", "<b>ICE</b>", "😀"])
def test_any_query_is_an_ordinary_answer(client, query):
    response = client.get("/api/articles/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_the_api_is_read_only(client):
    for method in (client.post, client.put, client.delete):
        response = method("/api/articles/", {"q": "x"})
        assert response.status_code == 405
        assert "detail" in response.json()


def test_list_queries_do_not_grow_with_the_archive(client, django_assert_num_queries):
    params = {"q": "detainer", "jurisdiction": "maryland", "topic": "ice-detainers"}
    with CaptureQueriesContext(connection) as before:
        client.get("/api/articles/", params)
    make_detainer_stories(30)
    with django_assert_num_queries(len(before.captured_queries)):
        data = client.get("/api/articles/", params).json()
    assert data["count"] == 33
    assert len(data["results"]) == 20


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("/api/outlets/", {"homepage"}),
        ("/api/officials/", {"role", "agency", "jurisdiction"}),
        ("/api/topics/", {"description"}),
        ("/api/jurisdictions/", {"kind", "postal_code", "fips", "parent"}),
    ],
)
def test_tag_lists_are_alphabetical_and_count_what_their_link_returns(client, url, keys):
    data = client.get(url).json()
    assert data["count"] >= len(data["results"]) > 0  # the gazetteer's places fill many pages
    names = [(item["name"], item["slug"]) for item in data["results"]]
    assert names == sorted(names)
    for item in data["results"]:
        assert {"slug", "name", "url", "article_count", "articles_url"} | keys == set(item)
        assert client.get(item["articles_url"]).json()["count"] == item["article_count"], item


def test_a_place_names_its_parent_and_counts_the_places_inside(client):
    places, url = {}, "/api/jurisdictions/"
    while url:  # every page of the gazetteer, following the next links
        data = client.get(url).json()
        places.update((item["slug"], item) for item in data["results"])
        url = data["next"]
    assert places["baltimore-county-md"]["parent"] == {"slug": "maryland", "name": "Maryland"}
    assert places["maryland"]["parent"] is None
    assert places["maryland"]["kind"] == "state" and places["maryland"]["postal_code"] == "MD"
    assert places["maryland"]["article_count"] == 3
    assert len(places) == Jurisdiction.objects.count()


def test_tag_lists_page_by_fifty(client):
    Topic.objects.bulk_create(Topic(name=f"Topic {n:02}", slug=f"topic-{n:02}") for n in range(50))
    first = client.get("/api/topics/").json()
    assert len(first["results"]) == 50 and first["count"] == 55
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert client.get("/api/topics/", {"page": "3"}).status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/outlets/", "/api/officials/", "/api/topics/", "/api/jurisdictions/"]
)
def test_tag_list_queries_do_not_grow(client, url, django_assert_num_queries):
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        outlet_ = outlet("fox-news")
        make_article(f"More {n}", outlet=outlet_, jurisdictions=[place("boston-ma")])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("url", ["/api/outlets/", "/api/officials/", "/api/topics/"])
def test_tag_lists_are_counted_once_per_change_of_the_archive(client, url):
    def counting(queries) -> list[str]:
        # the articles per tag, not the paginator's count of the tags themselves
        return [q["sql"] for q in queries if '"archive_article_tally"' in q["sql"]]

    client.get(url)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert counting(again.captured_queries) == []
    make_article(
        "Counted anew",
        outlet=outlet("fox-news"),
        officials=[official("marc-elrich")],
        topics=[topic("ice-detainers")],
    )
    with CaptureQueriesContext(connection) as after_a_change:
        data = client.get(url).json()
    assert len(counting(after_a_change.captured_queries)) == 1
    for item in data["results"]:
        assert client.get(item["articles_url"]).json()["count"] == item["article_count"], item


def test_the_schema_documents_every_endpoint_and_every_filter(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/jurisdictions/",
        "/api/outlets/",
        "/api/officials/",
        "/api/topics/",
    }
    operation = schema["paths"]["/api/articles/"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert set(ArticleFilter.base_filters) | {"page"} == parameters
    assert {"200", "400", "404"} <= set(operation["responses"])
    listing = schema["components"]["schemas"]["PaginatedArticleList"]
    assert {"count", "next", "previous", "results", "facets"} <= set(listing["properties"])


def test_the_docs_page_uses_only_our_own_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "<style" not in html and "<script>" not in html  # the CSP allows neither
    sources = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(sources) >= 4
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert client.get("/api/").url == "/api/docs/"
