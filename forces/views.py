"""The forces list and a force's page: counts come from grouped queries, never one per row."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django_tables2 import RequestConfig

from accounts.permissions import require_staff
from forces.forms import ForceMonitoringForm
from forces.selectors import force_item_counts, forces_visible_to, forces_with_counts
from forces.services import ForceDataError, force_monitoring_update
from inspections import selectors
from inspections.filters import ForceFilter, selected_filters
from inspections.models import TrackedItem
from inspections.tables import FindingItemTable, ForceTable
from oversight.selectors import escalations_recent
from oversight.tables import EscalationTable

PER_PAGE = 25
INSPECTIONS_SHOWN = 50


@require_safe
def force_list(request: HttpRequest) -> HttpResponse:
    today = selectors.london_today()
    forces = forces_with_counts(user=request.user, today=today)
    filterset = ForceFilter(request.GET or None, queryset=forces, user=request.user)
    table = ForceTable(filterset.qs, order_by=request.GET.get("sort") or "name")
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "forces/force_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": table.paginator.count,
            "selected": selected_filters(filterset, request.GET),
        },
    )


@require_safe
def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    force = selectors.get_visible_or_404(forces_visible_to(user=request.user).select_related("successor"), slug=slug)
    today = selectors.london_today()
    items = selectors.items_visible_to(user=request.user).filter(force=force)
    counts = force_item_counts(items=items, today=today)
    table = FindingItemTable(
        items.filter(status__in=TrackedItem.OPEN_STATUSES).select_related("finding__inspection", "force", "finding"),
        today=today,
        order_by=request.GET.get("sort") or "target",
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    inspections = (
        selectors.inspections_visible_to(user=request.user)
        # The inspections naming the force, and those with an item for it: the items are looked
        # up by force (item_force_status_idx), not joined to every inspection's findings.
        .filter(Q(forces=force) | Q(pk__in=items.values("finding__inspection_id")))
        .select_related("programme")
        .distinct()
        .order_by("-published_on", "title")
    )
    # At national scale a police force has been inspected thousands of times: the latest are shown.
    inspections = list(inspections[: INSPECTIONS_SHOWN + 1])
    more_inspections = len(inspections) > INSPECTIONS_SHOWN
    inspections = inspections[:INSPECTIONS_SHOWN]
    liaison_officers = force.liaison_memberships.select_related("user").order_by("user__last_name", "user__first_name")
    escalations = (
        None
        if request.user.is_liaison
        else EscalationTable(list(escalations_recent(user=request.user, force_id=force.id)[:10]), orderable=False)
    )
    return render(
        request,
        "forces/force_detail.html",
        {
            "force": force,
            "counts": counts,
            "table": table,
            "inspections": inspections,
            "more_inspections": more_inspections,
            "liaison_officers": liaison_officers,
            "escalations": escalations,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def force_monitoring(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff change a force's staff lead and monitoring stage."""
    force = selectors.get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    require_staff(request.user)
    form = ForceMonitoringForm(request.POST or None, instance=force)
    if request.method == "POST" and form.is_valid():
        try:
            force_monitoring_update(
                force=force,
                user=request.user,
                staff_lead=form.cleaned_data["staff_lead"],
                monitoring_stage=form.cleaned_data["monitoring_stage"],
            )
        except ForceDataError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Monitoring of {force.name} updated")
            return redirect("forces:force_detail", slug=force.slug)
    return render(
        request, "forces/force_monitoring.html", {"force": force, "form": form}, status=400 if form.errors else 200
    )
