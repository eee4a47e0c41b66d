"""The users pages (inspectorate staff only). Thin: forms check input, users.services writes,
accounts.permissions refuses."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as account_services
from accounts.models import User
from accounts.permissions import require_staff
from accounts.selectors import user_has_two_factor
from core.tables import paginate
from users import services
from users.forms import UserCreateForm, UserForm
from users.selectors import users_list
from users.tables import UserTable

USERS_PER_PAGE = 50


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    table = UserTable(users_list())
    paginate(request, table, per_page=USERS_PER_PAGE)
    return render(request, "accounts/user_list.html", {"table": table})


def _save_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(**form.cleaned_data, created_by=request.user)
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, f"{user} can now sign in: we have emailed them a link to choose a password")
            return redirect("users:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    subject = get_object_or_404(users_list(), pk=pk)
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "role": subject.role or "",
        "forces": list(subject.liaison_forces.all()),
    }
    form = UserForm(request.POST or None, initial=initial, user=subject)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=subject, **form.cleaned_data, changed_by=request.user)
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, f"{subject}'s details have been saved")
            return redirect("users:user_list")
    context = {
        "form": form,
        "subject": subject,
        "creating": False,
        "subject_has_two_factor": user_has_two_factor(user=subject),
    }
    return render(request, "accounts/user_form.html", context)


@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    subject = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=subject, active=active, changed_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{subject} has been {'reactivated' if active else 'deactivated'}")
    return redirect(reverse("users:user_edit", args=[subject.pk]))


@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff remove another user's authenticator and recovery codes (recorded in their history);
    the user sets up a new authenticator at their next sign-in."""
    require_staff(request.user)
    subject = get_object_or_404(User, pk=pk)
    try:
        account_services.two_factor_reset(user=subject, reset_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{subject}'s two-factor authentication has been reset. They will set it up at their next sign-in"
        )
    return redirect(reverse("users:user_edit", args=[subject.pk]))
