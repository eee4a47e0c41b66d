from django.urls import path

from oversight import views_queue

app_name = "oversight"

# The meeting pack shares the "oversight" namespace (reporting.urls.oversight_urlpatterns; config/urls.py
# joins them).
urlpatterns = [
    path("", views_queue.queue, name="queue"),
    path("items/<int:pk>/review/", views_queue.item_review, name="item_review"),
]
