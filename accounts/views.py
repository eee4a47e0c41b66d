"""Your account, password change and reset. Thin: forms check input, accounts.services writes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.forms import (
    DigestPreferenceForm,
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
)


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
