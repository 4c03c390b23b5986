"""Full-text search helpers shared by the querysets, the views and the templates.

One text-search configuration serves the stored vector, the query and the headline: if they
differed, "detainers" would match "detainer" but the snippet would not mark it.
"""

from django.contrib.postgres.search import SearchQuery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "english"

# Private-use characters never found in stored text (text.clean_body removes them), so
# ts_headline output can be escaped first and the markers turned into <mark> afterwards.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


# Highlighting cost grows with the number of query terms, steeply for phrases on PostgreSQL
# before 18 (a 32-word phrase: 1.5 s per long article on 15): a pasted paragraph must not tie
# up the database. Twenty words still hold a quoted sentence long enough to find its source.
MAX_QUERY_WORDS = 20
MAX_QUERY_CHARS = 200


def normalize_query_text(text: str | None) -> str:
    """The query as the database may see it: no NUL bytes (psycopg refuses them), trimmed,
    at most MAX_QUERY_WORDS words and MAX_QUERY_CHARS characters."""
    if not text:
        return ""
    text = text.replace("\x00", " ").replace(MARK_START, "").replace(MARK_STOP, "")
    return " ".join(text.split()[:MAX_QUERY_WORDS])[:MAX_QUERY_CHARS].strip()


def is_shortened(text: str | None) -> bool:
    """Whether normalize_query_text had to drop part of this query."""
    return bool(text) and normalize_query_text(text) != " ".join(text.split())


def build_query(text: str | None) -> SearchQuery | None:
    """A web-search-syntax query (words, "a phrase", or, -excluded), or None when blank."""
    text = normalize_query_text(text)
    if not text:
        return None
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def render_marked(text: str) -> SafeString:
    """Escape stored text, then let only the search markers through, as <mark>."""
    escaped = escape(text)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))
