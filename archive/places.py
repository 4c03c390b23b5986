"""The places browse: states with their counties and cities, and how much each has."""

from dataclasses import dataclass, field

import us
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string

from archive.caching import cached
from archive.facets import PlaceCount, archive_place_counts, place_counts, tallied_place_counts
from archive.models import Jurisdiction, JurisdictionKind, Official, Outlet
from archive.results import busiest_sql, counting_rows, unnested_counts_sql
from archive.timeline import Timeline, month_counts_sql, monthly_timeline
from archive.usmap import RenderedMap, atlas, render_map


@dataclass
class StateEntry:
    state: Jurisdiction
    count: int = 0
    places: list[PlaceCount] = field(default_factory=list)


def place_tree(articles=None, counts: list[PlaceCount] | None = None) -> list[StateEntry]:
    """Every state with its article count, and beneath it its places that have articles.

    Pass ``counts`` (from ``place_counts``) when the page has them already.
    """
    if counts is None:
        counts = place_counts(articles) if articles is not None else archive_place_counts()
    by_id = {place.id: place for place in counts}
    entries = {
        state.postal_code: StateEntry(state, by_id[state.pk].count if state.pk in by_id else 0)
        for state in Jurisdiction.objects.states().order_by("name")
    }
    for place in counts:
        if place.kind != "state" and place.postal_code in entries:
            entries[place.postal_code].places.append(place)
    for entry in entries.values():
        entry.places.sort(key=lambda place: (place.kind != "county", place.name))
    return list(entries.values())


@dataclass
class Children:
    """A place's children: those with articles (with counts), and the rest."""

    with_articles: list[Jurisdiction]
    without: list[Jurisdiction]

    def __bool__(self) -> bool:
        return bool(self.with_articles or self.without)


def children_of(place: Jurisdiction, counts: dict[int, int]) -> Children:
    """The places directly inside ``place``, busiest first; counts include their own insides."""
    children = list(
        place.children.only("name", "slug", "kind", "postal_code").order_by("kind", "name")
    )
    for child in children:
        child.article_count = counts.get(child.pk, 0)
    busy = sorted((c for c in children if c.article_count), key=lambda c: -c.article_count)
    return Children(busy, [c for c in children if not c.article_count])


def state_of(place: Jurisdiction) -> Jurisdiction | None:
    """The state a place is in (itself for a state); needs parent__parent selected."""
    chain = [p for p in (place, place.parent, place.parent and place.parent.parent) if p]
    return next((p for p in chain if p.kind == JurisdictionKind.STATE), None)


def state_county_map(place: Jurisdiction, counts: dict[int, int]) -> RenderedMap | None:
    """The county map of a place's state, the place's county (or itself) outlined.

    ``counts`` must cover the state's places. Territories have no map.
    """
    state = state_of(place)
    if state is None or state.fips not in atlas().states:
        return None
    chain = [p for p in (place, place.parent, place.parent and place.parent.parent) if p]
    county = next((p for p in chain if len(p.fips) == 5), None)
    return render_map(
        counts,
        state_fips=state.fips,
        current=county.pk if county else None,
        title=f"Counties of {state}",
    )


PLACE_SEARCH_LIMIT = 50


def find_places(text: str, counts: dict[int, int]) -> list[Jurisdiction]:
    """Places whose name matches what a reader typed, closest first, with counts and kinds."""
    found = list(Jurisdiction.objects.matching(text).select_related("parent")[:PLACE_SEARCH_LIMIT])
    for place in found:
        place.article_count = counts.get(place.pk, 0)
        place.kind_label = kind_label(place)
    return found


TERRITORY_CODES = frozenset(state.abbr for state in us.states.TERRITORIES)


def kind_label(place: Jurisdiction) -> str:
    """What a reader calls the place: a territory or DC is not a state, Baltimore not a town."""
    if place.kind == JurisdictionKind.STATE:
        if place.postal_code == "DC":
            return "Federal district"
        return "Territory" if place.postal_code in TERRITORY_CODES else "State"
    if place.kind == JurisdictionKind.CITY and len(place.fips) == 5:
        return "Independent city"
    return place.get_kind_display()


@dataclass
class Breakdown:
    """Whom and what a place's articles name most, and when they were published."""

    officials: list[Official]
    outlets: list[Outlet]
    timeline: Timeline


def _named_most[T: Model](model: type[T], counts: dict[int, int], database: str) -> list[T]:
    tags = model.objects.using(database).in_bulk(counts)
    for pk, tag in tags.items():
        tag.article_count = counts[pk]
    return sorted(tags.values(), key=lambda tag: (-tag.article_count, tag.name))


def breakdown(articles: QuerySet, limit: int = 20) -> Breakdown:
    """The officials and outlets ``articles`` name most (each with ``article_count``, ties at
    the limit broken by name) and the articles per month, from one reading of the articles.

    Read once for each, Texas's 122,256 articles at 1,000,000 took 553–615 ms in ``psql``;
    read once, 382–398. The officials' ids are unnested in the select list and only the
    busiest joined for their names, as a search's facets are: unnested beside each row, the
    planner scanned the officials' table once for each official named (item 62).
    """
    columns = ("outlet_id", "official_ids", "date_precision", "published_on")
    article_sql, params = articles.order_by().values(*columns).query.sql_with_params()
    busiest = {
        "official": unnested_counts_sql("a.official_ids", "a"),
        "outlet": "SELECT outlet_id AS tag_id, COUNT(*) AS n FROM a "
        "WHERE outlet_id IS NOT NULL GROUP BY outlet_id",
    }
    tables = {"official": Official._meta.db_table, "outlet": Outlet._meta.db_table}
    # Rows of (kind, tag id, date precision, month, articles).
    named = " UNION ALL ".join(
        "("
        + busiest_sql(counted, tables[kind], f"'{kind}', t.id, '', NULL::date", "t.name", limit)
        + ")"
        for kind, counted in busiest.items()
    )
    sql = f"""
        WITH a ({", ".join(columns)}) AS MATERIALIZED ({article_sql})
        {named}
        UNION ALL SELECT 'month', NULL, months.* FROM ({month_counts_sql("a")}) months"""
    counts: dict[str, dict[int, int]] = {"official": {}, "outlet": {}}
    months = []
    for kind, tag_id, precision, month, n in counting_rows(articles.db, sql, params):
        if kind == "month":
            months.append((precision, month, n))
        else:
            counts[kind][tag_id] = n
    return Breakdown(
        officials=_named_most(Official, counts["official"], articles.db),
        outlets=_named_most(Outlet, counts["outlet"], articles.db),
        timeline=monthly_timeline(months),
    )


def counts_within(place: Jurisdiction) -> dict[int, int]:
    """Articles per place inside ``place`` (itself included), until the archive changes.

    Every article about a place inside ``place`` is about ``place`` too, so these are the
    places' counts across the archive, read from the tally.
    """
    places = Jurisdiction.objects.within([place])
    return cached(
        f"place-counts-within:{place.pk}",
        lambda: {p.id: p.count for p in tallied_place_counts(places)},
    )


def place_figures(place: Jurisdiction, articles: QuerySet) -> dict:
    """What a place's page shows beside its articles — its state's map, the places inside it,
    its officials, the officials and outlets its articles name most, the articles per month,
    and how many articles it has — the same for every page of them, so kept drawn until the
    archive changes (a renamed place or official changes it too). Drawn afresh, they were a
    fifth of the page's time: the state's map alone is checked against the gazetteer and
    shaded county by county.
    """
    return cached(f"place-figures:{place.pk}", lambda: _place_figures(place, articles))


def _place_figures(place: Jurisdiction, articles: QuerySet) -> dict:
    state = state_of(place)
    # Counts within the state serve the children and the state's county map alike.
    counts = counts_within(state or place)
    children = children_of(place, counts)
    named = breakdown(articles)
    beside = {
        "tag": place,
        "place_map": state_county_map(place, counts),
        "place_map_state": state,
        "children": children,
        "serving": Official.objects.using(articles.db)
        .filter(jurisdiction__in=Jurisdiction.objects.within([place]))
        .select_related("jurisdiction")
        .order_by("name")[:20],
        "officials": named.officials,
        "outlets": named.outlets,
    }
    return {
        # The place's own articles, exactly: its page's count, with no statement of its own.
        "article_count": counts.get(place.pk, 0),
        "has_children": bool(children),
        "timeline_html": render_to_string("includes/_timeline.html", {"timeline": named.timeline}),
        "aside_html": render_to_string("includes/_place_aside.html", beside),
    }
