from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/help/", views.help_page, name="help"),
    path("imports/template.csv", views.template_csv, name="template_csv"),
    path("imports/template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("imports/history-template.csv", views.history_template_csv, name="history_template_csv"),
    path("imports/<uuid:pk>/", views.preview, name="preview"),
    path("imports/<uuid:pk>/confirm/", views.confirm, name="confirm"),
    path("imports/<uuid:pk>/progress/", views.progress, name="progress"),
    path("open-data/findings.csv", views.open_data_csv, name="open_data"),
]
