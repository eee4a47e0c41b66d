from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections import selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    items = selectors.items_visible_to(user=request.user)
    today = selectors.london_today()
    open_items = items.filter(status__in=items.model.OPEN_STATUSES)
    context = {
        "open_count": open_items.count(),
        "overdue_count": open_items.filter(current_target_date__lt=today).count(),
    }
    return render(request, "inspections/dashboard.html", context)
