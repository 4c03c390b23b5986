"""The API's URLs (CONTRACT.md, "JSON"), under /api/: never rename or remove one."""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from archive.api import views

app_name = "api"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:docs"), name="index"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    # Any text, not only a slug, so that every miss gets the API's JSON 404.
    path("articles/<str:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction-list"),
    path("outlets/", views.OutletListView.as_view(), name="outlet-list"),
    path("officials/", views.OfficialListView.as_view(), name="official-list"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
