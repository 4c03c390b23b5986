"""Keyword search on the seed archive, through the real list page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import SNIPPET_WINDOW, Article, Jurisdiction, Outlet, snippet_window
from tests.factories import make_article, place
from tests.readers import card_slugs

pytestmark = pytest.mark.django_db


def result_slugs(response) -> list[str]:
    return card_slugs(response.content.decode())


def search(client, query: str, **params) -> list[str]:
    response = client.get("/articles/", {"q": query, **params})
    assert response.status_code == 200
    return result_slugs(response)


def slug_of(prefix: str) -> str:
    return Article.objects.get(headline__startswith=prefix).slug


def test_a_surname_found_in_one_article_returns_exactly_that_article(client):
    assert search(client, "Stoddard") == [slug_of("Maryland County Reverses")]
    assert search(client, "Olszewski") == [slug_of("Deep Blue County")]


def test_a_quoted_phrase_matches_only_texts_holding_the_phrase(client):
    words = search(client, "Baltimore County")
    phrase = search(client, '"Baltimore County"')
    assert slug_of("Maryland County Reverses") in words  # "ICE Baltimore … Montgomery County"
    assert set(phrase) == {slug_of("Deep Blue County"), slug_of("Buckling under")}


def test_a_minus_word_excludes_articles_containing_it(client):
    with_california = search(client, "detainer")
    without = search(client, "detainer -California")
    assert slug_of("Buckling under") in with_california
    assert slug_of("Buckling under") not in without
    assert len(without) == len(with_california) - 1


def test_or_widens_the_search(client):
    assert set(search(client, "Stoddard or Olszewski")) == {
        slug_of("Maryland County Reverses"),
        slug_of("Deep Blue County"),
    }


def test_stemming_finds_other_forms_of_a_word(client):
    deep_blue = Article.objects.get(headline__startswith="Deep Blue County")
    assert "sanctuaries" not in deep_blue.raw_text.lower()
    assert deep_blue.slug in search(client, "sanctuaries")


def test_a_headline_match_ranks_above_a_body_only_match(client):
    results = search(client, "Maryland")
    assert results[0] == slug_of("Maryland County Reverses")  # "Maryland" in its headline
    assert slug_of("Deep Blue County") in results[1:]  # only in its body


def test_headline_weight_beats_repetition_in_a_body(client):
    in_body = make_article("A report on policy", "Quokkas. Quokkas again. Many quokkas here.")
    in_headline = make_article("Quokka county changes course", "Nothing relevant in the text.")
    assert search(client, "quokka")[:2] == [in_headline.slug, in_body.slug]


def test_sort_newest_overrides_relevance_and_the_page_says_so(client):
    response = client.get("/articles/", {"q": "detainer", "sort": "newest"})
    slugs = result_slugs(response)
    dates = [Article.objects.get(slug=s).published_on for s in slugs]
    assert dates == sorted(dates, reverse=True)
    assert "newest first" in response.content.decode()
    assert "most relevant first" in client.get("/articles/", {"q": "detainer"}).content.decode()


def test_snippets_mark_matches_and_escape_everything_else(client):
    make_article(
        "Escaping check",
        'Before <script>alert("x")</script> the word zugzwang, 3 < 4 & <b>bold</b> after.',
    )
    html = client.get("/articles/", {"q": "zugzwang"}).content.decode()
    snippet = re.search(r'<p class="card__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>zugzwang</mark>" in snippet
    assert "alert(&quot;x&quot;)" in snippet
    assert "3 &lt; 4 &amp;" in snippet
    # The only markup in a snippet is <mark>.
    assert set(re.findall(r"</?([a-z]+)", snippet)) == {"mark"}


def test_stemmed_matches_are_marked_in_snippets(client):
    html = client.get("/articles/", {"q": "detainers"}).content.decode()
    assert "<mark>detainer</mark>" in html


def test_a_snippet_comes_from_deep_in_a_long_body(client):
    filler = "Nothing of note happened at the meeting that evening. " * 60
    make_article("Window check", f"{filler}The county sheriff spoke about a quokka. {filler}")
    html = client.get("/articles/", {"q": "quokka"}).content.decode()
    snippet = re.search(r'<p class="card__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>quokka</mark>" in snippet and "sheriff" in snippet


def test_a_snippet_is_found_when_the_stem_is_spelt_otherwise_in_the_text(client):
    # "studies" and "study" share the stem "studi", which begins no word of the text: the
    # window around a first occurrence finds nothing, and the whole body is used.
    filler = "Nothing of note happened at the meeting that evening. " * 60
    make_article("Stem check", f"{filler}One study of the programme was released.")
    html = client.get("/articles/", {"q": "studies"}).content.decode()
    snippet = re.search(r'<p class="card__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>study</mark>" in snippet


def test_article_page_marks_the_query_terms(client):
    slug = slug_of("ICE Singles Out")
    html = client.get(f"/articles/{slug}/", {"q": "detainers"}).content.decode()
    assert html.count("<mark>") >= 4
    assert "<mark>detainer</mark>" in html and "<mark>Detainers</mark>" in html
    plain = client.get(f"/articles/{slug}/").content.decode()
    assert "<mark>" not in plain


def test_article_page_escapes_stored_text_even_when_marking(client):
    article = make_article("Marking check", "<img src=x onerror=alert(1)> quagmire")
    html = client.get(article.get_absolute_url(), {"q": "quagmire"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>quagmire</mark>" in html


def test_snippets_are_computed_for_the_page_shown_only(client, django_assert_max_num_queries):
    for n in range(25):
        make_article(f"Page size check {n}", "The word xylophone appears here.")
    with django_assert_max_num_queries(20):
        response = client.get("/articles/", {"q": "xylophone"})
    assert len(result_slugs(response)) == 20
    response = client.get("/articles/", {"q": "xylophone", "page": 2})
    assert len(result_slugs(response)) == 5


def test_a_page_of_results_reads_its_rows_and_their_snippets_in_one_statement(client):
    for n in range(3):
        make_article(f"One statement check {n}", "The word marimba appears here.")
    # As above: no word of the text begins with the stem "studi", so the window misses.
    filler = "Nothing of note happened at the meeting that evening. " * 60
    make_article("One statement stem check", f"{filler}One study of the programme was released.")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/articles/", {"q": "marimba or studies"}).content.decode()
    drawing = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
    # The rows' statement (it names each card's places) draws every window, and only the
    # row whose window holds no match is drawn again, from its whole body.
    assert len(drawing) == 2, drawing
    assert "places_on_card" in drawing[0] and "places_on_card" not in drawing[1]
    assert html.count("<mark>marimba</mark>") == 3 and "<mark>study</mark>" in html

    with CaptureQueriesContext(connection) as queries:
        client.get("/articles/", {"q": "marimba"})
    drawing = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
    assert len(drawing) == 1 and "places_on_card" in drawing[0], drawing
    api = client.get("/api/articles/", {"q": "marimba"}).json()["results"]
    assert len(api) == 3 and all("<mark>marimba</mark>" in a["snippet"] for a in api)


def window_of(article: Article, text: str) -> str:
    return (
        Article.objects.filter(pk=article.pk)
        .annotate(window=snippet_window(text))
        .values_list("window", flat=True)
        .get()
    )


def test_the_snippet_window_finds_a_word_in_any_case():
    filler = "Nothing of note happened at the meeting that evening. " * 60
    article = make_article("Case check", f"{filler}The sheriff spoke about a QUOKKA. {filler}")
    window = window_of(article, "quokka")
    assert "spoke about a QUOKKA." in window
    assert len(window) == SNIPPET_WINDOW


def test_the_snippet_window_opens_at_whichever_word_of_the_query_comes_first():
    filler = "Nothing of note happened at the meeting that evening. " * 30
    body = f"{filler}The U.S. marshals came first. {filler}Then the quokka arrived. {filler}"
    article = make_article("Order check", body)
    for text in ("quokka U.S.", "U.S. quokka", "quokka marshal"):
        window = window_of(article, text)
        assert "The U.S. marshals came first." in window, text
        assert "quokka" not in window, text
    assert "Then the quokka arrived." in window_of(article, "quokka nowhere")
    # A query of stop words alone has no stem to look for: the window is the opening.
    assert window_of(article, "the of") == body[:SNIPPET_WINDOW]


def test_cards_and_facets_escape_every_stored_name(client):
    hostile = '<img src=x onerror="alert(1)"> & Co'
    county = Jurisdiction.objects.create(
        name=hostile,
        slug="hostile-county-md",
        kind="county",
        postal_code="MD",
        parent=place("maryland"),
    )
    make_article(
        f"Headline {hostile}",
        "The word quixotry, once.",
        outlet=Outlet.objects.create(name=hostile, slug="hostile-outlet"),
        jurisdictions=[county],
    )
    html = client.get("/articles/", {"q": 'quixotry or "<b>"'}).content.decode()

    assert "<img" not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co"
    card = re.search(r'<article class="card">.*?</article>', html, re.S).group(0)
    assert f"Headline {escaped}</a></h3>" in card  # the headline
    assert f'<a href="/outlets/hostile-outlet/">{escaped}</a>' in card  # the outlet
    assert f'<a href="/jurisdictions/hostile-county-md/">{escaped}, MD</a>' in card  # its place
    facets = html[html.index('<aside class="facets"') :]
    assert f'<span class="facet__name">{escaped}</span>' in facets  # the outlet facet
    assert f'<span class="facet__name">{escaped}, MD</span>' in facets  # the place facet
    # A query is carried to the article page percent-encoded, and escaped in the attribute.
    assert re.search(r'<a href="/articles/[^"?]+/\?q=quixotry%20or%20%22%3Cb%3E%22">', card)
