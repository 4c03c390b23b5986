"""Project URL wiring: the archive at the root, its API under /api/, the admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("archive.api.urls")),
    path("", include("archive.urls")),
]
