"""The read-only API. Every queryset comes from the selectors that scope the pages, so a liaison
officer sees only their forces' items and another force's item answers 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api import filters, serializers
from api.services import token_get, token_regenerate, tokens_revoke
from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from inspections.selectors import findings_visible_to, inspections_visible_to, items_visible_to


class RecordedListMixin:
    """Each list page a client reads is recorded as an export (who, the query, how many rows)."""

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            data = response.data
            rows = data.get("results", data) if isinstance(data, dict) else data
            export_record_for_request(request=request, kind=ExportKind.API_LIST, row_count=len(rows))
        return response


class InspectionViewSet(RecordedListMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections the user may see, newest published first."""

    serializer_class = serializers.InspectionSerializer
    lookup_value_regex = r"[0-9]+"
    filterset_class = filters.InspectionFilter

    def get_queryset(self):
        return (
            inspections_visible_to(user=self.request.user)
            .select_related("programme")
            .order_by("-published_on", "reference", "id")
        )


class FindingViewSet(RecordedListMixin, viewsets.ReadOnlyModelViewSet):
    """Causes of concern, recommendations and areas for improvement the user may see."""

    serializer_class = serializers.FindingSerializer
    lookup_value_regex = r"[0-9]+"
    filterset_class = filters.FindingFilter

    def get_queryset(self):
        return (
            findings_visible_to(user=self.request.user)
            .select_related("inspection", "cause_of_concern")
            .order_by("inspection_id", "position", "reference", "id")
        )


class TrackedItemViewSet(RecordedListMixin, viewsets.ReadOnlyModelViewSet):
    """Each force's tracked item: its response, status, dates and latest progress judgement."""

    serializer_class = serializers.TrackedItemSerializer
    lookup_value_regex = r"[0-9]+"
    filterset_class = filters.TrackedItemFilter

    def get_queryset(self):
        return (
            items_visible_to(user=self.request.user)
            .select_related("finding__inspection", "force")
            .order_by("current_target_date", "id")
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": london_today()}


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's local files, its start script a separate request
    and no inline style, so the Content Security Policy allows it."""

    template_name = "api/swagger_ui.html"


@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        had_one = token_get(user=request.user) is not None
        token_regenerate(user=request.user)
        messages.success(
            request,
            "Your new API token is ready. The old one no longer works" if had_one else "Your API token is ready",
        )
        return redirect("api:token")
    crumbs = [("Your account", reverse("accounts:profile")), ("API token", None)]
    return render(request, "api/token.html", {"token": token_get(user=request.user), "crumbs": crumbs})


@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke the user's API token(s) from their account page: scripts using it stop working."""
    if tokens_revoke(user=request.user):
        messages.success(request, "Your API token has been revoked. Scripts that used it no longer work")
    else:
        messages.info(request, "You had no API token")
    return redirect("accounts:profile")
