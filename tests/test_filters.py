"""Filters and facet counts on /articles/, alone and combined with a search."""

import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory

from archive.facets import _toggled
from archive.filters import ArticleFilter
from archive.models import Article, Official
from archive.results import ids_statement
from tests.factories import make_article, make_detainer_stories
from tests.readers import card_slugs

pytestmark = pytest.mark.django_db


def result_slugs(response) -> list[str]:
    assert response.status_code == 200
    return card_slugs(response.content.decode())


def listed(client, **params) -> set[str]:
    return set(result_slugs(client.get("/articles/", params)))


def slugs(*prefixes: str) -> set[str]:
    return {Article.objects.get(headline__startswith=p).slug for p in prefixes}


def result_count(response) -> int:
    match = re.search(r'id="results-heading"[^>]*>\s*(\d+) article', response.content.decode())
    assert match, "no result count on the page"
    return int(match.group(1))


def test_by_county(client):
    assert listed(client, jurisdiction="baltimore-county-md") == slugs("Deep Blue", "Buckling")


def test_a_state_includes_articles_tagged_only_with_its_counties_and_cities(client):
    # The Montgomery County article is tagged with the county alone, not with Maryland.
    expected = slugs("Deep Blue", "Buckling", "Maryland County Reverses")
    assert listed(client, jurisdiction="maryland") == expected
    assert listed(client, state="MD") == expected
    assert listed(client, state="md") == expected


def test_a_county_includes_its_cities(client):
    # The Fox News article is tagged with New Britain and Hartford, not with their county.
    assert listed(client, jurisdiction="hartford-county-ct") == slugs("'Significant threat'")


def test_repeated_slugs_mean_any_of_them(client):
    assert listed(client, jurisdiction=["wake-county-nc", "new-britain-ct"]) == slugs(
        "ICE Singles Out", "'Significant threat'"
    )
    assert listed(client, outlet=["fox-news", "the-epoch-times"]) == slugs(
        "'Significant threat'", "Maryland County Reverses", "ICE Singles Out"
    )


def test_by_official_outlet_and_topic(client):
    assert listed(client, official="marc-elrich") == slugs("Maryland County Reverses")
    assert listed(client, outlet="the-epoch-times") == slugs(
        "Maryland County Reverses", "ICE Singles Out"
    )
    assert listed(client, topic="state-sanctuary-laws") == slugs("Buckling")


def test_filters_combine_with_a_search(client):
    assert listed(client, q="detainer", jurisdiction="maryland", outlet="the-daily-caller") == (
        slugs("Deep Blue")
    )
    assert listed(client, q="Albence", state="MD") == set()


def test_an_article_tagged_with_a_state_and_its_county_is_listed_once(client):
    response = client.get("/articles/", {"jurisdiction": ["maryland", "baltimore-county-md"]})
    found = result_slugs(response)
    assert len(found) == len(set(found)) == 3
    assert result_count(response) == 3


def test_partial_dates_match_when_their_period_overlaps_the_range(client):
    march = slugs("Maryland County Reverses")  # known only as March 2024
    assert march <= listed(client, published_after="2024-03-31")
    assert march <= listed(client, published_before="2024-03-01")
    assert not march & listed(client, published_after="2024-04-01")
    assert listed(client, published_after="2024-04-01", published_before="2024-06-30") == slugs(
        "'Significant threat'", "Deep Blue"
    )
    assert listed(client, published_before="2019-11-01") == slugs("ICE Singles Out")


PERIODS = ["2023", "2023-12", "2023-12-31", "2024-01-01", "2024-02", "2024-02-29", "2024", None]


@pytest.mark.parametrize(
    "day", ["2023-06-15", "2023-12-01", "2023-12-31", "2024-01-01", "2024-02-15", "2024-12-31"]
)
def test_on_or_after_a_day_keeps_every_period_that_ends_then_or_later(day):
    """``published_on_or_after`` says in two indexed parts what ``published_until >= day``
    says in one: the same articles, for periods of a day, a month and a year on each side."""
    for published in PERIODS:
        make_article(published=published)
    day = date.fromisoformat(day)
    expected = set(Article.objects.filter(published_until__gte=day).values_list("pk", flat=True))
    found = set(Article.objects.published_on_or_after(day).values_list("pk", flat=True))
    assert found == expected and expected


def test_a_date_range_is_found_through_the_date_indexes():
    """Both parts of "on or after" are index lookups: the month's and year's articles through
    their partial index, whose condition the query must repeat for PostgreSQL to use it."""
    for published in PERIODS:
        make_article(published=published)
    articles = Article.objects.published_between(date(2024, 2, 15), date(2024, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = articles.explain()
    assert "article_dated_by_month_or_year" in plan and "article_newest" in plan
    assert "Seq Scan" not in plan


def test_newest_and_oldest_orders(client):
    newest = result_slugs(client.get("/articles/"))
    oldest = result_slugs(client.get("/articles/", {"sort": "oldest"}))
    assert newest == oldest[::-1]
    assert newest[0] == next(iter(slugs("Buckling")))


def facet_links(response) -> list[tuple[str, str, int, str]]:
    """(facet, value, count shown, URL) for each unselected facet value on the page.

    Facet links are relative query strings ("?outlet=…"), as {% querystring %} writes them.
    """
    html = response.content.decode()
    pattern = re.compile(
        r'<li>\s*<a href="([^"]+)" data-facet="(\w+)" data-value="([^"]+)">.*?'
        r'<span class="facet__count">(\d+)</span>',
        re.S,
    )
    return [
        (facet, value, int(count), "/articles/" + href.replace("&amp;", "&"))
        for href, facet, value, count in pattern.findall(html)
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "detainer"},
        {"q": "county", "outlet": "the-epoch-times"},
        {"jurisdiction": "maryland"},
        {"topic": "ice-arrests", "published_after": "2024-01-01"},
    ],
)
def test_each_facet_count_equals_the_results_its_link_leads_to(client, params):
    response = client.get("/articles/", params)
    links = facet_links(response)
    assert links, "the page shows facet values"
    checked = 0
    for facet, value, count, href in links:
        if facet in params:
            continue  # that facet's links add to a chosen value (OR); counted alone below
        query = parse_qs(urlsplit(href).query)
        assert value in query[facet]
        assert result_count(client.get(href)) == count, (facet, value)
        checked += 1
    assert checked >= 5


def test_a_facet_value_counted_alone_equals_choosing_it_alone(client):
    response = client.get("/articles/", {"jurisdiction": "maryland"})
    for facet, value, count, _href in facet_links(response):
        if facet == "jurisdiction":
            assert result_count(client.get("/articles/", {"jurisdiction": value})) == count


@pytest.mark.parametrize(
    ("given", "key", "value", "selected"),
    [
        ("", "outlet", "fox-news", False),
        ("q=ICE&page=3", "outlet", "fox-news", False),
        ("outlet=a&q=ICE&outlet=b", "outlet", "b", True),
        ("outlet=a&q=ICE&outlet=b", "outlet", "c", False),
        ("state=TX&q=sheriff+%22county+jail%22", "state", "CA", False),
        ("state=TX&q=caf%C3%A9&topic=x", "state", "TX", True),
        ("published_after=2024-01-01&sort=newest", "published_after", "2024-01-01", True),
        ("q=a%26b%3Dc&official=x", "official", "y", False),
    ],
)
def test_a_facet_link_is_the_query_string_querystring_would_write(given, key, value, selected):
    """Facet and chip links are written without {% querystring %}, and must say the same."""
    data = QueryDict(given)
    params = data.copy()
    params.pop("page", None)
    values = [v for v in params.getlist(key) if v != value]
    if key in {"state", "published_after", "published_before"}:
        values = []
    params.setlist(key, values if selected else [*values, value])
    template = engines["django"].from_string("{% querystring params %}")
    expected = template.render({"params": params}, RequestFactory().get("/"))
    assert _toggled(data, key, value, selected).replace("&", "&amp;") == expected


def test_chosen_values_are_shown_and_their_link_removes_them(client):
    html = client.get("/articles/", {"outlet": "fox-news", "q": "ICE"}).content.decode()
    chosen = re.search(
        r'<a href="([^"]+)" data-facet="outlet" data-value="fox-news"[^>]*aria-current', html
    )
    assert chosen, "the chosen outlet is marked"
    assert "outlet=fox-news" not in chosen.group(1)
    assert "q=ICE" in chosen.group(1)


def test_list_page_queries_do_not_grow_with_the_archive(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"q": "detainer", "jurisdiction": "maryland", "topic": "ice-detainers"}
    with CaptureQueriesContext(connection) as before:
        client.get("/articles/", params)
    make_detainer_stories(30)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get("/articles/", params)
    assert result_count(response) == 33


def test_a_chosen_state_is_named_on_its_chip_and_facet_from_one_lookup(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/", {"q": "detainer", "state": "md"})
    html = response.content.decode()
    assert "<span>State: Maryland</span>" in html
    chosen = re.search(
        r'<li class="is-selected">\s*<a href="[^"]*" data-facet="state"'
        r'[^>]*>\s*<span class="facet__name">✓ Maryland</span>',
        html,
    )
    assert chosen, "the state facet shows the chosen state by name"
    lookups = [q["sql"] for q in queries.captured_queries if '"postal_code" =' in q["sql"]]
    # Read with the check that the state exists; every statement after it filters by the
    # state's id rather than finding the state again.
    assert len(lookups) == 1, lookups
    assert lookups[0].startswith("SELECT") and '"archive_jurisdiction"."name"' in lookups[0]


def test_a_facet_shows_its_ten_busiest_values_ties_by_name(client):
    """Only the busiest values are named: the busiest first, then those tied with the tenth
    in alphabetical order, whichever order they were counted in."""
    busiest = Official.objects.create(name="Zed Busiest", slug="zed-busiest")
    tied = [
        Official.objects.create(name=f"Tied {letter}", slug=f"tied-{letter.lower()}")
        for letter in "LKJIHGFEDCBA"
    ]
    for official in tied:
        make_article(f"About {official.name}", "A quokka story.", officials=[official, busiest])
    response = client.get("/articles/", {"q": "quokka"})
    officials = [(slug, n) for key, slug, n, _ in facet_links(response) if key == "official"]
    assert officials == [("zed-busiest", 12), *((f"tied-{c}", 1) for c in "abcdefghi")]


@pytest.mark.parametrize(
    ("params", "tag_ids"),
    [
        ({"q": "detainer", "state": "MD"}, "place_ids"),
        ({"q": "detainer", "jurisdiction": "maryland"}, "place_ids"),
        ({"q": "detainer", "topic": "ice-detainers"}, "topic_ids"),
        ({"q": "detainer", "official": "todd-lyons"}, "official_ids"),
        ({"topic": "ice-detainers"}, "topic_ids"),
        ({"official": "todd-lyons"}, "official_ids"),
    ],
)
def test_a_search_within_a_tag_is_one_scan_of_one_index(params, tag_ids):
    """The words and the tag ids share a GIN index (migrations 0017 and 0024), so a search
    within a place, a topic or an official's articles is answered in one index scan rather
    than two bitmaps decoded in full and ANDed, or a join with a link table. Unordered, as
    the list's count and facets read it: a page of a tag's newest articles may rather walk the
    date index."""
    filterset = ArticleFilter(QueryDict(urlencode(params)), queryset=Article.objects.all())
    assert filterset.is_valid()
    sql, sql_params = ids_statement(filterset.qs.order_by())
    with connection.cursor() as cursor:
        # The seed archive is small enough to read whole; ask for the plan a large one gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    scans = re.findall(r"Index Scan on (\w+)", plan)
    assert scans.count("article_words_tags_samples") == 1, plan
    assert "BitmapAnd" not in plan
    condition = plan[plan.index("Index Scan on article_words_tags_samples") :]
    assert f"{tag_ids} &&" in condition, plan
    assert "search_vector @@" in condition or "q" not in params, plan
    assert "archive_article_topics" not in plan and "archive_article_officials" not in plan


def test_the_form_class_is_built_once_and_each_request_has_fields_of_its_own():
    maryland = ArticleFilter(QueryDict("state=md"), queryset=Article.objects.all())
    unknown = ArticleFilter(QueryDict("state=zz"), queryset=Article.objects.all())
    assert type(maryland.form) is type(unknown.form)
    assert maryland.is_valid() and not unknown.is_valid()
    # What one request's validation leaves on a field is not another request's.
    assert maryland.form.fields["state"] is not unknown.form.fields["state"]
    assert maryland.form.fields["state"].state_name == "Maryland"
    assert unknown.form.fields["state"].state_name == ""
