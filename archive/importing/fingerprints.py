"""Near-duplicate detection: word shingles, MinHash and locality-sensitive hashing.

Wire copy is republished with small edits (a new headline, a trimmed paragraph, a different
notice at the end), so the same story arrives with a different SHA-256. Each body is cut into
overlapping five-word shingles; a MinHash signature of 60 values is grouped into 20 bands of 3,
and each band is hashed into one 64-bit number stored in ``TextFingerprint.bands``. Two texts
whose shingle sets have a Jaccard similarity of 0.5 share at least one band with probability
0.93 (0.9999 at 0.8), so twenty B-tree probes (``FingerprintBand.band IN (...)``) find the
candidates, and only those few bodies are compared exactly.
"""

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction

from archive.importing.models import FingerprintBand, TextFingerprint
from archive.models import Article

SHINGLE_WORDS = 5
BANDS = 20
ROWS = 3
# Exact comparison decides: similar enough wording, or one text nearly contained in the other
# (an excerpt of a longer original), counts as a near-duplicate.
NEAR_DUPLICATE_JACCARD = 0.5
NEAR_DUPLICATE_CONTAINMENT = 0.8
# Containment is only telling for texts with some length; a ten-word text is "contained" in
# many articles.
MIN_SHINGLES_FOR_CONTAINMENT = 20
MAX_CANDIDATES = 50

_PRIME = (1 << 61) - 1
_rng = random.Random(20240601)  # fixed: stored band hashes must stay comparable across runs
_PERMUTATIONS = [
    (_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(BANDS * ROWS)
]
_WORD = re.compile(r"[^\W_]+")


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def shingles(text: str) -> set[int]:
    """Hashes of the overlapping five-word sequences of a text, ignoring case and punctuation."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if not words:
        return set()
    if len(words) < SHINGLE_WORDS:
        return {_hash64(" ".join(words).encode())}
    return {
        _hash64(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def band_hashes(shingle_set: set[int]) -> list[int]:
    """The LSH band hashes of a shingle set (empty for an empty text)."""
    if not shingle_set:
        return []
    values = [s % _PRIME for s in shingle_set]
    signature = [min((a * v + b) % _PRIME for v in values) for a, b in _PERMUTATIONS]
    bands = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        bands.append(_hash64(f"{band}:{rows}".encode()))
    return bands


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float

    @property
    def is_near_duplicate(self) -> bool:
        return (
            self.jaccard >= NEAR_DUPLICATE_JACCARD or self.containment >= NEAR_DUPLICATE_CONTAINMENT
        )


def compare(a: set[int], b: set[int]) -> Similarity:
    """How much two shingle sets share: Jaccard, and the share of the smaller one contained."""
    if not a or not b:
        return Similarity(0.0, 0.0)
    common = len(a & b)
    smaller = min(len(a), len(b))
    containment = common / smaller if smaller >= MIN_SHINGLES_FOR_CONTAINMENT else 0.0
    return Similarity(common / len(a | b), containment)


@dataclass(frozen=True)
class NearDuplicate:
    article_id: int
    slug: str
    headline: str
    similarity: Similarity


def _save_fingerprints(articles: list[Article]) -> int:
    fingerprints, bands = [], []
    for article in articles:
        shingle_set = shingles(article.body)
        fingerprint = TextFingerprint(article=article, shingle_count=len(shingle_set))
        fingerprints.append(fingerprint)
        bands += [
            FingerprintBand(band=b, fingerprint=fingerprint) for b in set(band_hashes(shingle_set))
        ]
    with transaction.atomic():
        TextFingerprint.objects.bulk_create(fingerprints)
        FingerprintBand.objects.bulk_create(bands)
    return len(fingerprints)


def save_fingerprint(article: Article) -> None:
    """Fingerprint the article's body, replacing any fingerprint it had."""
    with transaction.atomic():
        TextFingerprint.objects.filter(article=article).delete()
        _save_fingerprints([article])


def ensure_fingerprints(batch_size: int = 500) -> int:
    """Fingerprint the articles that have none (added by hand or by ``load_seed``)."""
    missing = Article.objects.filter(fingerprint__isnull=True).only("pk", "body").order_by("pk")
    made, batch = 0, []
    for article in missing.iterator(chunk_size=batch_size):
        batch.append(article)
        if len(batch) >= batch_size:
            made += _save_fingerprints(batch)
            batch = []
    if batch:
        made += _save_fingerprints(batch)
    return made


def candidate_ids(bands: list[int]):
    """Articles sharing a band hash with ``bands``: a probe of the primary key per band."""
    return (
        FingerprintBand.objects.filter(band__in=bands)
        .order_by()
        .values_list("fingerprint_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )


def near_duplicates(body: str, *, exclude_pk: int | None = None) -> list[NearDuplicate]:
    """Articles whose body is a near-duplicate of ``body``, most similar first."""
    shingle_set = shingles(body)
    bands = band_hashes(shingle_set)
    if not bands:
        return []
    candidates = Article.objects.filter(pk__in=candidate_ids(bands)).only(
        "pk", "slug", "headline", "body"
    )
    found = []
    for candidate in candidates:
        if candidate.pk == exclude_pk:
            continue
        similarity = compare(shingle_set, shingles(candidate.body))
        if similarity.is_near_duplicate:
            found.append(
                NearDuplicate(candidate.pk, candidate.slug, candidate.headline, similarity)
            )
    found.sort(key=lambda d: (-d.similarity.jaccard, d.article_id))
    return found
