"""``manage.py import_articles``: the real command against the real database."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.importing.models import ImportRun, TextFingerprint
from archive.models import Article, Outlet
from archive.suggestions.models import Suggestion, SuggestionKind, SuggestionStatus

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = FIXTURES / "seeds"
MANIFEST = json.loads((FIXTURES / "seed_archive.json").read_text(encoding="utf-8"))


def run(*args, expect_failure: bool = False) -> str:
    """The command's output (stdout and stderr); CommandError is expected only when asked."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        assert expect_failure, f"{error}\n{out.getvalue()}\n{err.getvalue()}"
        return out.getvalue() + err.getvalue() + str(error)
    assert not expect_failure, out.getvalue() + err.getvalue()
    return out.getvalue() + err.getvalue()


def suggested(article: Article, kind: str) -> set[str]:
    rows = article.suggestions.filter(kind=kind).for_review()
    values = set()
    for s in rows:
        target = s.jurisdiction or s.official or s.outlet
        values.add(target.slug if target else s.proposed_name)
    return values


def snapshot() -> dict:
    """Everything an import could change, for comparing before and after."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "suggestions": list(Suggestion.objects.order_by("pk").values()),
        "outlets": Outlet.objects.count(),
    }


def test_the_seed_files_imported_into_an_empty_archive_match_the_curated_archive():
    curated = {}
    for entry in MANIFEST["articles"]:
        raw = (SEEDS / entry["file"]).read_bytes()
        article = Article.objects.get(sha256=hashlib.sha256(raw).hexdigest())
        curated[entry["file"]] = (entry, article.body)
    Article.objects.all().delete()

    output = run(SEEDS)
    assert "5 created, 0 updated, 0 unchanged, 0 duplicates, 0 failed." in output

    for file, (entry, curated_body) in curated.items():
        raw = (SEEDS / file).read_bytes()
        article = Article.objects.get(sha256=hashlib.sha256(raw).hexdigest())
        assert article.raw_text.encode("utf-8") == raw
        assert article.body == curated_body
        assert suggested(article, SuggestionKind.JURISDICTION) == set(entry["jurisdictions"])
        assert suggested(article, SuggestionKind.OFFICIAL) == set(entry["officials"])
        # The outlet is suggested where the text signs it ("Fox News Digital", the Daily Caller
        # News Foundation's notice). The Epoch Times articles carry no signature in their text:
        # the curator knew their outlet from the original page, so nothing is suggested.
        outlet = suggested(article, SuggestionKind.OUTLET)
        signed = {"000_ecb36e0f4b95f749.txt", "004_487bd75742f97216.txt"}
        assert outlet == ({entry["outlet"]} if file in signed else set())
        # None of the seed texts states its publication date (the curator's dates are
        # inferences), so none is suggested.
        assert suggested(article, SuggestionKind.DATE) == set()
        # Suggestions wait for an editor: nothing is tagged yet.
        assert not article.jurisdictions.exists()
        assert not article.officials.exists()
        assert article.outlet is None
        assert set(article.suggestions.values_list("status", flat=True)) == {
            SuggestionStatus.PENDING
        }
        assert all(s.evidence for s in article.suggestions.all())

    before = snapshot()
    output = run(SEEDS)
    assert "0 created, 0 updated, 5 unchanged, 0 duplicates, 0 failed." in output
    assert output.count("already in the archive as /articles/") == 5
    assert snapshot() == before


def test_a_folder_mixing_good_and_broken_files_imports_the_good_and_reports_the_rest(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "wake.txt").write_text(
        "Wake County sheriff ends detainer holds\n\nWake County Sheriff Gerald Baker said "
        "Tuesday that the county jail will no longer hold people for ICE.\n",
        encoding="utf-8",
    )
    (tmp_path / "sheet.csv").write_text(
        "headline,raw_text,published\n"
        '"Hartford police stop ICE calls","Hartford police will stop calling ICE, '
        'Connecticut officials said.",2024-05\n'
        '"","A row without its headline",\n',
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("Café raid in Wake County\n\nText.".encode("latin-1"))
    (tmp_path / "broken.json").write_text('{"headline": "x", ', encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    articles_before = Article.objects.count()

    output = run(tmp_path, expect_failure=True)

    assert "2 created, 0 updated, 0 unchanged, 0 duplicates, 6 failed." in output
    assert "6 could not be imported" in output
    for line in [
        f"{tmp_path / 'empty.txt'}: empty file",
        f"{tmp_path / 'binary.txt'}: binary file, not text",
        f"{tmp_path / 'latin.txt'}: not UTF-8 (byte 0xe9 on line 1)",
        f"{tmp_path / 'broken.json'}: not valid JSON",
        f"{tmp_path / 'scan.pdf'}: unsupported file type '.pdf'",
        f"{tmp_path / 'sheet.csv'}, row 3: no headline",
    ]:
        assert line in output
    assert Article.objects.count() == articles_before + 2
    hartford = Article.objects.get(headline="Hartford police stop ICE calls")
    assert hartford.published.iso() == "2024-05"
    assert suggested(hartford, SuggestionKind.JURISDICTION) == {"hartford-ct", "connecticut"}
    wake = Article.objects.get(headline="Wake County sheriff ends detainer holds")
    assert suggested(wake, SuggestionKind.OFFICIAL) == {"gerald-baker"}


def test_every_format_imports_through_the_same_path(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Baltimore County to notify ICE\n\nBaltimore County officials said Wednesday they "
        "would notify ICE 48 hours before releasing people it has asked about.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.json").write_text(
        json.dumps(
            {
                "headline": "Montgomery County honors two detainers",
                "raw_text": "The jail in Montgomery County, Md., honored two ICE detainers "
                "on March 11, County Executive Marc Elrich said.",
                "byline": "A. Reporter",
                "outlet": "The Epoch Times",
                "published": "2024-03-12",
                "source_url": "https://www.theepochtimes.com/example",
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "c.jsonl").write_text(
        json.dumps(
            {
                "headline": "New Britain arrest",
                "raw_text": "Police in New Britain, "
                "Connecticut, arrested a man ICE had asked them to hold.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "d.csv").write_text(
        "headline,raw_text,outlet\n"
        '"Boston field office makes arrest","ICE officers in Boston arrested a man released '
        'from a Connecticut jail, ERO Boston Field Office Director Todd Lyons said.",Fox News\n',
        encoding="utf-8",
    )
    (tmp_path / "e.html").write_text(
        "<html><head><title>San Bernardino County jail releases man</title>"
        '<meta property="og:site_name" content="Fox News">'
        '<meta property="article:published_time" content="2024-07-02"></head><body><article>'
        "<p>The San Bernardino County jail released a man ICE had asked it to hold, because "
        "California law limits cooperation with federal immigration authorities.</p>"
        "<p>California Assemblyman Bill Essayli said the law had to change.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )

    output = run(tmp_path)
    assert "5 created, 0 updated, 0 unchanged, 0 duplicates, 0 failed." in output

    json_article = Article.objects.get(headline="Montgomery County honors two detainers")
    assert json_article.byline == "A. Reporter"
    assert json_article.outlet.slug == "the-epoch-times"
    assert json_article.published.iso() == "2024-03-12"
    assert suggested(json_article, SuggestionKind.OFFICIAL) == {"marc-elrich"}
    assert suggested(json_article, SuggestionKind.JURISDICTION) == {"montgomery-county-md"}
    # The outlet and date come from named fields, so nothing about them is suggested.
    assert not json_article.suggestions.filter(kind__in=["outlet", "date"]).exists()

    html = Article.objects.get(headline="San Bernardino County jail releases man")
    assert html.raw_text.startswith("<html>")
    assert html.body.startswith("The San Bernardino County jail released a man")
    assert suggested(html, SuggestionKind.JURISDICTION) == {
        "san-bernardino-county-ca",
        "california",
    }
    assert suggested(html, SuggestionKind.OFFICIAL) == {"bill-essayli"}
    assert suggested(html, SuggestionKind.OUTLET) == {"fox-news"}
    date = html.suggestions.get(kind=SuggestionKind.DATE)
    assert (date.proposed_date.isoformat(), date.date_precision) == ("2024-07-02", "day")
    assert html.published is None  # a suggestion until an editor confirms it

    csv_article = Article.objects.get(headline="Boston field office makes arrest")
    assert csv_article.outlet.slug == "fox-news"
    # "ERO Boston Field Office" names an ICE office, not the city.
    assert suggested(csv_article, SuggestionKind.JURISDICTION) == {"boston-ma", "connecticut"}
    assert suggested(csv_article, SuggestionKind.OFFICIAL) == {"todd-lyons"}

    jsonl = Article.objects.get(headline="New Britain arrest")
    assert suggested(jsonl, SuggestionKind.JURISDICTION) == {"new-britain-ct"}


def test_a_dry_run_reports_the_suggestions_and_writes_nothing(tmp_path):
    Article.objects.all().delete()
    before = snapshot()
    runs = ImportRun.objects.count()
    output = run(SEEDS, "--dry-run")
    assert "would create  " in output
    assert "suggests jurisdiction: baltimore-county-md; jurisdiction: baltimore-md" in output
    assert "official: Todd Lyons; outlet: Fox News" in output
    assert "Dry run, nothing written: would be 5 created" in output
    assert snapshot() == before
    assert not TextFingerprint.objects.exists()
    assert ImportRun.objects.count() == runs


def test_a_dry_run_sees_duplicates_within_the_run(tmp_path):
    raw = (SEEDS / "003_b7e2cc0628a419ed.txt").read_bytes()
    Article.objects.filter(sha256=hashlib.sha256(raw).hexdigest()).delete()
    (tmp_path / "one.txt").write_bytes(raw)
    (tmp_path / "two.txt").write_bytes(raw)
    output = run(tmp_path, "--dry-run")
    assert "would be 1 created, 0 updated, 1 unchanged" in output


def test_update_refreshes_metadata_from_a_richer_source_and_only_then(tmp_path):
    seed = SEEDS / "001_c1f5bd60dc8fd033.txt"
    raw = seed.read_text(encoding="utf-8")
    article = Article.objects.get(sha256=hashlib.sha256(seed.read_bytes()).hexdigest())
    richer = tmp_path / "richer.json"
    richer.write_text(
        json.dumps(
            {
                "headline": article.headline,
                "raw_text": raw,
                "byline": "Staff Reporter",
                "source_url": "https://example.org/buckling",
                "outlet": "New York Post",
            }
        ),
        encoding="utf-8",
    )

    output = run(richer)
    assert "unchanged" in output
    assert "--update would change byline, source_url, outlet" in output
    article.refresh_from_db()
    assert article.byline == ""

    output = run(richer, "--update")
    assert "0 created, 1 updated" in output
    assert "updated byline, source_url, outlet of /articles/" in output
    article.refresh_from_db()
    assert article.byline == "Staff Reporter"
    assert article.source_url == "https://example.org/buckling"
    assert article.outlet.name == "New York Post"
    assert article.published.iso() == "2024-07"  # not stated by the source: kept

    # The plain text file states nothing new: --update leaves the editor's work alone.
    output = run(seed, "--update")
    assert "0 updated, 1 unchanged" in output


def test_a_near_duplicate_is_reported_and_imported_only_when_asked(tmp_path):
    raw = (SEEDS / "004_487bd75742f97216.txt").read_text(encoding="utf-8")
    original = Article.objects.get(sha256=hashlib.sha256(raw.encode()).hexdigest())
    # Wire copy republished with small edits: a new first line, one word changed, a notice cut.
    republished = "ICE arrests Honduran man Connecticut jail released\n\n" + raw.replace(
        "months after", "two months after"
    ).replace("Latest Political News on Fox News Read More", "")
    path = tmp_path / "republished.txt"
    path.write_text(republished, encoding="utf-8")
    count = Article.objects.count()

    output = run(path)
    assert "0 created, 0 updated, 0 unchanged, 1 duplicates, 0 failed." in output
    assert f"near-duplicate of “{original.headline}” (/articles/{original.slug}/" in output
    assert "--allow-near-duplicates" in output
    assert Article.objects.count() == count

    output = run(path, "--allow-near-duplicates")
    assert "1 created" in output
    assert f"imported although it is a near-duplicate of /articles/{original.slug}/" in output
    assert Article.objects.count() == count + 1


def test_a_failure_leaves_nothing_half_written(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            [
                {"headline": "H" * 600, "raw_text": "A text", "outlet": "Brand New Outlet"},
                {"headline": "Fine", "raw_text": "Another text about Wake County."},
            ]
        ),
        encoding="utf-8",
    )
    output = run(path, expect_failure=True)
    assert "item 1: headline: Ensure this value has at most 500 characters" in output
    assert "1 created" in output
    # The outlet the failed article would have created was rolled back with it.
    assert not Outlet.objects.filter(name="Brand New Outlet").exists()
    assert not Article.objects.filter(raw_text="A text").exists()


def test_an_overlong_text_is_refused_before_the_database(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Long\n\n" + "word " * 50_000, encoding="utf-8")
    output = run(path, expect_failure=True)
    assert "the text is 250,006 characters; an article is at most 200,000" in output


def test_the_encoding_option_reads_other_encodings(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café raid in Wake County\n\nThe café was raided.".encode("cp1252"))
    output = run(path, "--encoding", "cp1252")
    assert "1 created" in output
    assert Article.objects.get(headline="Café raid in Wake County").body == "The café was raided."


def test_each_run_is_recorded_with_its_report(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    run(tmp_path, expect_failure=True)
    recorded = ImportRun.objects.first()
    assert recorded.origin == "command"
    assert recorded.failed == 1
    assert recorded.outcomes[0]["message"] == "empty file"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("flags", "env", "bar"), [([], {}, True), (["--quiet"], {}, False), ([], {"CI": "true"}, False)]
)
def test_a_progress_bar_for_many_files_on_a_terminal(tmp_path, monkeypatch, flags, env, bar):
    for n in range(6):
        (tmp_path / f"{n}.txt").write_text(f"Story {n}\n\nText number {n} about ICE.\n")
    monkeypatch.delenv("CI", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), *flags, stdout=out, stderr=terminal)
    assert ("6/6" in terminal.getvalue()) is bar
    per_article_lines = f"created  {tmp_path / '0.txt'}" in out.getvalue()
    assert per_article_lines is not ("--quiet" in flags)
    assert "6 created" in out.getvalue()
