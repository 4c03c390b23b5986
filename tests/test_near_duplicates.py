"""Near-duplicates: the same story republished with small edits is found through the index."""

import hashlib
from pathlib import Path

import pytest
from django.db import connection

from archive.importing.fingerprints import (
    band_hashes,
    candidate_ids,
    compare,
    ensure_fingerprints,
    near_duplicates,
    save_fingerprint,
    shingles,
)
from archive.importing.models import FingerprintBand, TextFingerprint
from archive.models import Article
from archive.text import clean_body
from tests.factories import make_article

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def seed_article(prefix: str) -> Article:
    raw = next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()
    return Article.objects.get(sha256=hashlib.sha256(raw).hexdigest())


def republished(body: str) -> str:
    """Wire copy as another site runs it: a sentence trimmed, a word changed, a line added."""
    paragraphs = body.split("\n\n")
    paragraphs[1] = paragraphs[1].replace("ICE", "U.S. Immigration and Customs Enforcement", 1)
    del paragraphs[-2]
    return "\n\n".join(["Editor's note: this story has been updated.", *paragraphs])


def test_an_edited_copy_is_similar_and_another_story_is_not():
    original = seed_article("003").body
    edited = compare(shingles(original), shingles(republished(original)))
    assert edited.is_near_duplicate
    assert edited.jaccard > 0.6
    other = compare(shingles(original), shingles(seed_article("002").body))
    assert not other.is_near_duplicate
    assert other.jaccard < 0.05


def test_an_excerpt_of_a_longer_story_is_contained_in_it():
    original = seed_article("000").body
    excerpt = "\n\n".join(original.split("\n\n")[:6])
    similarity = compare(shingles(excerpt), shingles(original))
    assert similarity.containment > 0.95
    assert similarity.is_near_duplicate


def test_similar_texts_share_a_band_hash_and_different_ones_do_not():
    original = seed_article("004").body
    assert set(band_hashes(shingles(original))) & set(band_hashes(shingles(republished(original))))
    assert not set(band_hashes(shingles(original))) & set(
        band_hashes(shingles(seed_article("001").body))
    )
    assert band_hashes(set()) == []


def test_the_archive_is_searched_for_near_duplicates_through_its_fingerprints():
    ensure_fingerprints()
    assert TextFingerprint.objects.count() == Article.objects.count()
    original = seed_article("004")
    found = near_duplicates(republished(original.body))
    assert [d.article_id for d in found] == [original.pk]
    assert found[0].slug == original.slug
    assert near_duplicates(republished(original.body), exclude_pk=original.pk) == []
    assert near_duplicates("A short unrelated note about Wake County.") == []


def test_articles_added_by_hand_get_their_fingerprint_before_an_import():
    ensure_fingerprints()
    article = make_article("By hand", clean_body((SEEDS / "000_ecb36e0f4b95f749.txt").read_text()))
    assert not TextFingerprint.objects.filter(article=article).exists()
    assert ensure_fingerprints() == 1
    assert ensure_fingerprints() == 0
    bands = set(
        FingerprintBand.objects.filter(fingerprint=article.pk).values_list("band", flat=True)
    )
    assert len(bands) == 20
    save_fingerprint(article)  # refreshing one replaces it
    assert TextFingerprint.objects.filter(article=article).count() == 1
    assert (
        set(FingerprintBand.objects.filter(fingerprint=article.pk).values_list("band", flat=True))
        == bands
    )
    article.delete()
    assert not FingerprintBand.objects.filter(fingerprint=article.pk).exists()


def test_the_candidate_lookup_probes_the_band_index():
    ensure_fingerprints()
    # Enough band rows, with fresh statistics, that the planner's choice is the one it makes
    # at scale: with a handful of rows it may walk another index to skip a sort.
    fingerprints = list(TextFingerprint.objects.all())
    FingerprintBand.objects.bulk_create(
        FingerprintBand(band=n * 7919 + 1, fingerprint=fingerprints[n % len(fingerprints)])
        for n in range(20_000)
    )
    bands = band_hashes(shingles(seed_article("002").body))
    queryset = candidate_ids(bands)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {FingerprintBand._meta.db_table}")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "archive_fingerprintband_pkey" in plan, plan
    assert "Seq Scan" not in plan, plan
