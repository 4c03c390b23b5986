"""WSGI entry point for gunicorn and other servers."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLconf and the views it imports) lives as long
# as the process. Frozen, it is left out of the collector's full collections, which otherwise
# walk all of it again: at 100,000 articles one such collection held a search page up for
# 79 ms, and 17 ms with these objects frozen (docs/PERFORMANCE.md).
get_resolver().url_patterns  # noqa: B018 - imported now, to be frozen with the rest
gc.freeze()
