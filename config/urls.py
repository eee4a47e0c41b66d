from django.contrib import admin
from django.urls import include, path

from accounts.urls import auth_urlpatterns
from core.views import healthz
from forces import urls as forces_urls
from oversight import urls as oversight_urls
from register.views import robots_txt
from reporting.urls import force_urlpatterns, oversight_urlpatterns
from reporting.views.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("register/", include("register.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("users.urls")),
    path("exports/", include("audit.urls")),
    path("forces/", include(([*force_urlpatterns, *forces_urls.urlpatterns], "forces"))),
    path("overdue-review/", include(([*oversight_urls.urlpatterns, *oversight_urlpatterns], "oversight"))),
    path("api/", include("api.urls")),
    path("calendar/", include("calendars.urls")),
    path("", include("reporting.urls")),
    path("", include("imports.urls")),
    path("", include("inspections.urls")),
]

# The error pages (templates/400.html, 403.html, 404.html, 500.html, 413.html) use Django's own
# handlers, but for 400, which answers 413 for a request too large to read.
handler400 = "core.views.bad_request"
