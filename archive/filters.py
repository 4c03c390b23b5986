"""The one FilterSet behind every list of articles: the HTML list, and every other view of it.

django-filter drops an invalid value and filters as if it were absent; a researcher who
mistypes a county slug would then see the whole archive and believe it. Our views therefore
use the form's errors (FilterView's strict mode shows no results and the error instead).
"""

import django_filters
from django import forms

from archive.models import Article, Jurisdiction, Official, Outlet, RetiredSlug, Topic
from archive.search import normalize_query_text

SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
]


class SearchTextField(forms.CharField):
    """Any text at all is a valid query: NUL bytes are dropped, not reported."""

    def to_python(self, value):
        return normalize_query_text(super().to_python(value))


class StateField(forms.CharField):
    """A two-letter postal code of a state in the archive, in either case."""

    default_error_messages = {"unknown": "There is no state with the postal code “%(value)s”."}

    # The chosen state, read with the check that it exists (its id and name alone). The page
    # names it twice (its facet, its filter chip), and the list is filtered by it: finding it
    # again cost a statement each, or a subquery compiled into each statement of the page.
    state: Jurisdiction | None = None

    @property
    def state_name(self) -> str:
        return self.state.name if self.state else ""

    def clean(self, value):
        value = (super().clean(value) or "").strip().upper()
        self.state = None
        if value:
            states = Jurisdiction.objects.states().filter(postal_code=value)
            self.state = states.only("name").first()
            if self.state is None:
                raise forms.ValidationError(
                    self.error_messages["unknown"], code="unknown", params={"value": value}
                )
        return value


class SearchTextFilter(django_filters.CharFilter):
    field_class = SearchTextField


class StateFilter(django_filters.CharFilter):
    field_class = StateField


class ArticleFilterForm(forms.Form):
    """Checks across fields."""

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("published_after"), cleaned.get("published_before")
        if after and before and after > before:
            self.add_error("published_before", "The end date is before the start date.")
        return cleaned


class SlugsField(django_filters.fields.ModelMultipleChoiceField):
    """Slugs of existing tags; an empty value (a form's blank choice) means no filter.

    A slug retired by a rename or a merge filters by the tag it leads to now (links never
    break); ``retired`` maps each such slug to the current one, so a view can redirect.
    """

    retired: dict[str, str]

    def clean(self, value):
        self.retired = {}
        value = [v for v in value or [] if str(v).strip()]
        if not value and not self.required:
            # Nothing chosen: an empty list, which the filter skips, rather than the field's
            # empty queryset, which each test of "anything chosen?" would evaluate.
            return []
        return super().clean(value)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            current = RetiredSlug.objects.current_slugs(self.queryset.model, value)
            if not current:
                raise
            self.retired = current
            return super()._check_values([current.get(v, v) for v in value])


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugsField


def slug_filter(label: str, model, field_name: str, method: str):
    """A repeatable slug parameter; several values mean any of them (filtered by ``method``)."""
    return SlugsFilter(
        label=label,
        field_name=field_name,
        lookup_expr="in",
        to_field_name="slug",
        queryset=model.objects.all(),
        method=method,
        error_messages={"invalid_choice": f"There is no {label.lower()} “%(value)s”."},
    )


class ArticleFilter(django_filters.FilterSet):
    q = SearchTextFilter(label="Search", field_name="search_vector", method="filter_q")
    jurisdiction = slug_filter("Jurisdiction", Jurisdiction, "jurisdictions", "filter_jurisdiction")
    state = StateFilter(
        label="State", field_name="jurisdictions__postal_code", method="filter_state"
    )
    outlet = slug_filter("Outlet", Outlet, "outlet", "filter_outlet")
    official = slug_filter("Official", Official, "officials", "filter_official")
    topic = slug_filter("Topic", Topic, "topics", "filter_topic")
    published_after = django_filters.DateFilter(
        label="Published on or after",
        field_name="published_until",
        lookup_expr="gte",
        method="filter_published_after",
        input_formats=["%Y-%m-%d"],
    )
    published_before = django_filters.DateFilter(
        label="Published on or before",
        field_name="published_on",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
    )
    sort = django_filters.ChoiceFilter(
        label="Order", field_name="sort", choices=SORT_CHOICES, method="filter_sort"
    )

    class Meta:
        model = Article
        fields = []
        form = ArticleFilterForm

    def get_form_class(self):
        """One form class for the FilterSet class, rather than one per request: django-filter
        builds it from the filters' fields each time, about a third of a millisecond of every
        list, and each form copies its class's fields anyway, so no request shares another's."""
        built = type(self).__dict__.get("_form_class")
        if built is None:
            built = type(self)._form_class = super().get_form_class()
        return built

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_jurisdiction(self, queryset, name, places):
        # An empty selection never gets here (SlugsField cleans it to [], which is skipped);
        # the guard keeps the method right when called on its own.
        return queryset.in_jurisdictions(places) if places else queryset

    def filter_state(self, queryset, name, postal_code):
        # Every article's place ids hold the states of its places.
        return queryset.in_jurisdictions([self.form.fields["state"].state])

    def filter_published_after(self, queryset, name, day):
        return queryset.published_on_or_after(day) if day else queryset

    def filter_outlet(self, queryset, name, outlets):
        return queryset.filter(outlet__in=outlets) if outlets else queryset

    def filter_official(self, queryset, name, officials):
        return queryset.naming_officials(officials) if officials else queryset

    def filter_topic(self, queryset, name, topics):
        return queryset.on_topics(topics) if topics else queryset

    def retired_slugs(self) -> dict[str, dict[str, str]]:
        """Per parameter, the retired slugs given and the current slugs they stand for."""
        return {
            name: field.retired
            for name, field in self.form.fields.items()
            if getattr(field, "retired", None)
        }

    @property
    def query_text(self) -> str:
        return self.form.cleaned_data.get("q", "") if self.is_valid() else ""

    @property
    def order(self) -> str:
        """The order being shown: the one asked for, else relevance for a search, else newest."""
        asked = self.form.cleaned_data.get("sort") if self.is_valid() else ""
        if asked == "relevance" and not self.query_text:
            asked = ""
        return asked or ("relevance" if self.query_text else "newest")

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied once, after every filter, in filter_queryset()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.order == "newest":
            return queryset.newest()
        if self.order == "oldest":
            return queryset.oldest()
        return queryset  # relevance: search() has ordered the matches by rank
