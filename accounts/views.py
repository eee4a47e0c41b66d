"""Sign-in (password, then code), your account, password change and reset. Thin: forms check
input, accounts.services writes, accounts.two_factor keeps the session's sign-in state."""

import base64
import io

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services, two_factor
from accounts.forms import (
    CodeForm,
    DigestPreferenceForm,
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    RecoveryCodeForm,
    SignInForm,
)
from accounts.middleware import two_factor_step
from core.http import client_address
from core.ratelimit import Rate, rate_limit_count

# Sign-in: the password step, then the code step ----------------------------------------------


def _too_many(request: HttpRequest, *, rate: Rate, what: str) -> HttpResponse:
    return render(request, "registration/rate_limited.html", {"minutes": rate.minutes, "what": what}, status=429)


def _sign_in_rate_limited(request: HttpRequest) -> HttpResponse | None:
    """Every sign-in attempt (a password or a code) counts against the client's address, whatever
    the username: a limit on guessing across many accounts, which the per-username lock-out misses."""
    rate = settings.RATE_LIMIT_SIGN_IN_PER_CLIENT
    if rate_limit_count(scope="sign-in", key=client_address(request), rate=rate):
        return _too_many(request, rate=rate, what="sign in")
    return None


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _signed_in(request: HttpRequest, *, how: str, device=None) -> HttpResponse:
    """Both steps done: the lock-out's count for this username and address starts again."""
    two_factor.session_pass(request, how=how, device=device)
    axes_reset(ip=client_address(request), username=request.user.get_username())
    return HttpResponseRedirect(_next_url(request, request.session.pop(two_factor.NEXT_KEY, None)))


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        return _sign_in_rate_limited(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        # Django's login() starts the session; TwoFactorMiddleware keeps it to the code pages
        # until the code is given.
        super().form_valid(form)
        user = form.get_user()
        self.request.session[two_factor.NEXT_KEY] = self.get_success_url()
        if selectors.user_has_two_factor(user=user):
            return redirect("accounts:two_factor_code")
        if two_factor.two_factor_required(user):
            return redirect("accounts:two_factor_setup")
        return _signed_in(self.request, how=two_factor.NOT_REQUIRED)


def _code_attempt_refused(request: HttpRequest) -> HttpResponse | None:
    """The lock-out (django-axes, per username and address) and the per-client rate limit apply
    to codes as to passwords."""
    limited = _sign_in_rate_limited(request)
    if limited:
        return limited
    credentials = {"username": request.user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.axes_locked_out = True
        request.axes_credentials = credentials
        logout(request)
        return HttpResponse(status=403)  # AxesMiddleware answers with the lock-out page
    return None


def _wrong_code(request: HttpRequest, form, message: str) -> HttpResponse | None:
    form.add_error("code", message)
    credentials = {"username": request.user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return HttpResponse(status=403)
    return None


def _wait_message(seconds: int) -> str:
    return f"You entered a wrong code. Wait {seconds} second{'s' if seconds != 1 else ''}, then enter the code again"


@two_factor_step
@require_http_methods(["GET", "POST"])
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app."""
    if two_factor.session_passed(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not selectors.user_has_two_factor(user=request.user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        refused = _code_attempt_refused(request)
        if refused:
            return refused
        if form.is_valid():
            check = services.two_factor_check_code(user=request.user, code=form.cleaned_data["code"])
            if check.ok:
                return _signed_in(request, how=two_factor.BY_CODE, device=check.device)
            if check.wait_seconds:
                form.add_error("code", _wait_message(check.wait_seconds))
            else:
                locked = _wrong_code(request, form, "The code is not correct. Enter the code your app shows now")
                if locked:
                    return locked
    return render(request, "accounts/two_factor_code.html", {"form": form}, status=400 if form.errors else 200)


@two_factor_step
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """Step two with a recovery code instead, when the authenticator is lost. Once signed in, the
    user can set up a new authenticator from their account page."""
    if two_factor.session_passed(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST":
        refused = _code_attempt_refused(request)
        if refused:
            return refused
        if form.is_valid():
            check = services.two_factor_check_recovery_code(user=request.user, code=form.cleaned_data["code"])
            if check.ok:
                left = selectors.recovery_codes_left(user=request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code. You have {left} left. If you have lost your "
                    "authenticator app, set up a new one below.",
                )
                request.session[two_factor.NEXT_KEY] = reverse("accounts:profile")
                return _signed_in(request, how=two_factor.BY_RECOVERY_CODE, device=check.device)
            if check.wait_seconds:
                form.add_error("code", _wait_message(check.wait_seconds))
            else:
                locked = _wrong_code(
                    request, form, "That recovery code is not correct, or it has been used. Enter another"
                )
                if locked:
                    return locked
    return render(request, "accounts/two_factor_recovery.html", {"form": form}, status=400 if form.errors else 200)


def _qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG image drawn on the server (no JavaScript, no other site)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _may_set_up(request: HttpRequest) -> bool:
    """A first sign-in (no authenticator yet), or a session that signed in with a recovery code
    (replacing a lost authenticator), or a user who has none and wants one."""
    if not selectors.user_has_two_factor(user=request.user):
        return True
    return two_factor.session_state(request) == two_factor.BY_RECOVERY_CODE


@two_factor_step
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not _may_set_up(request):
        if not two_factor.session_passed(request):
            return redirect("accounts:two_factor_code")
        messages.info(request, "To set up a new authenticator app, sign in with a recovery code first")
        return redirect("accounts:profile")
    device = services.two_factor_setup_device(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        refused = _code_attempt_refused(request)
        if refused:
            return refused
        if form.is_valid():
            codes = services.two_factor_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
            if codes is not None:
                device.refresh_from_db()
                request.session["recovery_codes"] = codes
                first_time = not two_factor.session_passed(request)
                two_factor.session_pass(request, how=two_factor.BY_CODE, device=device)
                if first_time:
                    axes_reset(ip=client_address(request), username=request.user.get_username())
                return redirect("accounts:recovery_codes")
            locked = _wrong_code(request, form, "The code is not correct. Enter the code your app shows now")
            if locked:
                return locked
    context = {
        "form": form,
        "qr_code": _qr_code_data_uri(device.config_url),
        "secret": two_factor.totp_secret_text(device.key),
        "replacing": selectors.user_has_two_factor(user=request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes are shown once, right after they are made; after that only how many are
    left. POST makes a new set (the old ones stop working)."""
    if request.method == "POST":
        request.session["recovery_codes"] = services.recovery_codes_make(user=request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop("recovery_codes", None)
    next_url = _next_url(request, request.session.pop(two_factor.NEXT_KEY, None)) if codes else None
    crumbs = [("Your account", reverse("accounts:profile")), ("Recovery codes", None)]
    context = {
        "codes": codes,
        "left": selectors.recovery_codes_left(user=request.user),
        "next_url": next_url,
        "crumbs": crumbs,
    }
    return render(request, "accounts/recovery_codes.html", context)


# Your account ----------------------------------------------------------------------------------


@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    forces = user.liaison_forces.order_by("name")
    form = DigestPreferenceForm(initial={"receives_digests": user.receives_digests})
    context = {
        "forces": forces,
        "digest_form": form,
        "authenticator": selectors.totp_device_of(user=user),
        "recovery_codes_left": selectors.recovery_codes_left(user=user),
        "signed_in_with_recovery_code": two_factor.session_state(request) == two_factor.BY_RECOVERY_CODE,
        "sessions": selectors.sessions_of(user=user),
        "current_session_key": request.session.session_key,
        "tokens": selectors.api_tokens_of(user=user),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end(user=request.user, keep_session_key=request.session.session_key)
    if count:
        messages.success(
            request, f"You have been signed out everywhere else ({count} session{'s' if count != 1 else ''})"
        )
    else:
        messages.success(request, "You were not signed in anywhere else")
    return redirect("accounts:profile")


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

    def form_valid(self, form) -> HttpResponse:
        # Limits per client (someone asking for many addresses' emails) and per email address
        # (one inbox flooded from many clients). Counted whether or not the address is a user's,
        # so the limit tells nothing about which addresses exist.
        client_rate = settings.RATE_LIMIT_PASSWORD_RESET_PER_CLIENT
        if rate_limit_count(scope="password-reset-client", key=client_address(self.request), rate=client_rate):
            return _too_many(self.request, rate=client_rate, what="ask for a password reset email")
        address_rate = settings.RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS
        address = form.cleaned_data["email"].strip().lower()
        if rate_limit_count(scope="password-reset-address", key=address, rate=address_rate):
            return _too_many(self.request, rate=address_rate, what="ask for a password reset email for this address")
        return super().form_valid(form)

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
