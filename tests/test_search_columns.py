"""An article's search vector and word pairs: computed by one trigger from a single parse of
its text (migration 0016), always equal to the expressions the model declares for them."""

import pytest
from django.db import connection

from archive.bulk import NewArticle, bulk_load_articles
from archive.models import Article, article_search_vector
from archive.phrases import WordPairHashes
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def stored_as_declared(article: Article) -> tuple[bool, bool]:
    """Whether the stored vector and pairs equal the model's declared expressions, computed
    afresh from the row's text."""
    declared = article_search_vector()
    stored, expected, pairs, expected_pairs = (
        Article.objects.filter(pk=article.pk)
        .annotate(declared=declared, declared_pairs=WordPairHashes(declared))
        .values_list("search_vector", "declared", "word_pairs", "declared_pairs")
        .get()
    )
    assert expected and expected_pairs, "the declared expressions give something to compare"
    return stored == expected, pairs == expected_pairs


def found(query: str) -> list[str]:
    return sorted(Article.objects.search(query).values_list("headline", flat=True))


def test_a_new_article_holds_its_vector_and_pairs():
    article = make_article("Quokka sanctuary", "The county jail keeps no quokkas.")
    assert stored_as_declared(article) == (True, True)
    assert found('"county jail" quokka') == ["Quokka sanctuary"]


def test_a_saved_edit_to_the_text_is_searchable_at_once():
    article = make_article("Wombat policy", "The bandicoot spoke.")
    article.headline = "Numbat policy"
    article.body = "The county jail answered."
    article.save()
    assert stored_as_declared(article) == (True, True)
    assert found("wombat") == [] and found("bandicoot") == []
    assert found('"county jail" numbat') == ["Numbat policy"]


def test_an_update_through_a_queryset_is_searchable_at_once():
    article = make_article("Bilby policy", "Nothing yet.")
    Article.objects.filter(pk=article.pk).update(body="A detainer from the county jail.")
    assert stored_as_declared(article) == (True, True)
    assert found('"county jail" bilby') == ["Bilby policy"]


def test_only_the_trigger_sets_the_columns():
    """A direct write to either column is undone: they always say what the text holds."""
    article = make_article("Potoroo policy", "The county jail.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_article SET search_vector = '', word_pairs = '{}' WHERE id = %s",
            [article.pk],
        )
    assert stored_as_declared(article) == (True, True)
    assert found('"county jail" potoroo') == ["Potoroo policy"]


def test_bulk_loaded_articles_hold_their_vector_and_pairs():
    bulk_load_articles(
        [
            NewArticle(
                headline=f"Loaded quoll story {n}",
                slug=f"loaded-quoll-story-{n}",
                raw_text=f"Loaded quoll story {n}\n\nThe county jail, take {n}.",
                body=f"The county jail, take {n}.",
            )
            for n in range(3)
        ]
    )
    for article in Article.objects.filter(slug__startswith="loaded-quoll-story-"):
        assert stored_as_declared(article) == (True, True)
    assert len(found('"county jail" quoll')) == 3


def test_the_vectors_and_texts_are_stored_out_of_line_without_compression():
    # The vectors never compress by the quarter PostgreSQL requires, so trying cost every
    # write a pass of pglz for nothing (migration 0019); the texts do, at a price in CPU on
    # every write and every snippet read (migration 0020).
    columns = ["search_vector", "word_pairs", "body", "raw_text"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute"
            " WHERE attrelid = 'archive_article'::regclass AND attname = ANY(%s)",
            [columns],
        )
        storage = dict(cursor.fetchall())
    assert storage == dict.fromkeys(columns, "e")
    body = " ".join(f"word{n} county jail sheriff" for n in range(400))
    article = make_article("Quokka sanctuary", body)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(search_vector), pg_column_compression(body),"
            " pg_column_compression(raw_text), pg_column_size(search_vector),"
            " pg_column_size(body) FROM archive_article WHERE id = %s",
            [article.pk],
        )
        vector, text, raw_text, vector_size, text_size = cursor.fetchone()
    assert vector_size > 2000 and vector is None, "out of line, uncompressed"
    # The body repeats itself: pglz would have made it a fraction of its length.
    assert text_size >= len(body) and text is None and raw_text is None, "uncompressed"
    assert found('"county jail" word7') == ["Quokka sanctuary"]
