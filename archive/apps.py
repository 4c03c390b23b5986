from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from archive import history, slugs  # noqa: F401  (history registers the models)

        slugs.connect_signals()
