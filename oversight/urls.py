from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/<int:pk>/review/", views.item_review, name="item_review"),
    path("meeting-pack/", views.meeting_pack, name="meeting_pack"),
]
