"""Facet counts beside a list of articles.

Each facet is counted over the list as filtered by everything *except* that facet's own
parameter, so the values of a facet read like check boxes: picking another outlet widens the
list to either outlet (CONTRACT.md: repeated slugs mean OR), and the count beside a value is
what the list holds once that value alone is chosen in its facet.

A place counts every article tagged with it or with any place inside it: the number beside
Maryland is what ``?jurisdiction=maryland`` returns.
"""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, QuerySet
from django.http import QueryDict

from archive.models import Article, Jurisdiction, JurisdictionKind

FACET_NAMES = ("outlet", "jurisdiction", "state", "official", "topic")
FACET_LIMIT = 10


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int | None
    selected: bool = False
    params: QueryDict = field(default_factory=QueryDict)
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


def place_counts(
    articles: QuerySet, *, exclude_kinds: tuple[str, ...] = (), limit: int | None = None
) -> list[PlaceCount]:
    """Distinct articles per place, each article counted for its places and their ancestors.

    One grouped query: every tag link is expanded to the tagged place, its parent and its
    grandparent (the tree is at most three deep), then counted per place.
    """
    article_sql, article_params = articles.order_by().values("pk").query.sql_with_params()
    link_table = Article.jurisdictions.through._meta.db_table
    place_table = Jurisdiction._meta.db_table
    sql = f"""
        SELECT p.id, p.slug, p.name, p.kind, p.postal_code, p.parent_id, c.n
        FROM (
            SELECT up.place_id, COUNT(DISTINCT link.article_id) AS n
            FROM {link_table} link
            JOIN {place_table} place ON place.id = link.jurisdiction_id
            LEFT JOIN {place_table} parent ON parent.id = place.parent_id
            CROSS JOIN LATERAL (VALUES (place.id), (place.parent_id), (parent.parent_id))
                AS up(place_id)
            WHERE up.place_id IS NOT NULL AND link.article_id IN ({article_sql})
            GROUP BY up.place_id
        ) c
        JOIN {place_table} p ON p.id = c.place_id
        WHERE NOT (p.kind = ANY(%s))
        ORDER BY c.n DESC, p.name
    """
    params = [*article_params, list(exclude_kinds)]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    # The database the queryset reads from: a replica when the request may use one.
    with connections[articles.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [PlaceCount(*row) for row in cursor.fetchall()]


def _count_outlets(articles: QuerySet) -> list[tuple[str, str, int, str]]:
    rows = (
        articles.order_by()
        .filter(outlet__isnull=False)
        .values_list("outlet__slug", "outlet__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "outlet__name")[:FACET_LIMIT]
    )
    return [(slug, name, count, "") for slug, name, count in rows]


def _count_tags(relation: str, target: str):
    """A counter over one of Article's many-to-many tag relations; ``target`` is its FK name."""
    through = getattr(Article, relation).through

    def count(articles: QuerySet) -> list[tuple[str, str, int, str]]:
        rows = (
            through.objects.filter(article__in=articles.order_by().values("pk"))
            .values_list(f"{target}__slug", f"{target}__name")
            .annotate(count=Count("article_id"))
            .order_by("-count", f"{target}__name")[:FACET_LIMIT]
        )
        return [(slug, name, n, "") for slug, name, n in rows]

    return count


def _count_places(articles: QuerySet) -> list[tuple[str, str, int, str]]:
    # States have a facet of their own.
    rows = place_counts(articles, exclude_kinds=(JurisdictionKind.STATE,), limit=FACET_LIMIT)
    return [(p.slug, p.name, p.count, p.postal_code) for p in rows]


def _count_states(articles: QuerySet) -> list[tuple[str, str, int, str]]:
    rows = (
        Article.jurisdictions.through.objects.filter(article__in=articles.order_by().values("pk"))
        .values_list("jurisdiction__postal_code")
        .annotate(count=Count("article_id", distinct=True))
        .order_by("-count", "jurisdiction__postal_code")[:FACET_LIMIT]
    )
    names = dict(Jurisdiction.objects.states().values_list("postal_code", "name"))
    return [(code, names.get(code, code), n, "") for code, n in rows]


COUNTERS = {
    "outlet": _count_outlets,
    "jurisdiction": _count_places,
    "state": _count_states,
    "official": _count_tags("officials", "official"),
    "topic": _count_tags("topics", "topic"),
}


SINGLE_VALUED = {"state", "published_after", "published_before"}


def _toggled(data: QueryDict, key: str, value: str, selected: bool) -> QueryDict:
    """The list's parameters with one filter value added (or removed when it is chosen)."""
    params = data.copy()
    params.pop("page", None)
    if key in SINGLE_VALUED:
        params.setlist(key, [] if selected else [value])
        return params
    values = [v for v in params.getlist(key) if v != value]
    if not selected:
        values.append(value)
    params.setlist(key, values)
    return params


def _selected_values(filterset, key: str) -> list[tuple[str, str]]:
    value = filterset.form.cleaned_data.get(key)
    if not value:
        return []
    if key == "state":
        name = (
            Jurisdiction.objects.states().filter(postal_code=value).values_list("name", flat=True)
        )
        return [(value, name.first() or value)]
    return [(obj.slug, obj.name) for obj in value]


def article_facets(filterset) -> dict[str, list[FacetValue]]:
    """Per facet, its busiest values and any chosen ones, each with a link that toggles it."""
    if not filterset.is_valid():
        return {}
    facets = {}
    for key in FACET_NAMES:
        others = filterset.data.copy()
        others.pop(key, None)
        base = type(filterset)(others, queryset=filterset.queryset).qs
        chosen = dict(_selected_values(filterset, key))
        values = []
        for slug, name, count, detail in COUNTERS[key](base):
            selected = slug in chosen
            params = _toggled(filterset.data, key, slug, selected)
            values.append(FacetValue(slug, name, count, selected, params, detail))
        listed = {value.slug for value in values}
        for slug, name in chosen.items():
            if slug not in listed:
                params = _toggled(filterset.data, key, slug, True)
                values.append(FacetValue(slug, name, None, True, params))
        facets[key] = values
    return facets


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str
    name: str
    params: QueryDict


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
