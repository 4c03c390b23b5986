"""Which outlet published an article, from the signature lines outlets leave in their copy.

Only self-references count: a newswire notice ("All content created by the Daily Caller News
Foundation…"), a desk's own name ("Fox News Digital"), a wire credit in the dateline
("(Reuters) —"), a copyright line, "<outlet> reached out to … for comment", and a saved page's
site name. An outlet the text merely cites ("told NBC News last week") is not one.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.text import slugify

from archive.models import Outlet
from archive.suggestions.text import Sentences

# An outlet's name: capitalised words ("The Epoch Times", "U.S. News"); a word's period must be
# followed by a letter, so a sentence end before the name ("ICE. The Epoch Times") is no part.
_WORD = r"[A-Z](?:[\w&'’-]|\.(?=\w))*"
_NAME = rf"(?:[Tt]he )?{_WORD}(?: (?:{_WORD}|of|and|&))*"
# Strongest first: the first that matches decides.
SIGNATURES = [
    re.compile(
        rf"All content created by (?:the )?(?P<name>{_NAME}),? (?:an independent|is available)"
    ),
    re.compile(r"^[A-Z][A-Za-z .,'-]{1,40}\((?P<name>AP|Reuters|CNN|UPI|AFP)\)\s*[—–-]", re.M),
    re.compile(r"^\((?P<name>AP|Reuters|CNN|UPI|AFP)\)\s*[—–-]", re.M),
    re.compile(r"\b(?P<name>Fox News) Digital\b"),
    re.compile(
        rf"(?P<name>{_NAME}) (?:has |have )?(?:reached out to|contacted) "
        r"[^.\n]{1,80}? for comment"
    ),
    re.compile(
        rf"did not (?:immediately )?(?:respond|reply) to (?:a |an )?(?P<name>{_NAME})['’]s? "
        r"request for comment"
    ),
    re.compile(rf"(?:©|Copyright|\(c\))\s*(?:\d{{4}}\s*)?(?P<name>{_NAME})"),
]
# How outlets sign, mapped to the outlet's own name.
ALIASES = {
    "fox news": "Fox News",
    "fox news digital": "Fox News",
    "daily caller news foundation": "The Daily Caller",
    "the daily caller news foundation": "The Daily Caller",
    "dcnf": "The Daily Caller",
    "ap": "The Associated Press",
    "associated press": "The Associated Press",
    "the associated press": "The Associated Press",
    "epoch times": "The Epoch Times",
}
NOT_OUTLETS = {"all rights reserved", "all rights", "rights reserved"}


@dataclass
class OutletFinding:
    name: str
    outlet: Outlet | None
    evidence: str


def canonical_name(name: str) -> str:
    name = " ".join(name.split()).strip(" .,")
    return ALIASES.get(name.lower(), name)


def find_outlet(name: str) -> Outlet | None:
    """The archive's outlet of this name, matched with or without "The" and by slug."""
    name = canonical_name(name)
    bare = re.sub(r"^the\s+", "", name, flags=re.I)
    return (
        Outlet.objects.filter(
            Q(name__iexact=name)
            | Q(name__iexact=bare)
            | Q(name__iexact=f"The {bare}")
            | Q(slug__in=[slugify(name), slugify(bare), slugify(f"the {bare}")])
        )
        .order_by("pk")
        .first()
    )


def find_outlet_signature(text: str, site_name: str = "") -> OutletFinding | None:
    """The outlet that signs the text, or failing that the saved page's site name."""
    for pattern in SIGNATURES:
        match = pattern.search(text)
        if not match:
            continue
        name = canonical_name(match["name"])
        if name.lower() in NOT_OUTLETS or len(name) < 2:
            continue
        evidence = Sentences(text).around(match.start("name"))
        return OutletFinding(name, find_outlet(name), evidence)
    if site_name.strip():
        name = canonical_name(site_name)
        return OutletFinding(name, find_outlet(name), f"The page gives its site name: {site_name}")
    return None
