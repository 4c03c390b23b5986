"""Admin actions that change many things at once, each behind a confirmation page.

On the article list: add tags to the selected articles, remove tags, set the outlet. On the
tag lists: merge the selected tags into one. The work is done by ``archive.tagging`` and
``archive.merging``; each action is one change in the history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db.models import Count
from django.template.response import TemplateResponse

from archive.merging import MergeError, merge_tags
from archive.models import Article, Jurisdiction, Official, Outlet, Topic
from archive.tagging import change_tags, set_outlet

TAG_CHOICES = {"jurisdictions": Jurisdiction, "officials": Official, "topics": Topic}


def _tags_form(admin_site, verb: str):
    """A form with one autocomplete box per kind of tag, searching as the change page does."""

    def box(name, model, label):
        return forms.ModelMultipleChoiceField(
            queryset=model.objects.all(),
            required=False,
            label=label,
            widget=AutocompleteSelectMultiple(Article._meta.get_field(name), admin_site),
        )

    class TagsForm(forms.Form):
        jurisdictions = box("jurisdictions", Jurisdiction, "Places")
        officials = box("officials", Official, "Officials")
        topics = box("topics", Topic, "Topics")

        def clean(self):
            cleaned = super().clean()
            if not any(cleaned.get(name) for name in TAG_CHOICES):
                raise forms.ValidationError(
                    f"Choose at least one place, official or topic to {verb}."
                )
            return cleaned

        def tags(self):
            return [tag for name in TAG_CHOICES for tag in self.cleaned_data[name]]

    return TagsForm


def _outlet_form(admin_site):
    class OutletForm(forms.Form):
        outlet = forms.ModelChoiceField(
            queryset=Outlet.objects.all(),
            required=False,
            help_text="Leave empty to remove the outlet from the selected articles.",
            widget=AutocompleteSelect(Article._meta.get_field("outlet"), admin_site),
        )

    return OutletForm


def _confirmation(modeladmin, request, queryset, form, *, action, title, intro, button):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "button": button,
        "opts": opts,
        "queryset": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/archive/bulk_confirmation.html", context)


def _applying(request) -> bool:
    return request.POST.get("apply") == "yes"


@admin.action(
    description="Add places, officials or topics to the selected articles…", permissions=["change"]
)
def add_tags(modeladmin, request, queryset):
    form_class = _tags_form(modeladmin.admin_site, "add")
    form = form_class(request.POST if _applying(request) else None)
    if _applying(request) and form.is_valid():
        tags = form.tags()
        changed = change_tags(queryset, add=tags, user=request.user)
        names = ", ".join(str(tag) for tag in tags)
        modeladmin.message_user(
            request,
            f"Added {names}: {changed} of {queryset.count()} selected articles changed.",
            messages.SUCCESS,
        )
        return None
    return _confirmation(
        modeladmin,
        request,
        queryset,
        form,
        action="add_tags",
        title="Add tags to the selected articles",
        intro="Each article gets every tag chosen here; tags it already has are left as they are.",
        button="Add to these articles",
    )


@admin.action(
    description="Remove places, officials or topics from the selected articles…",
    permissions=["change"],
)
def remove_tags(modeladmin, request, queryset):
    form_class = _tags_form(modeladmin.admin_site, "remove")
    form = form_class(request.POST if _applying(request) else None)
    if _applying(request) and form.is_valid():
        tags = form.tags()
        changed = change_tags(queryset, remove=tags, user=request.user)
        names = ", ".join(str(tag) for tag in tags)
        modeladmin.message_user(
            request,
            f"Removed {names}: {changed} of {queryset.count()} selected articles changed. "
            "Undo it from Recent changes if it was a mistake.",
            messages.SUCCESS,
        )
        return None
    return _confirmation(
        modeladmin,
        request,
        queryset,
        form,
        action="remove_tags",
        title="Remove tags from the selected articles",
        intro="The tags chosen here are taken off every selected article that has them. "
        "The places, officials and topics themselves stay in the archive.",
        button="Remove from these articles",
    )


@admin.action(description="Set the outlet of the selected articles…", permissions=["change"])
def set_outlet_action(modeladmin, request, queryset):
    form = _outlet_form(modeladmin.admin_site)(request.POST if _applying(request) else None)
    if _applying(request) and form.is_valid():
        outlet = form.cleaned_data["outlet"]
        changed = set_outlet(queryset, outlet, user=request.user)
        modeladmin.message_user(
            request,
            f"Outlet set to {outlet or 'none'}: {changed} of {queryset.count()} selected "
            "articles changed.",
            messages.SUCCESS,
        )
        return None
    return _confirmation(
        modeladmin,
        request,
        queryset,
        form,
        action="set_outlet_action",
        title="Set the outlet of the selected articles",
        intro="Every selected article gets this outlet.",
        button="Set the outlet",
    )


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        label="Keep",
        help_text="The others are merged into this one: their articles move to it, their "
        "pages redirect to it, and they are removed from the lists.",
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset
        self.fields["survivor"].label_from_instance = lambda obj: (
            f"{obj} — {obj.article_count} article{'' if obj.article_count == 1 else 's'}"
            f", {obj.get_absolute_url()}"
        )


@admin.action(description="Merge the selected into one…", permissions=["change"])
def merge_selected(modeladmin, request, queryset):
    queryset = queryset.annotate(article_count=Count("articles", distinct=True)).order_by(
        "-article_count", "pk"
    )
    if queryset.count() < 2:
        modeladmin.message_user(request, "Select two or more to merge.", messages.WARNING)
        return None
    initial = {"survivor": queryset.first()}
    form = MergeForm(
        request.POST if _applying(request) else None, queryset=queryset, initial=initial
    )
    if _applying(request) and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        others = [obj for obj in queryset if obj.pk != survivor.pk]
        try:
            report = merge_tags(survivor, others, user=request.user)
        except MergeError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        merged = ", ".join(f"“{name}”" for name in report.merged)
        modeladmin.message_user(
            request,
            f"Merged {merged} into “{survivor}”: {report.articles} article"
            f"{'' if report.articles == 1 else 's'} moved. Their old pages now redirect to "
            f"{survivor.get_absolute_url()}.",
            messages.SUCCESS,
        )
        return None
    noun = modeladmin.model._meta.verbose_name_plural
    return _confirmation(
        modeladmin,
        request,
        queryset,
        form,
        action="merge_selected",
        title=f"Merge {noun}",
        intro=f"Merge these {noun} into the one you keep. The merge is recorded in the history "
        "and can be undone from Recent changes.",
        button="Merge",
    )
