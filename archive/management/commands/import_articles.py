"""Import articles from files, so that the collection grows through one reliable way in.

Text files, saved web pages, JSON, JSON Lines and CSV; folders are read recursively. Each
article is written in its own transaction and gets pending tag suggestions for an editor to
confirm. The work is done by ``archive.importing.pipeline.import_sources``, which the admin's
upload page calls too.
"""

import os
import sys
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.importing.models import ImportOrigin
from archive.importing.pipeline import ImportOptions, Outcome, Status, import_sources
from archive.importing.sources import MAX_FILE_BYTES, Failure, iter_files, read_path

# More files than this get a progress bar (on a terminal, outside CI, without --quiet).
PROGRESS_ABOVE = 5


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .html, .json, .jsonl and .csv files or folders of them. "
        "Re-importing the same text changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument(
            "--update",
            action="store_true",
            help="refresh the metadata of articles already in the archive from these files",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; write nothing"
        )
        parser.add_argument(
            "--allow-near-duplicates",
            action="store_true",
            help="import texts that nearly duplicate an archived article as articles of their own",
        )
        parser.add_argument(
            "--encoding",
            default="",
            help="the files' encoding when it is not UTF-8, e.g. cp1252 (web pages declare theirs)",
        )
        parser.add_argument(
            "--max-size",
            type=float,
            default=MAX_FILE_BYTES / 1048576,
            metavar="MB",
            help="refuse files larger than this many megabytes (default: %(default)g)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no progress bar and no line per article"
        )

    def handle(
        self,
        *args,
        paths,
        update,
        dry_run,
        allow_near_duplicates,
        encoding,
        max_size,
        quiet,
        verbosity=1,
        **options,
    ):
        files = list(iter_files(paths))
        show_progress = (
            not quiet
            and verbosity >= 1
            and len(files) > PROGRESS_ABOVE
            and sys.stderr.isatty()
            and not os.environ.get("CI")
        )
        progress = tqdm(total=len(files), unit="file", disable=not show_progress, file=sys.stderr)

        max_bytes = int(max_size * 1048576)

        def items():
            for entry in files:
                if isinstance(entry, Failure):
                    yield entry
                else:
                    yield from read_path(entry, max_bytes=max_bytes, encoding=encoding)
                progress.update()

        def on_outcome(outcome: Outcome) -> None:
            if outcome.status == Status.FAILED or (not quiet and verbosity >= 1):
                self._write(outcome, dry_run, verbosity, progress if show_progress else None)

        options_ = ImportOptions(
            update=update, dry_run=dry_run, allow_near_duplicates=allow_near_duplicates
        )
        report = import_sources(items(), options_, on_outcome=on_outcome)
        progress.close()

        if not dry_run:
            report.record(ImportOrigin.COMMAND, update)
        prefix = "Dry run, nothing written: would be " if dry_run else ""
        summary = f"{prefix}{report.summary()}."
        if report.failed:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{report.failed} could not be imported (see above).")
        self.stdout.write(self.style.SUCCESS(summary))

    def _write(self, outcome: Outcome, dry_run: bool, verbosity: int, progress) -> None:
        verb = {
            Status.CREATED: "would create" if dry_run else "created",
            Status.UPDATED: "would update" if dry_run else "updated",
            Status.UNCHANGED: "unchanged",
            Status.DUPLICATE: "duplicate",
            Status.FAILED: "FAILED",
            Status.NOTICE: "note",
        }[outcome.status]
        line = f"{verb:>12}  {outcome.source}"
        if outcome.status == Status.CREATED:
            line += f" → {outcome.headline}"
        if outcome.message:
            line += f": {outcome.message}"
        style = {
            Status.FAILED: self.style.ERROR,
            Status.DUPLICATE: self.style.WARNING,
            Status.NOTICE: self.style.WARNING,
        }.get(outcome.status, str)
        lines = [style(line)]
        if outcome.suggestions and verbosity >= 1:
            lines.append(f"{'':>14}suggests {'; '.join(outcome.suggestions)}")
        stream = self.stderr if outcome.status == Status.FAILED else self.stdout
        # With a bar on the terminal, clear it, write the line, and draw it again below.
        with progress.external_write_mode() if progress is not None else nullcontext():
            for text in lines:
                stream.write(text)
