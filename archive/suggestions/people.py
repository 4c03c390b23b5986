"""Which officials an article names: a title or role next to a person's name.

"acting ICE Director Matt Albence" (the title before the name) and "Johnny Olszewski, the
current Baltimore County executive," (the role after it) introduce an official; later mentions
("Mr. Elrich", "Albence said") are the same person. An official already in the archive is also
recognised by the full name alone, or by the surname when the text concerns the place the
official serves ("Baker said" in an article about Wake County). Anyone the text presents as
charged, arrested or convicted is not suggested, whatever the title.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.text import slugify

from archive.models import Official
from archive.suggestions.text import Sentences, Token, tokens

# Words that, ending a phrase right before a name or inside an appositive, make it a role.
TITLE_WORDS = {
    "administrator",
    "alderman",
    "alderwoman",
    "assemblyman",
    "assemblymember",
    "assemblywoman",
    "chair",
    "chairman",
    "chairwoman",
    "chief",
    "clerk",
    "commissioner",
    "comptroller",
    "congressman",
    "congresswoman",
    "councilman",
    "councilmember",
    "councilwoman",
    "czar",
    "delegate",
    "director",
    "executive",
    "gov",
    "governor",
    "judge",
    "lawmaker",
    "legislator",
    "manager",
    "marshal",
    "mayor",
    "president",
    "prosecutor",
    "rep",
    "representative",
    "secretary",
    "sen",
    "senator",
    "sheriff",
    "speaker",
    "superintendent",
    "supervisor",
    "treasurer",
    "trustee",
    "warden",
    "general",
    "attorney",
}
# Abbreviated titles, read only right before a name: "Del. Nicole Ames", "Lt. Gov. Jane Roe".
TITLE_ABBREVIATIONS = {"del", "sen", "rep", "gov", "atty", "supt", "comr", "insp"}
# "attorney" is a role only in these offices; a defence attorney is no official.
ATTORNEY_OFFICES = {"district", "county", "city", "state's", "states", "us", "general", "u.s"}
# Words a role phrase may carry on its left: "acting ICE Director", "former county executive".
ROLE_MODIFIERS = {
    "acting",
    "former",
    "interim",
    "deputy",
    "assistant",
    "associate",
    "current",
    "outgoing",
    "incoming",
    "then",
    "state",
    "county",
    "city",
    "federal",
    "top",
    "chief",
    "executive",
    "field",
    "office",
    "and",
    "of",
    "for",
    "the",
    "district",
    "general",
    "senior",
    "lieutenant",
    "u.s",
    "us",
    "public",
    "police",
    "immigration",
    "regional",
    "sheriff's",
    "council",
}
NOT_A_ROLE_START = {
    "the",
    "a",
    "an",
    "but",
    "and",
    "in",
    "on",
    "at",
    "when",
    "as",
    "then",
    "now",
    "last",
    "also",
    "meanwhile",
    "according",
    "after",
    "before",
    "while",
    "since",
    "said",
    "says",
    "told",
    "with",
    "by",
    "from",
    "to",
    "for",
    "of",
    "that",
    "this",
    "former's",
}
HONORIFICS = {"mr", "mrs", "ms", "dr", "miss"}
SPEECH_VERBS = (
    r"(?:said|says|told|tells|added|adds|noted|notes|wrote|writes|argued|argues|"
    r"explained|explains|stated|states|announced|announces|testified|insisted|warned|warns)"
)
CRIME = (
    r"(?:charged|arrested|convicted|indicted|accused|sentenced|jailed|booked|detained|"
    r"deported|apprehended|extradited|pleaded|pled|faces|facing|suspected|wanted)"
)
# Before a name, perhaps with a title between: "charges against Sheriff Amy Cole".
CRIME_BEFORE = re.compile(
    rf"\b(?:{CRIME}|(?:charges?|indictment|criminal case) against|suspect|defendant|inmate|"
    r"detainee|identified as)\s+(?:[A-Z][\w.'’-]*\s+){0,4}$"
)
NOT_NAME_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "And",
    "But",
    "For",
    "ICE",
    "County",
    "City",
    "State",
    "States",
    "Office",
    "Department",
    "Center",
    "Court",
    "House",
    "News",
    "Police",
    "Act",
    "Detention",
    "Immigration",
    "Customs",
    "Enforcement",
    "Federal",
    "United",
    "Sheriff",
    "Border",
    "Patrol",
    "Security",
    "Homeland",
    "Justice",
    "Digital",
    "Correctional",
    "Street",
    "Avenue",
    "Road",
    "Prison",
    "Jail",
    "Assembly",
    "Senate",
    "Congress",
    "Council",
    "Board",
    "Administration",
    "Agency",
    "Division",
    "Bureau",
    "Service",
    "Services",
    "Operations",
    "Removal",
    "Public",
    "Safety",
    "Field",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "White",
    "Republican",
    "Republicans",
    "Democrat",
    "Democrats",
    "Democratic",
    "Governor",
    "Mayor",
    "Director",
    "Executive",
    "Secretary",
    "President",
    "Senator",
    "Representative",
    "Commissioner",
    "Chief",
    "Judge",
    "Attorney",
    "General",
    "Times",
    "Post",
    "Sun",
    "Fox",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sen",
    "Rep",
    "Gov",
    "Lt",
    "Assemblyman",
    "Assemblywoman",
    "Sheriff's",
    "Daily",
    "Caller",
    "Foundation",
    "University",
    "College",
    "School",
    "Schools",
    "District",
    "Program",
    "Task",
    "Force",
    "Team",
    "Unit",
    "Party",
    "Committee",
    "Commission",
    "Caucus",
}
NAME_WORD = re.compile(r"^(?:Mc|Mac|De|Di|La|Le|Van|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*$")
INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
PARTICLES = {"van", "von", "de", "del", "der", "da", "di", "la", "le", "du", "st."}
SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV", "Jr", "Sr"}


@dataclass(frozen=True)
class KnownOfficial:
    id: int
    name: str
    surname: str
    jurisdiction_id: int | None


@dataclass
class OfficialFinding:
    name: str
    role: str
    evidence: str
    known: KnownOfficial | None = None


class KnownOfficials:
    """The officials already in the archive, by full name and by surname."""

    def __init__(self, officials: list[KnownOfficial]):
        self.by_name = {slugify(o.name): o for o in officials}
        self.by_surname: dict[str, list[KnownOfficial]] = defaultdict(list)
        for official in officials:
            self.by_surname[official.surname].append(official)

    @classmethod
    def load(cls) -> "KnownOfficials":
        rows = Official.objects.values_list("id", "name", "jurisdiction_id")
        return cls([KnownOfficial(pk, name, _surname(name), place) for pk, name, place in rows])


def _surname(name: str) -> str:
    words = [w for w in name.split() if w not in SUFFIXES]
    return words[-1].strip(",") if words else name


def _is_name_word(word: Token) -> bool:
    """A word that can be part of a person's name: not a title, an office or a month."""
    if word.bare in NOT_NAME_WORDS or word.key.rstrip(".") in TITLE_WORDS:
        return False
    if word.text.endswith(".") and word.key in TITLE_ABBREVIATIONS:
        return False
    return bool(NAME_WORD.match(word.bare) or INITIALS.match(word.text))


def _names(words: list[Token], text: str) -> list[tuple[int, int]]:
    """Token ranges [first, last] that look like a person's full name (2 to 4 words)."""
    found, i = [], 0
    while i < len(words):
        if not _is_name_word(words[i]) or INITIALS.match(words[i].text) and i + 1 >= len(words):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and text[words[j].end : words[j + 1].start] == " ":
            nxt = words[j + 1]
            if _is_name_word(nxt) or nxt.text in SUFFIXES:
                j += 1
            elif nxt.key in PARTICLES and j + 2 < len(words) and _is_name_word(words[j + 2]):
                j += 2
            else:
                break
            if words[j].text != words[j].bare and words[j].text.endswith(("'s", "’s")):
                break  # "Elrich's" ends the name
        length = j - i + 1
        last_is_initial = INITIALS.match(words[j].text)
        if 2 <= length <= 4 and not last_is_initial:
            found.append((i, j))
        i = j + 1
    return found


def _role_before(words: list[Token], text: str, first: int, in_names: set[int]) -> str:
    """The title phrase right before a name: "acting ICE Director" in "...Director Matt Albence"."""
    k = first - 1
    if k < 0 or text[words[k].end : words[first].start] != " ":
        return ""
    title = words[k].key.rstrip(".")
    abbreviated = words[k].text.endswith(".") and title in TITLE_ABBREVIATIONS
    if title not in TITLE_WORDS and not abbreviated:
        return ""
    if title == "attorney" and (k == 0 or words[k - 1].key not in ATTORNEY_OFFICES):
        return ""
    if title == "general" and (k == 0 or words[k - 1].key != "attorney"):
        return ""
    start = k
    while start > 0 and first - start < 9:
        prev = words[start - 1]
        gap = text[prev.end : words[start].start]
        if gap != " " or prev.text.endswith((",", ":")) or start - 1 in in_names:
            break  # punctuation, or another person's name: "Director Jo Ames and Mayor …"
        if prev.capitalized or prev.key in ROLE_MODIFIERS or prev.text.isupper():
            if prev.key in NOT_A_ROLE_START and prev.key not in ROLE_MODIFIERS:
                break
            start -= 1
        else:
            break
    while start < k and words[start].key in NOT_A_ROLE_START | {"and", "of", "for"}:
        start += 1
    return text[words[start].start : words[k].end]


_APPOSITIVE = re.compile(
    r"^,\s+(?:who\s+(?:is|was|serves\s+as)\s+)?(?:(?:the|a|an|its|his|her)\s+)?"
    r"(?P<role>[^,;.()“”\"]{3,120}?)(?=[,;)]|\.\s|\.$|$)"
)


def _role_after(text: str, end: int) -> str:
    """The role in an appositive: "…Olszewski, the current Baltimore County executive, …"."""
    match = _APPOSITIVE.match(text[end : end + 160])
    if not match:
        return ""
    role = match["role"].strip()
    role_words = [t.key.rstrip(".") for t in tokens(role)]
    if not role_words or len(role_words) > 14 or re.search(rf"\b{CRIME}\b", role, re.I):
        return ""
    has_title = any(word in TITLE_WORDS - {"attorney", "general"} for word in role_words)
    if not has_title and not re.search(r"\b(?:attorney general|district attorney)\b", role, re.I):
        return ""
    role = re.sub(r"^(?:current|then-)\s*", "", role, flags=re.I)
    return role


def _charged(text: str, start: int, end: int) -> bool:
    """Does the text present the person at ``start:end`` as charged with or convicted of a crime?"""
    if CRIME_BEFORE.search(text[max(0, start - 40) : start]):
        return True
    after = text[end : end + 120]
    after = re.split(rf"\b{SPEECH_VERBS}\b|[.;]\s", after, maxsplit=1)[0]
    return bool(
        re.match(
            rf"^(?:,\s*(?:a|an)?\s*\d{{1,3}}(?:-year-old)?\b.*)?"
            rf"(?:,[^,]*,)?\s*(?:who\s+)?(?:was|were|is|has been|had been|had|has)?\s*"
            rf"(?:also\s+|later\s+|then\s+)?{CRIME}\b",
            after,
            re.I,
        )
        or re.match(r"^,\s*(?:a|an)?\s*\d{1,3}(?:-year-old)?,", after)
    )


def _mentions_of(surname: str, text: str) -> list[re.Match]:
    return list(re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text))


def _referred_to_as_person(text: str, match: re.Match) -> bool:
    """ "Mr. Elrich", "Sheriff Baker", "Baker said", "said Albence": a surname used for a person."""
    before = text[max(0, match.start() - 30) : match.start()]
    after = text[match.end() : match.end() + 30]
    honorific = re.search(r"\b(\w+)\.?\s$", before)
    if honorific and honorific.group(1).lower() in HONORIFICS | TITLE_WORDS:
        return True
    if re.match(rf"^(?:['’]s)?\s*(?:,\s*)?{SPEECH_VERBS}\b", after):
        return True
    return bool(re.search(rf"\b{SPEECH_VERBS}\s$", before))


def find_officials(
    text: str, known: KnownOfficials, place_ids: set[int] | frozenset = frozenset()
) -> list[OfficialFinding]:
    """Officials named in a text, each with the sentence that introduces them."""
    words = tokens(text)
    sentences = Sentences(text)
    found: dict[str, OfficialFinding] = {}
    charged: set[str] = set()
    full_names: dict[str, str] = {}  # surname -> full name of someone the text names in full

    names = _names(words, text)
    in_names = {i for first, last in names for i in range(first, last + 1)}
    for first, last in names:
        start, end = words[first].start, words[last].end
        name_words = words[first : last + 1]
        name = " ".join([*(w.text for w in name_words[:-1]), name_words[-1].bare])
        name_slug = slugify(name)
        full_names.setdefault(_surname(name), name)
        if _charged(text, start, end):
            charged.add(name_slug)
            continue
        role = _role_before(words, text, first, in_names) or _role_after(text, end)
        known_official = known.by_name.get(name_slug)
        if (role or known_official) and name_slug not in found:
            found[name_slug] = OfficialFinding(
                known_official.name if known_official else name,
                role,
                sentences.around(start),
                known_official,
            )

    # A person is charged if any later mention by surname is ("Albence was indicted").
    for slug, finding in list(found.items()):
        surname = _surname(finding.name)
        for match in _mentions_of(surname, text):
            if _charged(text, match.start(), match.end()):
                charged.add(slug)
    for slug in charged:
        found.pop(slug, None)

    # Known officials named only by surname, in a text about the place they serve.
    for surname, officials in known.by_surname.items():
        candidates = [o for o in officials if o.jurisdiction_id in place_ids]
        if len(candidates) != 1 or slugify(candidates[0].name) in found | dict.fromkeys(charged):
            continue
        official = candidates[0]
        other = full_names.get(surname)
        if other and slugify(other) != slugify(official.name):
            continue  # the text names a different person with that surname
        for match in _mentions_of(surname, text):
            if _referred_to_as_person(text, match) and not _charged(
                text, match.start(), match.end()
            ):
                found[slugify(official.name)] = OfficialFinding(
                    official.name, "", sentences.around(match.start()), official
                )
                break
    return list(found.values())
