"""The admin's import page: upload files or paste a text, through the same pipeline as the
``import_articles`` command, and keep each run's report."""

from collections.abc import Iterator

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.importing.forms import ImportForm
from archive.importing.models import ImportOrigin, ImportRun
from archive.importing.pipeline import ImportOptions, import_sources
from archive.importing.sources import MAX_FILE_BYTES, Failure, Item, _too_large, read_bytes

PASTED_NAME = "pasted text.txt"


def uploaded_items(files, text: str) -> Iterator[Item]:
    """Sources from uploaded files and a pasted text, as the command reads them from disk."""
    for upload in files:
        if upload.size > MAX_FILE_BYTES:
            yield Failure(upload.name, _too_large(upload.size, MAX_FILE_BYTES))
            continue
        yield from read_bytes(upload.name, upload.read())
    if text.strip():
        yield from read_bytes(PASTED_NAME, text.encode("utf-8"))


def outcomes_table(outcomes: list[dict]) -> str:
    """What happened to each source, with links to the articles made."""
    rows = []
    for outcome in outcomes:
        article = ""
        if outcome.get("article_id") and outcome["status"] != "failed":
            url = reverse("admin:archive_article_change", args=[outcome["article_id"]])
            article = format_html('<a href="{}">{}</a>', url, outcome.get("headline") or "article")
        suggestions = format_html_join("", "<li>{}</li>", ((s,) for s in outcome["suggestions"]))
        rows.append(
            format_html(
                '<tr class="import-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
                "<td><ul>{}</ul></td></tr>",
                outcome["status"],
                outcome["status"],
                outcome["source"],
                article,
                outcome["message"],
                suggestions,
            )
        )
    return format_html(
        '<table id="import-outcomes"><thead><tr><th>What happened</th><th>Source</th>'
        "<th>Article</th><th>Details</th><th>Suggested tags</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        format_html_join("", "{}", ((row,) for row in rows)),
    )


def review_link(outcomes: list[dict]) -> str:
    ids = [str(o["article_id"]) for o in outcomes if o["status"] == "created" and o["article_id"]]
    if not ids:
        return ""
    url = reverse("admin:archive_suggestion_changelist") + f"?article__id__in={','.join(ids)}"
    return format_html(
        '<a class="button" id="review-suggestions" href="{}">Review the suggested tags</a>', url
    )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "origin",
        "user",
        "created",
        "updated",
        "unchanged",
        "duplicates",
        "failed",
    ]
    list_filter = ["origin"]
    view_on_site = False  # its page is this admin page
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    fields = ["started_at", "origin", "user", "update", "summary", "review", "report"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return request.user.has_perm("archive.add_article")

    def has_change_permission(self, request, obj=None):
        return False  # a run's report is a record

    @admin.display(description="Summary")
    def summary(self, obj):
        return obj.summary

    @admin.display(description="Suggestions")
    def review(self, obj):
        return review_link(obj.outcomes) or "—"

    @admin.display(description="What happened to each source")
    def report(self, obj):
        return outcomes_table(obj.outcomes)

    def add_view(self, request, form_url="", extra_context=None):
        """The upload page: it imports at once and shows the run's report."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "opts": self.opts,
            "form": form,
            "max_megabytes": MAX_FILE_BYTES // 1048576,
        }
        if request.method == "POST" and form.is_valid():
            options = ImportOptions(
                update=form.cleaned_data["update"],
                dry_run=form.cleaned_data["dry_run"],
                allow_near_duplicates=form.cleaned_data["allow_near_duplicates"],
            )
            items = uploaded_items(form.cleaned_data["files"], form.cleaned_data["text"])
            report = import_sources(items, options)
            if not options.dry_run:
                run = report.record(ImportOrigin.ADMIN, options.update, request.user)
                self.message_user(request, f"Import finished: {run.summary}.")
                return redirect("admin:archive_importrun_change", run.pk)
            outcomes = [o.as_dict() for o in report.outcomes]
            context.update(
                title="Import articles: dry run",
                dry_run_summary=report.summary(),
                outcomes=outcomes_table(outcomes),
            )
        return TemplateResponse(request, "admin/archive/importrun/upload.html", context)
