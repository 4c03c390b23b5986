"""Every matching article as CSV, streamed, for spreadsheets and notebooks.

The export runs the list's own ``ArticleFilter`` and keeps its order, but is not paginated:
it walks the whole match set with a server-side cursor, a chunk of rows at a time, with each
chunk's tags fetched in one query per tag kind, so memory stays flat however many articles
match (bench/csv_memory.py measures it). Text fields are never loaded: the export has no body.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; news text
can start that way ("-30-", "@ICE said"), and a hostile text could carry a real formula. Such
cells get a leading apostrophe, the usual way to say "this is text".
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import batched

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from archive.dates import DatePrecision, PartialDate
from archive.filters import ArticleFilter
from archive.models import Article, ArticleQuerySet, Jurisdiction, page_path
from archive.results import ArticleResults

# Rows fetched per round trip: large enough that the four queries per chunk are few, small
# enough that a chunk with its tags stays well under a megabyte.
CHUNK_SIZE = 500

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

EXPORT_FIELDS = (
    "pk",
    "slug",
    "headline",
    "published_on",
    "date_precision",
    "date_uncertain",
    "headline_uncertain",
    "is_excerpt",
    "outlet__name",
    "byline",
    "source_url",
)


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def tag_names(article_ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """Per tag kind, the names each article is tagged with: one query per kind.

    Places are named as everywhere else in the archive ("Wake County, NC"), in the order of
    the article page (states, then counties, then cities).
    """
    names: dict[str, dict[int, list[str]]] = {
        "jurisdictions": defaultdict(list),
        "officials": defaultdict(list),
        "topics": defaultdict(list),
    }
    places = (
        Article.jurisdictions.through.objects.filter(article_id__in=article_ids)
        .order_by("jurisdiction__kind", "jurisdiction__name", "jurisdiction_id")
        .values_list(
            "article_id", "jurisdiction__name", "jurisdiction__kind", "jurisdiction__postal_code"
        )
    )
    for article_id, name, kind, postal_code in places:
        place = Jurisdiction(name=name, kind=kind, postal_code=postal_code)
        names["jurisdictions"][article_id].append(str(place))
    for relation, target in (("officials", "official"), ("topics", "topic")):
        links = (
            getattr(Article, relation)
            .through.objects.filter(article_id__in=article_ids)
            .order_by(f"{target}__name", f"{target}_id")
            .values_list("article_id", f"{target}__name")
        )
        for article_id, name in links:
            names[relation][article_id].append(name)
    return names


def export_rows(
    articles: ArticleQuerySet, absolute_url: Callable[[str], str], chunk_size: int
) -> Iterator[list[str]]:
    """One list of cells per article, in the queryset's order, a chunk at a time.

    Plain tuples from a server-side cursor rather than model instances: an export needs no
    behaviour, and a chunk of tuples is a fraction of the memory of prefetched instances.
    """
    rows = articles.values_list(*EXPORT_FIELDS, named=True).iterator(chunk_size=chunk_size)
    for chunk in batched(rows, chunk_size):
        tags = tag_names([row.pk for row in chunk])
        for row in chunk:
            published = (
                PartialDate(row.published_on, DatePrecision(row.date_precision)).iso()
                if row.published_on and row.date_precision
                else ""
            )
            cells = [
                row.slug,
                absolute_url(page_path("archive:article", row.slug)),
                row.headline,
                published,
                "true" if row.date_uncertain else "false",
                "true" if row.headline_uncertain else "false",
                "true" if row.is_excerpt else "false",
                row.outlet__name or "",
                row.byline,
                row.source_url,
                *(
                    "; ".join(tags[kind][row.pk])
                    for kind in ("jurisdictions", "officials", "topics")
                ),
            ]
            yield [neutralise(cell) for cell in cells]


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[str]], chunk_size: int) -> Iterator[str]:
    """The CSV text, ``chunk_size`` rows at a time, starting with the BOM and the header."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(COLUMNS)
    lines = []
    for row in rows:
        lines.append(writer.writerow(row))
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
    # In the list's own order, which for a search matching thousands is in two parts.
    rows = (
        row
        for articles in ArticleResults(filterset).ordered()
        for row in export_rows(articles, request.build_absolute_uri, CHUNK_SIZE)
    )
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in csv_chunks(rows, CHUNK_SIZE)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, "articles.csv")
    return response
