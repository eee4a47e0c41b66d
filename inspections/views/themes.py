"""The managed list of themes (staff keep it; everyone signed in reads it) and tagging a finding
with themes (staff)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import require_staff
from core.selectors import get_visible_or_404
from inspections import forms, selectors, services
from inspections.models import Theme


@require_GET
def theme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/theme_list.html",
        {
            "themes": selectors.themes_with_counts(),
            "can_manage": request.user.is_inspectorate_staff,
            "crumbs": [("Inspections", reverse("inspections:inspection_list")), ("Themes", None)],
        },
    )


def _theme_form(request: HttpRequest, theme: Theme | None) -> HttpResponse:
    require_staff(request.user)
    initial = {"name": theme.name, "description": theme.description} if theme else None
    form = forms.ThemeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.theme_save(
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                theme=theme,
            )
        except services.TransitionRefused as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Theme {saved.name} saved")
            return redirect("inspections:theme_list")
    title = f"Change the theme {theme.name}" if theme else "Add a theme"
    return render(
        request,
        "inspections/theme_form.html",
        {
            "form": form,
            "title": title,
            "crumbs": [("Themes", reverse("inspections:theme_list")), (title, None)],
        },
    )


@require_http_methods(["GET", "POST"])
def theme_create(request: HttpRequest) -> HttpResponse:
    return _theme_form(request, None)


@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _theme_form(request, get_object_or_404(Theme, slug=slug))


@require_http_methods(["GET", "POST"])
def finding_themes(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_visible_or_404(selectors.findings_visible_to(user=request.user).select_related("inspection"), pk=pk)
    require_staff(request.user)
    form = forms.FindingThemesForm(
        request.POST if request.method == "POST" else None, initial={"themes": list(finding.themes.all())}
    )
    if request.method == "POST" and form.is_valid():
        services.finding_themes_set(finding=finding, user=request.user, themes=form.cleaned_data["themes"])
        messages.success(request, f"Themes of {finding.reference} saved")
        return redirect("inspections:finding_detail", pk=finding.pk)
    return render(
        request,
        "inspections/finding_themes.html",
        {
            "form": form,
            "finding": finding,
            "crumbs": [
                (
                    finding.inspection.reference,
                    reverse("inspections:inspection_detail", kwargs={"pk": finding.inspection_id}),
                ),
                (finding.reference, reverse("inspections:finding_detail", kwargs={"pk": finding.pk})),
                ("Themes", None),
            ],
        },
    )
