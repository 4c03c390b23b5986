"""Which places an article concerns, matched against the gazetteer (the Jurisdiction table).

Names are looked up word by word, longest first, so "Baltimore County" is the county and never
also the city of Baltimore. A county or city name shared by several states ("Montgomery
County") is resolved by a state written beside it ("Montgomery County, Md.") or by the states
the rest of the text is about; when that leaves more than one, nothing is suggested. A state is
suggested when it is named on its own, not when it only locates a county or city that the text
names ("Montgomery County, Maryland", "a county in North Carolina").
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from archive.models import Jurisdiction, JurisdictionKind
from archive.suggestions.text import Sentences, Token, tokens

# Every state's name, to read a state written beside a county or city even when the
# gazetteer lacks it: "Montgomery County, Pennsylvania" must never become Maryland's.
STATE_NAMES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "puerto rico": "PR",
}
POSTAL_CODES = set(STATE_NAMES.values())
# Associated Press state abbreviations, read only right after a place name and a comma.
AP_STATES = {
    "ala": "AL",
    "ariz": "AZ",
    "ark": "AR",
    "calif": "CA",
    "colo": "CO",
    "conn": "CT",
    "del": "DE",
    "fla": "FL",
    "ga": "GA",
    "ill": "IL",
    "ind": "IN",
    "kan": "KS",
    "ky": "KY",
    "la": "LA",
    "md": "MD",
    "mass": "MA",
    "mich": "MI",
    "minn": "MN",
    "miss": "MS",
    "mo": "MO",
    "mont": "MT",
    "neb": "NE",
    "nev": "NV",
    "nh": "NH",
    "nj": "NJ",
    "nm": "NM",
    "ny": "NY",
    "nc": "NC",
    "nd": "ND",
    "okla": "OK",
    "ore": "OR",
    "pa": "PA",
    "ri": "RI",
    "sc": "SC",
    "sd": "SD",
    "tenn": "TN",
    "vt": "VT",
    "va": "VA",
    "wash": "WA",
    "wva": "WV",
    "wis": "WI",
    "wyo": "WY",
    "dc": "DC",
}
# Words written in lower case inside a place name ("Baltimore county", "District of Columbia").
LOWERCASE_NAME_WORDS = {
    "of",
    "and",
    "the",
    "de",
    "del",
    "la",
    "le",
    "du",
    "county",
    "parish",
    "borough",
    "city",
    "census",
    "area",
    "municipality",
}
# After a place name, these make it part of another name: a newspaper, a station, a body.
NOT_A_PLACE_AFTER = {
    "sun",
    "times",
    "post",
    "herald",
    "tribune",
    "journal",
    "gazette",
    "globe",
    "chronicle",
    "examiner",
    "observer",
    "inquirer",
    "banner",
    "star",
    "star-tribune",
    "star-ledger",
    "dispatch",
    "register",
    "bee",
    "enquirer",
    "courant",
    "advocate",
    "beacon",
    "daily",
    "magazine",
    "public",
    "radio",
    "matters",
    "today",
    "independent",
    "record",
    "review",
    "sentinel",
    "monthly",
    "business",
    "standard",
    "democrat",
    "republican",
    "free",
    "press",
    "field",
    "ravens",
    "orioles",
    "celtics",
    "university",
    "college",
}
# Before a place name, these make it part of an institution's name.
NOT_A_PLACE_BEFORE = {"university of", "college of", "bank of", "ero", "ice"}
# County-like words: a state or city name followed by one is another place ("Kansas City",
# "Maryland County" in a headline), never the state.
PLACE_WORDS = {"county", "counties", "parish", "borough", "city"}
LOCATING_NOUNS = (
    r"(?:county|counties|city|cities|town|towns|parish|parishes|borough|boroughs|village|"
    r"suburbs?|jurisdictions?|communit(?:y|ies)|municipalit(?:y|ies))"
)
LOCATING_BEFORE = re.compile(rf"\b{LOCATING_NOUNS}\s+in\s+(?:the\s+state\s+of\s+)?$", re.I)
# Between a place and its state: "[Hartford] Correctional Center in [Connecticut]".
IN_ITS_STATE = re.compile(r"[^.!?;\n]{0,60}\sin\s")
# "Arizona's largest county": the state in the possessive before a county-like noun.
LOCATING_AFTER = re.compile(rf"^\s+(?:[a-z]+\s+){{0,2}}{LOCATING_NOUNS}\b")
# Names that are more often something else when written alone: the state must be marked.
MARKED_STATES = {"washington": re.compile(r"^\s+[Ss]tate\b")}
KIND_ORDER = {JurisdictionKind.STATE: 0, JurisdictionKind.COUNTY: 1, JurisdictionKind.CITY: 2}


@dataclass(frozen=True)
class Place:
    id: int
    slug: str
    name: str
    kind: str
    postal_code: str
    parent_id: int | None


@dataclass
class Gazetteer:
    """Every place name in the Jurisdiction table, keyed by its words."""

    by_key: dict[tuple[str, ...], list[Place]]
    by_id: dict[int, Place]
    states: dict[str, Place]
    longest: int

    @classmethod
    def load(cls) -> "Gazetteer":
        by_key: dict[tuple[str, ...], list[Place]] = defaultdict(list)
        by_id, states, longest = {}, {}, 1
        rows = Jurisdiction.objects.values_list(
            "id", "slug", "name", "kind", "postal_code", "parent_id"
        )
        for row in rows:
            place = Place(*row)
            key = name_key(place.name)
            if not key:
                continue
            by_key[key].append(place)
            by_id[place.id] = place
            longest = max(longest, len(key))
            if place.kind == JurisdictionKind.STATE:
                states[place.postal_code] = place
        return cls(dict(by_key), by_id, states, longest)

    def ancestors(self, place: Place) -> list[Place]:
        chain, current = [], place
        while current.parent_id and current.parent_id in self.by_id:
            current = self.by_id[current.parent_id]
            chain.append(current)
        return chain


def name_key(name: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(name))


@dataclass
class Mention:
    start: int
    end: int
    first: int  # index of its first token
    last: int  # index of its last token
    candidates: list[Place]
    qualifier_state: str = ""  # postal code written beside it: "Montgomery County, Md."
    locates: bool = False  # a state that only says where a named county or city lies
    resolved: Place | None = None


@dataclass
class PlaceFinding:
    place: Place
    evidence: str


@dataclass
class _Scan:
    text: str
    words: list[Token]
    mentions: list[Mention] = field(default_factory=list)


def _capitalized_name(words: list[Token]) -> bool:
    return words[0].capitalized and all(
        w.capitalized or w.key in LOWERCASE_NAME_WORDS for w in words[1:]
    )


def _lookup(gazetteer: Gazetteer, words: list[Token]) -> list[Place]:
    keys = [tuple(w.key for w in words)]
    last = words[-1].bare
    if last != words[-1].text:  # "Maryland’s", "Baltimore." → also try "Maryland", "Baltimore"
        keys.append((*keys[0][:-1], Token(last, 0, 0).key))
    for key in keys:
        if key in gazetteer.by_key:
            return gazetteer.by_key[key]
    return []


def _excluded(scan: _Scan, first: int, last: int, candidates: list[Place]) -> bool:
    """Is this name part of something else: a newspaper, an ICE field office, "Kansas City"?"""
    words, text = scan.words, scan.text
    # Names in capitals are datelines ("LOS ANGELES (Reuters) -") and headings, not topics.
    if all(w.text.isupper() for w in words[first : last + 1]):
        return True
    after = words[last + 1] if last + 1 < len(words) else None
    gap_after = text[words[last].end : after.start] if after else ""
    plain_after = after is not None and gap_after == " " and not words[last].text.endswith(".")
    if plain_after and after.key in NOT_A_PLACE_AFTER:
        return True
    if plain_after and after.key in PLACE_WORDS:
        # "Baltimore City" is the city; "Kansas City" or "New York City" is not the state.
        return all(p.kind != JurisdictionKind.CITY for p in candidates)
    before = " ".join(w.key for w in words[max(0, first - 2) : first])
    joined_before = first > 0 and text[words[first - 1].end : words[first].start] == " "
    if joined_before and (
        words[first - 1].key in NOT_A_PLACE_BEFORE or before in NOT_A_PLACE_BEFORE
    ):
        return True
    if first == last and words[first].bare.lower() in MARKED_STATES:
        marked = MARKED_STATES[words[first].bare.lower()].match(text[words[last].end :])
        state_of = text[max(0, words[first].start - 9) : words[first].start].lower()
        return not (marked or state_of.endswith("state of "))
    return False


def _state_written_after(scan: _Scan, mention: Mention) -> str:
    """The postal code of a state written after a place and a comma: "Montgomery County, Md."."""
    words = scan.words
    nxt = mention.last + 1
    if nxt >= len(words) or scan.text[words[mention.last].end : words[nxt].start] != ", ":
        return ""
    for length in (3, 2, 1):  # "District of Columbia", "New York", "Pennsylvania"
        span = words[nxt : nxt + length]
        name = " ".join(w.key for w in span[:-1]) + (" " if length > 1 else "")
        name += Token(span[-1].bare, 0, 0).key if span else ""
        if len(span) == length and name in STATE_NAMES:
            return STATE_NAMES[name]
    word = words[nxt]
    code = AP_STATES.get(word.key) or word.text.rstrip(".")
    return code if code in POSTAL_CODES else ""


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    scan = _Scan(text, tokens(text))
    words, i = scan.words, 0
    while i < len(words):
        matched = False
        for n in range(min(gazetteer.longest, len(words) - i), 0, -1):
            span = words[i : i + n]
            # A name never runs across a comma or a sentence end.
            inner = "".join(text[a.end : b.start] for a, b in zip(span, span[1:], strict=False))
            if inner.strip() or not _capitalized_name(span):
                continue
            candidates = _lookup(gazetteer, span)
            if not candidates:
                continue
            if not _excluded(scan, i, i + n - 1, candidates):
                scan.mentions.append(Mention(span[0].start, span[-1].end, i, i + n - 1, candidates))
            i += n
            matched = True
            break
        if not matched:
            i += 1
    for mention in scan.mentions:
        mention.qualifier_state = _state_written_after(scan, mention)
    _mark_locating_states(scan)
    return scan.mentions


def _is_state(mention: Mention) -> bool:
    return any(p.kind == JurisdictionKind.STATE for p in mention.candidates)


def _same_state(state: Place, mention: Mention) -> bool:
    return any(p.postal_code == state.postal_code for p in mention.candidates)


def _possessive(word: Token) -> bool:
    return word.text.replace("’", "'").endswith(("'s", "'"))


def _mark_locating_states(scan: _Scan) -> None:
    """States that only say where a named county or city lies are qualifiers, not topics."""
    mentions = scan.mentions
    for index, mention in enumerate(mentions):
        if not _is_state(mention):
            continue
        state = next(p for p in mention.candidates if p.kind == JurisdictionKind.STATE)
        previous = mentions[index - 1] if index > 0 else None
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        # "New Britain, Connecticut": the state right after a place name and a comma.
        if (
            previous
            and not _is_state(previous)
            and scan.text[previous.end : mention.start] == ", "
            and _same_state(state, previous)
        ):
            previous.qualifier_state = state.postal_code
            mention.locates = True
        # "Maryland's Montgomery County": the state in the possessive right before one.
        elif (
            following
            and not _is_state(following)
            and re.fullmatch(r"\S+(?:\s\S+)*['’]s\s", scan.text[mention.start : following.start])
            and _same_state(state, following)
        ):
            following.qualifier_state = state.postal_code
            mention.locates = True
        # "the Hartford Correctional Center in Connecticut": a place named earlier in the same
        # sentence, then "in" and its state.
        elif (
            previous
            and not _is_state(previous)
            and IN_ITS_STATE.fullmatch(scan.text[previous.end : mention.start])
            and _same_state(state, previous)
        ):
            previous.qualifier_state = state.postal_code
            mention.locates = True
        # "a sanctuary county in North Carolina", when the text names a county there.
        elif LOCATING_BEFORE.search(scan.text[max(0, mention.start - 60) : mention.start]) or (
            _possessive(scan.words[mention.last])
            and LOCATING_AFTER.match(scan.text[mention.end : mention.end + 40])
        ):
            mention.locates = None  # decided once the counties and cities are resolved


def resolve(mentions: list[Mention], gazetteer: Gazetteer) -> None:
    """Pick each mention's place, using states written beside it or elsewhere in the text."""
    evidence_states = set()
    # A name qualified once is qualified throughout: "Montgomery County, Pa." in the body
    # settles "Montgomery County" in the headline too.
    written_states = {}
    for mention in mentions:
        if mention.qualifier_state:
            written_states.setdefault(
                tuple(p.id for p in mention.candidates), mention.qualifier_state
            )
    for mention in mentions:
        if not mention.qualifier_state:
            mention.qualifier_state = written_states.get(
                tuple(p.id for p in mention.candidates), ""
            )
    for mention in mentions:
        if _is_state(mention):
            mention.resolved = min(mention.candidates, key=lambda p: KIND_ORDER.get(p.kind, 3))
            evidence_states.add(mention.resolved.postal_code)
    for _ in range(2):  # a place resolved in the first pass can settle another in the second
        for mention in mentions:
            if mention.resolved:
                continue
            candidates = mention.candidates
            if mention.qualifier_state:
                candidates = [p for p in candidates if p.postal_code == mention.qualifier_state]
            elif len(candidates) > 1:
                candidates = [p for p in candidates if p.postal_code in evidence_states]
            if len(candidates) == 1:
                mention.resolved = candidates[0]
                evidence_states.add(candidates[0].postal_code)
    for mention in mentions:
        if mention.locates is None:
            state = mention.resolved.postal_code
            mention.locates = any(
                m.resolved
                and m.resolved.kind != JurisdictionKind.STATE
                and m.resolved.postal_code == state
                for m in mentions
            )


def find_places(text: str, gazetteer: Gazetteer) -> list[PlaceFinding]:
    """The places a text concerns, each with the sentence that first names it."""
    mentions = find_mentions(text, gazetteer)
    resolve(mentions, gazetteer)
    sentences = Sentences(text)
    found: dict[int, PlaceFinding] = {}
    for mention in mentions:
        place = mention.resolved
        if place is None or (place.kind == JurisdictionKind.STATE and mention.locates):
            continue
        if place.id not in found:
            found[place.id] = PlaceFinding(place, sentences.around(mention.start))
    return list(found.values())
