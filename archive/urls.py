"""The archive's public URLs (CONTRACT.md): never rename or remove one."""

from django.urls import path

from archive import exports, views
from archive.feeds import ArticleFeed
from archive.models import Official, Outlet, Topic

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<slug:slug>/raw.txt", views.article_raw_text, name="article-raw"),
    path("articles.csv", exports.articles_csv, name="article-csv"),
    path("feeds/articles/", ArticleFeed(), name="article-feed"),
    path("jurisdictions/", views.jurisdiction_list, name="jurisdiction-list"),
    path("jurisdictions/<slug:slug>/", views.JurisdictionView.as_view(), name="jurisdiction"),
    path(
        "outlets/",
        views.TagListView.as_view(model=Outlet, template_name="archive/outlet_list.html"),
        name="outlet-list",
    ),
    path("outlets/<slug:slug>/", views.OutletView.as_view(), name="outlet"),
    path(
        "officials/",
        views.TagListView.as_view(model=Official, template_name="archive/official_list.html"),
        name="official-list",
    ),
    path("officials/<slug:slug>/", views.OfficialView.as_view(), name="official"),
    path(
        "topics/",
        views.TagListView.as_view(model=Topic, template_name="archive/topic_list.html"),
        name="topic-list",
    ),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("healthz", views.healthz, name="healthz"),
]
