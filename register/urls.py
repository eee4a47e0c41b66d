"""The public register, under /register/: no sign-in (register.http.public_page)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from register import feeds, sitemaps, views
from register.http import public_page
from register.sitemaps import SITEMAPS

app_name = "register"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("forces/", views.force_list, name="force_list"),
    path("forces/<slug:slug>/", views.force_detail, name="force_detail"),
    path("forces/<slug:slug>/feed/", public_page(feeds.ForceChangesFeed()), name="force_feed"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/<slug:slug>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<slug:slug>/<slug:finding>/", views.finding_detail, name="finding_detail"),
    path("inspections/<slug:slug>/<slug:finding>/<slug:force>/", views.item_detail, name="item_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/feed/", public_page(feeds.ThemeChangesFeed()), name="theme_feed"),
    path("implementation-rates/", views.implementation, name="implementation"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/register.<str:fmt>", views.register_download, name="register_download"),
    path("open-data/trail.<str:fmt>", views.trail_download, name="trail_download"),
    path("feed/", public_page(feeds.ChangesFeed()), name="feed"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "register:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemaps.section), name="sitemap_section"),
]
