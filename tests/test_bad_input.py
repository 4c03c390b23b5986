"""Bad input gets a clear answer: never a 500, never results that ignore a filter."""

import re

import pytest

pytestmark = pytest.mark.django_db

ALL_ARTICLES = 5


def result_count(html: str) -> int | None:
    match = re.search(r'id="results-heading"[^>]*>\s*(\d+) article', html)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x" * 10_000,
        "detainer " * 1_500,
        "nul\x00byte",
        "\x00",
        '"',
        '"unterminated phrase',
        "'",
        "-",
        "--",
        "or",
        "or or or",
        "- or -",
        "!@#$%^&*()",
        "&|!:*<>",
        "😀 sanctuary 🏛️",
        "ICE:*",
        "\\",
        "a" * 3000,
        "<script>alert(1)</script>",
    ],
)
def test_any_query_returns_a_normal_page(client, query):
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert result_count(html) is not None
    assert "<script>alert(1)</script>" not in html


def test_a_very_long_query_is_shortened_and_the_page_says_so(client):
    words = ["detainer"] * 1_500
    html = client.get("/articles/", {"q": " ".join(words)}).content.decode()
    assert "only its beginning was used" in html
    assert result_count(html) == 5
    assert "only its beginning" not in client.get("/articles/", {"q": "detainer"}).content.decode()


def test_a_query_with_a_nul_byte_searches_the_rest(client):
    html = client.get("/articles/", {"q": "Elrich\x00"}).content.decode()
    assert result_count(html) == 1


def test_any_query_on_an_article_page_is_fine(client):
    for query in ["\x00", '"', "-", "x" * 10_000, "or"]:
        response = client.get(
            "/articles/ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals/",
            {"q": query},
        )
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"jurisdiction": "atlantis"}, "There is no jurisdiction “atlantis”."),
        ({"jurisdiction": ["maryland", "atlantis"]}, "There is no jurisdiction “atlantis”."),
        ({"outlet": "the-onion"}, "There is no outlet “the-onion”."),
        ({"official": "nobody"}, "There is no official “nobody”."),
        ({"topic": "weather"}, "There is no topic “weather”."),
        ({"state": "ZZ"}, "There is no state with the postal code “ZZ”."),
        ({"state": "Maryland"}, "There is no state with the postal code “MARYLAND”."),
        ({"published_after": "2024-13-01"}, "Enter a valid date."),
        ({"published_before": "yesterday"}, "Enter a valid date."),
        ({"published_after": "2024-03"}, "Enter a valid date."),
        (
            {"published_after": "2024-06-01", "published_before": "2024-01-01"},
            "The end date is before the start date.",
        ),
        ({"sort": "random"}, "Select a valid choice."),
        ({"outlet": "\x00"}, "Null characters are not allowed."),
    ],
)
def test_invalid_filters_are_reported_and_show_no_results(client, params, message):
    response = client.get("/articles/", {"q": "detainer", **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errors"' in html
    assert message.replace("“", "&ldquo;") in html or message in html
    assert result_count(html) is None  # "No results", never the unfiltered archive
    assert 'class="card"' not in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "1.5", "\x00", "9" * 30])
def test_pages_past_the_end_or_malformed_are_404(client, page):
    assert client.get("/articles/", {"page": page}).status_code == 404


def test_last_page_keyword_and_empty_parameters_work(client):
    assert client.get("/articles/", {"page": "last"}).status_code == 200
    empty = {"q": "", "jurisdiction": "", "state": "", "outlet": "", "sort": "", "topic": " "}
    html = client.get("/articles/", empty).content.decode()
    assert result_count(html) == ALL_ARTICLES


def test_a_very_long_slug_parameter_is_an_error_not_a_crash(client):
    response = client.get("/articles/", {"jurisdiction": "x" * 5000})
    assert response.status_code == 200
    assert "There is no jurisdiction" in response.content.decode()
