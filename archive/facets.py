"""Facets beside a list of articles: their values as links that toggle them, the filters in
force as removable chips, articles per place for the place pages and the map, and articles
per outlet, official and topic for their lists.

The counts come from archive/results.py. Each facet is counted over the list as filtered by
everything *except* that facet's own parameter, so the values of a facet read like check
boxes: picking another outlet widens the list to either outlet (CONTRACT.md: repeated slugs
mean OR), and the count beside a value is what the list holds once that value alone is chosen
in its facet.

A place counts every article tagged with it or with any place inside it: the number beside
Maryland is what ``?jurisdiction=maryland`` returns.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Model, QuerySet
from django.http import QueryDict

from archive.caching import cached
from archive.models import ArticleTally, Jurisdiction, TallyKind, page_path, tag_counts
from archive.results import FACET_NAMES, Tally, unnested_counts_sql


@dataclass
class FacetValue:
    slug: str
    name: str
    count: Tally | None
    selected: bool = False
    query: str = "?"  # the list's query string with this value toggled
    detail: str = ""


@dataclass
class PlaceCount:
    id: int
    slug: str
    name: str
    kind: str
    postal_code: str
    parent_id: int | None
    count: int

    def get_absolute_url(self) -> str:
        # /jurisdictions/ links every place with articles, 3,249 at 1,000,000 articles: with
        # {% url %} for each, matching the pattern took 0.2 s of the page drawn afresh.
        return page_path("archive:jurisdiction", self.slug)


def archive_place_counts() -> list[PlaceCount]:
    """Every place's articles across the whole archive, cached until the archive changes."""
    return cached("place-counts", lambda: tallied_place_counts(Jurisdiction.objects.all()))


def tallied_place_counts(places: QuerySet) -> list[PlaceCount]:
    """Those of ``places`` with articles, busiest first, each with its articles across the
    whole archive as the tally keeps them (``ArticleTally``): read, where counting every
    article's places took over a second at 1,000,000 articles."""
    place_sql, params = places.order_by().values("pk").query.sql_with_params()
    sql = f"""
        SELECT p.id, p.slug, p.name, p.kind, p.postal_code, p.parent_id, t.articles
        FROM {ArticleTally._meta.db_table} t
        JOIN {Jurisdiction._meta.db_table} p ON p.id = t.tag_id
        WHERE t.kind = %s AND t.articles > 0 AND p.id IN ({place_sql})
        ORDER BY t.articles DESC, p.name
    """
    with connections[places.db].cursor() as cursor:
        cursor.execute(sql, [TallyKind.PLACE, *params])
        return [PlaceCount(*row) for row in cursor.fetchall()]


def archive_tag_ranking(model: type[Model]) -> list[tuple[int, int]]:
    """Every outlet, official or topic as (id, articles), busiest first, cached until the
    archive changes: counted, they took 25 to 134 ms a request at 1,000,000 articles, by
    machine; read from the tally, ranking them is still a statement over every tag."""
    name = f"tag-ranking:{model._meta.label_lower}"
    return cached(name, lambda: list(tag_counts(model).values_list("pk", "article_count")))


def with_archive_counts[T: Model](tags: list[T]) -> list[T]:
    """``tags``, each given ``article_count`` from the archive's cached ranking."""
    if tags:
        counts = dict(archive_tag_ranking(type(tags[0])))
        for tag in tags:
            tag.article_count = counts.get(tag.pk, 0)
    return tags


class RankedTags(Sequence):
    """Every outlet, official or topic in the cached ranking's order, for a paginator: its
    length is the ranking's, and a page reads only its own tags' rows."""

    def __init__(self, model: type[Model]):
        self.model = model  # names the list in a template's context, as a queryset would
        self.ranking = archive_tag_ranking(model)

    def __len__(self) -> int:
        return len(self.ranking)

    def __iter__(self):
        return iter(self[:])  # one read, where Sequence's own would read tag by tag

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        chosen = self.ranking[index]
        rows = self.model.objects.in_bulk([pk for pk, _ in chosen])
        page = []
        for pk, count in chosen:
            if pk in rows:  # a tag removed since the ranking was cached is left out
                rows[pk].article_count = count
                page.append(rows[pk])
        return page


def place_counts(articles: QuerySet) -> list[PlaceCount]:
    """Distinct articles per place, each article counted for its places and those above them.

    One grouped query over the articles' own ``place_ids`` (tagged places, their parents and
    their state, each once), with no join to the tag links, every place named.
    """
    article_sql, article_params = articles.order_by().values("place_ids").query.sql_with_params()
    place_table = Jurisdiction._meta.db_table
    sql = f"""
        SELECT p.id, p.slug, p.name, p.kind, p.postal_code, p.parent_id, c.n
        FROM ({unnested_counts_sql("a.place_ids", f"({article_sql}) a")}) c
        JOIN {place_table} p ON p.id = c.tag_id
        ORDER BY c.n DESC, p.name
    """
    params = list(article_params)
    # The database the queryset reads from: a replica when the request may use one.
    with connections[articles.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [PlaceCount(*row) for row in cursor.fetchall()]


SINGLE_VALUED = {"state", "published_after", "published_before"}


def _toggled(data: QueryDict, key: str, value: str, selected: bool) -> str:
    """The list's query string ("?…") with one filter value added (or removed when it is
    chosen), and without a page number.

    Written out here rather than by ``{% querystring %}`` from a copy of the parameters: a
    list's facets hold some fifty values, and copying a QueryDict for each of them, then
    encoding it in the template, cost a few milliseconds of every search page. The order and
    encoding are the tag's: the parameters as they came, a new one last.
    """
    values = [] if key in SINGLE_VALUED else [v for v in data.getlist(key) if v != value]
    if not selected:
        values.append(value)
    pairs = []
    for name, given in data.lists():
        if name == key:
            pairs += [(name, v) for v in values]
            values = []
        elif name != "page":
            pairs += [(name, v) for v in given]
    pairs += [(key, v) for v in values]
    return f"?{urlencode(pairs)}"


def _selected_values(filterset, key: str) -> list[tuple[str, str]]:
    value = filterset.form.cleaned_data.get(key)
    if not value:
        return []
    if key == "state":
        return [(value, filterset.form.fields["state"].state_name or value)]
    return [(obj.slug, obj.name) for obj in value]


def article_facets(results) -> dict[str, list[FacetValue]]:
    """Per facet, its busiest values and any chosen ones, each with a link that toggles it."""
    filterset = results.filterset
    facets = {}
    for key, found in results.facet_counts().items():
        chosen = dict(_selected_values(filterset, key))
        values = []
        for value in found:
            selected = value.slug in chosen
            query = _toggled(filterset.data, key, value.slug, selected)
            values.append(
                FacetValue(value.slug, value.name, value.count, selected, query, value.detail)
            )
        listed = {value.slug for value in values}
        for slug, name in chosen.items():
            if slug not in listed:
                query = _toggled(filterset.data, key, slug, True)
                values.append(FacetValue(slug, name, None, True, query))
        facets[key] = values
    return facets


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str
    name: str
    query: str  # the list's query string without this filter


FILTER_LABELS = {
    "state": "State",
    "jurisdiction": "Place",
    "outlet": "Outlet",
    "official": "Official",
    "topic": "Topic",
    "published_after": "From",
    "published_before": "To",
}


def active_filters(filterset) -> list[ActiveFilter]:
    """The filters in force, each with the parameters that would remove it."""
    if not filterset.is_valid():
        return []
    active = []
    for key, label in FILTER_LABELS.items():
        if key in FACET_NAMES:
            chosen = _selected_values(filterset, key)
        else:
            value = filterset.form.cleaned_data.get(key)
            chosen = [(value.isoformat(), value.isoformat())] if value else []
        for value, name in chosen:
            active.append(
                ActiveFilter(key, value, label, name, _toggled(filterset.data, key, value, True))
            )
    return active
