"""The client's address, the one thing the rate limits, the lock-out and the sessions list key on."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent the request.

    With TRUSTED_PROXY_COUNT = 0 it is the connection's own address: X-Forwarded-For is ignored,
    since any client can write one. Behind N trusted proxies, each appends the address it received
    the request from, so the N-th entry from the right was written by our outermost proxy, and
    everything to its left is the client's own claim. Fewer entries than proxies means a proxy was
    bypassed or misconfigured: the leftmost entry is the best we have. A malformed entry is not
    believed."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    chosen = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _valid(chosen) or remote
