"""Reading files into sources: every format, and every way a file can be unusable."""

import json
from pathlib import Path

import pytest

from archive.dates import PartialDate
from archive.importing.sources import (
    Failure,
    Notice,
    Source,
    headline_in,
    iter_files,
    made_headline,
    read_bytes,
    read_path,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def only(items) -> Source | Failure | Notice:
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_a_text_file_keeps_its_bytes_and_finds_its_headline():
    raw = (SEEDS / "000_ecb36e0f4b95f749.txt").read_bytes()
    source = only(read_bytes("story.txt", raw))
    assert source.raw_text.encode("utf-8") == raw
    assert source.headline.startswith("Deep Blue County Walks Back Sanctuary Policy")


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_a_text_that_starts_with_its_first_paragraph_has_no_headline(prefix):
    raw = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    assert headline_in(raw) == ""


def test_a_made_headline_is_the_first_sentence_shortened_at_a_word():
    body = (
        "Immigration and Customs Enforcement (ICE) singled out a sanctuary county in North "
        "Carolina, accusing the jurisdiction of shielding illegal alien criminals. More."
    )
    headline = made_headline(body)
    assert headline.endswith("…")
    assert len(headline) <= 121
    assert body.startswith(headline[:-1])
    assert made_headline("Short one. Then more.") == "Short one."


def test_a_saved_web_page_yields_its_article_and_metadata_from_the_file_alone():
    html = (
        '<html><head><meta charset="utf-8"><title>Wake County refuses detainers | Example</title>'
        '<meta property="og:site_name" content="The Raleigh Ledger">'
        '<meta property="og:title" content="Wake County refuses detainers">'
        '<meta name="author" content="Jane Roe">'
        '<meta property="article:published_time" content="2019-11-01T10:00:00Z">'
        '<link rel="canonical" href="https://ledger.example/wake-detainers"></head><body>'
        "<nav>Home | Politics | Sports</nav><article><h1>Wake County refuses detainers</h1>"
        "<p>By Jane Roe</p><p>Wake County Sheriff Gerald Baker said Tuesday the jail would "
        "not hold people for ICE without a warrant, a policy he promised as a candidate.</p>"
        "<p>Acting ICE Director Matt Albence said the policy protects criminals and that the "
        "agency would send more officers into the community.</p></article>"
        "<footer>Comments (12)</footer></body></html>"
    )
    source = only(read_bytes("page.html", html.encode("utf-8")))
    assert source.raw_text == html  # the HTML source as received
    assert source.headline == "Wake County refuses detainers"
    assert source.byline == "Jane Roe"
    assert source.source_url == "https://ledger.example/wake-detainers"
    assert source.page_date == PartialDate.parse("2019-11-01")
    assert source.site_name == "The Raleigh Ledger"
    assert "Sheriff Gerald Baker said Tuesday" in source.text
    assert "Home | Politics" not in source.text


def test_a_web_page_in_a_declared_charset_is_decoded_with_it():
    html = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9 owners</title></head><body>'
        "<article><p>The caf\xe9 owners in Wake County said the raids had frightened their "
        "customers and workers for weeks, and asked the sheriff to explain.</p></article>"
        "</body></html>"
    ).encode("cp1252")
    source = only(read_bytes("page.htm", html))
    assert "café owners in Wake County" in source.text


def test_a_page_without_article_text_is_reported():
    failure = only(read_bytes("empty.html", b"<html><head><title>x</title></head></html>"))
    assert isinstance(failure, Failure)
    assert failure.reason == "no article text found in the page"


def test_json_holds_one_article_or_a_list_with_named_fields():
    one = {"headline": "A", "raw_text": "Text A", "byline": "Jo", "published": "2024-03"}
    source = only(read_bytes("one.json", json.dumps(one).encode()))
    assert (source.headline, source.raw_text, source.byline) == ("A", "Text A", "Jo")
    assert source.published == PartialDate.parse("2024-03")
    assert source.stated_by_fields

    many = [one, {"headline": "B", "raw_text": "Text B", "outlet": {"slug": "x", "name": "X"}}]
    items = list(read_bytes("many.json", json.dumps(many).encode()))
    assert [i.headline for i in items] == ["A", "B"]
    assert items[1].outlet == "X"  # the API's outlet object is understood


def test_json_reports_unknown_fields_and_bad_items_by_number():
    data = [
        {"headline": "A", "raw_text": "Text", "author": "x", "tags": []},
        {"raw_text": "No headline"},
        "not an object",
        {"headline": "C", "raw_text": "Text C", "published": "March 2024"},
        {"headline": "D", "raw_text": "Text D", "source_url": "javascript:alert(1)"},
        {"headline": "E", "raw_text": 5},
    ]
    items = list(read_bytes("batch.json", json.dumps(data).encode()))
    failures = {i.name: i.reason for i in items if isinstance(i, Failure)}
    assert failures == {
        "batch.json, item 2": "no headline",
        "batch.json, item 3": "not an object with named fields",
        "batch.json, item 4": "published: not a date of the form YYYY, YYYY-MM or "
        "YYYY-MM-DD: 'March 2024'",
        "batch.json, item 5": "source_url is not a web address: 'javascript:alert(1)'",
        "batch.json, item 6": "raw_text must be text, not int",
    }
    notice = items[-1]
    assert isinstance(notice, Notice)
    assert notice.message == "unknown fields ignored: author (item 1), tags (item 1)"


def test_malformed_json_is_reported_with_its_position():
    failure = only(read_bytes("broken.json", b'[{"headline": "A",\n "raw_text": }]'))
    assert failure.reason.startswith("not valid JSON: Expecting value (line 2, column")


def test_json_lines_fail_line_by_line():
    lines = (
        b'{"headline": "A", "raw_text": "Text A"}\n'
        b"\n"
        b'{"headline": "B", "raw_text": \n'
        b'{"headline": "C", "raw_text": "Text C", "tone": "calm"}\n'
    )
    items = list(read_bytes("feed.jsonl", lines))
    assert [type(i).__name__ for i in items] == ["Source", "Failure", "Source", "Notice"]
    assert items[1].name == "feed.jsonl, line 3"
    assert items[3].message == "unknown fields ignored: tone (line 4)"


def test_csv_rows_are_numbered_as_a_spreadsheet_numbers_them():
    sheet = (
        "Headline,raw_text,published,source_url,notes\n"
        '"One","Text one, with a comma",2024-03-05,https://example.org/one,x\n'
        '"","Text without a headline",,,\n'
        ",,,,\n"
        '"Three","Text\nover two lines",2024-02-30,,\n'
        '"Four","Text four",2024,,\n'
        '"Five","too","many","values","here","now"\n'
    )
    items = list(read_bytes("sheet.csv", sheet.encode("utf-8-sig")))  # Excel writes a BOM
    assert isinstance(items[0], Notice)
    assert items[0].message == "unknown columns ignored: notes"
    by_name = {i.name: i for i in items[1:]}
    assert by_name["sheet.csv, row 2"].raw_text == "Text one, with a comma"
    assert by_name["sheet.csv, row 2"].source_url == "https://example.org/one"
    assert by_name["sheet.csv, row 3"].reason == "no headline"
    assert "sheet.csv, row 4" not in by_name  # an empty row is skipped
    assert by_name["sheet.csv, row 5"].reason.startswith("published: '2024-02-30' is not a real")
    assert by_name["sheet.csv, row 6"].published == PartialDate.parse("2024")
    assert by_name["sheet.csv, row 7"].reason == "6 values for the 5 columns of the header"


def test_csv_without_the_required_columns_is_refused_whole():
    failure = only(read_bytes("people.csv", b"name,email\nA,a@example.org\n"))
    assert failure.reason == "no headline or raw_text column (the header names: name, email)"


def test_malformed_csv_stops_at_the_bad_row_with_the_rows_before_kept():
    sheet = b'headline,raw_text\n"A","Text A"\n"B","Text "B" broken"\n"C","Text C"\n'
    items = list(read_bytes("bad.csv", sheet))
    assert isinstance(items[0], Source)
    assert isinstance(items[1], Failure)
    assert items[1].name == "bad.csv, row 3"
    assert items[1].reason.startswith("malformed CSV")
    assert len(items) == 2


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t ", "empty file"),
        ("empty.csv", b"", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        (
            "wide.txt",
            "Wake County".encode("utf-16"),
            "the file is UTF-16; save it as UTF-8 or pass --encoding utf-16",
        ),
        (
            "latin.txt",
            "Café owners\n\nWake County.".encode("latin-1"),
            "not UTF-8 (byte 0xe9 on line 1); save the file as UTF-8, or pass its encoding, "
            "e.g. --encoding cp1252",
        ),
        (
            "report.pdf",
            b"%PDF-1.7",
            "unsupported file type '.pdf' (expected .txt, .html, .htm, .json, .jsonl, .csv)",
        ),
        (
            "README",
            b"text",
            "unsupported file type without an extension (expected .txt, .html, "
            ".htm, .json, .jsonl, .csv)",
        ),
        ("none.json", b"[]", "the file holds no articles"),
        ("number.json", b"42", "expected an article object or a list of them"),
    ],
)
def test_unusable_files_are_reported_with_a_reason(name, data, reason):
    failure = only(read_bytes(name, data))
    assert isinstance(failure, Failure)
    assert failure.name == name
    assert failure.reason == reason


def test_a_wrong_encoding_can_be_named():
    source = only(
        read_bytes("latin.txt", "Café owners\n\nWake County.".encode("latin-1"), encoding="latin-1")
    )
    assert source.raw_text == "Café owners\n\nWake County."
    failure = only(read_bytes("x.txt", b"abc", encoding="klingon"))
    assert failure.reason == "unknown encoding 'klingon'"


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.write(b"word " * (10 * 1024 * 1024))  # 50 MB of text
    failure = only(read_path(big))
    assert failure.reason == "the file is 50.0 MB, over the 20 MB limit (--max-size raises it)"
    assert isinstance(only(read_path(big, max_bytes=60 * 1024 * 1024)), Source)


def test_folders_are_walked_in_order_without_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "empty").mkdir()
    found = list(iter_files([tmp_path, tmp_path / "missing.txt", tmp_path / "empty"]))
    assert found[:2] == [tmp_path / "a.txt", tmp_path / "b" / "two.txt"]
    assert found[2] == Failure(str(tmp_path / "missing.txt"), "no such file or folder")
    assert found[3] == Failure(str(tmp_path / "empty"), "the folder holds no files")
