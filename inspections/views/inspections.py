"""Adding an inspection and editing it: every fact the model records, by inspectorate staff, each
change kept in the inspection's history."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import require_staff
from core.selectors import get_visible_or_404
from inspections import selectors, services
from inspections.forms import InspectionForm


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    then_import = request.GET.get("then") == "import"
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(user=request.user, fields=form.to_fields())
        except services.TransitionRefused as error:
            form.refusal(error)
        else:
            if then_import:
                messages.success(request, f"Inspection {inspection.reference} added: now upload its findings")
                return redirect(f"{reverse('imports:upload')}?{urlencode({'inspection': inspection.reference})}")
            messages.success(request, f"Inspection {inspection.reference} added")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    crumbs = [("Inspections", reverse("inspections:inspection_list")), ("Add an inspection", None)]
    if then_import:
        crumbs = [("Import findings", reverse("imports:upload")), ("Add an inspection", None)]
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "crumbs": crumbs, "title": "Add an inspection", "button": "Add the inspection"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        selectors.inspections_visible_to(user=request.user).select_related("programme", "follows_up"), pk=pk
    )
    require_staff(request.user)
    form = InspectionForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                inspection=inspection,
                user=request.user,
                fields=form.to_fields(),
                seen_updated_at=form.seen_updated_at(),
            )
        except services.TransitionRefused as error:
            form.refusal(error)
        else:
            messages.success(request, "Inspection saved")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/inspection_form.html",
        {
            "form": form,
            "inspection": inspection,
            "crumbs": [
                ("Inspections", reverse("inspections:inspection_list")),
                (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
                ("Edit", None),
            ],
            "title": f"Edit {inspection.reference}",
            "button": "Save the inspection",
        },
        status=400 if form.errors else 200,
    )
