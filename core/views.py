import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from core.health import health


def _may_see_details(request: HttpRequest) -> bool:
    """Error text and timings are for inspectorate staff signed in, and for monitoring that sends
    the HEALTH_TOKEN; a load balancer needs only the status."""
    user = request.user
    if user.is_authenticated and user.is_active and getattr(user, "is_inspectorate_staff", False):
        return True
    token = settings.HEALTH_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 503 when something every write needs (the database, the
    evidence storage) is down, 200 otherwise; each check is ok or not."""
    ok, checks = health()
    details = _may_see_details(request)
    body = {
        "status": "ok" if ok else "failing",
        "checks": {
            c.name: ({"ok": c.ok, "detail": c.detail, "critical": c.critical} if details else {"ok": c.ok})
            for c in checks
        },
    }
    return JsonResponse(body, status=200 if ok else 503)


# Django refuses to read a request over its limits (DATA_UPLOAD_MAX_MEMORY_SIZE of form fields,
# DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_NUMBER_FILES) with one of these; it reaches the
# 400 handler.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
MB = 1024 * 1024


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, or 413 "What you sent is too large" for a request too large to read. Neither
    says more than that: the exception's message is never shown."""
    if isinstance(exception, TOO_LARGE):
        limits = {
            "evidence_max_mb": settings.EVIDENCE_MAX_BYTES // MB,
            "import_max_mb": settings.IMPORT_MAX_BYTES // MB,
        }
        return render(request, "413.html", limits, status=413)
    return render(request, "400.html", status=400)
