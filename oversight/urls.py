from django.urls import path

from oversight import views, views_queue

app_name = "oversight"

urlpatterns = [
    path("", views_queue.queue, name="queue"),
    path("items/<int:pk>/review/", views_queue.item_review, name="item_review"),
    path("meeting-pack/", views.meeting_pack, name="meeting_pack"),
]
