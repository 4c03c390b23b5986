"""The archive's data: articles and the tags that describe them.

Jurisdictions form a shallow tree (state > county > city, a city may also sit directly under
its state), so "everything inside Maryland" is at most two parent hops away and is expressed
with plain joins rather than a recursive query.
"""

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    Greatest,
    JSONObject,
    Mod,
    Substr,
    Upper,
)
from django.db.models.lookups import Exact
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify
from reversion.models import Revision

from archive.dates import DatePrecision, PartialDate
from archive.phrases import WordPairHashes, snippet_query, text_match
from archive.search import (
    MARK_START,
    MARK_STOP,
    SEARCH_CONFIG,
    build_query,
    normalize_query_text,
    render_marked,
)
from archive.text import clean_body

SLUG_MAX_LENGTH = 200


def unique_slug(model: type[models.Model], text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A slug from ``text`` not yet used by ``model``: ``base``, then ``base-2``, ``base-3``…"""
    base = slugify(text)[:max_length].strip("-") or "untitled"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


def raw_text_sha256(raw_text: str) -> str:
    """The identity of a collected text: the same text is never stored twice."""
    return hashlib.sha256(raw_text.encode("utf-8")).hexdigest()


def _typed_published_on() -> Cast:
    # When full_clean checks a constraint for an undated article, the column becomes an
    # untyped NULL and PostgreSQL cannot pick an EXTRACT; the cast gives it its type.
    return Cast("published_on", output_field=models.DateField())


# The precisions whose period runs past its first day.
PERIOD_PRECISIONS = [DatePrecision.MONTH, DatePrecision.YEAR]


def published_day_is(day: int) -> Exact:
    return Exact(ExtractDay(_typed_published_on()), day)


def published_month_is(month: int) -> Exact:
    return Exact(ExtractMonth(_typed_published_on()), month)


def page_path(name: str, slug: str) -> str:
    """The path of one of the archive's ``<slug:slug>/`` pages, as ``reverse()`` gives it.

    A page of results links some ninety of them, and a CSV export one a row: ``reverse()``
    matches the pattern again each time (about 20 µs), where the path's start is the same
    for every slug of a page.
    """
    return f"{_page_path_start(name, get_script_prefix())}{slug}/"


@cache
def _page_path_start(name: str, script_prefix: str) -> str:
    # The script prefix is a key because reverse() starts the path with it.
    return reverse(name, kwargs={"slug": "-"}).removesuffix("-/")


class PeriodEnd(models.Func):
    """The last day of the day, month or year that a stored publication date stands for."""

    output_field = models.DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        precision_sql, precision_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"(CASE {precision_sql} "
            f"WHEN 'year' THEN ({date_sql} + interval '1 year - 1 day')::date "
            f"WHEN 'month' THEN ({date_sql} + interval '1 month - 1 day')::date "
            f"ELSE {date_sql} END)"
        )
        # Each placeholder appears twice in the CASE, so its parameters do too.
        return sql, (*precision_params, *date_params, *date_params, *date_params)


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    homepage = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_path("archive:outlet", self.slug)


class JurisdictionKind(models.TextChoices):
    STATE = "state", "State"
    COUNTY = "county", "County"
    CITY = "city", "City"
    OTHER = "other", "Other"


class JurisdictionQuerySet(models.QuerySet):
    def states(self) -> "JurisdictionQuerySet":
        return self.filter(kind=JurisdictionKind.STATE)

    def within(self, places) -> "JurisdictionQuerySet":
        """The given places and every place inside them (a state's counties and cities)."""
        ids = [place.pk for place in places]
        return self.filter(Q(pk__in=ids) | Q(parent__in=ids) | Q(parent__parent__in=ids))

    def matching(self, text: str) -> "JurisdictionQuerySet":
        """Places with a word starting with each word typed: "wake" finds Wake County, NC.

        Words are compared through the slug too, so accents and punctuation do not matter
        ("dona ana" finds Doña Ana County), and a postal code narrows ("fairfax va").
        Closest first: a place whose name starts with the text, then states, counties, cities.
        """
        words = text.replace("\x00", "")[:200].split()[:10]
        condition = Q()
        for word in words:
            slug_word = slugify(word)
            # \m is PostgreSQL's start of a word: "md" must not find "Camden".
            word_match = Q(name__iregex=rf"\m{re.escape(word)}")
            if len(word) == 2 and word.isalpha():
                word_match |= Q(postal_code=word.upper())
            if slug_word:
                word_match |= Q(slug__regex=rf"(^|-){re.escape(slug_word)}")
            condition &= word_match
        if not words:
            return self.none()
        return (
            self.filter(condition)
            .alias(
                starts=Case(
                    When(slug__startswith=slugify(" ".join(words)), then=0),
                    default=1,
                ),
                kind_order=Case(
                    *(When(kind=kind, then=n) for n, kind in enumerate(JurisdictionKind.values)),
                    default=len(JurisdictionKind.values),
                ),
            )
            .order_by("starts", "kind_order", "name", "postal_code")
        )


class Jurisdiction(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    kind = models.CharField(max_length=10, choices=JurisdictionKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="A county's state; a city's county (or its state when it belongs to none).",
    )
    postal_code = models.CharField(
        max_length=2, help_text="The two-letter postal code of the state it lies in."
    )
    fips = models.CharField(
        "FIPS code",
        max_length=7,
        blank=True,
        help_text="2 digits for a state, 5 for a county, 7 (state + place) for a city.",
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fips"], condition=~Q(fips=""), name="jurisdiction_fips_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind=JurisdictionKind.STATE) | Q(parent__isnull=True),
                name="jurisdiction_state_has_no_parent",
                violation_error_message="A state has no parent place.",
            ),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[A-Z]{2}$"),
                name="jurisdiction_postal_code_format",
                violation_error_message="The postal code is two capital letters, e.g. MD.",
            ),
            models.CheckConstraint(
                condition=Q(fips="") | Q(fips__regex=r"^(\d{2}|\d{5}|\d{7})$"),
                name="jurisdiction_fips_format",
                violation_error_message="A FIPS code has 2 (state), 5 (county) or 7 digits.",
            ),
        ]
        indexes = [
            models.Index(fields=["postal_code", "kind"], name="jurisdiction_state_kind"),
            # Every counting statement splits its places into states and the rest.
            models.Index(fields=["kind"], name="jurisdiction_kind"),
        ]

    def __str__(self) -> str:
        if self.kind == JurisdictionKind.STATE:
            return self.name
        return f"{self.name}, {self.postal_code}"

    def get_absolute_url(self) -> str:
        return page_path("archive:jurisdiction", self.slug)

    ALLOWED_PARENTS = {
        JurisdictionKind.COUNTY: {JurisdictionKind.STATE},
        JurisdictionKind.CITY: {JurisdictionKind.COUNTY, JurisdictionKind.STATE},
        JurisdictionKind.OTHER: {
            JurisdictionKind.STATE,
            JurisdictionKind.COUNTY,
            JurisdictionKind.CITY,
        },
    }

    def clean(self):
        if self.kind == JurisdictionKind.STATE or not self.kind:
            return
        if self.parent is None:
            raise ValidationError({"parent": "Only a state stands without a parent place."})
        if self.parent.kind not in self.ALLOWED_PARENTS[self.kind]:
            allowed = " or ".join(sorted(self.ALLOWED_PARENTS[self.kind]))
            raise ValidationError({"parent": f"A {self.kind}'s parent must be a {allowed}."})
        if self.parent.postal_code != self.postal_code:
            raise ValidationError(
                {"parent": f"The parent is in {self.parent.postal_code}, not {self.postal_code}."}
            )


class Official(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    role = models.CharField(
        max_length=300,
        blank=True,
        help_text="As the reporting states it, e.g. “acting ICE Director”.",
    )
    agency = models.CharField("agency or body", max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text="The place the official serves, when the office is a local one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self) -> str:
        return page_path("archive:official", self.slug)


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_path("archive:topic", self.slug)


# How many buckets the articles are spread over for sampling: a sample is a whole number of
# buckets, so a thousand lets it be as small as a thousandth of a list.
SAMPLE_BUCKETS = 1000
# An article's bucket. Typed as an integer: Django would take MOD for a float, and the sample
# keys computed from it must stay integer arithmetic, as in the index.
SAMPLE_BUCKET = Mod("id", SAMPLE_BUCKETS, output_field=models.BigIntegerField())
# An article's sample keys, a column of the words-and-places GIN index: the tenth of the
# buckets it is in (keys 0–9), its hundredth (10–109) and its bucket (110–1109). Any first k
# buckets are then at most 27 keys (sample_keys), and a sample of a search is one scan of that
# index, stepping through the words' long lists guided by the keys' short ones. One expression
# for the index and for the samples, which must match it exactly.
SAMPLE_KEYS = Func(
    SAMPLE_BUCKET / 100,
    SAMPLE_BUCKET / 10 + 10,
    SAMPLE_BUCKET + 110,
    function="ARRAY",
    template="%(function)s[%(expressions)s]",
    output_field=ArrayField(models.BigIntegerField()),
)


def sample_keys(buckets: int) -> list[int]:
    """The SAMPLE_KEYS that hold exactly the first ``buckets`` buckets: whole tenths, then
    whole hundredths, then single buckets."""
    tenths, rest = divmod(min(buckets, SAMPLE_BUCKETS), 100)
    hundredths, singles = divmod(rest, 10)
    return [
        *range(tenths),
        *(10 + 10 * tenths + i for i in range(hundredths)),
        *(110 + 100 * tenths + 10 * hundredths + i for i in range(singles)),
    ]


# Most of a row's bytes, and nothing a list of articles shows: the texts and search columns,
# stored out of line, and the tag ids copied onto the row.
UNLISTED_COLUMNS = (
    "raw_text",
    "body",
    "search_vector",
    "headline_vector",
    "word_pairs",
    "place_ids",
    "official_ids",
    "topic_ids",
)


class ArticleQuerySet(models.QuerySet):
    def in_sample_buckets(self, buckets: int) -> "ArticleQuerySet":
        """The articles in the first ``buckets`` of SAMPLE_BUCKETS: a fixed, evenly spread
        ``buckets / SAMPLE_BUCKETS`` of them, the same every time. All the buckets are all the
        articles: no condition, rather than one that merges every key's list in the index."""
        if buckets >= SAMPLE_BUCKETS:
            return self.all()
        return self.alias(sample_keys=SAMPLE_KEYS).filter(sample_keys__overlap=sample_keys(buckets))

    def for_listing(self, *, body: bool = False) -> "ArticleQuerySet":
        """Everything an article card shows, in the rows' own statement.

        The texts and the search columns stay in the database: they are most of a row's
        bytes and read out of line, and a card shows none of them (``body=True`` for a feed,
        which quotes the body). A card names its places (``Article.listed_places``), not its
        topics or officials: a feed or the API that lists those prefetches them itself.
        """
        large = [column for column in UNLISTED_COLUMNS if not (body and column == "body")]
        listed = self.defer(*large).select_related("outlet")
        return listed.annotate(places_on_card=PlacesOnCard())

    def with_tag_counts(self) -> "ArticleQuerySet":
        """Each article's number of places, officials and topics (``place_count``,
        ``official_count``, ``topic_count``), worked out row by row: the officials' and topics'
        from the ids the row carries, its places by a lookup of the link table's article index
        (``place_ids`` holds their parents too). Counting over joins with the link tables
        grouped the whole archive in every statement that carried the counts."""
        places = Article.jurisdictions.through.objects.filter(article=OuterRef("pk"))
        number = models.IntegerField()
        return self.annotate(
            place_count=row_count(places),
            official_count=Func(F("official_ids"), function="cardinality", output_field=number),
            topic_count=Func(F("topic_ids"), function="cardinality", output_field=number),
        )

    def matching_text_or_byline(self, text: str) -> "ArticleQuerySet":
        """The editors' search: the archive's search over headline and text (its syntax, its
        index), or the term within the byline; unchanged when blank.

        The byline is looked for only when the term holds three letters or digits in a row:
        its trigram index cannot narrow a shorter term, and a condition no index narrows
        makes PostgreSQL read every row, and every row's words with it.
        """
        term = text.strip()
        if not term:
            return self
        condition = Q(pk__in=[])  # matches nothing: a stop word alone, too short for bylines
        if build_query(term) is not None:
            condition |= text_match(term, self.db)
        if re.search(r"[^\W_]{3}", term):
            condition |= Q(byline__icontains=term)
        return self.filter(condition)

    def search(self, text: str | None) -> "ArticleQuerySet":
        """Matches for a web-search-syntax query, ranked; unchanged when the query is blank."""
        query = build_query(text)
        if query is None:
            return self
        return self.filter(text_match(text, self.db)).order_by(*self.relevance_ordering(query))

    @staticmethod
    def relevance_ordering(query) -> list:
        """Best match first (``ts_rank`` over the weighted vector), ties newest first."""
        return [
            SearchRank(F("search_vector"), query).desc(),
            *ArticleQuerySet.newest_first_ordering(),
        ]

    @staticmethod
    def newest_first_ordering() -> list:
        return [F("published_on").desc(nulls_last=True), "-pk"]

    def newest(self) -> "ArticleQuerySet":
        return self.order_by(*self.newest_first_ordering())

    def oldest(self) -> "ArticleQuerySet":
        return self.order_by(F("published_on").asc(nulls_last=True), "pk")

    def oldest_in_parts(self) -> list["ArticleQuerySet"]:
        """``oldest()`` as two lists to read one after the other, the dated articles and then
        the undated, each in the order of the date index read backwards (``article_newest``,
        which puts the undated first). In one statement, with the undated last, every match
        was sorted before the first page: 0.5 s for the whole archive at 1,000,000 articles,
        7 s for a word in most of it."""
        backwards = [F("published_on").asc(nulls_first=True), "pk"]
        return [
            self.filter(published_on__isnull=False).order_by(*backwards),
            self.filter(published_on__isnull=True).order_by(*backwards),
        ]

    def in_jurisdictions(self, places) -> "ArticleQuerySet":
        """Articles tagged with any of ``places`` or with a place inside one of them."""
        return self.filter(place_ids__overlap=[place.pk for place in places])

    def naming_officials(self, officials) -> "ArticleQuerySet":
        """Articles naming any of ``officials``: an overlap with the ids the row carries,
        looked up in the words' index rather than joined through the link table."""
        return self.filter(official_ids__overlap=[official.pk for official in officials])

    def on_topics(self, topics) -> "ArticleQuerySet":
        """Articles on any of ``topics``, as ``naming_officials`` finds them."""
        return self.filter(topic_ids__overlap=[topic.pk for topic in topics])

    def published_between(self, after: date | None, before: date | None) -> "ArticleQuerySet":
        """Articles whose publication period overlaps the range (both ends inclusive).

        An article known only as "March 2024" is kept for ``after=2024-03-15``: it may well
        have appeared that day.
        """
        queryset = self
        if after:
            queryset = queryset.published_on_or_after(after)
        if before:
            queryset = queryset.filter(published_on__lte=before)
        return queryset

    def published_on_or_after(self, day: date) -> "ArticleQuerySet":
        """Articles whose publication period ends on or after ``day``: those dated from it on,
        and those known only by the month or year, begun before it and running into it.

        Said in those two parts, each found through an index on the first day
        (``article_newest``, and ``article_dated_by_month_or_year`` for the few such dates):
        ``published_until`` has no index, and asked alone it read every article dated before
        the range's end (230 ms for a fortnight of 1,000,000 articles, against 40).
        """
        begun_before = Q(
            date_precision__in=PERIOD_PRECISIONS,
            published_on__gte=day.replace(month=1, day=1),  # a year's period is the longest
            published_until__gte=day,
        )
        return self.filter(Q(published_on__gte=day) | begun_before)

    def with_snippets(self, text: str | None) -> "ArticleQuerySet":
        """Each row with ``snippet``, its passage around the query's first match, drawn in
        the rows' own statement (so only for the rows read); finish_snippets() makes it safe
        to show. Unchanged when the query is blank."""
        text = normalize_query_text(text)
        if not text:
            return self
        sql, params = snippet_sql(text, self.db)
        return self.annotate(snippet=RawSQL(sql, params, output_field=models.TextField()))

    def marked(self, pk: int, text: str | None) -> tuple[str, str] | None:
        """The headline and whole body of one article with every match of the query marked."""
        query = build_query(text)
        if query is None:
            return None
        options = {
            "config": SEARCH_CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_STOP,
            "highlight_all": True,
        }
        return (
            self.filter(pk=pk)
            .annotate(
                marked_headline=SearchHeadline("headline", query, **options),
                marked_body=SearchHeadline("body", query, **options),
            )
            .values_list("marked_headline", "marked_body")
            .get()
        )


# ts_headline parses every character it is given (about 0.15 ms per 1,000 for English): the
# window holds a 40-word fragment around the first match with room on either side, and no
# more. A second fragment needs a second match inside it, which the snippet rarely shows.
SNIPPET_WINDOW_BEFORE, SNIPPET_WINDOW = 200, 600

# What a card shows of a place: enough for its name and its link.
CARD_PLACE_FIELDS = ("id", "name", "slug", "kind", "postal_code")


def places_on_card() -> ArraySubquery:
    """Each article's tagged places as a column of its own row, in the card's order.

    A prefetch would be a statement of its own, which hashed the whole gazetteer to join 35
    links of a page with their places; as a column, each row's few places are index lookups,
    made only for the rows a sorted, sliced list returns.
    """
    places = (
        Jurisdiction.objects.filter(articles=OuterRef("pk"))
        .order_by("kind", "name")
        .values(json=JSONObject(**{name: name for name in CARD_PLACE_FIELDS}))
    )
    return ArraySubquery(places)


def article_column_sql(expression: models.Expression, database: str) -> tuple[str, tuple]:
    """``expression`` compiled as a column of the article table's rows, to be kept.

    Django compiles every statement's expressions anew; the card's places and a query's
    snippet never change, and compiling them took tenths of a millisecond of every page of
    cards. What this returns names the article table itself: it belongs in a list's own
    statement, never in a subquery of another.
    """
    query = Article.objects.annotate(column=expression).query
    sql, params = query.get_compiler(using=database).compile(query.annotations["column"])
    return sql, tuple(params)


class PlacesOnCard(models.Expression):
    """places_on_card() for the rows of a list of articles, compiled once per database, on
    first use: a view's queryset is built at import, when there may be no database."""

    output_field = ArrayField(models.JSONField())

    def as_sql(self, compiler, connection):
        return places_on_card_sql(connection.alias)


@cache
def places_on_card_sql(database: str) -> tuple[str, tuple]:
    return article_column_sql(places_on_card(), database)


def snippet_expression(source, text: str, database: str) -> SearchHeadline:
    """The passage of ``source`` a card shows for the query. Each required part of the
    query is marked where it stands (phrases.snippet_query), not only where all meet."""
    return SearchHeadline(
        source,
        snippet_query(text, database) or build_query(text),
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=40,
        min_words=20,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


@lru_cache(maxsize=1024)
def snippet_sql(text: str, database: str) -> tuple[str, tuple]:
    """The snippet of ArticleQuerySet.with_snippets(), compiled once per query text."""
    # ts_headline parses all the text it is given: a window of the body around the first
    # place a word of the query appears costs a fraction of the whole body.
    snippet = snippet_expression(snippet_window(text), text, database)
    return article_column_sql(snippet, database)


def finish_snippets(articles: Iterable["Article"], text: str | None) -> None:
    """Make the passages ArticleQuerySet.with_snippets() drew safe to show, in place: escaped,
    with only <mark> let through. An article whose window holds no match (a stem spelt
    differently in the text) gets its passage from the whole body, one statement for all of
    them, on the database the articles came from."""
    drawn = [article for article in articles if hasattr(article, "snippet")]
    missing = {article.pk: article for article in drawn if MARK_START not in article.snippet}
    if missing:
        database = drawn[0]._state.db
        again = Article.objects.using(database).filter(pk__in=missing)
        body = snippet_expression(F("body"), text, database)
        for pk, snippet in again.annotate(snippet=body).values_list("pk", "snippet"):
            missing[pk].snippet = snippet
    for article in drawn:
        article.snippet = render_marked(article.snippet)


def snippet_window(text: str) -> models.Func:
    """The part of the body around the first word starting with the stem of a word of the
    query ("detain" finds "Detainers"); the opening when there is none. The search ignores
    case itself rather than lowering a copy of the body for each word of the query.

    The stems are one pattern ("\\m(detain|sheriff)"), made once per statement (the subquery
    names no column), so each body is searched once, however many words the query has."""
    stems = r"""(SELECT '\m(' || string_agg(
                regexp_replace(lexeme, '([^[:alnum:]_])', '\\\1', 'g'), '|'
            ) || ')'
            FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) AS lexeme)"""
    first = RawSQL(
        rf"""NULLIF(regexp_instr("{Article._meta.db_table}"."body", {stems}, 1, 1, 0, 'i'), 0)""",
        [SEARCH_CONFIG, normalize_query_text(text)],
        output_field=models.IntegerField(),
    )
    start = Greatest(Value(1), first - SNIPPET_WINDOW_BEFORE)
    return Substr("body", start, SNIPPET_WINDOW)


def article_search_vector() -> SearchVector:
    return SearchVector("headline", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )


def headline_search_vector() -> SearchVector:
    return SearchVector("headline", config=SEARCH_CONFIG)


class Article(models.Model):
    headline = models.CharField(max_length=500)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text="Made from the headline when the article is first saved; never changes after.",
    )
    raw_text = models.TextField(help_text="The text exactly as collected. Never edited.")
    body = models.TextField(
        blank=True,
        help_text="The article's own text: headline line and page furniture removed. "
        "Left blank, it is made from the collected text.",
    )
    byline = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="For a month or a year, its first day; the precision says which.",
    )
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, help_text="Blank when undated."
    )
    published_until = models.GeneratedField(
        expression=PeriodEnd("published_on", "date_precision"),
        output_field=models.DateField(),
        db_persist=True,
    )
    date_uncertain = models.BooleanField(
        default=False, help_text="The date is a curator's inference, not stated by the source."
    )
    headline_uncertain = models.BooleanField(
        default=False, help_text="The headline could not be confirmed from the original page."
    )
    is_excerpt = models.BooleanField(
        default=False, help_text="The collected text lacks parts of the original article."
    )
    source_url = models.URLField("original URL", max_length=1000, blank=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    jurisdictions = models.ManyToManyField(Jurisdiction, blank=True, related_name="articles")
    officials = models.ManyToManyField(Official, blank=True, related_name="articles")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    curator_note = models.TextField(blank=True)
    sha256 = models.CharField("SHA-256 of the raw text", max_length=64, editable=False)
    # search_vector and word_pairs are declared generated so that Django never writes them and
    # their expressions say what they hold; in the database one row trigger computes both from
    # a single parse of the text (migration 0016), which a generated column cannot do. Change
    # an expression here and the trigger together: tests/test_search_columns.py compares them.
    search_vector = models.GeneratedField(
        expression=article_search_vector(), output_field=SearchVectorField(), db_persist=True
    )
    # Tag ids copied onto the row by triggers whenever the tag links change (migration 0009),
    # so that a search narrowed to a place and the facet counts beside it need no join with
    # the link tables. A place's id is in ``place_ids`` for every article about it or about
    # a place inside it (its tagged places, their parents and their state).
    place_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    official_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    topic_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    # The headline's words alone: small enough to stay in the row, so a search matching most
    # of the archive can find and rank its headline matches without reading every body's
    # vector (archive/results.py).
    headline_vector = models.GeneratedField(
        expression=headline_search_vector(), output_field=SearchVectorField(), db_persist=True
    )
    # The pairs of adjacent words in ``search_vector``, hashed, so that a phrase is one index
    # lookup rather than a positional check of every article holding its words
    # (archive/phrases.py).
    word_pairs = models.GeneratedField(
        expression=WordPairHashes(article_search_vector()),
        output_field=ArrayField(models.BigIntegerField()),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                name="article_raw_text_unique",
                violation_error_message="This text is already in the archive.",
            ),
            models.CheckConstraint(
                condition=(Q(published_on__isnull=True) & Q(date_precision=""))
                | (Q(published_on__isnull=False) & Q(date_precision__in=DatePrecision.values)),
                name="article_date_has_precision",
                violation_error_message="A date needs its precision (day, month or year), "
                "and a precision needs a date.",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=DatePrecision.MONTH) | Q(published_day_is(1)),
                name="article_month_date_is_first_day",
                violation_error_message="A date known only to the month is entered as "
                "the first day of that month.",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision=DatePrecision.YEAR)
                | (Q(published_month_is(1)) & Q(published_day_is(1))),
                name="article_year_date_is_january_first",
                violation_error_message="A date known only to the year is entered as "
                "January 1 of that year.",
            ),
        ]
        indexes = [
            # The words, the tag ids and the sample keys in one index: a search within a
            # place or a topic, or a sample of a search, is one scan that steps through the
            # longer list guided by the shorter, where two indexes each decode their whole
            # list into a bitmap before the two are ANDed. Any column alone is looked up as
            # fast as in an index of its own.
            GinIndex(
                F("search_vector"),
                F("place_ids"),
                SAMPLE_KEYS,
                F("topic_ids"),
                F("official_ids"),
                name="article_words_tags_samples",
            ),
            GinIndex(fields=["headline_vector"], name="article_headline_vector"),
            GinIndex(fields=["word_pairs"], name="article_word_pairs"),
            # The headline's words ride along, so that a newest-first walk through the
            # headline matches reads the index alone (archive/results.py).
            models.Index(
                F("published_on").desc(nulls_last=True),
                F("id").desc(),
                name="article_newest",
                include=["headline_vector"],
            ),
            # The articles still without a place, an official or a topic, newest first: the
            # editors' filter of missing tags lists them without reading the tagged ones.
            *(
                models.Index(
                    F("published_on").desc(nulls_last=True),
                    F("id").desc(),
                    name=f"article_without_{tag}",
                    condition=Q(**{f"{tag}_ids": []}),
                )
                for tag in ("place", "official", "topic")
            ),
            # Articles dated only by the month or the year, by their first day: those that
            # began before a date range and run into it (``published_on_or_after``).
            models.Index(
                fields=["published_on"],
                name="article_dated_by_month_or_year",
                condition=Q(date_precision__in=PERIOD_PRECISIONS),
            ),
            # The editors' search looks for its term within bylines as well
            # (``matching_text_or_byline``): trigrams let that be an index lookup beside the
            # words' rather than a reading of every row.
            GinIndex(OpClass(Upper("byline"), name="gin_trgm_ops"), name="article_byline_trigrams"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        self.sha256 = raw_text_sha256(self.raw_text)
        if not self.slug:
            self.slug = unique_slug(Article, self.headline)
        if not self.body.strip():
            self.body = clean_body(self.raw_text, self.headline)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return page_path("archive:article", self.slug)

    def clean(self):
        # sha256 is not on any form, so its unique constraint is not checked by full_clean.
        self.sha256 = raw_text_sha256(self.raw_text)
        twin = Article.objects.filter(sha256=self.sha256).exclude(pk=self.pk).first()
        if twin:
            raise ValidationError(
                {"raw_text": f"This text is already in the archive as “{twin.headline}”."}
            )

    @property
    def listed_places(self) -> list[Jurisdiction]:
        """The places the article is tagged with: from the column ``for_listing()`` adds when
        the article was read with it, else from its tag links."""
        listed = getattr(self, "places_on_card", None)
        if listed is None:
            return list(self.jurisdictions.all())
        return [Jurisdiction(**place) for place in listed]

    @property
    def published(self) -> PartialDate | None:
        if self.published_on is None or not self.date_precision:
            return None
        return PartialDate(self.published_on, DatePrecision(self.date_precision))

    @published.setter
    def published(self, value: PartialDate | None) -> None:
        self.published_on = value.start if value else None
        self.date_precision = value.precision if value else ""


def row_count(rows: models.QuerySet) -> Subquery:
    """How many of ``rows`` (filtered by an OuterRef) there are, as a subquery of one number.

    COUNT(*), not COUNT(id): an index on the filtered column alone answers it (an index-only
    scan), and with no GROUP BY an empty set counts 0 rather than NULL.
    """
    counted = Func(template="COUNT(*)", output_field=models.IntegerField())
    return Subquery(rows.order_by().annotate(n=counted).values("n"))


class TallyKind(models.TextChoices):
    """What a row of ``ArticleTally`` counts the articles of."""

    PLACE = "place"
    OUTLET = "outlet"
    OFFICIAL = "official"
    TOPIC = "topic"
    ARCHIVE = "archive"  # every article, under tag 0


class ArticleTallyQuerySet(models.QuerySet):
    def of(self, model: type[models.Model]) -> "ArticleTallyQuerySet":
        return self.filter(kind=TALLY_KINDS[model])

    def archive_size(self) -> int:
        """How many articles the archive holds, exactly, without counting them."""
        row = self.filter(kind=TallyKind.ARCHIVE, tag_id=0).values_list("articles", flat=True)
        return row.first() or 0


class ArticleTally(models.Model):
    """How many articles each place, outlet, official and topic has, and the archive in all,
    kept by triggers on the articles as they are written (migration 0027).

    The whole archive's figures (the home page, /jurisdictions/ and its map, the tag lists,
    the places inside a state) are read here instead of counted over every article: counting
    them took 1.3–1.8 s at 1,000,000 articles, paid on the first request after every edit and
    all through an import. A place counts the articles about it or a place inside it, as
    ``Article.place_ids`` holds them. The migration makes the table and the triggers that
    alone write it (any other write is skipped, so a dump loaded back counts each article
    once), hence an unmanaged model.
    """

    pk = models.CompositePrimaryKey("kind", "tag_id")
    kind = models.CharField(max_length=8, choices=TallyKind)
    tag_id = models.BigIntegerField()
    articles = models.BigIntegerField()

    objects = ArticleTallyQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "archive_article_tally"

    def __str__(self) -> str:
        return f"{self.kind} {self.tag_id}: {self.articles}"


TALLY_KINDS = {
    Jurisdiction: TallyKind.PLACE,
    Outlet: TallyKind.OUTLET,
    Official: TallyKind.OFFICIAL,
    Topic: TallyKind.TOPIC,
}


def counted_articles(model: type[models.Model]) -> Coalesce:
    """How many articles a tag of ``model`` has, read from the tally.

    Counted in the link table's index one tag at a time, the outlets took 30 ms at 1,000,000
    articles and the officials up to 134 (grouping every link was 0.5 s); each count is now
    one row of ``ArticleTally``. A count of the tags themselves (a page's paginator) leaves
    this out.
    """
    tallied = ArticleTally.objects.of(model).filter(tag_id=OuterRef("pk")).values("articles")
    return Coalesce(Subquery(tallied), 0)


def article_count(tag: models.Model) -> int:
    """How many articles one outlet, official or topic has, exactly, from the tally: its
    page's count, where counting the page's own list read every article of the tag (50 ms
    for a topic of 11,000 at 100,000 articles)."""
    model = type(tag)
    counted = model.objects.filter(pk=tag.pk).annotate(n=counted_articles(model))
    return counted.values_list("n", flat=True).get()


def tag_counts(model: type[models.Model]) -> models.QuerySet:
    """Outlets, officials or topics with how many articles each has, busiest first."""
    return model.objects.annotate(article_count=counted_articles(model)).order_by(
        "-article_count", "name"
    )


class RetiredSlugQuerySet(models.QuerySet):
    def for_model(self, model: type[models.Model]) -> "RetiredSlugQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def resolve(self, model: type[models.Model], slug: str) -> models.Model | None:
        """The live object a retired slug of ``model`` now stands for, if any."""
        retired = self.for_model(model).filter(slug=slug).first()
        if retired is None:
            return None
        return model._default_manager.filter(pk=retired.target_id).first()

    def current_slugs(self, model: type[models.Model], slugs) -> dict[str, str]:
        """For those of ``slugs`` that are retired, the slug of the tag that now answers."""
        rows = self.for_model(model).filter(slug__in=list(slugs)).values_list("slug", "target_id")
        targets = dict(rows)
        live = dict(
            model._default_manager.filter(pk__in=targets.values()).values_list("pk", "slug")
        )
        return {old: live[target] for old, target in targets.items() if target in live}


class RetiredSlug(models.Model):
    """A slug that no longer names a tag — renamed, or merged into another — and where it leads.

    Cited links never break (CONTRACT.md): a tag page asked for by a retired slug answers with a
    301 to the tag that now holds its articles. The target is kept by primary key, so a later
    rename of the target needs no update here.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    target_id = models.PositiveBigIntegerField(help_text="The tag the slug now leads to.")
    target = GenericForeignKey("content_type", "target_id")
    merged_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="The tag merged away under this slug (blank for a rename); undoing the merge "
        "brings it back.",
    )
    retired_at = models.DateTimeField(auto_now_add=True)

    objects = RetiredSlugQuerySet.as_manager()

    class Meta:
        ordering = ["-retired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="retired_slug_unique_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model}/{self.slug}"

    def get_absolute_url(self) -> str:
        return reverse(f"archive:{self.content_type.model}", kwargs={"slug": self.slug})


class Change(Revision):
    """One recorded edit across the archive (a django-reversion revision), for the admin."""

    class Meta:
        proxy = True
        ordering = ["-date_created", "-pk"]
        verbose_name = "change"
        verbose_name_plural = "recent changes"


# The import pipeline and the tag suggestions keep their models beside their code; importing
# them here registers them with the app.
from archive.importing.models import FingerprintBand, ImportRun, TextFingerprint  # noqa: E402, F401
from archive.suggestions.models import Suggestion  # noqa: E402, F401
