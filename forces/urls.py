from django.urls import path

from forces import views

app_name = "forces"

urlpatterns = [
    path("", views.force_list, name="force_list"),
    path("<slug:slug>/", views.force_detail, name="force_detail"),
    path("<slug:slug>/monitoring/", views.force_monitoring, name="force_monitoring"),
]
