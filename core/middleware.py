from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from core.http import client_address
from core.views import MB, bad_request


class ClientAddressMiddleware:
    """Puts the real client address (core.http.client_address, TRUSTED_PROXY_COUNT) in REMOTE_ADDR
    before anything else reads it, so that the sessions list, django-axes, the rate limits, the
    public register's limit and the record of exports all see the same address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def request_max_bytes() -> int:
    """REQUEST_MAX_BYTES, or (0) the larger upload limit plus 1 MB for the rest of the form."""
    return settings.REQUEST_MAX_BYTES or max(settings.EVIDENCE_MAX_BYTES, settings.IMPORT_MAX_BYTES) + MB


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than request_max_bytes() before anything
    reads it, with the "What you sent is too large" page (413): Django streams file uploads to disk
    whatever their size, so without this a 10 GB "evidence file" would be written out before the
    form could say it is too large. After AuthenticationMiddleware, so that the page shows who is
    signed in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > request_max_bytes():
            return bad_request(request, RequestDataTooBig("request body over REQUEST_MAX_BYTES"))
        return self.get_response(request)
