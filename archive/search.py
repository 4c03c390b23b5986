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


def normalize_query_text(text: str | None) -> str:
    """The query as the database may see it: no NUL bytes (psycopg refuses them), trimmed."""
    if not text:
        return ""
    return text.replace("\x00", " ").replace(MARK_START, "").replace(MARK_STOP, "").strip()


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
