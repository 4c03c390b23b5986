"""The admin's history: per-object history with readable diffs and a one-click revert, the
archive-wide "Recent changes" with undo, and the list of retired slugs.

Built on django-reversion's ``VersionAdmin``, which records every add and change made through
the admin; ``archive.history`` does the reading and reverting.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version

from archive.history import (
    BASELINE_COMMENT,
    HistoryError,
    object_history,
    plan_undo,
    record_current,
    recover,
    revert_to,
    undo,
)
from archive.models import Change, RetiredSlug

DESK_CSS = {"all": ["css/admin-desk.css"]}


def _admin_url(content_type, object_id, view: str = "change") -> str | None:
    name = f"admin:{content_type.app_label}_{content_type.model}_{view}"
    try:
        return reverse(name, args=[quote(object_id)])
    except Exception:  # a model without an admin page
        return None


class HistoryAdmin(VersionAdmin):
    """A ModelAdmin whose every change is kept, with a readable history and a revert button."""

    object_history_template = "admin/archive/object_history.html"

    class Media:
        css = DESK_CSS

    def get_urls(self):
        opts = self.model._meta
        revert = path(
            "<path:object_id>/history/<int:version_id>/revert/",
            self.admin_site.admin_view(self.revert_view),
            name=f"{opts.app_label}_{opts.model_name}_revert",
        )
        return [revert, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin would run the whole list (and so every action) inside one revision; the
        # actions here keep the state they start from first, which needs its own revision.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                record_current([obj])
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with the key “{object_id}”.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        opts = self.opts
        entries = object_history(obj)
        for entry in entries:
            entry.revert_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_revert",
                args=[quote(obj.pk), entry.version.pk],
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "module_name": str(opts.verbose_name_plural).capitalize(),
            "entries": entries,
            "can_revert": self.has_change_permission(request, obj),
            "media": self.media,
            "preserved_filters": self.get_preserved_filters(request),
        }
        context.update(extra_context or {})
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def revert_view(self, request, object_id, version_id):
        """POST only: bring the object back to one of its versions, as a new change."""
        return require_POST(self._revert)(request, object_id, version_id)

    def _revert(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision"), pk=version_id
        )
        try:
            revert_to(version, user=request.user)
        except HistoryError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                f"“{obj}” is back to its version of "
                f"{version.revision.date_created:%Y-%m-%d %H:%M} (UTC). "
                "The revert is itself in the history.",
                messages.SUCCESS,
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(obj.pk)])
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion's own revert form reverts a whole revision (every object a bulk
        # action touched); here a revert is one object, in one click, from the history page.
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id])
        )

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted object, and a button that brings it back (with its tags)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        opts = self.opts
        if request.method == "POST":
            try:
                recover(version, user=request.user)
            except HistoryError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")
                )
            self.message_user(request, f"“{version.object_repr}” is back.", messages.SUCCESS)
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[version.object_id]
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Recover “{version.object_repr}”?",
            "opts": opts,
            "version": version,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/archive/recover.html", context)

    # Deleting (superusers only): keep what is deleted, and the articles it was taken from.

    def delete_model(self, request, obj):
        related = getattr(obj, "articles", None)  # a tag's articles lose the tag
        articles = list(related.all()) if related is not None else []
        record_current([obj, *articles])
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Deleted “{obj}”.")
            super().delete_model(request, obj)
            for article in articles:
                article.refresh_from_db()
                reversion.add_to_revision(article)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _is_undo_allowed(request, revision) -> bool:
    for content_type in {version.content_type for version in revision.version_set.all()}:
        if content_type.model_class() is RetiredSlug:
            continue  # bookkeeping of a merge or rename
        if not request.user.has_perm(f"{content_type.app_label}.change_{content_type.model}"):
            return False
    return True


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Recent changes across the archive: who changed what, when, and a way to undo it."""

    list_display = ["date_created", "user", "what", "objects", "undo_link"]
    list_display_links = None
    list_filter = ["user", "date_created"]
    list_select_related = ["user"]
    search_fields = ["comment", "user__username"]
    date_hierarchy = "date_created"
    list_per_page = 50

    class Media:
        css = DESK_CSS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(comment=BASELINE_COMMENT)
            .prefetch_related(
                Prefetch(
                    "version_set",
                    queryset=Version.objects.select_related("content_type").order_by("pk"),
                )
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="What")
    def what(self, revision):
        return revision.get_comment() or "—"

    @admin.display(description="Changed")
    def objects(self, revision):
        versions = list(revision.version_set.all())
        items = []
        for version in versions[:6]:
            if version.content_type.model_class() is RetiredSlug:
                kind, slug = version.object_repr.split("/", 1)
                items.append(
                    format_html(
                        "old {} address “{}” <span class='quiet'>(redirect)</span>", kind, slug
                    )
                )
                continue
            url = _admin_url(version.content_type, version.object_id, "history")
            items.append(
                format_html(
                    '<a href="{}">{}</a> <span class="quiet">({})</span>',
                    url or "#",
                    version.object_repr,
                    version.content_type.name,
                )
            )
        html = format_html_join(", ", "{}", ((item,) for item in items))
        if len(versions) > len(items):
            html = format_html("{} and {} more", html, len(versions) - len(items))
        return html

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Recent changes", **(extra_context or {})}
        )

    @admin.display(description="")
    def undo_link(self, revision):
        url = reverse("admin:archive_change_undo", args=[revision.pk])
        return format_html('<a class="button" href="{}">Undo…</a>', url)

    def get_urls(self):
        undo_url = path(
            "<int:revision_id>/undo/",
            self.admin_site.admin_view(self.undo_view),
            name="archive_change_undo",
        )
        return [undo_url, *super().get_urls()]

    def undo_view(self, request, revision_id):
        """What undoing a change would restore (GET), and undoing it (POST)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        revision = get_object_or_404(
            Change.objects.exclude(comment=BASELINE_COMMENT), pk=revision_id
        )
        if not _is_undo_allowed(request, revision):
            raise PermissionDenied
        changelist = reverse("admin:archive_change_changelist")
        if request.method == "POST":
            try:
                undo(revision, user=request.user)
            except HistoryError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Undone: {revision.get_comment()}", messages.SUCCESS)
            return HttpResponseRedirect(changelist)
        try:
            plan, problem = plan_undo(revision), None
        except HistoryError as error:
            plan, problem = None, str(error)
        context = {
            **self.admin_site.each_context(request),
            "title": "Undo this change?",
            "opts": self.opts,
            "revision": revision,
            "plan": plan,
            "problem": problem,
            "changelist_url": changelist,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/archive/undo.html", context)


@admin.register(RetiredSlug)
class RetiredSlugAdmin(admin.ModelAdmin):
    """Old tag addresses and where they lead; made by renames and merges, not by hand."""

    list_display = ["old_address", "leads_to", "reason", "retired_at"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]
    search_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Old address", ordering="slug")
    def old_address(self, obj):
        return obj.get_absolute_url()

    @admin.display(description="Leads to")
    def leads_to(self, obj):
        if obj.target is None:
            return "—"
        url = _admin_url(obj.content_type, obj.target_id)
        return format_html('<a href="{}">{}</a>', url or "#", obj.target)

    @admin.display(description="Why")
    def reason(self, obj):
        return "merged" if obj.merged_id else "renamed"
