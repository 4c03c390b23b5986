"""Load the founding collection, so that a new install has an archive to search at once.

``make run`` calls it with ``--if-empty``: an archive that already has articles is left as
its editors made it.
"""

from django.core.management.base import BaseCommand

from archive.models import Article
from archive.seed import SEED_MANIFEST, load_seed_archive


class Command(BaseCommand):
    help = "Load the seed articles and their tags from fixtures/ (never overwrites)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the archive has articles."
        )
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")

    def handle(self, *args, if_empty=False, dry_run=False, verbosity=1, **options):
        if if_empty and Article.objects.exists():
            if verbosity >= 2:
                self.stdout.write("The archive has articles; seed archive not loaded.")
            return
        report = load_seed_archive(SEED_MANIFEST, dry_run=dry_run)
        if verbosity >= 1:
            prefix = "Dry run: would have loaded" if dry_run else "Seed archive loaded:"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix} {report.articles_created} articles created, "
                    f"{report.articles_present} already present, "
                    f"{report.tags_created} tags created."
                )
            )
