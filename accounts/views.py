"""Your account, password change and reset, and the users pages (inspectorate staff only).
Thin: forms check input, accounts.services writes, accounts.permissions refuses."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from accounts import services
from accounts.forms import (
    DigestPreferenceForm,
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    UserCreateForm,
    UserForm,
)
from accounts.models import User
from accounts.permissions import require_staff
from accounts.selectors import users_list
from accounts.tables import UserTable


@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    forces = request.user.liaison_forces.order_by("name")
    form = DigestPreferenceForm(initial={"receives_digests": request.user.receives_digests})
    return render(request, "accounts/profile.html", {"forces": forces, "digest_form": form})


@require_POST
def digest_preference(request: HttpRequest) -> HttpResponse:
    form = DigestPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, so the form is always valid
    receives = bool(form.cleaned_data.get("receives_digests"))
    services.user_set_digest_preference(user=request.user, receives_digests=receives)
    messages.success(
        request, "You will get the email digest" if receives else "You will no longer get the email digest"
    )
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = GovukPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    form_class = GovukPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "reset_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    table = UserTable(users_list())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
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
            return redirect("accounts:user_list")
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
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "subject": subject, "creating": False})


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
    return redirect(reverse("accounts:user_edit", args=[subject.pk]))
