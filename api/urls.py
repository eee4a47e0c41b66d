from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("items", views.TrackedItemViewSet, basename="item")

docs_view = login_required(views.DocsView.as_view(url_name="api:schema"))
# functools.wraps copied DRF's exemption from LoginRequiredMiddleware; the page is not public.
docs_view.login_required = True

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation is a page for people: anonymous visitors are sent to sign in.
    path("docs/", docs_view, name="docs"),
    path("token/", views.token_page, name="token"),
    path("token/revoke/", views.token_revoke, name="token_revoke"),
]
