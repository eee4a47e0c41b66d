from django.urls import path

from forces import views

urlpatterns = [
    path("<slug:slug>/monitoring/", views.force_monitoring, name="force_monitoring"),
]
