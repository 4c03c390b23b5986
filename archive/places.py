"""The places browse: states with their counties and cities, and how much each has."""

from dataclasses import dataclass, field

from archive.facets import PlaceCount, place_counts
from archive.models import Article, Jurisdiction


@dataclass
class StateEntry:
    state: Jurisdiction
    count: int = 0
    places: list[PlaceCount] = field(default_factory=list)


def place_tree(articles=None) -> list[StateEntry]:
    """Every state with its article count, and beneath it its places that have articles."""
    counts = place_counts(articles if articles is not None else Article.objects.all())
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
