"""How articles and tags look as JSON: the keys CONTRACT.md promises, and a few more."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.dates import DatePrecision
from archive.facets import FacetValue
from archive.models import Article, Jurisdiction, JurisdictionKind, Official, Outlet, Topic

PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "nullable": True,
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "description": "As precise as known: `2019-11-01`, `2024-03` or `2024`; null when undated.",
    "example": "2024-03",
}


class TagSerializer(serializers.Serializer):
    """A tag as an article lists it: its slug and its name."""

    slug = serializers.CharField()
    name = serializers.CharField()


def facets_json(facets: dict[str, list[FacetValue]]) -> dict[str, list[dict]]:
    """The facet counter's values as the API shows them (its links are the HTML list's)."""
    return {
        name: [
            {
                "slug": v.slug,
                "name": v.name,
                "count": v.count.value if v.count else None,
                "count_exact": v.count.exact if v.count else None,
                "selected": v.selected,
            }
            for v in values
        ]
        for name, values in facets.items()
    }


def absolute_url(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


def articles_url(serializer: serializers.Serializer, parameter: str, slug: str) -> str:
    """The API's article list filtered by one tag: where a tag's articles are found as data."""
    return absolute_url(serializer, f"{reverse('api:article-list')}?{parameter}={slug}")


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The article's page in the archive.")
    outlet = TagSerializer(allow_null=True, read_only=True)
    published = serializers.SerializerMethodField()
    published_precision = serializers.SerializerMethodField()
    jurisdictions = TagSerializer(many=True, read_only=True, source="listed_places")
    officials = TagSerializer(many=True, read_only=True)
    topics = TagSerializer(many=True, read_only=True)
    snippet = serializers.SerializerMethodField(
        help_text="With `q`: HTML, the text escaped and the matches in `<mark>`; else null."
    )

    class Meta:
        model = Article
        fields = [
            "slug",
            "url",
            "headline",
            "outlet",
            "published",
            "published_precision",
            "date_uncertain",
            "headline_uncertain",
            "is_excerpt",
            "jurisdictions",
            "officials",
            "topics",
            "snippet",
        ]
        read_only_fields = fields

    def get_url(self, article: Article) -> str:
        return absolute_url(self, article.get_absolute_url())

    @extend_schema_field(PARTIAL_DATE_SCHEMA)
    def get_published(self, article: Article) -> str | None:
        published = article.published
        return published.iso() if published else None

    @extend_schema_field(
        {"type": "string", "enum": [*DatePrecision.values, None], "nullable": True}
    )
    def get_published_precision(self, article: Article) -> str | None:
        return article.date_precision or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_snippet(self, article: Article) -> str | None:
        return getattr(article, "snippet", None)


class ArticleDetailSerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "body",
            "byline",
            "source_url",
            "raw_text",
        ]
        read_only_fields = fields
        extra_kwargs = {"raw_text": {"help_text": "The text exactly as collected."}}


class OutletSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    articles_url = serializers.SerializerMethodField()
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Outlet
        fields = ["slug", "name", "url", "homepage", "article_count", "articles_url"]
        read_only_fields = fields

    def get_url(self, outlet: Outlet) -> str:
        return absolute_url(self, outlet.get_absolute_url())

    def get_articles_url(self, outlet: Outlet) -> str:
        return articles_url(self, "outlet", outlet.slug)


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    articles_url = serializers.SerializerMethodField()
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = ["slug", "name", "url", "description", "article_count", "articles_url"]
        read_only_fields = fields

    def get_url(self, topic: Topic) -> str:
        return absolute_url(self, topic.get_absolute_url())

    def get_articles_url(self, topic: Topic) -> str:
        return articles_url(self, "topic", topic.slug)


class OfficialSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    articles_url = serializers.SerializerMethodField()
    jurisdiction = TagSerializer(allow_null=True, read_only=True)
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Official
        fields = [
            "slug",
            "name",
            "url",
            "role",
            "agency",
            "jurisdiction",
            "article_count",
            "articles_url",
        ]
        read_only_fields = fields

    def get_url(self, official: Official) -> str:
        return absolute_url(self, official.get_absolute_url())

    def get_articles_url(self, official: Official) -> str:
        return articles_url(self, "official", official.slug)


class JurisdictionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    articles_url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=JurisdictionKind.choices, read_only=True)
    parent = TagSerializer(allow_null=True, read_only=True)
    article_count = serializers.SerializerMethodField(
        help_text="Articles about the place or any place inside it."
    )

    class Meta:
        model = Jurisdiction
        fields = [
            "slug",
            "name",
            "url",
            "kind",
            "postal_code",
            "fips",
            "parent",
            "article_count",
            "articles_url",
        ]
        read_only_fields = fields

    def get_url(self, place: Jurisdiction) -> str:
        return absolute_url(self, place.get_absolute_url())

    def get_articles_url(self, place: Jurisdiction) -> str:
        return articles_url(self, "jurisdiction", place.slug)

    @extend_schema_field(OpenApiTypes.INT)
    def get_article_count(self, place: Jurisdiction) -> int:
        return self.context.get("place_counts", {}).get(place.pk, 0)
