"""What each force's governing body publishes on a report, recorded by staff: the local policing
body's comments on a police report (due within 56 days), the fire and rescue authority's action
plan on a fire report (due by the deadline the inspectorate sets here)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import require_staff
from core.dates import london_today
from core.selectors import get_visible_or_404
from forces.selectors import forces_visible_to
from inspections import forms, selectors, services
from inspections.models import ReportReply


def _crumbs(inspection, title: str) -> list[tuple[str, str | None]]:
    return [
        ("Inspections", reverse("inspections:inspection_list")),
        (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
        (title, None),
    ]


@require_http_methods(["GET", "POST"])
def reply_record(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    inspection = get_visible_or_404(selectors.inspections_visible_to(user=request.user), pk=pk)
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    require_staff(request.user)
    rows = selectors.inspection_replies(inspection=inspection, user=request.user)
    row = next((row for row in rows if row.force == force), None)
    if row is None:
        raise Http404("This report names no police force or fire and rescue service by that name.")
    reply = row.reply
    initial = {"published_on": reply.published_on, "url": reply.url, "note": reply.note} if reply else {}
    form = forms.ReportReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_reply_record(
                inspection=inspection,
                force=force,
                user=request.user,
                published_on=form.cleaned_data["published_on"],
                url=form.cleaned_data["url"],
                note=form.cleaned_data["note"],
            )
        except services.TransitionRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{row.what} recorded for {force.name}")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    title = f"{ReportReply.Kind(row.kind).label}: {force.name}"
    return render(
        request,
        "inspections/reply_form.html",
        {
            "inspection": inspection,
            "force": force,
            "row": row,
            "form": form,
            "title": title,
            "today": london_today(),
            "crumbs": _crumbs(inspection, title),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def authority_plan_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(selectors.inspections_visible_to(user=request.user), pk=pk)
    require_staff(request.user)
    form = forms.AuthorityPlanDeadlineForm(request.POST or None, initial={"due_on": inspection.authority_plan_due_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_authority_plan_due_set(
                inspection=inspection, user=request.user, due_on=form.cleaned_data["due_on"]
            )
        except services.TransitionRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Deadline for the fire and rescue authorities' action plans saved")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    title = "Deadline for the fire and rescue authorities' action plans"
    return render(
        request,
        "inspections/authority_plan_deadline.html",
        {"inspection": inspection, "form": form, "title": title, "crumbs": _crumbs(inspection, title)},
        status=400 if form.errors else 200,
    )
