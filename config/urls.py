from django.contrib import admin
from django.urls import include, path

from accounts.urls import auth_urlpatterns
from inspections.views.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("forces/", include("forces.urls")),
    path("", include("inspections.urls")),
]
