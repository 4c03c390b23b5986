"""Reading files into articles-to-be: one ``Source`` per article, or a ``Failure`` saying why not.

Every format ends in the same ``Source``: the text exactly as received (``raw_text``), the
plain text to clean and read (the same, except for a web page, where it is the extracted
article), and whatever the file states about the article. Readers never touch the database.
"""

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.dates import DatePrecision, PartialDate
from archive.text import first_line, split_lines

SUFFIXES = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
}
# The named fields of .json, .jsonl and .csv files (README: "Importing articles").
FIELDS = ("headline", "raw_text", "byline", "outlet", "published", "source_url")
REQUIRED_FIELDS = ("headline", "raw_text")
MAX_FILE_BYTES = 20 * 1024 * 1024
# A first line longer than this, or ending like a sentence, is the article's first paragraph.
MAX_HEADLINE_CHARS = 300
MAX_HEADLINE_WORDS_WITHOUT_BLANK_LINE = 15
MADE_HEADLINE_CHARS = 120
_BINARY_SAMPLE = 8192


@dataclass
class Source:
    """One article as a file gives it."""

    name: str  # where it came from, for reports: "wire/story.csv, row 3"
    raw_text: str
    text: str  # plain text: raw_text, or the article extracted from a web page
    headline: str = ""  # stated by the file; blank when it has none
    byline: str = ""
    source_url: str = ""
    published: PartialDate | None = None
    outlet: str = ""
    # Named fields typed by a person (.json, .jsonl, .csv) may overwrite with --update; what
    # is read from a text or extracted from a page only fills blanks.
    stated_by_fields: bool = False
    page_date: PartialDate | None = None
    site_name: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def metadata(self) -> dict:
        """The article fields this source states."""
        stated = {
            "headline": self.headline,
            "byline": self.byline,
            "source_url": self.source_url,
            "published": self.published,
            "outlet": self.outlet,
        }
        return {key: value for key, value in stated.items() if value}


@dataclass
class Failure:
    name: str
    reason: str


@dataclass
class Notice:
    """Something worth telling about a file that did not stop it: unknown fields, say."""

    name: str
    message: str


Item = Source | Failure | Notice


class Unreadable(Exception):
    """A file or record that cannot become an article, with the reason in words."""


# --- Files and folders -----------------------------------------------------------------------


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Failure]:
    """Every file named, and every file inside the folders named, in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            if not files:
                yield Failure(str(path), "the folder holds no files")
            yield from files
        elif path.is_file():
            yield path
        else:
            yield Failure(str(path), "no such file or folder")


def _hidden(path: Path, folder: Path) -> bool:
    """Files such as .DS_Store, and anything inside a hidden folder, are not articles."""
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def read_path(path: Path, *, max_bytes: int = MAX_FILE_BYTES, encoding: str = "") -> Iterator[Item]:
    """The articles in one file, as ``read_bytes`` finds them."""
    name = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        yield Failure(name, _unsupported(path.suffix))
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield Failure(name, _too_large(size, max_bytes))
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        yield Failure(name, f"cannot be read: {error.strerror or error}")
        return
    yield from read_bytes(name, data, encoding=encoding)


def read_bytes(name: str, data: bytes, *, encoding: str = "") -> Iterator[Item]:
    """The articles in a file's contents; the file's name says its format."""
    suffix = Path(name).suffix.lower()
    kind = SUFFIXES.get(suffix)
    if kind is None:
        yield Failure(name, _unsupported(suffix))
        return
    try:
        text = _decode_html(data, encoding) if kind == "html" else decode(data, encoding)
    except Unreadable as error:
        yield Failure(name, str(error))
        return
    readers = {
        "text": _read_text,
        "html": _read_html,
        "json": _read_json,
        "jsonl": _read_jsonl,
        "csv": _read_csv,
    }
    yield from readers[kind](name, text)


def _unsupported(suffix: str) -> str:
    expected = ", ".join(SUFFIXES)
    what = f"'{suffix}'" if suffix else "without an extension"
    return f"unsupported file type {what} (expected {expected})"


def _too_large(size: int, limit: int) -> str:
    return (
        f"the file is {size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit "
        "(--max-size raises it)"
    )


# --- Bytes to text ---------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "") -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped) unless an encoding is given."""
    if not data.strip():
        raise Unreadable("empty file")
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise Unreadable(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as error:
            reason = f"not valid {encoding}: {error.reason} at byte {error.start}"
            raise Unreadable(reason) from None
    else:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise Unreadable("the file is UTF-16; save it as UTF-8 or pass --encoding utf-16")
        if b"\x00" in data[:_BINARY_SAMPLE]:
            raise Unreadable("binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise Unreadable(
                f"not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); save the file as "
                "UTF-8, or pass its encoding, e.g. --encoding cp1252"
            ) from None
    if "\x00" in text:
        raise Unreadable("binary file, not text")
    if not text.strip():
        raise Unreadable("empty file")
    return text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(data: bytes, encoding: str) -> str:
    """A page in the charset its <meta> declares (UTF-8 when it declares none)."""
    if not encoding and not data.startswith(codecs.BOM_UTF8):
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            charset = declared.group(1).decode("ascii").lower()
            try:
                codecs.lookup(charset)
                encoding = "" if charset in {"utf-8", "utf8"} else charset
            except LookupError:
                pass
    return decode(data, encoding)


# --- Formats ---------------------------------------------------------------------------------


def headline_in(text: str) -> str:
    """The text's first line when it is a headline, else ''.

    A headline is short, does not end like a sentence, and is followed by a blank line (or
    is very short): the seeds that start with their first paragraph have no headline.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        return ""
    line = first_line(text)
    followed_by_blank = index + 1 < len(lines) and not lines[index + 1].strip()
    if len(line) > MAX_HEADLINE_CHARS or line.endswith((".", ",", ";", ":")):
        return ""
    if followed_by_blank or len(line.split()) <= MAX_HEADLINE_WORDS_WITHOUT_BLANK_LINE:
        return line
    return ""


def made_headline(body: str) -> str:
    """A stand-in headline for a text that has none: its first sentence, shortened."""
    first = next((line for line in split_lines(body) if line), "")
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", first, maxsplit=1)[0]
    if len(sentence) <= MADE_HEADLINE_CHARS:
        return sentence
    cut = sentence[:MADE_HEADLINE_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _read_text(name: str, text: str) -> Iterator[Item]:
    yield Source(name=name, raw_text=text, text=text, headline=headline_in(text))


def _read_html(name: str, html: str) -> Iterator[Item]:
    import trafilatura  # imported here: loading it takes a moment the other formats don't need

    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            # Dates from the page's markup only; none guessed from the article's text.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as error:  # a broken page must not stop the run
        yield Failure(name, f"the page could not be parsed ({type(error).__name__})")
        return
    text = (document.text or "").strip() if document else ""
    if not text:
        yield Failure(name, "no article text found in the page")
        return
    page_date = None
    if document.date:
        try:
            page_date = PartialDate.parse(document.date)
        except ValueError:
            page_date = None
    url = document.url or ""
    if url and not _valid_url(url):
        url = ""
    yield Source(
        name=name,
        raw_text=html,
        text=text,
        headline=" ".join((document.title or "").split())[:500],
        byline=" ".join((document.author or "").split())[:300],
        source_url=url,
        page_date=page_date if page_date and page_date.precision == DatePrecision.DAY else None,
        site_name=document.sitename or "",
    )


def _read_json(name: str, text: str) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        yield Failure(name, f"not valid JSON: {error.msg} ({where})")
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        yield Failure(name, "expected an article object or a list of them")
        return
    if not data:
        yield Failure(name, "the file holds no articles")
        return
    unknown: dict[str, list[int]] = {}
    for number, record in enumerate(data, start=1):
        where = f"{name}, item {number}"
        if not isinstance(record, dict):
            yield Failure(where, "not an object with named fields")
            continue
        for key in record:
            if key not in FIELDS:
                unknown.setdefault(key, []).append(number)
        yield _from_fields(where, record)
    yield from _unknown_fields_notice(name, unknown, "item")


def _read_jsonl(name: str, text: str) -> Iterator[Item]:
    unknown: dict[str, list[int]] = {}
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen += 1
        where = f"{name}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Failure(where, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(record, dict):
            yield Failure(where, "not an object with named fields")
            continue
        for key in record:
            if key not in FIELDS:
                unknown.setdefault(key, []).append(number)
        yield _from_fields(where, record)
    if not seen:
        yield Failure(name, "the file holds no articles")
    yield from _unknown_fields_notice(name, unknown, "line")


def _read_csv(name: str, text: str) -> Iterator[Item]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as error:
        yield Failure(name, f"not a readable CSV file: {error}")
        return
    columns = [column.strip().lower() for column in header]
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        have = ", ".join(c for c in columns if c) or "nothing"
        yield Failure(name, f"no {' or '.join(missing)} column (the header names: {have})")
        return
    unknown = [c for c in columns if c not in FIELDS]
    if unknown:
        yield Notice(name, f"unknown columns ignored: {', '.join(unknown)}")
    row_number, rows = 1, 0  # the header is row 1, as a spreadsheet numbers it
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            reason = f"malformed CSV ({error}); the rest of the file is skipped"
            yield Failure(f"{name}, row {row_number + 1}", reason)
            return
        row_number += 1
        if not any(v.strip() for v in values):
            continue
        rows += 1
        where = f"{name}, row {row_number}"
        if len(values) != len(columns):
            reason = f"{len(values)} values for the {len(columns)} columns of the header"
            yield Failure(where, reason)
            continue
        record = {c: v for c, v in zip(columns, values, strict=True) if c in FIELDS}
        yield _from_fields(where, record)
    if not rows:
        yield Failure(name, "the file holds no articles")


def _unknown_fields_notice(name: str, unknown: dict[str, list[int]], unit: str) -> Iterator[Item]:
    if unknown:
        described = ", ".join(
            f"{key} ({unit}{'s' if len(at) > 1 else ''} {', '.join(map(str, at[:5]))}"
            f"{'…' if len(at) > 5 else ''})"
            for key, at in unknown.items()
        )
        yield Notice(name, f"unknown fields ignored: {described}")


def _valid_url(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return len(url) <= 1000


def _from_fields(where: str, record: dict) -> Source | Failure:
    """A Source from named fields, or the first reason they cannot make an article."""
    values = {}
    for key in FIELDS:
        value = record.get(key)
        if key == "outlet" and isinstance(value, dict):  # as the API gives it: {"slug", "name"}
            value = value.get("name") or value.get("slug")
        if value is None:
            value = ""
        if not isinstance(value, str):
            return Failure(where, f"{key} must be text, not {type(value).__name__}")
        values[key] = value
    if not values["raw_text"].strip():
        return Failure(where, "no raw_text: the article's text is missing")
    headline = " ".join(values["headline"].split())
    if not headline:
        return Failure(where, "no headline")
    published = None
    if values["published"].strip():
        try:
            published = PartialDate.parse(values["published"])
        except ValueError as error:
            reason = str(error)
            if not reason.startswith("not a date"):
                reason = f"{values['published'].strip()!r} is not a real date ({reason})"
            return Failure(where, f"published: {reason}")
    url = values["source_url"].strip()
    if url and not _valid_url(url):
        return Failure(where, f"source_url is not a web address: {url[:80]!r}")
    return Source(
        name=where,
        raw_text=values["raw_text"],
        text=values["raw_text"],
        headline=headline,
        byline=" ".join(values["byline"].split()),
        source_url=url,
        published=published,
        outlet=" ".join(values["outlet"].split()),
        stated_by_fields=True,
    )
