"""The gazetteer: every US state, DC, territory and county-equivalent, from the `us` package.

Readers browse by county first, so every county must have a page whether or not anything has
been written about it yet. The list comes from the maintained `us` package (Census names and
FIPS codes, 2020 county set) rather than from a hand-typed table, and is loaded into the
``Jurisdiction`` table by ``manage.py load_gazetteer``, which ``make run`` calls on every start.

Loading reuses what is there: a place already holding an entry's FIPS code is that entry (the
seed archive and editors' places keep their rows, so every tag keeps pointing at the same
place); failing that, a place with the entry's slug and no FIPS code gets the code. Nothing
that exists is renamed or moved, so loading twice changes nothing.

Naming follows CONTRACT.md: states by name (``maryland``), county-equivalents by their full
Census name and postal code (``orleans-parish-la``, ``north-slope-borough-ak``). The Census
lists independent cities among counties as "Baltimore city"; they are cities here
(``baltimore-md``, under their state), distinct from ``baltimore-county-md``.

Connecticut keeps its eight historical counties (``hartford-county-ct``, 09003) and not the
nine planning regions the Census has used since 2022: the `us` package and the map's
boundaries (Census 2017) both have the counties, reporting names them, and the regions govern
nothing an article would be about. An editor can add a region as an "other" place when needed.
"""

from dataclasses import dataclass, field

import us
from django.db import transaction
from django.utils.text import slugify

from archive.models import Jurisdiction, JurisdictionKind


@dataclass(frozen=True)
class GazetteerEntry:
    fips: str
    name: str
    slug: str
    kind: str
    postal_code: str
    parent_fips: str | None = None


@dataclass
class GazetteerReport:
    created: int = 0
    filled_in: int = 0
    present: int = 0
    conflicts: list[str] = field(default_factory=list)


def place_slug(name: str, postal_code: str) -> str:
    """A county's or city's slug: its name and its state's postal code (``wake-county-nc``)."""
    return f"{slugify(name)}-{postal_code.lower()}"


def county_equivalent(census_name: str) -> tuple[str, str]:
    """The name and kind of a Census county-equivalent: "Fairfax city" is the city Fairfax."""
    if census_name.endswith(" city"):
        return census_name.removesuffix(" city"), JurisdictionKind.CITY
    if census_name.endswith(" City"):  # Carson City, NV keeps its name
        return census_name, JurisdictionKind.CITY
    return census_name, JurisdictionKind.COUNTY


def gazetteer_entries() -> list[GazetteerEntry]:
    """States, DC and territories, each followed by its county-equivalents, in FIPS order."""
    entries = []
    for state in sorted(us.states.STATES_AND_TERRITORIES, key=lambda s: s.fips):
        entries.append(
            GazetteerEntry(state.fips, state.name, slugify(state.name), "state", state.abbr)
        )
        for county in sorted(state.counties, key=lambda c: c.fips):
            name, kind = county_equivalent(county.name)
            slug = place_slug(name, state.abbr)
            entries.append(GazetteerEntry(county.fips, name, slug, kind, state.abbr, state.fips))
    return entries


def _existing_place(entry, by_fips, by_slug, report, to_fill) -> Jurisdiction | None:
    """The row an entry already has, if any; a slug match without a FIPS code gets one."""
    place = by_fips.get(entry.fips)
    if place is not None:
        report.present += 1
        return place
    place = by_slug.get(entry.slug)
    if place is None:
        return None
    if place.fips or place.kind != entry.kind:
        report.conflicts.append(
            f"{entry.slug}: the slug belongs to a {place.kind} with FIPS "
            f"“{place.fips or 'none'}”, not the {entry.kind} {entry.fips}; left alone."
        )
        return place
    place.fips = entry.fips
    to_fill.append(place)
    report.filled_in += 1
    return place


@transaction.atomic
def load_gazetteer(
    entries: list[GazetteerEntry] | None = None, *, dry_run: bool = False
) -> GazetteerReport:
    """Create the places that are missing, in one transaction and a few bulk statements."""
    entries = gazetteer_entries() if entries is None else entries
    report = GazetteerReport()
    existing = list(Jurisdiction.objects.all())
    by_fips = {place.fips: place for place in existing if place.fips}
    by_slug = {place.slug: place for place in existing}
    resolved: dict[str, Jurisdiction] = {}
    to_fill: list[Jurisdiction] = []
    # States first: their counties need their primary keys.
    for states_pass in (True, False):
        new = []
        for entry in entries:
            if (entry.kind == "state") != states_pass:
                continue
            place = _existing_place(entry, by_fips, by_slug, report, to_fill)
            if place is None:
                parent = resolved.get(entry.parent_fips) if entry.parent_fips else None
                if entry.parent_fips and parent is None:
                    report.conflicts.append(f"{entry.slug}: its state is missing; not loaded.")
                    continue
                place = Jurisdiction(
                    name=entry.name,
                    slug=entry.slug,
                    kind=entry.kind,
                    parent=parent,
                    postal_code=entry.postal_code,
                    fips=entry.fips,
                )
                new.append(place)
            if place.fips == entry.fips:
                resolved[entry.fips] = place
        Jurisdiction.objects.bulk_create(new, batch_size=1000)
        report.created += len(new)
    if to_fill:
        Jurisdiction.objects.bulk_update(to_fill, ["fips"])
    if dry_run:
        transaction.set_rollback(True)
    return report
