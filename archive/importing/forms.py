"""The admin's upload form: files, or a pasted text, and the import's options."""

from django import forms
from django.core.exceptions import ValidationError

from archive.importing.sources import SUFFIXES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        help_text="One or more .txt, .html, .json, .jsonl or .csv files.",
    )
    text = forms.CharField(
        label="…or paste a text",
        required=False,
        strip=False,  # kept exactly as pasted
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text="The article as collected; a headline on the first line when it has one.",
    )
    update = forms.BooleanField(
        label="Update articles already in the archive from these files",
        required=False,
    )
    allow_near_duplicates = forms.BooleanField(
        label="Import near-duplicates of archived articles as articles of their own",
        required=False,
    )
    dry_run = forms.BooleanField(
        label="Dry run: show what would happen, write nothing", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not (cleaned.get("text") or "").strip():
            raise ValidationError("Choose at least one file or paste a text.")
        return cleaned
