from inspections.views import dashboard  # noqa: F401  (the dashboard is mounted at the root in config/urls.py)

app_name = "inspections"

urlpatterns: list = []
