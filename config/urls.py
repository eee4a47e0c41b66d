from django.contrib import admin
from django.urls import include, path

from accounts.urls import auth_urlpatterns
from core.views import healthz
from inspections.views.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("forces/", include("forces.urls")),
    path("overdue-review/", include("oversight.urls")),
    path("api/", include("api.urls")),
    path("", include("imports.urls")),
    path("", include("inspections.urls")),
]
