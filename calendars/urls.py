from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("stop/", views.revoke, name="revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
