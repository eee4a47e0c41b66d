"""The calendar feed (read by calendar programs, with no session: the secret token in its address
authenticates) and the page where a user makes, remakes or stops it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calendars.ical import feed_calendar
from calendars.selectors import calendar_feed_of, calendar_feed_user, feed_events, feed_regions, feed_scope
from calendars.services import calendar_feed_reset, calendar_feed_revoke
from core.cache import cached
from core.dates import london_today
from core.urls import absolute_url
from forces.selectors import force_ids_for, forces_visible_to

FEED_CACHE_SECONDS = 15 * 60


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's deadlines as iCalendar. Open without signing in, like the API with its token:
    the token is the credential, and an unknown, reset or revoked one answers 404. What it shows is
    decided for the token's owner, never for whoever else is signed in in this browser."""
    user = calendar_feed_user(token=token)
    if user is None:
        raise Http404("Not found")
    scope = feed_scope(user=user, force_slug=request.GET.get("force", ""), region=request.GET.get("region", ""))
    today = london_today()
    # Calendar programs poll every few hours: the text is kept in the shared cache for this user,
    # scope and day until the data next changes (core/cache.py), at most FEED_CACHE_SECONDS.
    parts = {
        "user": user.pk,
        "force": request.GET.get("force", ""),
        "region": request.GET.get("region", ""),
        "today": today,
    }
    body = cached(
        "calendar-feed",
        parts,
        lambda: feed_calendar(name=scope.label, events=feed_events(user=user, scope=scope, today=today)),
        seconds=FEED_CACHE_SECONDS,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


def _choices(request: HttpRequest) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the feed may cover, as the select on the page groups it."""
    user = request.user
    forces = list(forces_visible_to(user=user).order_by("name").values_list("slug", "name"))
    if force_ids_for(user=user) is None:
        default = [("", "The forces you lead")]
        regions = [(f"region:{region}", region) for region in feed_regions(user=user)]
        return [("", default), ("Regions", regions), ("Forces and services", [(f"force:{s}", n) for s, n in forces])]
    if len(forces) > 1:
        return [("", [("", "All your forces")]), ("One of them", [(f"force:{s}", n) for s, n in forces])]
    return []


def _feed_address(token: str, covering: str) -> str:
    address = absolute_url("calendars:feed", token=token)
    kind, _, value = covering.partition(":")
    if kind in ("force", "region") and value:
        address += "?" + urlencode({kind: value})
    return address


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Subscribe: a POST makes a new secret address (any older one stops working) and shows it,
    once; only a hash of it is kept."""
    choices = _choices(request)
    allowed = {value for _group, options in choices for value, _label in options} or {""}
    covering = request.POST.get("covering", "") if request.method == "POST" else ""
    address, replaced = None, False
    if request.method == "POST":
        if covering not in allowed:
            covering = ""
        replaced = calendar_feed_of(user=request.user) is not None
        address = _feed_address(calendar_feed_reset(user=request.user), covering)
    crumbs = [("Your account", reverse("accounts:profile")), ("Calendar feed", None)]
    context = {
        "crumbs": crumbs,
        "feed": calendar_feed_of(user=request.user),
        "address": address,
        "choices": choices,
        "covering": covering,
        "feed_was_replaced": replaced,
    }
    return render(request, "calendars/settings.html", context)


@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    if calendar_feed_revoke(user=request.user):
        messages.success(request, "Your calendar feed has been stopped. Calendars subscribed to it get nothing more")
    else:
        messages.info(request, "You had no calendar feed")
    return redirect("calendars:settings")
