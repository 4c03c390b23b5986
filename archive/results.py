"""What a list of articles shows — a page of them, how many match, the facet counts — with
the plan for each chosen by how many articles match.

A term found in most of the archive makes "rank every match" read every body's search vector
(stored out of line, a few microseconds a row) and makes exact facet counts walk every match;
a rare term makes "walk the date index until twenty match" read the whole table. So every list
is first counted — exactly, reading at most twice EXACT_LIMIT matches, or from a sample when
the planner expects more — and the count picks the plan:

- counts: up to EXACT_LIMIT matches (and up to twice that when the planner expects no more)
  the total and every facet count are exact, all from that one statement; above it they are
  estimated from a sample of a few thousand matches (or, for the commonest words in a large
  archive, of a few thousand articles) and shown as "about …";
- relevance: up to RANK_ALL_LIMIT matches every match is ranked (headline words weigh more than
  body words); above it the articles with the words in their headline come first, best headline
  match first, then all the others newest first — and the page says which order it shows.

``ArticleResults`` is also the seam where another search engine would plug in: it takes a
valid ArticleFilter and answers with a page, a tally and facet counts (docs/SCALING.md).
"""

import hashlib
import json
import math
import re
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from archive.alongside import Later, alongside
from archive.caching import cached
from archive.models import (
    SAMPLE_BUCKETS,
    Article,
    ArticleTally,
    Jurisdiction,
    Official,
    Outlet,
    TallyKind,
    Topic,
    finish_snippets,
)
from archive.search import build_query

EXACT_LIMIT = 10_000
# Ranking a list reads every match's full search vector (stored out of line, about 8 µs a
# match with ts_rank): 1,000 matches cost about 8 ms, 2,000 about 17 ms on top of the page.
RANK_ALL_LIMIT = 1_000
# Headline vectors are small and stored in the row: ranking this many headline matches is cheap.
HEADLINE_RANK_LIMIT = 2_000
SAMPLE_ROWS = 3_000
# Up to how many matches a search in date order is found through the words' index and then
# put in order, rather than by walking the date index until a page of matches turns up (which
# reads each walked row's search vector). The planner expects 0.5% of the archive for any
# word it keeps no statistics on (5,000 at 1,000,000 articles), so it walks; for a word in
# 0.05% the walk read 34,000 vectors for one page (310–340 ms a page, against 40).
FEW_MATCHES = 5_000
# Up to how many expected matches a sample is drawn by buckets rather than by pages.
BUCKET_SAMPLE_LIMIT = 200_000
# How far above EXACT_LIMIT a planner's or a sample's estimate must be to be trusted as "more".
# Below that, a count reads up to SURE_ABOVE * EXACT_LIMIT matches (exact_read_limit): a list
# just past EXACT_LIMIT is then counted exactly by the one statement, where stopping at the
# limit would make it pay for that statement and for a sample after it.
SURE_ABOVE = 2
FACET_LIMIT = 10
# Up to how many expected matches of the list without its one chosen facet that list is read
# once for both its part within the facet and the facet's other values. Past it the two are
# counted apart, side by side on two connections (archive/alongside.py): reading 10,000
# matches for the facet took longer than the list's own count, its facets and its ranking.
# The same bound as a read-ahead's, so the list's own estimate is asked past it either way.
APART_ABOVE = SURE_ABOVE * RANK_ALL_LIMIT
FACET_NAMES = ("outlet", "jurisdiction", "state", "official", "topic")
# The article column each facet is counted from.
FACET_COLUMNS = {
    "outlet": "outlet_id",
    "jurisdiction": "place_ids",
    "state": "place_ids",
    "official": "official_ids",
    "topic": "topic_ids",
}


@dataclass(frozen=True)
class Tally:
    """A number of articles, exact or estimated."""

    value: int
    exact: bool = True

    def __str__(self) -> str:
        return f"{self.value:,}" if self.exact else f"about {self.value:,}"

    @classmethod
    def estimate(cls, value: float) -> "Tally":
        """An estimate rounded to two significant figures, so it does not look exact."""
        if value <= 0:
            return cls(0, exact=False)
        digits = max(0, int(math.log10(value)) - 1)
        return cls(int(round(value, -digits)), exact=False)


@dataclass(frozen=True)
class FacetCount:
    slug: str
    name: str
    detail: str
    count: Tally


@dataclass(frozen=True)
class Counts:
    """What one counting of a list found: its tally, its facets' busiest values and, when the
    list was counted for a ranked page and at most RANK_ALL_LIMIT articles match, every
    match's id in relevance order (so no page of it has to find and rank them again); a
    little past that, when asked, every match's id in headline-first order instead."""

    tally: Tally
    facets: dict[str, list[FacetCount]]
    ranked_ids: tuple[int, ...] | None = None
    # Past RANK_ALL_LIMIT and up to headline_first_limit(), when asked: every match's id
    # headline matches first (ranked), then newest first.
    headline_first_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Ranking:
    """The orders a counting statement may list its matches in, each an ORDER BY on the
    article table's columns with its parameters: relevance, and, when asked, headline
    matches first (see Counts)."""

    relevance: tuple[str, tuple]
    headline_first: tuple[str, tuple] | None = None
    # Up to how many matches the headline-first order is listed (headline_first_limit()):
    # part of the ranking, so counts cached for one bound are never read for another.
    headline_first_up_to: int = 0


PLACES = Jurisdiction._meta.db_table
OUTLETS, OFFICIALS, TOPICS = (model._meta.db_table for model in (Outlet, Official, Topic))

# Each facet's busiest values among the articles in ``m``, one fragment per
# facet, so that any set of facets over the same articles is one UNION ALL statement. Each
# fragment runs only when ``{gate}`` holds: past the read limit the statement is only a
# count. The two place facets share one pass over the articles' place ids (``places``).
#
# Thousands of values may be counted (every county, every official); only the busiest ten,
# and any tied with the tenth, are joined with their table for a name: the join is what
# costs, not the count.


def busiest_sql(
    counted: str, table: str, columns: str, tie_break: str, limit: int = FACET_LIMIT
) -> str:
    """The ``limit`` busiest of ``counted`` (rows of ``tag_id``, ``n``), and any tied with the
    last, named from ``table``: ``columns`` of it (``t``), then ``n``, busiest first, ties
    broken by ``tie_break``."""
    return f"""
        SELECT {columns}, c.n
        FROM (
            SELECT tag_id, n, rank() OVER (ORDER BY n DESC) AS place FROM ({counted}) counted
        ) c JOIN {table} t ON t.id = c.tag_id
        WHERE c.place <= {int(limit)}
        ORDER BY c.n DESC, {tie_break} LIMIT {int(limit)}"""


def unnested_counts_sql(column: str, rows: str) -> str:
    """Rows of (``tag_id``, ``n``): how many of ``rows`` (a FROM clause) hold each id of their
    ``column`` array. Unnested in the select list, which the planner expects to give a few
    hundred groups; unnested beside each row, it expected a handful and joined them one by
    one (docs/PERFORMANCE.md, items 11 and 62)."""
    return f"""
        SELECT tag_id, COUNT(*) AS n
        FROM (SELECT unnest({column}) AS tag_id FROM {rows}) ids
        GROUP BY tag_id"""


# How each facet names its values: the table they are rows of, the columns a counted value
# shows (facet, slug, name, detail) and the order of values tied on their count.
FACET_NAMING = {
    "outlet": (OUTLETS, "'outlet', t.slug, t.name, ''", "t.name"),
    "jurisdiction": (PLACES, "'jurisdiction', t.slug, t.name, t.postal_code", "t.name"),
    "state": (PLACES, "'state', t.postal_code, t.name, ''", "t.postal_code"),
    "official": (OFFICIALS, "'official', t.slug, t.name, ''", "t.name"),
    "topic": (TOPICS, "'topic', t.slug, t.name, ''", "t.name"),
}


def facet_sql(facet: str, counted: str) -> str:
    """The facet's busiest values among ``counted`` (rows of ``tag_id``, ``n``), named."""
    return busiest_sql(counted, *FACET_NAMING[facet])


STATE_IDS = f"SELECT id FROM {PLACES} WHERE kind = 'state'"

# What each facet counts among the articles in ``m``: rows of (tag_id, n).
COUNTED_IN_M = {
    "outlet": """
        SELECT m.outlet_id AS tag_id, COUNT(*) AS n FROM m
        WHERE {gate} AND m.outlet_id IS NOT NULL GROUP BY m.outlet_id""",
    "official": unnested_counts_sql("m.official_ids", "m WHERE {gate}"),
    "topic": unnested_counts_sql("m.topic_ids", "m WHERE {gate}"),
    "state": f"SELECT tag_id, n FROM places WHERE tag_id IN ({STATE_IDS})",
    "jurisdiction": f"SELECT tag_id, n FROM places WHERE tag_id NOT IN ({STATE_IDS})",
}
FACET_SQL = {facet: facet_sql(facet, counted) for facet, counted in COUNTED_IN_M.items()}

PLACE_FACETS = {"state", "jurisdiction"}

# Articles per place. An article's place_ids hold the places it is tagged with, the places
# above them and its state, each once.
PLACES_SQL = f"places AS MATERIALIZED ({unnested_counts_sql('m.place_ids', 'm WHERE {gate}')})"


def queryset_without(filterset, name: str | None) -> QuerySet:
    """The filterset's articles with one parameter left out (None: all of them), unordered.

    The filters are applied from the already validated form, so no slug is looked up twice.
    """
    articles = filterset.queryset.all()
    for key, value in filterset.form.cleaned_data.items():
        if key != name:
            articles = filterset.filters[key].filter(articles, value)
    return articles.order_by()


def _counts_sql(
    articles: QuerySet,
    facets: tuple[str, ...],
    *,
    limit: int | None,
    within: tuple[str, list] | None = None,
    alternatives: str | None = None,
    ranking: Ranking | None = None,
) -> tuple[str, list]:
    """One statement: the articles' total, then each facet's busiest values. With a limit,
    at most ``limit`` articles are read, and the facets only counted when all of them were.

    With ``within`` (an SQL condition on the articles' columns, and its parameters), the
    total and the facets are those of the articles meeting it, the articles read are counted
    as "read", and the ``alternatives`` facet is counted over all of them.

    With a ``ranking``, the statement also lists every article it counted in relevance order
    when there are at most RANK_ALL_LIMIT of them, in one row: ('ranked', 'id,id,…', '', '',
    how many); and, when the ranking has a headline-first order, in that order when there are
    more but at most its bound: ('headline_first', 'id,id,…', '', '', how many).
    """
    # Only the columns the facets count from travel through the CTE (with ``within`` all of
    # them: its condition may test any); a state facet counted apart carries the places alone.
    counted = FACET_NAMES if within else facets
    columns = ["pk", *dict.fromkeys(FACET_COLUMNS[name] for name in counted)]
    if ranking:
        # The search vector travels through the CTE as a pointer to its out-of-line value;
        # only ts_rank reads the vector itself, and only when the list is ranked.
        columns += ["published_on", "search_vector"]
        if ranking.headline_first:
            columns.append("headline_vector")  # small, and stored in the row
    sql, params = articles.values(*columns).query.sql_with_params()
    params = list(params)
    read, read_total = ("wide", "wide_total") if within else ("m", "total")
    gate = "TRUE" if limit is None else f"(SELECT n FROM {read_total}) < {limit}"
    capped = sql if limit is None else f"{sql} LIMIT {limit}"
    names = ", ".join(["id", *columns[1:]])
    ctes = [
        f"{read} ({names}) AS MATERIALIZED ({capped})",
        f"{read_total} AS MATERIALIZED (SELECT COUNT(*) AS n FROM {read})",
    ]
    parts = ["SELECT 'total', '', '', '', n FROM total"]
    if within:
        condition, condition_params = within
        ctes += [
            f'm AS MATERIALIZED (SELECT * FROM wide AS "{Article._meta.db_table}" '
            f"WHERE {condition})",
            "total AS MATERIALIZED (SELECT COUNT(*) AS n FROM m)",
        ]
        params += condition_params
        parts.append("SELECT 'read', '', '', '', n FROM wide_total")
    if PLACE_FACETS & set(facets):
        ctes.append(PLACES_SQL.replace("{gate}", gate))
    parts += [f"({FACET_SQL[name].replace('{gate}', gate)})" for name in facets]
    if alternatives:
        # The same fragment over every article read: its own m (and places) shadow the
        # statement's for this part alone.
        inner = ["m AS (SELECT * FROM wide)"]
        if alternatives in PLACE_FACETS:
            inner.append(PLACES_SQL.replace("{gate}", gate))
        fragment = FACET_SQL[alternatives].replace("{gate}", gate)
        parts.append(f"(WITH {', '.join(inner)} {fragment})")
    if ranking:
        order, order_params = ranking.relevance
        parts.append(
            f"SELECT 'ranked', string_agg(id::text, ',' ORDER BY {order}), '', '', COUNT(*) "
            f'FROM m AS "{Article._meta.db_table}" '
            f"WHERE (SELECT n FROM total) <= {RANK_ALL_LIMIT}"
        )
        params += order_params
    if ranking and ranking.headline_first:
        order, order_params = ranking.headline_first
        parts.append(
            "SELECT 'headline_first', string_agg(id::text, ',' ORDER BY "
            f"{order}), '', '', COUNT(*) "
            f'FROM m AS "{Article._meta.db_table}" '
            f"WHERE (SELECT n FROM total) BETWEEN {RANK_ALL_LIMIT + 1} "
            f"AND {ranking.headline_first_up_to} HAVING COUNT(*) > 0"
        )
        params += order_params
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}", params


def _read(rows, scale: float | None) -> Counts:
    def tally(n: int) -> Tally:
        return Tally(n) if scale is None else Tally.estimate(n * scale)

    total, facets, ranked_ids, headline_first_ids = Tally(0), {}, None, None
    for facet, slug, name, detail, n in rows:
        if facet == "total":
            total = tally(n)
        elif facet == "ranked":
            ranked_ids = tuple(map(int, slug.split(","))) if slug else ()
        elif facet == "headline_first":
            headline_first_ids = tuple(map(int, slug.split(",")))
        else:
            facets.setdefault(facet, []).append(FacetCount(slug, name, detail, tally(n)))
    return Counts(total, facets, ranked_ids, headline_first_ids)


# Sent in front of a counting statement. A common term's bitmap must stay exact (one bit per
# row, not per page), or every row on a page is matched against its vector again.
COUNTING_MEMORY = "SET LOCAL work_mem = '32MB'; "


def counting_rows(database: str, sql: str, params: list) -> list[tuple]:
    """The rows of a counting statement, run with the memory its bitmap needs.

    The setting and the statement go as one query string (Django binds psycopg's parameters
    in the client, so one string may hold two statements). Outside a transaction PostgreSQL
    runs such a string as one, so the setting holds for this statement alone, in one round
    trip where a transaction of its own took four; inside one, until it ends.
    """
    with connections[database].cursor() as cursor:
        cursor.execute(COUNTING_MEMORY + sql, params)
        cursor.nextset()
        return cursor.fetchall()


def headline_first_limit() -> int:
    """Up to how many matches a counting statement lists a search headline matches first:
    as far as a page waits on its count (twice RANK_ALL_LIMIT, _ordered_by_count), and no
    further than its headline matches are sure to be few enough to rank."""
    return min(SURE_ABOVE * RANK_ALL_LIMIT, HEADLINE_RANK_LIMIT)


def exact_read_limit() -> int:
    """How many matches an exact count reads before it gives up for a sample."""
    return SURE_ABOVE * EXACT_LIMIT


def exact_counts(
    articles: QuerySet, facets: tuple[str, ...], ranking: Ranking | None = None
) -> Counts | None:
    """The number of articles and the facets' counts, exactly, in one statement — or None
    when more than exact_read_limit() articles match (the statement stops there). With a
    ``ranking``, a list of at most RANK_ALL_LIMIT comes with its ids in that order."""
    limit = exact_read_limit()
    sql, params = _counts_sql(articles, facets, limit=limit + 1, ranking=ranking)
    found = _read(counting_rows(articles.db, sql, params), scale=None)
    return None if found.tally.value > limit else found


def exact_counts_within(
    articles: QuerySet,
    within: tuple[str, list],
    facets: tuple[str, ...],
    alternatives: str,
    ranking: Ranking | None = None,
) -> Counts | None:
    """The counts of the articles meeting ``within`` and the ``alternatives`` facet over all
    ``articles``, exactly, from one reading of them — or None when more than
    exact_read_limit() of them match. ``ranking`` as for exact_counts()."""
    limit = exact_read_limit()
    sql, params = _counts_sql(
        articles,
        facets,
        limit=limit + 1,
        within=within,
        alternatives=alternatives,
        ranking=ranking,
    )
    rows = counting_rows(articles.db, sql, params)
    read = next(n for facet, *_, n in rows if facet == "read")
    if read > limit:
        return None
    found = _read([row for row in rows if row[0] != "read"], scale=None)
    found.facets.setdefault(alternatives, [])
    return found


# In web-search syntax a word is excluded by a minus in front of it.
NEGATION = re.compile(r'(^|[\s"(])-')
# The article table where the statement reads it, followed by a condition or a join: a list
# with no condition at all is the whole archive, counted from the tally and never sampled.
MAIN_TABLE = re.compile(rf'FROM "{Article._meta.db_table}"(?=\s)')


def page_sampled_counts(articles: QuerySet, facets: tuple[str, ...]) -> Counts:
    """Estimates from about SAMPLE_ROWS articles on pages picked at random (the same pages
    every time, so a page reloaded shows the same figures)."""
    # The archive's size from the tally: exact, where the planner's figure is -1 until the
    # table's first ANALYZE and counting the articles instead read all of them.
    size = ArticleTally.objects.using(articles.db).archive_size()
    percent = min(100.0, 100.0 * SAMPLE_ROWS / max(size, 1))
    sql, params = _counts_sql(articles, facets, limit=None)
    sql = MAIN_TABLE.sub(
        f'FROM "{Article._meta.db_table}" TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (0)',
        sql,
        count=1,
    )
    with connections[articles.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _read(rows, scale=100.0 / percent)


TALLY = ArticleTally._meta.db_table


def _tallied_sql(kind: TallyKind, condition: str = "TRUE") -> str:
    return (
        f"SELECT tag_id, articles AS n FROM {TALLY} "
        f"WHERE kind = '{kind.value}' AND articles > 0 AND {condition}"
    )


# What each facet counts over the whole archive, as the tally keeps it: rows of (tag_id, n).
TALLIED = {
    "outlet": _tallied_sql(TallyKind.OUTLET),
    "official": _tallied_sql(TallyKind.OFFICIAL),
    "topic": _tallied_sql(TallyKind.TOPIC),
    "state": _tallied_sql(TallyKind.PLACE, f"tag_id IN ({STATE_IDS})"),
    "jurisdiction": _tallied_sql(TallyKind.PLACE, f"tag_id NOT IN ({STATE_IDS})"),
}


def whole_archive_counts(listing: "PlannedList", facets: tuple[str, ...]) -> Counts:
    """The whole archive's size and its facets' busiest values, exactly, read from the tally
    kept as articles are written (``ArticleTally``). Counted, they would read every article;
    estimated from a sample of pages they took 10 ms at 100,000 articles, and were shown as
    "about 100,000"."""
    size = Tally(int(listing.expected))
    if not facets:
        return Counts(size, {})
    sql = " UNION ALL ".join(f"({facet_sql(name, TALLIED[name])})" for name in facets)
    with connections[listing.articles.db].cursor() as cursor:
        cursor.execute(sql)
        return Counts(size, _read(cursor.fetchall(), scale=None).facets)


def bucket_sampled_counts(articles: QuerySet, facets: tuple[str, ...], expected: float) -> Counts:
    """Estimates from the matches in enough sample buckets to hold about SAMPLE_ROWS of the
    ``expected`` matches (the same buckets for the same query, so a page reloaded shows the
    same figures)."""
    wanted = SAMPLE_BUCKETS * SAMPLE_ROWS / max(expected, 1.0)
    buckets = max(1, min(SAMPLE_BUCKETS, math.ceil(wanted)))
    sql, params = _counts_sql(articles.in_sample_buckets(buckets), facets, limit=None)
    return _read(counting_rows(articles.db, sql, params), scale=SAMPLE_BUCKETS / buckets)


def sampled_counts(articles: QuerySet, facets: tuple[str, ...], expected: float) -> Counts:
    """Estimates of the counts, from a sample of the articles.

    A sample of buckets is found in the scan of the words' GIN index, which steps through
    the words' lists guided by the buckets' keys, and then reads the sampled matches only;
    sampled pages read a fixed number of articles, each one's stored search vector with it
    (about 6 µs an article). Past BUCKET_SAMPLE_LIMIT expected matches the two cost about
    the same (docs/PERFORMANCE.md, item 33), and pages do not grow with the words' lists.
    """
    if expected <= BUCKET_SAMPLE_LIMIT:
        return bucket_sampled_counts(articles, facets, expected)
    return page_sampled_counts(articles, facets)


def ids_statement(articles: QuerySet) -> tuple[str, tuple]:
    """The SELECT of the articles' ids, with its parameters: a list's identity for the cache,
    and what the planner is asked about. Compiling it is a few tenths of a millisecond for a
    search, so a caller that needs it twice compiles it once."""
    return articles.values("pk").query.sql_with_params()


def planned_rows(articles: QuerySet, statement: tuple[str, tuple] | None = None) -> float:
    """How many rows the planner expects the articles to be (no row is read); ``statement``
    is their ids_statement() when the caller has it already."""
    sql, params = statement or ids_statement(articles)
    with connections[articles.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


class PlannedList:
    """A list of articles with what every count of it starts from, each worked out once
    however many counts a page draws from the list: its ids_statement() (the cache's key) and
    the planner's estimate of its length (a statement of its own, asked only when needed).
    A list with no condition at all is the whole archive, whose length the tally knows."""

    def __init__(self, articles: QuerySet):
        # Counted unordered: a list's order (a place's, newest first) had every match sorted
        # before the count could stop at its read limit, and no count needs it.
        self.articles = articles.order_by()
        self.statement = ids_statement(self.articles)
        self.whole_archive = not self.articles.query.where

    @cached_property
    def expected(self) -> float:
        if self.whole_archive:
            return ArticleTally.objects.using(self.articles.db).archive_size()
        return planned_rows(self.articles, self.statement)


def measured_counts(
    listing: PlannedList, facets: tuple[str, ...], ranking: Ranking | None = None
) -> Counts:
    """Exact counts when at most EXACT_LIMIT articles match (and up to exact_read_limit()
    when the planner expects no more), estimates otherwise; exact for the whole archive at any
    size, from the tally.

    Trying the exact count first costs reading exact_read_limit() + 1 rows whenever more
    match, so when the planner expects more the sample goes first, and its answer is kept only
    when it, too, is above that (a sample of pages can miss matches clustered on a few).
    ``ranking`` as for exact_counts().
    """
    if listing.whole_archive and ranking is None:
        return whole_archive_counts(listing, facets)
    articles, expected, estimate = listing.articles, listing.expected, None
    if expected > exact_read_limit():
        estimate = sampled_counts(articles, facets, expected)
        if estimate.tally.value > exact_read_limit():
            return estimate
    return (
        exact_counts(articles, facets, ranking)
        or estimate
        or sampled_counts(articles, facets, max(expected, exact_read_limit()))
    )


def counts(listing: PlannedList, facets: tuple[str, ...], ranking: Ranking | None = None) -> Counts:
    """The list's tally and facet counts (and ranked ids, as for exact_counts()); the next
    page of the same search reuses them until the archive changes
    (settings.ARCHIVE_COUNTS_CACHE_SECONDS)."""
    key = hashlib.sha256(repr((listing.statement, facets, ranking)).encode()).hexdigest()
    return cached(
        f"counts:{key}",
        lambda: measured_counts(listing, facets, ranking),
        settings.ARCHIVE_COUNTS_CACHE_SECONDS,
        shared=False,
    )


class ListPaginator(Paginator):
    """Django's paginator, except that a page after the first with nothing on it is out of
    range, as a page past the count is: an estimated count ("about 850,000") can promise a few
    pages more than there are. The HTML lists and the API answer it with a 404, the admin
    with its own notice of a page out of range."""

    def page(self, number):
        page = super().page(number)
        if page.number > 1 and not page.object_list:
            raise EmptyPage("There is no such page of results.")
        return page


class EstimatingPaginator(ListPaginator):
    """Pages of a queryset counted as a search's list is: exactly up to EXACT_LIMIT articles,
    estimated from a sample above it (``tally`` says which), where an exact count of a tag
    or a word in a tenth of the archive reads every one of its articles (0.1–4 s at
    1,000,000). For the editors' list, and for the tag pages when they do not know their count;
    an outlet's, official's or topic's page knows it from its links, a place's from the figures
    it keeps. The last articles of a long list are the first of the reverse order.

    ``known_count``: the list's exact length when the caller has it already, without reading
    the list (a tag's links, ``article_count``; a place's kept figures, ``place_figures``)."""

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def tally(self) -> Tally:
        if self.known_count is not None:
            return Tally(self.known_count)
        try:
            listing = PlannedList(self.object_list)
        except EmptyResultSet:  # a filter that can match nothing compiles to no statement
            return Tally(0)
        return counts(listing, facets=()).tally

    @cached_property
    def count(self) -> int:
        return self.tally.value


def filter_condition(filterset, name: str, database: str) -> tuple[str, list]:
    """One parameter's filter as an SQL condition on the article table's columns."""
    value = filterset.form.cleaned_data[name]
    narrowed = filterset.filters[name].filter(Article.objects.all(), value)
    return narrowed.query.get_compiler(using=database).compile(narrowed.query.where)


def counts_with_alternatives(
    filterset,
    name: str,
    wider: PlannedList,
    facets: tuple[str, ...],
    ranking: Ranking | None = None,
) -> Counts | None:
    """The list's tally and facets, and the alternatives of its one chosen facet, from one
    statement: the list is the part of the ``wider`` list (without that facet) meeting its
    filter, so when the wider list is expected to be short (APART_ABOVE, and within
    exact_read_limit()) it is read once for both. None otherwise: the two are then counted
    apart, side by side. ``ranking`` as for exact_counts()."""
    if wider.expected > min(APART_ABOVE, exact_read_limit()):
        return None
    within = filter_condition(filterset, name, wider.articles.db)
    parts = (wider.statement, within, facets, name, ranking)
    key = hashlib.sha256(repr(parts).encode()).hexdigest()
    return cached(
        f"counts-within:{key}",
        lambda: exact_counts_within(wider.articles, within, facets, name, ranking),
        settings.ARCHIVE_COUNTS_CACHE_SECONDS,
        shared=False,
    )


@dataclass(frozen=True)
class PageAhead:
    """A page's rows being read beside the count, in the ranking predicted before it."""

    start: int
    stop: int
    ranking: str
    rows: "Future[list[Article]] | Later[list[Article]]"


def _order_sql(ordering: list, database: str) -> tuple[str, tuple]:
    """An ORDER BY compiled on the article table's columns, with its parameters."""
    compiler = Article.objects.order_by(*ordering).query.get_compiler(using=database)
    order = [(sql, params) for _, (sql, params, _) in compiler.get_order_by()]
    return ", ".join(sql for sql, _ in order), tuple(p for _, params in order for p in params)


@lru_cache(maxsize=1024)
def relevance_order_sql(text: str, database: str) -> tuple[str, tuple]:
    """search()'s relevance ORDER BY for this query. It depends on the text alone, and
    compiling it through the ORM took about half a millisecond of every page in relevance
    order."""
    return _order_sql(Article.objects.relevance_ordering(build_query(text)), database)


@lru_cache(maxsize=1024)
def headline_first_order_sql(text: str, database: str) -> tuple[str, tuple]:
    """The headline-first order as one ORDER BY: the articles with the words in their
    headline, best headline match first, then the others newest first (what
    ArticleResults.ordered() lists as two querysets)."""
    query = build_query(text)
    in_headline = Q(headline_vector=query)
    return _order_sql(
        [
            ExpressionWrapper(in_headline, output_field=BooleanField()).desc(),
            Case(
                When(in_headline, then=SearchRank(F("headline_vector"), query)),
                default=Value(0.0),
                output_field=FloatField(),
            ).desc(),
            *Article.objects.newest_first_ordering(),
        ],
        database,
    )


class ArticleResults:
    """The matches of a valid ArticleFilter, in the order it asks for, with their counts.

    Sliced like a list (a Paginator takes it as its object list); only the slice asked for
    is read from the database.
    """

    def __init__(self, filterset, *, facets: bool = False):
        """``facets``: whether the caller will show facet_counts(). A chosen facet's values
        that are counted apart are then counted on a second connection while the list's own
        count runs (archive/alongside.py); without it they are counted when asked for, so a
        caller that shows no facet (the CSV export) starts no work it will not use."""
        self.filterset = filterset
        self.query = build_query(filterset.query_text)
        self.order = filterset.order
        self.facets_wanted = facets
        self._lists: dict[str | None, PlannedList] = {}
        self._counted_apart: dict[str, Future[Counts] | Later[Counts]] = {}
        self._wanted_page: tuple[int, int] | None = None
        self._page_ahead: PageAhead | None = None

    def read_ahead(self, page: str | None, per_page: int) -> None:
        """Have the rows of this page (its number as the request gave it) read on the second
        connection while the list is counted, when their order does not wait on the count
        (archive/alongside.py). Asked before the count, by a view that will show the page."""
        number = str(page or 1)
        if number.isdigit() and int(number) >= 1:
            start = (int(number) - 1) * per_page
            self._wanted_page = (start, start + per_page)

    def _list_without(self, name: str | None) -> PlannedList:
        """The list without one parameter (None: the list itself), planned once a page: the
        chosen facet's wider list serves both the attempt to count it with the list and, when
        that is too large, its own count."""
        if name not in self._lists:
            self._lists[name] = PlannedList(queryset_without(self.filterset, name))
        return self._lists[name]

    @cached_property
    def _main(self) -> Counts:
        # The facets whose own parameter is unused are counted over the list itself, in the
        # same statement as the list's total; with one facet chosen, its alternatives too
        # when the list without it is short (APART_ABOVE). A list in relevance order is
        # ranked by that statement too when it is short enough to rank whole, and put
        # headline matches first by it when a little longer (_ordered_by_count).
        chosen = self._chosen
        self._start_reading_ahead()
        facets = tuple(name for name in FACET_NAMES if name not in chosen)
        ranking = self._ranking()
        if len(chosen) == 1:
            wider = self._list_without(chosen[0])
            found = counts_with_alternatives(self.filterset, chosen[0], wider, facets, ranking)
            if found is not None:
                return found
        if self.facets_wanted:
            for name in chosen:
                self._count_apart(name)
        return counts(self._list_without(None), facets, ranking)

    def _count_apart(self, name: str) -> "Future[Counts] | Later[Counts]":
        """The chosen facet's values, counted over the list without its own parameter: on
        the second connection from the moment this is first asked, so that the list's own
        count, on this one, runs meanwhile."""
        if name not in self._counted_apart:
            wider = self._list_without(name)
            self._counted_apart[name] = alongside(wider.articles.db, lambda: counts(wider, (name,)))
        return self._counted_apart[name]

    @cached_property
    def _chosen(self) -> list[str]:
        """The facets whose own parameter is in use."""
        return [name for name in FACET_NAMES if self.filterset.form.cleaned_data.get(name)]

    def _bound(self) -> PlannedList:
        # With one facet chosen the count first looks at the list without it, which holds the
        # list: its estimate bounds the list's.
        chosen = self._chosen
        return self._list_without(chosen[0] if len(chosen) == 1 else None)

    @cached_property
    def _ordered_by_count(self) -> bool:
        """Whether a search may be short enough, at most twice RANK_ALL_LIMIT matches, for its
        counting statement to put it in order itself: ranked whole up to RANK_ALL_LIMIT,
        headline matches first past it. Such a list's page waits on its count; a longer one's
        is read ahead while it is counted. Only estimates the count asks for anyway are used:
        within one chosen facet, the list's own only past APART_ABOVE, where the count asks
        it. Worked out on the request's thread, before any page is read ahead."""
        if self.order != "relevance" or self.query is None:
            return False
        short = SURE_ABOVE * RANK_ALL_LIMIT
        return self._bound().expected <= short or self._list_without(None).expected <= short

    def _start_reading_ahead(self) -> None:
        """Start reading the wanted page on the second connection when its order is known
        before the count: always for a list not in relevance order; for a search, when the
        planner expects more than twice RANK_ALL_LIMIT matches, which are then ranked
        headline matches first."""
        if self._wanted_page is None:
            return
        start, stop = self._wanted_page
        bound = self._bound()
        if start >= bound.expected:
            return  # most likely past the end, which the paginator answers without reading
        ranking = ""
        if self.order == "relevance" and self.query is not None:
            if self._ordered_by_count:
                return
            ranking = "headline_first"
        rows = alongside(bound.articles.db, lambda: self._page(start, stop, ranking))
        self._page_ahead = PageAhead(start, stop, ranking, rows)

    def _ranking(self) -> Ranking | None:
        """The orders the counting statement may list the matches in, or None when the list
        is not in relevance order; headline-first only for a list whose page waits on its
        count (``_ordered_by_count``)."""
        if self.order != "relevance" or self.query is None:
            return None
        text, database = self.filterset.query_text, self.filterset.queryset.db
        relevance = relevance_order_sql(text, database)
        if not self._ordered_by_count:
            return Ranking(relevance)
        headline_first = headline_first_order_sql(text, database)
        return Ranking(relevance, headline_first, headline_first_limit())

    def _headline_first_ids(self) -> tuple[int, ...] | None:
        """The list in headline-first order as its counting statement listed it, or None.
        Asked only of a list whose page is not read ahead, so never from the second thread
        while the count runs on this one."""
        return self._main.headline_first_ids if self._ordered_by_count else None

    @property
    def tally(self) -> Tally:
        return self._main.tally

    def count(self) -> int:
        return self.tally.value

    def __len__(self) -> int:
        return self.count()

    @property
    def ranking(self) -> str:
        """How relevance is decided for this list: "relevance" (every match ranked),
        "headline_first" (headline matches ranked first, then newest), or "" when the list is
        not in relevance order."""
        if self.order != "relevance" or self.query is None:
            return ""
        if self.tally.exact and self.tally.value <= RANK_ALL_LIMIT:
            return "relevance"
        return "headline_first"

    def facet_counts(self) -> dict[str, list[FacetCount]]:
        """Per facet, its busiest values, counted over the list without the facet's own
        parameter (so a facet's values read like check boxes)."""
        found = dict(self._main.facets)
        for name in FACET_NAMES:
            if name not in found and self.filterset.form.cleaned_data.get(name):
                found[name] = self._count_apart(name).result().facets.get(name, [])
        return {name: found.get(name, []) for name in FACET_NAMES}

    def _headline_matches(self) -> QuerySet:
        # A headline holding the words means the article does, unless the query excludes a
        # word (which the body may hold): only then is the body's vector read as well.
        negated = NEGATION.search(self.filterset.query_text)
        articles = queryset_without(self.filterset, "sort" if negated else "q")
        return articles.filter(headline_vector=self.query).order_by()

    @cached_property
    def headline_matches_ranked(self) -> bool:
        """Whether the headline matches of a headline-first list are ranked, best first.

        When the planner expects more than HEADLINE_RANK_LIMIT of them they come newest first
        instead: ranking 42,000 headlines holding "ICE" read every one of them for each page
        (200 ms at 1,000,000 articles), and a one-word query ranks nearly all headlines the
        same anyway. A list its counting statement put in order has them ranked.
        """
        if self._headline_first_ids() is not None:
            return True
        return planned_rows(self._headline_matches()) <= HEADLINE_RANK_LIMIT

    def ordered(self) -> list[QuerySet]:
        """The list as querysets whose rows, one queryset after the other, are in the list's
        order (``_walked``), or its ranked ids in one."""
        listed = self._listed_ids(self.ranking)
        if listed is not None:
            return [self._in_order(listed)]
        return self._walked(self.ranking)

    def _listed_ids(self, ranking: str) -> tuple[int, ...] | None:
        """Every match's id in this order as the counting statement listed it (ranked whole,
        or headline matches first), so that it is not found and ranked again; None when the
        statement did not list it."""
        if ranking == "relevance":
            return self._main.ranked_ids
        if ranking == "headline_first":
            return self._headline_first_ids()
        return self._few_in_date_order

    @cached_property
    def _few_in_date_order(self) -> tuple[int, ...] | None:
        """Every match's id in date order, for a search of at most FEW_MATCHES matches that
        the planner, too, expects to be short (past that it knows the words, and a walk of
        the date index finds a page of them soon); None otherwise."""
        if self.query is None or self._bound().expected > SURE_ABOVE * FEW_MATCHES:
            return None
        matches = queryset_without(self.filterset, "sort").values_list("pk", flat=True)
        found = list(matches[: FEW_MATCHES + 1])
        if len(found) > FEW_MATCHES:
            return None
        in_order = self.filterset.queryset.filter(pk__in=found)
        in_order = in_order.oldest() if self.order == "oldest" else in_order.newest()
        return tuple(in_order.values_list("pk", flat=True))

    def _walked(self, ranking: str) -> list[QuerySet]:
        """The list as querysets to walk in order, for a list its counting statement did not
        list: one, or for headline-first relevance the headline matches, then the rest, or
        for the oldest first the dated articles, then the undated."""
        if ranking != "headline_first":
            if self.order == "oldest":
                return queryset_without(self.filterset, "sort").oldest_in_parts()
            return [self.filterset.qs]
        articles = queryset_without(self.filterset, "sort")
        newest_first = Article.objects.newest_first_ordering()
        in_headline = self._headline_matches()
        if self.headline_matches_ranked:
            in_headline = in_headline.alias(
                headline_rank=SearchRank(F("headline_vector"), self.query)
            ).order_by("-headline_rank", *newest_first)
        else:
            in_headline = in_headline.order_by(*newest_first)
        rest = articles.exclude(headline_vector=self.query).order_by(*newest_first)
        return [in_headline, rest]

    def _in_order(self, ids: tuple[int, ...]) -> QuerySet:
        """The articles with these ids, in this order."""
        position = Func(
            Value(list(ids), output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
        return self.filterset.queryset.filter(pk__in=ids).order_by(position)

    def __getitem__(self, index: slice) -> list[Article]:
        if not isinstance(index, slice):
            raise TypeError("ArticleResults is read a page (a slice) at a time")
        start, stop = index.start or 0, index.stop
        ahead = self._page_ahead
        if ahead and ahead.start == start and stop <= ahead.stop and ahead.ranking == self.ranking:
            return ahead.rows.result()[: stop - start]
        return self._page(start, stop, self.ranking)

    def _page(self, start: int, stop: int, ranking: str) -> list[Article]:
        listed = self._listed_ids(ranking)
        if listed is not None:
            return self._rows(listed[start:stop])
        # Ids first, rows after: a walk of the newest index then reads only the index (and,
        # for headline matches, the headlines' vectors included in it), never the rows.
        ids: list[int] = []
        skipped = 0  # rows of the earlier querysets that lie before the slice
        for queryset in self._walked(ranking):
            pks = queryset.values_list("pk", flat=True)
            wanted = stop - start - len(ids)
            offset = max(0, start - skipped)
            found = list(pks[offset : offset + wanted])
            ids += found
            if len(ids) == stop - start:
                break
            # Short of the page: this queryset has ended. Its length places the next one.
            skipped += offset + len(found) if found or offset == 0 else pks.count()
        return self._rows(ids)

    def _rows(self, ids) -> list[Article]:
        """The articles with these ids, in this order, as a card shows them: for a search,
        each with its ``snippet``, drawn in the same statement."""
        if not ids:
            return []  # building the statement only to find it empty cost 0.45 ms
        text = self.filterset.query_text
        rows = self.filterset.queryset.filter(pk__in=ids).order_by().with_snippets(text).in_bulk()
        finish_snippets(rows.values(), text)
        return [rows[pk] for pk in ids if pk in rows]
