"""The US map: counties and states shaded by article count, drawn as SVG on the server.

The shapes are the Census Bureau's 2017 cartographic boundaries as shipped, already projected
(Albers USA, 975×610), by the npm package us-atlas, vendored in ``static/vendor/us-atlas/``.
Nothing is fetched at run time and no JavaScript is needed: every county is a link with a
``<title>`` naming it and its count.

The geometry never changes between deploys, so it is decoded and turned into SVG path data
once per process (``atlas()``); a request only joins those paths with links, titles and
shading classes.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connections, router
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Jurisdiction, page_path

ATLAS_FILE = Path(settings.BASE_DIR) / "static" / "vendor" / "us-atlas" / "counties-albers-10m.json"
WIDTH, HEIGHT = 975, 610

# Shading classes: 1, 2–3, 4–7, 8–15, 16–31, 32 and more articles (q0 is none).
CLASS_FLOORS = (1, 2, 4, 8, 16, 32)


@dataclass(frozen=True)
class Shape:
    fips: str
    name: str
    path: str
    bbox: tuple[int, int, int, int]  # in tenths of a pixel: x0, y0, x1, y1


@dataclass(frozen=True)
class Atlas:
    counties: dict[str, Shape]
    states: dict[str, Shape]
    state_borders: str  # the lines between two states, drawn over the counties
    nation: str  # the outline of the country


def _number(tenths: int) -> str:
    """A coordinate in tenths of a pixel as short SVG text: 12 -> "1.2", -3 -> "-.3"."""
    text = f"{tenths / 10:g}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _line(points: list[tuple[int, int]]) -> str:
    """Path data for one line: an absolute move, then relative steps (repeats dropped)."""
    x, y = points[0]
    steps = []
    for px, py in points[1:]:
        if (px, py) != (x, y):
            dx, dy = _number(px - x), _number(py - y)
            steps.append(dx + ("" if dy.startswith("-") else ",") + dy)
            x, y = px, py
    if not steps:
        return ""  # shorter than the rounding: "M x,y l" alone would end the path's parsing
    return f"M{_number(points[0][0])},{_number(points[0][1])}l" + " ".join(steps)


def _decode_arcs(topology: dict) -> list[list[tuple[int, int]]]:
    """The topology's arcs as absolute points in tenths of a pixel (TopoJSON delta-decoding)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round((x * sx + tx) * 10), round((y * sy + ty) * 10)))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes: list[int]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _shape(arcs, geometry: dict) -> Shape:
    rings = [_ring(arcs, ring) for polygon in _polygons(geometry) for ring in polygon]
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return Shape(
        fips=geometry["id"],
        name=geometry.get("properties", {}).get("name", ""),
        path="".join(line + "z" for line in map(_line, rings) if line),
        bbox=(min(xs), min(ys), max(xs), max(ys)),
    )


def _mesh(arcs, geometries: list[dict], *, interior: bool) -> str:
    """Arcs shared by two geometries (interior borders) or used by one only (the outline)."""
    users: dict[int, set[str]] = defaultdict(set)
    for geometry in geometries:
        for polygon in _polygons(geometry):
            for ring in polygon:
                for index in ring:
                    users[index if index >= 0 else ~index].add(geometry["id"])
    chosen = sorted(i for i, ids in users.items() if (len(ids) > 1) == interior)
    return "".join(_line(arcs[i]) for i in chosen)


@cache
def atlas() -> Atlas:
    """The decoded map, made once per process."""
    topology = json.loads(ATLAS_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    counties = topology["objects"]["counties"]["geometries"]
    states = topology["objects"]["states"]["geometries"]
    return Atlas(
        counties={g["id"]: _shape(arcs, g) for g in counties},
        states={g["id"]: _shape(arcs, g) for g in states},
        state_borders=_mesh(arcs, states, interior=True),
        nation=_mesh(arcs, states, interior=False),
    )


def shade_class(count: int) -> int:
    """0 for no articles, then 1 to 6 for 1, 2–3, 4–7, 8–15, 16–31, 32 and more."""
    return sum(1 for floor in CLASS_FLOORS if count >= floor)


@dataclass(frozen=True)
class LegendEntry:
    css_class: int
    label: str


def legend(max_count: int) -> list[LegendEntry]:
    """The shading classes up to the busiest area's, with "no articles" first."""
    entries = [LegendEntry(0, "no articles")]
    top = max(shade_class(max_count), 1)
    for n, floor in enumerate(CLASS_FLOORS[:top], start=1):
        upper = CLASS_FLOORS[n] - 1 if n < len(CLASS_FLOORS) else None
        if upper is None:
            label = f"{floor} or more"
        elif upper == floor:
            label = str(floor)
        else:
            label = f"{floor}–{upper}"
        entries.append(LegendEntry(n, label))
    return entries


@dataclass(frozen=True)
class RenderedMap:
    svg: SafeString
    legend: list[LegendEntry]
    shaded: int  # areas with at least one article
    areas: int


@dataclass(frozen=True)
class Area:
    shape: Shape
    opening: str  # '<a href="…" data-fips="…"'; the classes and the rest follow
    label: str  # escaped: "Baltimore County, MD"


@dataclass(frozen=True)
class Layer:
    """One map's areas as markup for "no articles", ready to be copied and shaded."""

    parts: list[str]
    by_place: dict[int, tuple[int, Area]]  # place id -> (index in parts, area)
    frame: str


def _describe(count: int) -> str:
    return f"{count} article{'s' if count != 1 else ''}" if count else "no articles"


def _unshaded(area: Area) -> str:
    # Areas without articles stay clickable but out of the tab order: thousands of stops.
    return (
        f'{area.opening} tabindex="-1"><title>{area.label}: no articles</title>'
        f'<path d="{area.shape.path}"/></a>'
    )


def _shaded(area: Area, count: int, current: bool) -> str:
    css = f"q{shade_class(count)}" + (" is-current" if current else "")
    focus = "" if count else ' tabindex="-1"'
    return (
        f'{area.opening} class="{css}" data-count="{count}"{focus}>'
        f"<title>{area.label}: {_describe(count)}</title>"
        f'<path d="{area.shape.path}"/></a>'
    )


def _frame(shapes: list[Shape]) -> str:
    """A viewBox around the shapes with a small margin."""
    x0 = min(s.bbox[0] for s in shapes) / 10
    y0 = min(s.bbox[1] for s in shapes) / 10
    x1 = max(s.bbox[2] for s in shapes) / 10
    y1 = max(s.bbox[3] for s in shapes) / 10
    margin = max(x1 - x0, y1 - y0) * 0.03 + 1
    return (
        f"{x0 - margin:.1f} {y0 - margin:.1f} {x1 - x0 + 2 * margin:.1f} {y1 - y0 + 2 * margin:.1f}"
    )


def _build_layer(places: dict[str, Jurisdiction], level: str, state_fips: str | None) -> Layer:
    shapes = atlas().counties if level == "county" else atlas().states
    chosen = [s for fips, s in sorted(shapes.items()) if not state_fips or fips[:2] == state_fips]
    parts, by_place = [], {}
    for shape in chosen:
        place = places.get(shape.fips)
        if place is None:
            # A boundary the gazetteer no longer has (Valdez-Cordova, AK, split in 2019).
            parts.append(
                f"<g><title>{escape(shape.name)} (former boundary)</title>"
                f'<path d="{shape.path}"/></g>'
            )
            continue
        href = escape(page_path("archive:jurisdiction", place.slug))
        opening = f'<a href="{href}" data-fips="{shape.fips}"'
        area = Area(shape, opening, escape(str(place)))
        by_place[place.pk] = (len(parts), area)
        parts.append(_unshaded(area))
    frame = _frame(chosen) if state_fips and chosen else f"0 0 {WIDTH} {HEIGHT}"
    return Layer(parts, by_place, frame)


_FINGERPRINT_SQL = f"""
    SELECT count(*), sum(hashtext(concat_ws('|', id, fips, slug, name, kind, postal_code)))
    FROM {Jurisdiction._meta.db_table} WHERE length(fips) IN (2, 5)
"""
_layers: dict[tuple, Layer] = {}
_layers_fingerprint: list[tuple] = []


def _layer(level: str, state_fips: str | None) -> Layer:
    """The unshaded markup of one map, rebuilt only when the gazetteer's places change.

    One cheap query (a checksum of the places, computed by PostgreSQL) tells whether the
    cached markup is current, in every worker process, without loading 3,000 rows a request.
    """
    with connections[router.db_for_read(Jurisdiction)].cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        fingerprint = cursor.fetchone()
    if _layers_fingerprint != [fingerprint]:
        _layers.clear()
        _layers_fingerprint[:] = [fingerprint]
    key = (level, state_fips)
    if key not in _layers:
        rows = Jurisdiction.objects.filter(fips__regex=r"^(\d{2}|\d{5})$")
        places = {place.fips: place for place in rows}
        _layers[key] = _build_layer(places, level, state_fips)
    return _layers[key]


def render_map(
    counts: dict[int, int],
    *,
    level: str = "county",
    state_fips: str | None = None,
    current: int | None = None,
    title: str = "",
) -> RenderedMap:
    """The choropleth as inline SVG, shaded by ``counts`` (article count per place id).

    ``level`` is "county" or "state". ``state_fips`` draws only that state's counties, framed
    to fit; ``current`` (a place id) outlines the place whose page this is.
    """
    geometry = atlas()
    layer = _layer(level, state_fips)
    parts = layer.parts.copy()
    shaded = max_count = 0
    for place_id, count in counts.items():
        if place_id in layer.by_place and count:
            index, area = layer.by_place[place_id]
            parts[index] = _shaded(area, count, place_id == current)
            shaded += 1
            max_count = max(max_count, count)
    if current in layer.by_place and not counts.get(current):
        index, area = layer.by_place[current]
        parts[index] = _shaded(area, 0, True)
    borders = ""
    if level == "county" and not state_fips:
        borders = f'<path class="us-map__borders" d="{geometry.state_borders}"/>'
    outline = f'<path class="us-map__outline" d="{geometry.nation}"/>'
    if state_fips:
        state = geometry.states.get(state_fips)
        outline = f'<path class="us-map__outline" d="{state.path}"/>' if state else ""
    area_word = "counties" if level == "county" else "states"
    label = escape(title or f"{shaded} of {len(parts)} {area_word} with articles")
    svg = (
        f'<svg class="us-map" viewBox="{layer.frame}" '
        f'role="group" aria-label="{label}"><title>{label}</title>'
        f'<g class="us-map__areas">{"".join(parts)}</g>{borders}{outline}</svg>'
    )
    return RenderedMap(mark_safe(svg), legend(max_count), shaded, len(parts))
