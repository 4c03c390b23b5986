"""Reviewing tag suggestions: confirm or reject them one by one or in bulk.

Each pending row carries Confirm and Reject buttons. They submit the surrounding admin form
(the change list, or an article's change form) to ``<id>/decide/`` through ``formaction``, so
no JavaScript is needed and the form's CSRF token goes along. The article's change page lists
its suggestions through a template block (templates/admin/archive/article/change_form.html)
rather than an inline, so the article form posts exactly the fields it always did.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from archive.suggestions import review
from archive.suggestions.models import Suggestion, SuggestionStatus


class StatusFilter(admin.SimpleListFilter):
    """Pending suggestions first: that is the work to do."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*SuggestionStatus.choices, ("all", "All")]

    def value(self):
        return super().value() or SuggestionStatus.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


def decide_buttons(suggestion: Suggestion) -> str:
    if suggestion.status != SuggestionStatus.PENDING:
        return suggestion.get_status_display()
    url = reverse("admin:archive_suggestion_decide", args=[suggestion.pk])
    return format_html(
        '<button type="submit" class="button" formaction="{}" formmethod="post" '
        'name="decision" value="confirm" aria-label="Confirm {}">Confirm</button> '
        '<button type="submit" class="button" formaction="{}" formmethod="post" '
        'name="decision" value="reject" aria-label="Reject {}">Reject</button>',
        url,
        suggestion.target_label,
        url,
        suggestion.target_label,
    )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["proposal", "kind", "article_link", "evidence_excerpt", "decision"]
    list_display_links = None
    view_on_site = False
    list_filter = [StatusFilter, "kind"]
    list_select_related = ["article", "jurisdiction", "official", "outlet"]
    search_fields = [
        "article__headline",
        "proposed_name",
        "evidence",
        "jurisdiction__name",
        "official__name",
        "outlet__name",
    ]
    actions = ["confirm_selected", "reject_selected"]
    list_per_page = 50
    readonly_fields = [
        "article",
        "kind",
        "proposal",
        "evidence",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # suggestions come from imports

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="archive_suggestion_decide"),
            *super().get_urls(),
        ]

    @admin.display(description="Suggestion")
    def proposal(self, obj):
        return obj.target_label

    @admin.display(description="Article", ordering="article__headline")
    def article_link(self, obj):
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(obj.article.headline).chars(70))

    @admin.display(description="Evidence")
    def evidence_excerpt(self, obj):
        return Truncator(obj.evidence).chars(220)

    @admin.display(description="Decision")
    def decision(self, obj):
        return decide_buttons(obj)

    def decide_view(self, request, pk):
        """Confirm or reject one suggestion, then go back to where the editor was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        suggestion = get_object_or_404(Suggestion.objects.for_review(), pk=pk)
        if not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        decision = request.POST.get("decision")
        if suggestion.status != SuggestionStatus.PENDING:
            self.message_user(
                request,
                f"“{suggestion}” was already {suggestion.get_status_display().lower()}.",
                messages.WARNING,
            )
        elif decision == "confirm":
            review.confirm(suggestion, request.user)
            self.message_user(request, f"Confirmed {suggestion} for “{suggestion.article}”.")
        elif decision == "reject":
            review.reject(suggestion, request.user)
            self.message_user(request, f"Rejected {suggestion}.")
        else:
            self.message_user(request, "Choose Confirm or Reject.", messages.ERROR)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:archive_suggestion_changelist")
        return HttpResponseRedirect(back)

    @admin.action(description="Confirm the selected suggestions", permissions=["change"])
    def confirm_selected(self, request, queryset):
        done = 0
        for suggestion in queryset.for_review().filter(status=SuggestionStatus.PENDING):
            review.confirm(suggestion, request.user)
            done += 1
        self.message_user(request, f"Confirmed {done} suggestion{'s' if done != 1 else ''}.")

    @admin.action(description="Reject the selected suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        done = 0
        for suggestion in queryset.for_review().filter(status=SuggestionStatus.PENDING):
            review.reject(suggestion, request.user)
            done += 1
        self.message_user(request, f"Rejected {done} suggestion{'s' if done != 1 else ''}.")
