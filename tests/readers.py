"""Read what each surface of the article list returns, as slugs in the order given.

The same parameters go to /articles/ (HTML, page by page), /api/articles/ (JSON, following
``next``), /articles.csv and /feeds/articles/; these helpers turn each answer back into the
list of article slugs so the tests can compare them; and which counting statements a page
sent to the database.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from urllib.parse import urlsplit

from archive.results import COUNTING_MEMORY

ATOM = "{http://www.w3.org/2005/Atom}"
_CARD_LINK = re.compile(r'<h3 class="card__headline"><a href="/articles/([^/?]+)/')


def slug_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def card_slugs(html: str) -> list[str]:
    """The slugs of the article cards on an HTML list, in their order."""
    return _CARD_LINK.findall(html)


def counting_statement(sql: str) -> str | None:
    """A statement that counted a list (archive/results.py) without the setting sent in front
    of it, or None for any other statement."""
    statement = sql.removeprefix(COUNTING_MEMORY)
    return statement if statement.startswith(("WITH m ", "WITH wide ")) else None


def counting_statements(queries) -> list[str]:
    """The statements that counted a list, from a CaptureQueriesContext."""
    found = (counting_statement(q["sql"]) for q in queries.captured_queries)
    return [statement for statement in found if statement]


def html_page(client, params: dict, page: int = 1) -> tuple[list[str], bool]:
    """One page of the HTML list: its slugs, and whether a next page is linked."""
    response = client.get("/articles/", {**params, "page": page})
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return card_slugs(html), 'rel="next"' in html


def html_slugs(client, params: dict) -> list[str]:
    slugs, page, more = [], 1, True
    while more:
        found, more = html_page(client, params, page)
        slugs += found
        page += 1
    return slugs


def api_pages(client, params: dict) -> list[dict]:
    """Every page of the API list, following ``next`` links as a script would."""
    response = client.get("/api/articles/", params)
    pages = []
    while True:
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        pages.append(response.json())
        if not pages[-1]["next"]:
            return pages
        response = client.get(pages[-1]["next"])


def api_slugs(client, params: dict) -> list[str]:
    return [item["slug"] for page in api_pages(client, params) for item in page["results"]]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def csv_slugs(client, params: dict) -> list[str]:
    return [row["slug"] for row in csv_rows(client.get("/articles.csv", params))]


def feed_entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def feed_slugs(client, params: dict) -> list[str]:
    entries = feed_entries(client.get("/feeds/articles/", params))
    return [slug_of(entry.find(f"{ATOM}link").get("href")) for entry in entries]


def own_statements(queries) -> list[str]:
    """The statements a page sent, without the shared figures cache's own: its reads and
    writes, and the savepoint each write takes inside a test's transaction. Those are a few
    per figure drawn, whatever the archive's size (tests/test_caching.py)."""
    from django.conf import settings

    table = settings.CACHES["shared"]["LOCATION"]
    return [
        q["sql"]
        for q in queries
        if table not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@contextmanager
def at_most_own_statements(limit: int):
    """As pytest-django's django_assert_max_num_queries, counting only own_statements()."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        yield
    own = own_statements(queries.captured_queries)
    assert len(own) <= limit, f"{len(own)} statements, at most {limit} expected:\n" + "\n".join(own)
