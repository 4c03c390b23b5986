"""Every public page, through Django's full request stack."""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix

from archive.models import Article, ArticleTally, Jurisdiction, Official, Outlet, Topic
from tests.factories import make_article, official, outlet, place, topic
from tests.readers import own_statements

TALLY = f'"{ArticleTally._meta.db_table}"'  # a statement reading the articles per tag

pytestmark = pytest.mark.django_db

DETAIL_PAGES = [
    "/jurisdictions/maryland/",
    "/jurisdictions/baltimore-county-md/",
    "/outlets/the-epoch-times/",
    "/officials/marc-elrich/",
    "/topics/ice-detainers/",
]
LIST_PAGES = ["/", "/articles/", "/jurisdictions/", "/outlets/", "/officials/", "/topics/"]


def article(prefix: str) -> Article:
    return Article.objects.get(headline__startswith=prefix)


@pytest.mark.parametrize("url", LIST_PAGES + DETAIL_PAGES)
def test_pages_answer(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<h1" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/articles/no-such-article/",
        "/articles/no-such-article/raw.txt",
        "/jurisdictions/atlantis/",
        "/outlets/no-such-outlet/",
        "/officials/nobody/",
        "/topics/nothing/",
    ],
)
def test_unknown_slugs_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("script_prefix", ["/", "/archive/"])
def test_every_tag_and_article_links_to_the_path_reverse_gives(script_prefix):
    set_script_prefix(script_prefix)
    try:
        for model, name in [
            (Article, "article"),
            (Jurisdiction, "jurisdiction"),
            (Outlet, "outlet"),
            (Official, "official"),
            (Topic, "topic"),
        ]:
            objects = list(model.objects.all()[:50])
            assert objects, f"the seed archive has no {name}"
            for obj in objects:
                expected = reverse(f"archive:{name}", kwargs={"slug": obj.slug})
                assert expected.startswith(script_prefix)
                assert obj.get_absolute_url() == expected
    finally:
        clear_script_prefix()


def test_home_shows_search_newest_articles_and_ways_in(client):
    html = client.get("/").content.decode()
    assert 'action="/articles/"' in html and 'name="q"' in html
    assert html.index(article("Buckling").headline) < html.index(article("ICE Singles").headline)
    for link in [
        'href="/jurisdictions/maryland/"',
        'href="/outlets/fox-news/"',
        'href="/officials/marc-elrich/"',
        'href="/topics/ice-detainers/"',
    ]:
        assert link in html


def test_article_page_shows_body_metadata_tags_and_raw_text(client):
    epoch = article("Maryland County Reverses")
    html = client.get(epoch.get_absolute_url()).content.decode()
    assert "By Chase Smith" in html
    assert '<time datetime="2024-03">March 2024</time>' in html
    assert "March 1, 2024" not in html and "2024-03-01" not in html
    assert f'href="{epoch.source_url}"' in html
    assert "<p>A Productive Dialogue</p>" in html
    for link in [
        "/jurisdictions/montgomery-county-md/",
        "/officials/marc-elrich/",
        "/topics/ice-detainers/",
        "/outlets/the-epoch-times/",
    ]:
        assert f'href="{link}"' in html
    assert "Montgomery County Executive" in html
    assert "Text as collected" in html


def test_uncertain_facts_and_excerpts_are_said(client):
    assert "date uncertain" in client.get(article("Buckling").get_absolute_url()).content.decode()
    assert "Outlet unknown" in client.get(article("Buckling").get_absolute_url()).content.decode()
    fox = client.get(article("'Significant").get_absolute_url()).content.decode()
    assert "headline could not be confirmed" in fox
    excerpt = client.get(article("ICE Singles").get_absolute_url()).content.decode()
    assert "This text is an excerpt" in excerpt


def test_raw_text_is_served_exactly(client):
    caller = article("Deep Blue")
    response = client.get(f"/articles/{caller.slug}/raw.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == caller.raw_text.encode("utf-8")
    assert response.content.endswith(b"Tumblr")


def test_jurisdiction_counts_equal_the_pages_they_link_to(client):
    html = client.get("/jurisdictions/").content.decode()
    entries = re.findall(
        r'<a href="(/jurisdictions/[^/]+/)"[^>]*>[^<]+</a>\s*(?:<span class="muted">\w+</span>\s*)?'
        r'<span class="count"[^>]*>(\d+)</span>',
        html,
    )
    assert len(entries) >= 15
    for url, count in entries:
        page = client.get(url).content.decode()
        shown = re.search(r'id="articles-heading">(\d+) article', page).group(1)
        assert shown == count, url
        slug = url.split("/")[2]
        listed = client.get("/articles/", {"jurisdiction": slug}).content.decode()
        assert re.search(rf'id="results-heading"[^>]*>\s*{count} article', listed), slug


def test_states_without_articles_are_listed_quietly(client):
    assert not Article.objects.in_jurisdictions([place("vermont")]).exists()
    html = client.get("/jurisdictions/").content.decode()
    assert re.search(r'is-quiet">\s*<a href="/jurisdictions/vermont/"', html)
    assert not re.search(
        r'is-quiet">\s*<details>\s*<summary><a href="/jurisdictions/maryland/"', html
    )


def test_a_state_page_lists_the_articles_of_its_counties(client):
    html = client.get("/jurisdictions/maryland/").content.decode()
    assert article("Maryland County Reverses").headline in html
    assert 'href="/jurisdictions/montgomery-county-md/"' in html  # a child place
    assert "Marc Elrich" in html  # an official named in its articles
    assert "The Epoch Times" in html  # an outlet covering it
    assert 'href="/articles/?jurisdiction=maryland"' in html


def test_tag_pages_paginate_and_404_past_the_end(client):
    for n in range(25):
        make_article(f"Topic page {n}", topics=[topic("state-sanctuary-laws")])
    first = client.get("/topics/state-sanctuary-laws/").content.decode()
    assert "26 articles" in first and "Page 1 of 2" in first
    assert client.get("/topics/state-sanctuary-laws/", {"page": 2}).status_code == 200
    assert client.get("/topics/state-sanctuary-laws/", {"page": 3}).status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(own_statements(queries.captured_queries))


def test_no_page_makes_more_queries_as_the_archive_grows(client):
    before = {url: count_queries(client, url) for url in LIST_PAGES + DETAIL_PAGES}
    for n in range(30):
        make_article(
            f"Growth {n}",
            outlet=outlet("the-epoch-times"),
            jurisdictions=[place("maryland"), place("baltimore-county-md"), place("baltimore-md")],
            officials=[official("marc-elrich"), official("matt-albence")],
            topics=[topic("ice-detainers")],
        )
    after = {url: count_queries(client, url) for url in LIST_PAGES + DETAIL_PAGES}
    assert after == before
    assert max(after.values()) <= 25


def test_article_page_query_count(client, django_assert_max_num_queries):
    url = article("Deep Blue").get_absolute_url()
    with django_assert_max_num_queries(6):
        client.get(url, {"q": "detainer"})


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_a_card_names_its_places_from_the_rows_own_statement(client):
    """Places on a card come in the statement that reads the rows: states after counties and
    cities, each linked; no statement of their own."""
    maryland = Jurisdiction.objects.get(kind="state", postal_code="MD")
    county = Jurisdiction.objects.get(slug="baltimore-county-md")
    make_article("Numbat county card", "A numbat story.", jurisdictions=[maryland, county])
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/articles/", {"q": "numbat"}).content.decode()
    card = html[html.index("Numbat county card") :]
    card = card[: card.index("</article>")]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', card)
    assert links == [
        (county.get_absolute_url(), str(county)),
        (maryland.get_absolute_url(), str(maryland)),
    ]
    place_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "archive_jurisdiction"' in q["sql"]
    ]
    assert all('"archive_article"' in sql for sql in place_reads), place_reads


@pytest.mark.parametrize(
    "url, model", [("/outlets/", Outlet), ("/officials/", Official), ("/topics/", Topic)]
)
def test_tag_lists_count_each_tags_articles_one_tag_at_a_time(client, url, model):
    """Busiest first with their true counts, a tag without articles at 0, and no statement
    that joins and groups every link of the archive (0.5 s for the outlets at 1,000,000)."""
    model.objects.create(name="Zz unused", slug="zz-unused")
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(url).context["object_list"]
    assert not [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    counts = [(tag.article_count, tag.articles.count()) for tag in listed]
    assert all(shown == true for shown, true in counts) and counts[-1] == (0, 0)
    assert [shown for shown, _ in counts] == sorted((shown for shown, _ in counts), reverse=True)


def test_tag_lists_page_by_fifty_busiest_first_and_404_past_the_end(client):
    Topic.objects.bulk_create(Topic(name=f"Topic {n:02}", slug=f"topic-{n:02}") for n in range(50))
    first = client.get("/topics/").context
    second = client.get("/topics/", {"page": 2}).context
    shown = list(first["object_list"]) + list(second["object_list"])
    assert len(first["object_list"]) == 50 and len(shown) == Topic.objects.count()
    expected = Topic.objects.annotate(n=Count("articles")).order_by("-n", "name")
    assert [(t.slug, t.article_count) for t in shown] == [(t.slug, t.n) for t in expected]
    assert client.get("/topics/", {"page": 3}).status_code == 404


@pytest.mark.parametrize("url", ["/outlets/", "/officials/", "/topics/"])
def test_tag_lists_are_counted_once_per_change_of_the_archive(client, url):
    """Counting every tag's articles took 74–134 ms a request at 1,000,000 articles; read
    from the tally, they are still ranked once per change, not once per request."""

    def counting(queries) -> list[str]:
        return [sql for sql in own_statements(queries) if "COUNT(" in sql or TALLY in sql]

    client.get(url)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert counting(again.captured_queries) == []
    article = make_article(
        "Counted anew",
        outlet=outlet("fox-news"),
        officials=[official("marc-elrich")],
        topics=[topic("ice-detainers")],
    )
    with CaptureQueriesContext(connection) as after_a_change:
        listed = client.get(url).context["object_list"]
    assert len(counting(after_a_change.captured_queries)) == 1
    tagged = {article.outlet, *article.officials.all(), *article.topics.all()}
    counts = {tag: tag.article_count for tag in listed if tag in tagged}
    assert counts and all(shown == tag.articles.count() for tag, shown in counts.items())


def test_the_home_page_and_the_tag_lists_count_the_tags_once_per_change(client):
    make_article("One more", outlet=outlet("fox-news"), topics=[topic("ice-detainers")])
    client.get("/")
    with CaptureQueriesContext(connection) as lists:
        for url in ("/outlets/", "/officials/", "/topics/"):
            client.get(url)
    counting = [sql for sql in own_statements(lists.captured_queries) if "COUNT(" in sql]
    assert counting == []
    assert [sql for sql in own_statements(lists.captured_queries) if TALLY in sql] == []


def test_the_home_pages_figures_are_counted_once_per_change_of_the_archive(client):
    def counting(queries) -> list[str]:
        return [sql for sql in own_statements(queries) if TALLY in sql or "__count" in sql]

    client.get("/")
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert counting(again.captured_queries) == []
    make_article("One more", outlet=outlet("fox-news"))
    with CaptureQueriesContext(connection) as after_a_change:
        response = client.get("/")
    # three kinds of tag and the total, each read from the tally and nothing counted
    assert len(counting(after_a_change.captured_queries)) == 4
    assert not [sql for sql in own_statements(after_a_change.captured_queries) if "COUNT(" in sql]
    assert response.context["article_count"] == Article.objects.count()


def listing_the_states(queries) -> list[str]:
    """The statements that list every state: a page arranging the archive's places anew."""
    return [q["sql"] for q in queries if '"archive_jurisdiction"."kind" = \'state\'' in q["sql"]]


def test_the_home_pages_places_are_drawn_once_per_change_of_the_archive(client):
    client.get("/")
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert listing_the_states(again.captured_queries) == []
    for n in range(5):
        make_article(f"Howard story {n}", jurisdictions=[place("howard-county-md")])
    with CaptureQueriesContext(connection) as after_a_change:
        html = client.get("/").content.decode()
    assert len(listing_the_states(after_a_change.captured_queries)) == 1
    by_place = html[html.index('id="places-heading"') :]
    assert 'href="/jurisdictions/howard-county-md/">Howard County</a>' in by_place


def test_the_place_list_arranges_the_places_once_per_change_of_the_archive(client):
    client.get("/jurisdictions/")
    with CaptureQueriesContext(connection) as again:
        client.get("/jurisdictions/")
    assert listing_the_states(again.captured_queries) == []
    make_article("Howard story", jurisdictions=[place("howard-county-md")])
    with CaptureQueriesContext(connection) as after_a_change:
        html = client.get("/jurisdictions/").content.decode()
    # Once, for the summary and the list alike.
    assert len(listing_the_states(after_a_change.captured_queries)) == 1
    howard = Article.objects.in_jurisdictions([place("howard-county-md")]).count()
    assert re.search(
        r'href="/jurisdictions/howard-county-md/">Howard County</a> <span class="muted">county'
        rf'</span> <span class="count">{howard}</span>',
        html,
    )


def test_the_home_page_offers_each_states_busiest_places_and_a_way_to_the_rest(client):
    """Every place with articles would be thousands of links on a large archive."""
    for slug, articles in [("howard-county-md", 3), ("frederick-county-md", 2)]:
        for n in range(articles):
            make_article(f"{slug} story {n}", jurisdictions=[place(slug)])
    html = client.get("/").content.decode()
    by_place = html[html.index('id="places-heading"') :]
    maryland = by_place[by_place.index('href="/jurisdictions/maryland/"') :]
    maryland = maryland[: maryland.index("</ul>")]
    assert maryland.index("Howard County") < maryland.index("Frederick County")
    listed = re.findall(r'href="/jurisdictions/([a-z-]+-md)/"', maryland)
    assert len(listed) == 3
    tagged = Jurisdiction.objects.filter(postal_code="MD", articles__isnull=False).distinct()
    hidden = tagged.exclude(kind="state").count() - 3
    assert f"{hidden} more place{'s' if hidden > 1 else ''} in Maryland</a>" in maryland
