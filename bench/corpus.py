"""A deterministic synthetic news corpus with known term frequencies.

The same seed always gives the same articles, so two runs (or two machines) measure the same
thing. Term frequencies are those the performance issue was measured with: "ICE" in 85% of
articles, "detainer" in 30%, "sheriff" in 10%, the rare "quokka" in 0.05%; the phrase
"county jail" in 5% while "county" alone is in about half. Bodies run 600–900 words drawn from a
Zipf-shaped vocabulary, so vectors are about as large (and as TOASTed) as real news.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from archive.dates import DatePrecision, PartialDate

SEED = 2026
TERMS = {"ICE": 0.85, "detainer": 0.30, "sheriff": 0.10, "quokka": 0.0005}
PHRASE = ("county", "jail")
PHRASE_SHARE = 0.05
COUNTY_WORD_SHARE = 0.5
HEADLINE_SHARE = 0.05  # of the articles holding a term, how many also hold it in the headline
STOPWORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "by",
    "at",
    "from",
    "it",
    "be",
    "has",
    "said",
]
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "go",
    "ka",
    "ke",
    "ki",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "pa",
    "pe",
    "pi",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "wa",
    "we",
    "ya",
    "zo",
    "ber",
    "con",
    "der",
    "ment",
    "tion",
    "ver",
    "ing",
    "ter",
    "pro",
    "per",
]
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2026, 10, 31)


@dataclass
class CorpusArticle:
    number: int
    headline: str
    body: str
    published: PartialDate
    outlet: int  # index into the outlets
    places: list[int]  # indexes into the places given to generate()
    officials: list[int]
    topics: list[int]

    @property
    def slug(self) -> str:
        return f"bench-{self.number:07d}"


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    """Pseudo-words with Zipf weights (cumulative, for random.choices)."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    words_with_stops = STOPWORDS + ordered
    weights = [1 / (rank + 1) for rank in range(len(words_with_stops))]
    return words_with_stops, list(accumulate(weights))


def _published(rng: random.Random) -> PartialDate:
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    roll = rng.random()
    if roll < 0.80:
        return PartialDate(day, DatePrecision.DAY)
    if roll < 0.95:
        return PartialDate(day.replace(day=1), DatePrecision.MONTH)
    return PartialDate(day.replace(month=1, day=1), DatePrecision.YEAR)


def generate(
    count: int, *, places: int, outlets: int, officials: int, topics: int, seed: int = SEED
) -> Iterator[CorpusArticle]:
    """``count`` articles tagged with indexes into the given numbers of tags of each kind."""
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    outlet_weights = list(accumulate(1 / (rank + 1) for rank in range(outlets)))
    for number in range(1, count + 1):
        body_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(600, 900))
        headline_words = rng.choices(words[len(STOPWORDS) :], k=rng.randint(7, 12))
        for term, share in TERMS.items():
            if rng.random() < share:
                body_words.insert(rng.randrange(len(body_words)), term)
                if rng.random() < HEADLINE_SHARE:
                    headline_words.insert(rng.randrange(len(headline_words)), term)
        if rng.random() < PHRASE_SHARE:
            at = rng.randrange(len(body_words))
            body_words[at:at] = list(PHRASE)
        elif rng.random() < COUNTY_WORD_SHARE:
            body_words.insert(rng.randrange(len(body_words)), PHRASE[0])
            body_words.insert(rng.randrange(len(body_words)), PHRASE[1] + "s")
        sentences = [" ".join(body_words[i : i + 15]) for i in range(0, len(body_words), 15)]
        paragraphs = [". ".join(sentences[i : i + 4]) + "." for i in range(0, len(sentences), 4)]
        yield CorpusArticle(
            number=number,
            headline=" ".join(headline_words).capitalize(),
            body="\n\n".join(p[0].upper() + p[1:] for p in paragraphs),
            published=_published(rng),
            outlet=rng.choices(range(outlets), cum_weights=outlet_weights)[0],
            places=sorted(set(rng.sample(range(places), k=rng.choice((1, 1, 1, 2, 3))))),
            officials=sorted(set(rng.sample(range(officials), k=rng.choice((0, 1, 1, 2, 3))))),
            topics=sorted(set(rng.sample(range(topics), k=rng.choice((1, 1, 2))))),
        )
