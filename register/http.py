"""What makes the public register fit for the open web: the same answer for everyone, cacheable by
a proxy or CDN and by us, and limited per client.

- `PublicRegisterMiddleware` (first in MIDDLEWARE) drops every cookie a request to the register
  carries before the session and CSRF middleware see it, and every cookie a response would set:
  a public page never reads nor sets a session, so a signed-in user sees exactly what anyone sees
  and a shared cache can keep one copy.
- `public_page` marks a view open to all (no sign-in), answers 429 past the per-client rate
  limit, answers 304 to a conditional request that still matches, keeps the rendered page in the
  shared cache, and sends `Cache-Control: public`, `ETag` and `Last-Modified`.

What a page shows changes when the data changes (core.cache's generation, replaced by every write)
and at London midnight (embargoes lift, "overdue by" counts grow). The ETag is built from both and
the full URL, so it changes exactly when the page can."""

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from core.cache import cache_key, data_changed_at, data_generation
from core.dates import london_today
from core.http import client_address

PUBLIC_PREFIXES = ("/register/", "/robots.txt")
# Bump when a page's template or wording changes, so that ETags issued before a deployment stop
# matching.
PAGE_VERSION = "1"


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class PublicRegisterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_public_path(request.path_info):
            return self.get_response(request)
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        response = self.get_response(request)
        response.cookies.clear()
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        if "Cookie" in vary:
            vary.remove("Cookie")
            if vary:
                response["Vary"] = ", ".join(vary)
            else:
                del response["Vary"]
        return response


def client_id(request: HttpRequest) -> str:
    """The client a request comes from: the service's one definition (core.http.client_address,
    TRUSTED_PROXY_COUNT), the same address the sign-in limits and the lock-out use."""
    return client_address(request) or "unknown"


def rate_limited(request: HttpRequest) -> int:
    """0 when the request is within REGISTER_RATE_LIMIT requests a minute for its client, else the
    seconds until the client's minute ends. A fixed window counted in the shared cache (atomic on
    Redis; close enough on the file cache, where two processes may each miss one increment)."""
    limit = settings.REGISTER_RATE_LIMIT
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // 60)
    key = f"register:rate:{client_id(request)}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * 60 - now))


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    body = render_to_string("register/too_many.html", {"retry_after": retry_after, "request": request})
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    return response


def _last_modified(today: dt.date) -> float:
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min)).timestamp()
    return max(data_changed_at(), midnight)


def public_page(view: Callable | None = None, *, store: bool = True) -> Callable:
    """Open `view` to everyone, read-only (GET and HEAD), cached as the module explains. With
    `store=False` (the large open-data files, streamed) the body is not kept in our cache, but the
    validators and Cache-Control still let a proxy keep it."""

    def decorator(view: Callable) -> Callable:
        @login_not_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            retry_after = rate_limited(request)
            if retry_after:
                return _too_many(request, retry_after)
            today = london_today()
            full_path = request.get_full_path()
            generation = data_generation()
            etag = quote_etag(
                hashlib.sha256(f"{PAGE_VERSION}:{generation}:{today}:{full_path}".encode()).hexdigest()[:32]
            )
            last_modified = _last_modified(today)
            response = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
            if response is None:
                key = cache_key("register-page", {"path": full_path, "today": today})
                kept = cache.get(key) if store else None
                if kept is not None:
                    response = HttpResponse(kept["content"], content_type=kept["content_type"])
                else:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()  # the sitemap views answer a TemplateResponse
                    if store and response.status_code == 200 and not response.streaming:
                        cache.set(
                            key,
                            {"content": response.content, "content_type": response["Content-Type"]},
                            timeout=settings.REGISTER_CACHE_SECONDS,
                        )
            if response.status_code in (200, 304):
                response["ETag"] = etag
                response["Last-Modified"] = http_date(int(last_modified))
                patch_cache_control(response, public=True, max_age=settings.REGISTER_CACHE_SECONDS)
            return response

        return wrapped

    return decorator(view) if view is not None else decorator
