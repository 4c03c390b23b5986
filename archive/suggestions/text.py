"""Words and sentences with their positions, for the suggesters to read text by."""

import re
from dataclasses import dataclass

# Initials and abbreviations keep their periods ("P.J.", "D.C.", "St."); a sentence's final
# period stays on its last word and is ignored when words are compared.
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9](?:[A-Za-z0-9'’\-]*[A-Za-z0-9])?\.?")

# Words that end with a period without ending the sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "lt",
    "gen",
    "col",
    "capt",
    "sgt",
    "st",
    "ste",
    "ft",
    "mt",
    "jr",
    "sr",
    "inc",
    "co",
    "corp",
    "ltd",
    "no",
    "vs",
    "v",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "ala",
    "ariz",
    "ark",
    "calif",
    "colo",
    "conn",
    "del",
    "fla",
    "ga",
    "ill",
    "ind",
    "kan",
    "ky",
    "la",
    "md",
    "mass",
    "mich",
    "minn",
    "miss",
    "mo",
    "mont",
    "neb",
    "nev",
    "okla",
    "ore",
    "pa",
    "tenn",
    "va",
    "vt",
    "wash",
    "wis",
    "wyo",
    "atty",
    "supt",
    "asst",
    "dept",
    "u.s",
    "d.c",
}
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """The word as compared: lower case, no periods, straight apostrophes."""
        return self.text.replace(".", "").replace("’", "'").lower()

    @property
    def bare(self) -> str:
        """The word without a sentence-final period or a possessive ending."""
        word = self.text.replace("’", "'")
        if word.endswith(".") and word.count(".") == 1:
            word = word[:-1]
        for ending in ("'s", "'"):
            if word.endswith(ending) and len(word) > len(ending) + 1:
                return word[: -len(ending)]
        return word

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of each sentence; a paragraph break always ends one."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start = paragraph.start()
        for end_match in _SENTENCE_END.finditer(paragraph.group()):
            before = paragraph.group()[: end_match.start()].split()
            last_word = before[-1].lower().strip("\"“”'’(") if before else ""
            if last_word in ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue
            end = paragraph.start() + end_match.start() + len(end_match.group().rstrip())
            spans.append((start, end))
            start = paragraph.start() + end_match.end()
        if start < paragraph.end():
            spans.append((start, paragraph.end()))
    return spans


class Sentences:
    """Looks up the sentence around a position, for evidence."""

    def __init__(self, text: str):
        self.text = text
        self.spans = sentence_spans(text)

    def around(self, position: int) -> str:
        for start, end in self.spans:
            if start <= position < end:
                return self.text[start:end].strip()
        return ""

    def index(self, position: int) -> int:
        for i, (start, end) in enumerate(self.spans):
            if start <= position < end:
                return i
        return -1
