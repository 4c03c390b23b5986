"""Every matching article as CSV, streamed, for spreadsheets and notebooks.

The export runs the list's own ``ArticleFilter`` and keeps its order, but is not paginated:
it walks the whole match set with a server-side cursor, a chunk of rows at a time, with each
chunk's tags fetched in one query per tag kind, so memory stays flat however many articles
match. Text fields are never loaded (the export has no body), which keeps the chunks small.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; news text
can start that way ("-30-", "@ICE said"), and a hostile text could carry a real formula. Such
cells get a leading apostrophe, the usual way to say "this is text".
"""

import csv
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from archive.filters import ArticleFilter
from archive.models import Article, ArticleQuerySet, Jurisdiction, Official, Topic

# Rows fetched per round trip: large enough that the four queries per chunk are cheap, small
# enough that a chunk of articles with their tags is a few megabytes at most.
CHUNK_SIZE = 1000

# UTF-8 with a byte-order mark: without it Excel reads the file as the local code page and
# mangles every curly quote and accented name.
BOM = "\ufeff"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    "slug",
    "url",
    "headline",
    "published",
    "date_uncertain",
    "headline_uncertain",
    "is_excerpt",
    "outlet",
    "byline",
    "source_url",
    "jurisdictions",
    "officials",
    "topics",
]

EXPORT_FIELDS = [
    "slug",
    "headline",
    "published_on",
    "date_precision",
    "date_uncertain",
    "headline_uncertain",
    "is_excerpt",
    "byline",
    "source_url",
    "outlet__name",
]


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_queryset(articles: ArticleQuerySet) -> ArticleQuerySet:
    """The matching articles with what a row needs and nothing more (no text fields)."""
    return (
        articles.select_related("outlet")
        .only(*EXPORT_FIELDS)
        .prefetch_related(
            Prefetch(
                "jurisdictions",
                queryset=Jurisdiction.objects.only("name", "kind", "postal_code").order_by(
                    "kind", "name"
                ),
            ),
            Prefetch("officials", queryset=Official.objects.only("name").order_by("name", "pk")),
            Prefetch("topics", queryset=Topic.objects.only("name").order_by("name")),
        )
    )


def article_row(article: Article, absolute_url: Callable[[str], str]) -> list[str]:
    published = article.published
    cells = [
        article.slug,
        absolute_url(article.get_absolute_url()),
        article.headline,
        published.iso() if published else "",
        "true" if article.date_uncertain else "false",
        "true" if article.headline_uncertain else "false",
        "true" if article.is_excerpt else "false",
        article.outlet.name if article.outlet else "",
        article.byline,
        article.source_url,
        "; ".join(str(place) for place in article.jurisdictions.all()),
        "; ".join(official.name for official in article.officials.all()),
        "; ".join(topic.name for topic in article.topics.all()),
    ]
    return [neutralise(cell) for cell in cells]


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    articles: Iterable[Article],
    absolute_url: Callable[[str], str],
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The CSV text, a chunk of rows at a time, starting with the BOM and the header."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(COLUMNS)
    lines = []
    for article in articles:
        lines.append(writer.writerow(article_row(article, absolute_url)))
        if len(lines) >= chunk_size:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def filter_errors_text(filterset: ArticleFilter) -> str:
    """The form's errors as plain text, one parameter a line: for the CSV and the feed."""
    lines = [
        f"{name}: {message}"
        for name, messages in filterset.errors.get_json_data().items()
        for message in (m["message"] for m in messages)
    ]
    return "These parameters could not be used:\n" + "\n".join(lines) + "\n"


def bad_parameters(filterset: ArticleFilter) -> HttpResponse:
    return HttpResponse(
        filter_errors_text(filterset), status=400, content_type="text/plain; charset=utf-8"
    )


def articles_csv(request: HttpRequest) -> HttpResponse:
    """/articles.csv?…: every article the same parameters list on /articles/, in that order."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        return bad_parameters(filterset)
    articles = export_queryset(filterset.qs).iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(
        (
            chunk.encode()
            for chunk in csv_chunks(articles, request.build_absolute_uri, chunk_size=CHUNK_SIZE)
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, "articles.csv")
    return response
