from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts import two_factor
from accounts.selectors import user_has_two_factor


def two_factor_step(view: Callable) -> Callable:
    """Mark a view as part of the second sign-in step: a half-signed-in session may reach it."""
    view.two_factor_step = True
    return view


class TwoFactorMiddleware:
    """A signed-in session that has not given its code reaches nothing but the code pages and
    sign-out: every other URL (pages, downloads, the API by session, the admin, even the public
    pages) redirects to the code page, or to setting up an authenticator at a first sign-in.

    Placed after AuthenticationMiddleware and LoginRequiredMiddleware. A session that has passed
    costs no query; one whose user needs no code is marked so once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or two_factor.session_passed(request):
            return None
        if getattr(view_func, "two_factor_step", False):
            return None
        has_device = user_has_two_factor(user=user)
        if not has_device and not two_factor.two_factor_required(user):
            two_factor.session_pass(request, how=two_factor.NOT_REQUIRED)
            return None
        if request.method in ("GET", "HEAD") and not request.path.startswith("/api/"):
            request.session[two_factor.NEXT_KEY] = request.get_full_path()
        target = reverse("accounts:two_factor_code" if has_device else "accounts:two_factor_setup")
        return HttpResponseRedirect(target)
