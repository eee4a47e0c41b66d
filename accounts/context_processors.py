from django.http import HttpRequest
from django.urls import reverse

from accounts.two_factor import session_passed


def navigation(request: HttpRequest) -> dict:
    """The primary navigation for the signed-in user's role (MOJ primary navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"primary_navigation": []}
    if not session_passed(request):
        # Half signed in (the code not yet given): no page but the code pages is reachable.
        return {"primary_navigation": [], "half_signed_in": True}
    items = [
        ("Dashboard", "dashboard"),
        ("Recommendations", "inspections:item_list"),
        ("Inspections", "inspections:inspection_list"),
        ("Forces", "forces:force_list"),
        ("Follow-up reviews", "inspections:review_list"),
    ]
    if user.is_manager or user.is_inspectorate_staff:
        items += [("Overdue review", "oversight:queue")]
    if user.is_inspectorate_staff:
        items += [("Import", "imports:upload"), ("Users", "users:user_list"), ("Exports", "audit:export_list")]
    path = request.path
    nav = []
    for label, name in items:
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        nav.append({"label": label, "url": url, "current": current})
    return {"primary_navigation": nav}
