"""Phrases answered from the word-pairs index: the same articles as a positional match,
found without reading the articles' search vectors."""

import json

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Func

from archive.models import Article
from archive.phrases import (
    IndexedQuery,
    indexed_query,
    parse,
    render,
    rewrite,
    snippet_query,
    text_match,
)
from archive.search import SEARCH_CONFIG
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Sheriff ends jail deal", "The county jail will stop holding people for ICE."),
    ("County jails fill up", "Jails in the county are full; the sheriff asks for help."),
    ("Jail county", "A story whose words come the other way round: jail county."),
    ("The county", "Jail officials answered questions at the county jail annex."),
    ("Anti-ICE protest at the jail", "Protesters gathered outside the county jail."),
    ("O'Brien speaks", "Sheriff O'Brien said the county of the jail was not told."),
    ("Long words", f"{'a' * 40}word {'b' * 40}word stood side by side."),
    ("Repeats", "jail jail jail and county county, never the two together."),
    ("Back\\slash", "A path like C:\\county jail and it's the county's jail too."),
    ("Three words", "The county jail annex opened; the annex county jail did not."),
]

QUERIES = [
    '"county jail"',
    '"county jails"',
    '"jail county"',
    '"county jail" sheriff',
    '"county jail" -sheriff',
    '"county jail" or annex',
    '-"county jail"',
    '"county jail annex"',
    '"the county jail annex"',
    '"county of the jail"',
    "anti-ICE",
    "O'Brien",
    f'"{"a" * 40}word {"b" * 40}word"',
    '"jail jail"',
    '"county jail" "jail annex"',
    '"county\'s jail"',
    '"ends jail"',  # headline
    '"deal the"',  # across the end of the headline and the start of the body
]


@pytest.fixture
def phrase_articles():
    return [make_article(headline, body) for headline, body in TEXTS]


def positional_matches(query: str) -> set[int]:
    """The articles PostgreSQL's own phrase match finds, reading every vector."""
    matched = Article.objects.filter(
        search_vector=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    )
    return set(matched.values_list("pk", flat=True))


@pytest.mark.parametrize("query", QUERIES)
def test_a_search_through_word_pairs_finds_what_positions_find(phrase_articles, query):
    found = set(Article.objects.filter(text_match(query)).values_list("pk", flat=True))
    assert found == positional_matches(query)


def test_the_matches_are_the_articles_with_the_phrase_and_no_others(phrase_articles):
    found = Article.objects.filter(text_match('"county jail"')).values_list("headline", flat=True)
    assert set(found) == {
        "Sheriff ends jail deal",
        "County jails fill up",  # in the headline, "jails" stemmed
        "The county",
        "Anti-ICE protest at the jail",
        "Back\\slash",
        "Three words",
    }


def test_a_two_word_phrase_is_one_pair_and_no_positional_match():
    assert rewrite("'counti' <-> 'jail'") == IndexedQuery("", ("counti jail",))


def test_a_longer_phrase_keeps_its_positions_and_requires_its_pairs():
    indexed = rewrite("'counti' <-> 'jail' <-> 'annex' & 'sheriff'")
    assert indexed.pairs == ("counti jail", "jail annex")
    assert indexed.words == "( ( 'counti' <1> 'jail' ) <1> 'annex' ) & 'sheriff'"


@pytest.mark.parametrize(
    "tsquery",
    [
        "'counti' <-> 'jail' | 'annex'",  # the phrase is not required
        "!( 'counti' <-> 'jail' )",  # nor when excluded
        "'counti' <3> 'jail'",  # stop words inside: not adjacent lexemes
        "'sheriff' & 'jail'",  # no phrase at all
        "'counti':* <-> 'jail'",  # a prefix is no whole lexeme
    ],
)
def test_what_pairs_cannot_stand_for_is_left_as_it_was(tsquery):
    assert rewrite(tsquery) is None


@pytest.mark.parametrize(
    "text",
    [
        "'counti' <-> 'jail' & 'sheriff' & !'ice'",
        "'anti-ic' <-> 'anti' <-> 'ice'",
        "( 'a' | 'b' ) & !( 'c' <2> 'd' ) | 'e'",
        "'it''s' <-> 'c:\\\\counti'",
        "'x' & 'y' | 'z' & !'w'",
    ],
)
def test_a_parsed_query_renders_back_to_the_same_query(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery::text = %s::tsquery::text", [text, render(parse(text))])
        assert cursor.fetchone()[0]


def hashes(*pairs: str) -> set[int]:
    """The pairs' hashes as PostgreSQL computes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hashtextextended(pair, 0) FROM unnest(%s::text[]) pair", [list(pairs)]
        )
        return {value for (value,) in cursor.fetchall()}


def test_the_pairs_of_an_article_are_its_adjacent_lexemes():
    """Stop words leave gaps: "deal" and "county" are not neighbours, nor "jail" and "doors"."""
    article = make_article("Jail deal", "The county jail's doors.")
    article.refresh_from_db(fields=["word_pairs"])
    assert sorted(article.word_pairs) == sorted(hashes("counti jail", "jail deal"))


def test_the_pairs_of_long_words_and_long_texts_are_kept():
    """16,000 distinct 40-character words: every pair is kept, however long its text, and a
    phrase of two of them is found through the pairs."""
    words = [f"{i:05d}{'q' * 35}" for i in range(16_000)]
    article = make_article("Unusual", " ".join(words))
    pairs = Article.objects.filter(pk=article.pk).values_list(
        Func("word_pairs", function="cardinality"), flat=True
    )
    assert pairs.get() == len(words) - 1 + 1  # and "unusual 00000qqq…", across the headline
    phrase = f'"{words[7000]} {words[7001]}"'
    assert indexed_query(phrase) == IndexedQuery("", (f"{words[7000]} {words[7001]}",))
    assert list(Article.objects.filter(text_match(phrase)).values_list("pk", flat=True)) == [
        article.pk
    ]


def plan_of(queryset) -> str:
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return plan if isinstance(plan, str) else json.dumps(plan)


def test_a_phrase_search_reads_the_pairs_index_and_no_search_vector(phrase_articles):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the planner's choice at scale
    plan = plan_of(Article.objects.search('"county jail"'))
    assert "article_word_pairs" in plan
    assert "search_vector @@" not in plan


def rendered(expression) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery::text", [expression.source_expressions[0].value])
        return cursor.fetchone()[0]


def test_a_snippet_marks_each_required_part_where_it_stands():
    assert rendered(snippet_query('detainers "county jail" -sheriff')) == (
        "'detain' | 'counti' <-> 'jail'"
    )


@pytest.mark.parametrize("text", ["sheriff", '"county jail" -sheriff', "sheriff or jail", ""])
def test_a_query_of_one_part_is_its_own_snippet_query(text):
    assert snippet_query(text) is None


def test_words_far_apart_are_marked_in_the_window_around_the_first(client):
    filler = "Nothing of note happened here today. " * 100
    make_article("Far apart", f"The detainer arrived first. {filler} The sheriff came later.")
    response = client.get("/articles/", {"q": "detainer sheriff"})
    assert "<mark>detainer</mark> arrived first." in response.content.decode()


@pytest.mark.parametrize("text", ["a" * 150 + "!", "ab " * 60 + "'", "-x " * 60 + '"'])
def test_a_long_query_that_is_not_plain_words_is_read_at_once(client, text):
    """Telling plain words from anything else must not backtrack over a long query (a
    pattern with nested repeats took 1.6 s for 24 letters and an exclamation mark)."""
    assert indexed_query(text) is None  # no phrase in any of them
    assert client.get("/articles/", {"q": text}).status_code == 200


def test_one_plain_word_needs_no_parse_by_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert snippet_query("Sheriffs") is None
        assert indexed_query("sheriff -jail") is None
