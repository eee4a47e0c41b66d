from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while the database answers, 503 when it does not.
    The broker and the age of the last sweep are reported (not secret, no personal data)."""
    ok, checks = health()
    body = {
        "status": "ok" if ok else "failing",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail, "critical": c.critical} for c in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)
