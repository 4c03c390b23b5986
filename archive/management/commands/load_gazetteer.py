"""Load every US state, territory and county, so that every install has the same places.

``make run`` calls it on every start; it only adds what is missing, so it is cheap to repeat
and never undoes an editor's change.
"""

from django.core.management.base import BaseCommand

from archive.gazetteer import load_gazetteer


class Command(BaseCommand):
    help = "Add the US states, DC, territories and county-equivalents that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        report = load_gazetteer(dry_run=dry_run)
        for conflict in report.conflicts:
            self.stderr.write(self.style.WARNING(conflict))
        if verbosity >= 1:
            prefix = "Dry run: gazetteer would have" if dry_run else "Gazetteer:"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix} {report.created} places created, {report.filled_in} given "
                    f"their FIPS code, {report.present} already present."
                )
            )
