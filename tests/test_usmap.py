"""The map's geometry: TopoJSON decoded correctly, every county drawn, shading by count."""

import re

import pytest

from archive import usmap

# Two unit squares side by side sharing the arc x=1 (TopoJSON's own example shape).
TINY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "arcs": [
        [[1, 0], [0, 1]],  # shared edge, from (1,0) up to (1,1)
        [[1, 0], [-1, 0], [0, 1], [1, 0]],  # left square's other three sides
        [[1, 1], [1, 0], [0, -1], [-1, 0]],  # right square's other three sides
    ],
    "objects": {
        "states": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "01", "arcs": [[~0, 1]]},
                {"type": "Polygon", "id": "02", "arcs": [[0, 2]]},
            ],
        }
    },
}


def test_arcs_are_delta_decoded_and_scaled_to_tenths():
    topology = {**TINY, "transform": {"scale": [2, 0.5], "translate": [10, 20]}}
    arcs = usmap._decode_arcs(topology)
    assert arcs[0] == [(120, 200), (120, 205)]
    assert arcs[1] == [(120, 200), (100, 200), (100, 205), (120, 205)]


def test_rings_follow_reversed_arcs_and_paths_are_relative():
    arcs = usmap._decode_arcs(TINY)
    left, right = TINY["objects"]["states"]["geometries"]
    assert usmap._ring(arcs, left["arcs"][0]) == [(10, 10), (10, 0), (0, 0), (0, 10), (10, 10)]
    shape = usmap._shape(arcs, right)
    assert shape.path == "M1,0l0,1 1,0 0-1 -1,0z"
    assert shape.bbox == (10, 0, 20, 10)


def test_the_mesh_separates_shared_borders_from_the_outline():
    arcs = usmap._decode_arcs(TINY)
    geometries = TINY["objects"]["states"]["geometries"]
    assert usmap._mesh(arcs, geometries, interior=True) == "M1,0l0,1"
    assert usmap._mesh(arcs, geometries, interior=False).count("M") == 2


def test_numbers_are_written_short():
    assert [usmap._number(n) for n in (0, 5, -5, 12, -30, 1234)] == [
        "0",
        ".5",
        "-.5",
        "1.2",
        "-3",
        "123.4",
    ]


def test_the_atlas_has_every_county_and_state_of_the_census_2017_boundaries():
    atlas = usmap.atlas()
    assert len(atlas.counties) == 3142
    assert len(atlas.states) == 51
    baltimore_county = atlas.counties["24005"]
    assert baltimore_county.name == "Baltimore"
    x0, y0, x1, y1 = baltimore_county.bbox
    assert 0 < x0 < x1 < usmap.WIDTH * 10 and 0 < y0 < y1 < usmap.HEIGHT * 10
    assert re.fullmatch(r"(M[-\d.,]+l[-\d., ]+z)+", baltimore_county.path)
    assert usmap.atlas() is atlas  # decoded once per process


def test_every_path_parses_to_the_end():
    # A move with no line after it ("M1,2l" then "M…") makes browsers drop the rest of a path.
    atlas = usmap.atlas()
    paths = [s.path for s in atlas.counties.values()] + [s.path for s in atlas.states.values()]
    for path in [*paths, atlas.state_borders, atlas.nation]:
        assert not re.search(r"l(?=M|z|$)", path)
    # At 1:10,000,000 the city of Lexington, VA is simplified down to a single point.
    assert [s.fips for s in atlas.counties.values() if not s.path] == ["51678"]
    assert usmap._line([(5, 5), (5, 5)]) == ""


@pytest.mark.parametrize(
    ("count", "css_class"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (15, 4), (16, 5), (99, 6)]
)
def test_shading_classes_double(count, css_class):
    assert usmap.shade_class(count) == css_class


def test_the_legend_stops_at_the_busiest_class():
    assert [entry.label for entry in usmap.legend(0)] == ["no articles", "1"]
    assert [entry.label for entry in usmap.legend(5)] == ["no articles", "1", "2–3", "4–7"]
    assert usmap.legend(500)[-1].label == "32 or more"
