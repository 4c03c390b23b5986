"""The gazetteer: every state, territory and county, loaded once, named by the contract."""

import json

import pytest
import us
from django.core.management import call_command
from django.db import connection
from django.urls import resolve

from archive.gazetteer import gazetteer_entries, load_gazetteer
from archive.models import Article, Jurisdiction
from archive.seed import SEED_MANIFEST, load_seed_archive
from archive.views import JurisdictionView

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Jurisdiction.objects.order_by("pk").values_list(
            "pk", "slug", "name", "kind", "parent_id", "postal_code", "fips"
        )
    )


def empty_the_archive():
    """An install from before the gazetteer: nothing yet (the test's transaction undoes it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Jurisdiction._meta.db_table} CASCADE")


def test_every_state_territory_and_county_equivalent_is_loaded():
    states = us.states.STATES_AND_TERRITORIES
    counties = [county for state in states for county in state.counties]
    assert len(states) == 56  # 50 states, DC and five territories
    assert len(counties) > 3200
    loaded = dict(Jurisdiction.objects.exclude(fips="").values_list("fips", "slug"))
    for entry in gazetteer_entries():
        assert loaded.get(entry.fips) == entry.slug, entry
    assert Jurisdiction.objects.filter(fips__regex=r"^\d{2}$").count() == len(states)
    assert Jurisdiction.objects.filter(fips__regex=r"^\d{5}$").count() == len(counties)


def test_slugs_and_fips_codes_are_unique():
    entries = gazetteer_entries()
    assert len({entry.slug for entry in entries}) == len(entries)
    assert len({entry.fips for entry in entries}) == len(entries)


@pytest.mark.parametrize(
    ("slug", "name", "kind", "fips", "parent"),
    [
        ("maryland", "Maryland", "state", "24", None),
        ("north-carolina", "North Carolina", "state", "37", None),
        ("district-of-columbia", "District of Columbia", "state", "11", None),
        ("puerto-rico", "Puerto Rico", "state", "72", None),
        ("baltimore-county-md", "Baltimore County", "county", "24005", "maryland"),
        ("baltimore-md", "Baltimore", "city", "24510", "maryland"),
        ("wake-county-nc", "Wake County", "county", "37183", "north-carolina"),
        ("san-bernardino-county-ca", "San Bernardino County", "county", "06071", "california"),
        ("orleans-parish-la", "Orleans Parish", "county", "22071", "louisiana"),
        ("north-slope-borough-ak", "North Slope Borough", "county", "02185", "alaska"),
        ("kusilvak-census-area-ak", "Kusilvak Census Area", "county", "02158", "alaska"),
        ("juneau-city-and-borough-ak", "Juneau City and Borough", "county", "02110", "alaska"),
        ("fairfax-va", "Fairfax", "city", "51600", "virginia"),
        ("fairfax-county-va", "Fairfax County", "county", "51059", "virginia"),
        ("st-louis-mo", "St. Louis", "city", "29510", "missouri"),
        ("st-louis-county-mo", "St. Louis County", "county", "29189", "missouri"),
        ("carson-city-nv", "Carson City", "city", "32510", "nevada"),
        ("dona-ana-county-nm", "Doña Ana County", "county", "35013", "new-mexico"),
        ("anasco-municipio-pr", "Añasco Municipio", "county", "72011", "puerto-rico"),
        (
            "district-of-columbia-dc",
            "District of Columbia",
            "county",
            "11001",
            "district-of-columbia",
        ),
    ],
)
def test_places_are_named_as_the_contract_says(slug, name, kind, fips, parent):
    place = Jurisdiction.objects.select_related("parent").get(slug=slug)
    assert (place.name, place.kind, place.fips) == (name, kind, fips)
    assert (place.parent.slug if place.parent else None) == parent
    place.full_clean()  # a parent of the right kind, in the same state


def test_connecticut_keeps_its_historical_counties():
    counties = Jurisdiction.objects.filter(parent__slug="connecticut", kind="county")
    assert sorted(counties.values_list("fips", flat=True)) == [f"09{n:03}" for n in range(1, 16, 2)]
    assert not Jurisdiction.objects.filter(fips__startswith="091").exists()  # planning regions
    assert Jurisdiction.objects.get(slug="hartford-ct").parent.slug == "hartford-county-ct"


def test_loading_twice_changes_nothing():
    before = snapshot()
    report = load_gazetteer()
    assert (report.created, report.filled_in, report.conflicts) == (0, 0, [])
    assert report.present == len(gazetteer_entries())
    assert snapshot() == before


def test_places_made_before_the_gazetteer_keep_their_rows_and_tags():
    empty_the_archive()
    load_seed_archive()
    seeded = dict(Jurisdiction.objects.values_list("slug", "pk"))
    tags = {
        a.slug: sorted(a.jurisdictions.values_list("pk", flat=True)) for a in Article.objects.all()
    }

    report = load_gazetteer()

    in_gazetteer = Jurisdiction.objects.filter(fips__regex=r"^(\d{2}|\d{5})$")
    assert in_gazetteer.filter(pk__in=seeded.values()).count() == 12  # 5 states, 6 counties, 1 city
    assert report.present == 12
    assert report.created == len(gazetteer_entries()) - 12
    after = dict(Jurisdiction.objects.values_list("slug", "pk"))
    assert {slug: after[slug] for slug in seeded} == seeded
    assert {
        a.slug: sorted(a.jurisdictions.values_list("pk", flat=True)) for a in Article.objects.all()
    } == tags
    assert Jurisdiction.objects.count() == len(gazetteer_entries()) + len(seeded) - 12


def test_a_place_without_a_fips_code_gets_it_and_keeps_its_row():
    empty_the_archive()
    state = Jurisdiction.objects.create(
        name="North Carolina", slug="north-carolina", kind="state", postal_code="NC"
    )
    county = Jurisdiction.objects.create(
        name="Wake", slug="wake-county-nc", kind="county", parent=state, postal_code="NC"
    )
    report = load_gazetteer()
    assert report.filled_in == 2
    county.refresh_from_db()
    assert (county.fips, county.name, county.parent_id) == ("37183", "Wake", state.pk)
    assert Jurisdiction.objects.get(slug="durham-county-nc").parent_id == state.pk


def test_a_slug_taken_by_another_place_is_reported_and_left_alone():
    empty_the_archive()
    state = Jurisdiction.objects.create(
        name="Virginia", slug="virginia", kind="state", postal_code="VA", fips="51"
    )
    town = Jurisdiction.objects.create(
        name="Fairfax",
        slug="fairfax-va",
        kind="city",
        parent=state,
        postal_code="VA",
        fips="5126496",
    )
    report = load_gazetteer()
    assert report.conflicts == [
        "fairfax-va: the slug belongs to a city with FIPS “5126496”, "
        "not the city 51600; left alone."
    ]
    town.refresh_from_db()
    assert town.fips == "5126496"
    assert not Jurisdiction.objects.filter(fips="51600").exists()
    assert Jurisdiction.objects.filter(fips="51059", slug="fairfax-county-va").exists()


def test_every_seed_place_is_in_the_gazetteer_or_inside_it_with_a_fips_code():
    gazetteer = {entry.fips: entry.slug for entry in gazetteer_entries()}
    manifest = json.loads(SEED_MANIFEST.read_text(encoding="utf-8"))
    tagged = {slug for entry in manifest["articles"] for slug in entry["jurisdictions"]}
    places = Jurisdiction.objects.filter(slug__in=tagged).select_related("parent")
    assert len(places) == len(tagged)
    for tagged_place in places:
        fips, parent = tagged_place.fips, tagged_place.parent
        assert fips, tagged_place
        if fips in gazetteer:
            assert gazetteer[fips] == tagged_place.slug
        else:  # a city an editor added: under a county of the gazetteer, FIPS within its state
            assert tagged_place.kind == "city" and len(fips) == 7, tagged_place
            assert gazetteer[parent.fips] == parent.slug
            assert fips[:2] == parent.fips[:2]


def test_every_county_has_a_page():
    for slug in Jurisdiction.objects.filter(fips__regex=r"^\d{5}$").values_list("slug", flat=True):
        match = resolve(f"/jurisdictions/{slug}/")
        assert match.func.view_class is JurisdictionView and match.kwargs == {"slug": slug}


def test_the_command_reports_and_the_dry_run_writes_nothing(capsys):
    call_command("load_gazetteer")
    assert "0 places created" in capsys.readouterr().out
    empty_the_archive()
    call_command("load_gazetteer", dry_run=True)
    assert f"would have {len(gazetteer_entries())} places created" in capsys.readouterr().out
    assert not Jurisdiction.objects.exists()
