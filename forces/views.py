"""Staff set a force's staff lead and monitoring stage."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import require_staff
from core.selectors import get_visible_or_404
from forces.forms import ForceMonitoringForm
from forces.selectors import forces_visible_to
from forces.services import ForceDataError, force_monitoring_update


@require_http_methods(["GET", "POST"])
def force_monitoring(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff change a force's staff lead and monitoring stage."""
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
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
