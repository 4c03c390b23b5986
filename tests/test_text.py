"""Cleaning collected text into an article body."""

from pathlib import Path

import pytest

from archive.text import clean_body, first_line, paragraphs

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_headline_line_is_removed_from_the_body():
    raw = seed("000")
    headline = first_line(raw)
    body = clean_body(raw, headline)
    assert headline.startswith("Deep Blue County Walks Back")
    assert not body.startswith(headline)
    assert body.startswith("Leaders in a deep blue jurisdiction")


def test_syndication_notice_share_buttons_and_photo_credit_are_furniture():
    body = clean_body(seed("000"), first_line(seed("000")))
    for furniture in ["All content created by the Daily Caller", "Facebook", "Tumblr", "Getty"]:
        assert furniture not in body
    assert "(RELATED:" not in body
    assert body.endswith("Maryland Office of the Attorney General,” the joint statement continued.")


def test_promo_links_in_capitals_and_read_more_line_are_furniture():
    body = clean_body(seed("004"))
    assert "ILLEGAL IMMIGRANT CHARGED IN" not in body
    assert "CLICK HERE" not in body
    assert "BORDER STATE LAWMAKER" not in body
    assert "Latest Political News" not in body
    assert "ICE issued a detainer against him in October." in body


def test_paragraphs_are_kept_and_subheads_stay():
    parts = paragraphs(clean_body(seed("002")))
    assert len(parts) == 17
    assert "A Productive Dialogue" in parts


def test_glued_sentences_are_separated():
    body = clean_body("One line.\nfor discussions.The meeting was held.")
    assert "for discussions. The meeting was held." in body


@pytest.mark.parametrize("text", ["", "\n\n", "Facebook\nTwitter"])
def test_empty_or_furniture_only_text_gives_an_empty_body(text):
    assert clean_body(text) == ""


def test_control_characters_and_windows_line_endings_are_normalised():
    assert paragraphs(clean_body("First\x00 para\r\n\r\nSecond\x07 para")) == [
        "First para",
        "Second para",
    ]


def test_a_byline_alone_on_its_line_is_furniture_but_a_sentence_starting_with_by_is_not():
    body = clean_body(
        "Headline\n\nBy Jane Roe and John Doe\n\nBy Tuesday, the county had changed course.\n"
        "By the time ICE arrived, he was gone.",
        "Headline",
    )
    assert paragraphs(body) == [
        "By Tuesday, the county had changed course.",
        "By the time ICE arrived, he was gone.",
    ]
