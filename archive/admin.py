"""The editors' desk: curating articles and their tags.

Every add and change here is kept in the history (``archive.admin_history``); the bulk actions
and merges live in ``archive.admin_actions``.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Max, Min
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import normalize_newlines

from archive import admin_actions
from archive.admin_history import HistoryAdmin
from archive.models import (
    UNLISTED_COLUMNS,
    Article,
    Jurisdiction,
    JurisdictionKind,
    Official,
    Outlet,
    RetiredSlug,
    Topic,
    counted_articles,
)
from archive.results import EstimatingPaginator
from archive.slugs import retired_elsewhere


class TagForm(forms.ModelForm):
    """Refuses a slug that still leads to another tag: taking it would break that tag's links."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        retired = retired_elsewhere(self.instance, slug)
        if retired is not None:
            raise forms.ValidationError(
                f"“{slug}” is an old address of “{retired.target}” and still leads there; "
                "choose another slug."
            )
        return slug


class ArticleForm(forms.ModelForm):
    """Browsers send a text box's line breaks as CRLF; stored text uses LF, and a body's
    paragraphs are split on blank lines."""

    def clean_body(self):
        return normalize_newlines(self.cleaned_data["body"])

    def clean_curator_note(self):
        return normalize_newlines(self.cleaned_data["curator_note"])


class TagAdmin(HistoryAdmin):
    """Places, officials, outlets and topics: merged rather than deleted."""

    form = TagForm
    actions = [admin_actions.merge_selected]


@admin.register(Outlet)
class OutletAdmin(TagAdmin):
    list_display = ["name", "slug", "homepage", "article_count"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=counted_articles(Outlet))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Jurisdiction)
class JurisdictionAdmin(TagAdmin):
    list_display = ["name", "kind", "postal_code", "parent", "fips", "slug"]
    list_filter = ["kind", "postal_code"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "fips", "postal_code"]
    autocomplete_fields = ["parent"]
    # A city's slug is its name and postal code (CONTRACT.md): "New Britain" + CT.
    prepopulated_fields = {"slug": ["name", "postal_code"]}


@admin.register(Official)
class OfficialAdmin(TagAdmin):
    list_display = ["name", "role", "agency", "jurisdiction", "slug"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "slug", "role", "agency"]
    autocomplete_fields = ["jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class PlaceFilter(admin.SimpleListFilter):
    """Articles about a place or a place inside it, as the public list filters them.

    The states are offered; any place can be asked for by its slug, as on the public list
    (``?jurisdiction=wake-county-nc``). Offering every place in use would list thousands.
    """

    title = "place"
    parameter_name = "jurisdiction"

    @cached_property
    def place(self) -> Jurisdiction | None:
        """The place asked for, by its slug or by one it had before a rename or a merge."""
        slug = self.value()
        found = Jurisdiction.objects.filter(slug=slug).first()
        return found or RetiredSlug.objects.resolve(Jurisdiction, slug)

    def lookups(self, request, model_admin):
        places = list(Jurisdiction.objects.states().order_by("name"))
        if self.value() and self.place and self.place.kind != JurisdictionKind.STATE:
            places.insert(0, self.place)  # a county or city asked for is shown above the states
        return [(place.slug, str(place)) for place in places]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.in_jurisdictions([self.place] if self.place else [])


class PublishedYearFilter(admin.SimpleListFilter):
    """The years from the archive's first date to its last, newest first, and undated.

    Listing the years that have articles would read every row's date; the two ends of the
    date index are two lookups.
    """

    title = "year published"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = Article.objects.aggregate(first=Min("published_on"), last=Max("published_on"))
        years = range(span["last"].year, span["first"].year - 1, -1) if span["last"] else []
        return [*((str(year), str(year)) for year in years), ("none", "Undated")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == "none":
            return queryset.filter(published_on__isnull=True)
        if not self.value().isdigit() or not 1 <= int(self.value()) <= 9999:
            return queryset.none()
        return queryset.filter(published_on__year=int(self.value()))


class MissingTagFilter(admin.SimpleListFilter):
    """Articles still without a place, an official or a topic: the curation left to do. Each
    choice reads a partial index of the articles it lists, newest first (migration 0022)."""

    title = "missing tags"
    parameter_name = "missing"
    TAG_IDS = {"place": "place_ids", "official": "official_ids", "topic": "topic_ids"}

    def lookups(self, request, model_admin):
        return [("place", "No place"), ("official", "No official"), ("topic", "No topic")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in self.TAG_IDS:
            return queryset.none()
        return queryset.filter(**{self.TAG_IDS[self.value()]: []})


class ArticleChangeList(ChangeList):
    """The texts stay in the database: most of a row's bytes, and a row of the list shows none.
    ``result_tally`` is the count as the page shows it ("about 850,000" when estimated)."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*UNLISTED_COLUMNS)

    def get_results(self, request):
        super().get_results(request)
        self.result_tally = self.paginator.tally


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    form = ArticleForm
    actions = [admin_actions.add_tags, admin_actions.remove_tags, admin_actions.set_outlet_action]
    list_display = [
        "headline",
        "outlet",
        "published_display",
        "place_count",
        "official_count",
        "topic_count",
    ]
    list_filter = [
        "outlet",
        PlaceFilter,
        "topics",
        MissingTagFilter,
        PublishedYearFilter,
        "date_precision",
        "is_excerpt",
    ]
    # The public list's facets are counted from the search index; the admin's would count
    # each choice of each filter over the whole archive.
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False  # a second count of the whole archive on every search
    paginator = EstimatingPaginator
    list_select_related = ["outlet"]
    search_fields = ["headline", "body", "byline"]  # shows the box; get_search_results searches
    search_help_text = (
        "Words of the headline or text, as on the public search (“a phrase”, or, -word), "
        "or part of a byline (three letters or more)."
    )
    autocomplete_fields = ["outlet", "jurisdictions", "officials", "topics"]
    readonly_fields = ["slug", "raw_text", "sha256", "public_page", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "headline_uncertain",
                    "slug",
                    "public_page",
                    "outlet",
                    "byline",
                ]
            },
        ),
        (
            "Publication",
            {
                "fields": ["published_on", "date_precision", "date_uncertain", "source_url"],
                "description": "For a month or a year, enter its first day and pick the precision.",
            },
        ),
        ("Tags", {"fields": ["jurisdictions", "officials", "topics"]}),
        ("Text", {"fields": ["body", "is_excerpt", "raw_text", "sha256"]}),
        ("Curation", {"fields": ["curator_note", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_tag_counts()

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        """The archive's own search (its syntax, its index), and the bylines holding the term."""
        return queryset.matching_text_or_byline(search_term), False

    def get_readonly_fields(self, request, obj=None):
        # A new article needs its text typed in; after that the collected text never changes.
        if obj is None:
            return [f for f in self.readonly_fields if f != "raw_text"]
        return self.readonly_fields

    @admin.display(description="Published", ordering="published_on")
    def published_display(self, obj):
        return obj.published.display() if obj.published else "—"

    @admin.display(description="Public page")
    def public_page(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    # Not sortable: sorting would count the links of every article in the archive (1.6 s at
    # 1,000,000). Untagged articles have a filter of their own (MissingTagFilter).
    @admin.display(description="Places")
    def place_count(self, obj):
        return obj.place_count

    @admin.display(description="Officials", ordering="official_count")
    def official_count(self, obj):
        return obj.official_count

    @admin.display(description="Topics", ordering="topic_count")
    def topic_count(self, obj):
        return obj.topic_count


# --- Importing and tag suggestions (archive/importing/, archive/suggestions/) ----------------
# Their admin pages register themselves; the article page shows its suggestions through
# templates/admin/archive/article/change_form.html.
from archive.importing import admin as _import_admin  # noqa: E402, F401
from archive.suggestions import admin as _suggestion_admin  # noqa: E402, F401
