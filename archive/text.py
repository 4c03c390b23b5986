"""Turning collected text into an article's clean body.

The raw text is kept exactly as collected; the body is what a reader should see: the
article's own paragraphs, without the headline line repeated at the top and without the
page furniture that came along with the copy (share buttons, promo links, syndication
notices, photo credits). Every import path calls ``clean_body``.
"""

import re
import unicodedata

from archive.search import MARK_START, MARK_STOP

# Lines that are share buttons when they stand alone, as copied from article pages.
SHARE_WORDS = {
    "email",
    "facebook",
    "flipboard",
    "linkedin",
    "pinterest",
    "print",
    "reddit",
    "share",
    "telegram",
    "tumblr",
    "twitter",
    "whatsapp",
    "x",
}

FURNITURE_LINES = [
    # Newswire syndication notices ("All content created by the Daily Caller News Foundation ...").
    re.compile(r"^All content created by the .+ is available without charge", re.IGNORECASE),
    # Promotional link lines: "CLICK HERE FOR MORE ...", "... Read More".
    re.compile(r"^CLICK HERE\b", re.IGNORECASE),
    re.compile(r"\bRead More\s*$"),
    # A byline standing alone, as saved web pages carry it: "By Jane Roe", "By A. Bee and C. Dee".
    re.compile(r"^By (?:[A-Z][\w.'’-]*\s?){2,4}(?:(?:and|&)\s(?:[A-Z][\w.'’-]*\s?){2,4})?$"),
    # Photo captions that end in a credit.
    re.compile(r"\((?:Photo|Image) (?:by|credit|courtesy)\b[^)]*\)\s*$", re.IGNORECASE),
]

# Inline cross-promotion in wire copy: "(RELATED: Some Other Story)".
RELATED_LINK = re.compile(r"\s*\((?:RELATED|READ MORE|WATCH)\s*:[^)]*\)", re.IGNORECASE)
# Sentences glued together when a page's paragraphs were flattened: "discussions.The meeting".
GLUED_SENTENCE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + MARK_START + MARK_STOP + "]")


def is_all_caps_promo(line: str) -> bool:
    """A line in capitals is a link to another story, not a sentence of this one."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 12 and len(line.split()) >= 4 and all(ch.isupper() for ch in letters)


def is_furniture(line: str) -> bool:
    if line.lower().strip(" .") in SHARE_WORDS:
        return True
    if is_all_caps_promo(line):
        return True
    return any(pattern.search(line) for pattern in FURNITURE_LINES)


def same_text(a: str, b: str) -> bool:
    """Compare two lines ignoring case, quote style and spacing."""

    def fold(s: str) -> str:
        s = unicodedata.normalize("NFKC", s).casefold()
        s = s.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))
        return " ".join(s.split())

    return fold(a) == fold(b)


def split_lines(raw_text: str) -> list[str]:
    text = raw_text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARS.sub("", text)
    return [" ".join(line.split()) for line in text.split("\n")]


def first_line(raw_text: str) -> str:
    """The first non-blank line: where a collected text puts its headline, when it has one."""
    return next((line for line in split_lines(raw_text) if line), "")


def clean_body(raw_text: str, headline: str = "") -> str:
    """The article's own paragraphs, separated by blank lines."""
    lines = [line for line in split_lines(raw_text) if line]
    if lines and headline and same_text(lines[0], headline):
        lines = lines[1:]
    paragraphs = []
    for line in lines:
        if is_furniture(line):
            continue
        line = RELATED_LINK.sub("", line)
        line = GLUED_SENTENCE.sub(" ", line).strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]
