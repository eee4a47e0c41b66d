from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.http import client_address


class ClientAddressMiddleware:
    """Puts the real client address (core.http.client_address, TRUSTED_PROXY_COUNT) in REMOTE_ADDR
    before anything else reads it, so that the sessions list, django-axes, the rate limits and the
    record of exports all see the same address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
