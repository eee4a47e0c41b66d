import datetime as dt

from django import template
from django.utils.dateformat import format as date_format

from inspections.models import Finding, ItemStatus, Response

register = template.Library()


@register.filter
def iso_long_date(value: str) -> str:
    """A stored ISO date ("2027-03-31") in words ("31 March 2027")."""
    try:
        return date_format(dt.date.fromisoformat(value), "j F Y")
    except (TypeError, ValueError):
        return value or ""


@register.filter
def category_label(value: str) -> str:
    return dict(Finding.Category.choices).get(value, value)


def _past_summary(past: dict) -> str:
    """One force's imported state in words: status (and when), response, last progress, history."""
    parts = []
    status = ItemStatus(past["status"]).label if past["status"] in ItemStatus.values else past["status"]
    if past.get("closed_on"):
        status += f", {iso_long_date(past['closed_on'])}"
    elif past.get("status_on"):
        status += f" since {iso_long_date(past['status_on'])}"
    parts.append(status)
    if past.get("response") and past["response"] != Response.PENDING:
        response = Response(past["response"]).label.lower()
        parts.append(
            f"response {response}" + (f" on {iso_long_date(past['responded_on'])}" if past.get("responded_on") else "")
        )
    if past.get("last_progress_on"):
        parts.append(f"last progress {iso_long_date(past['last_progress_on'])}")
    if past.get("superseded_by"):
        parts.append(f"superseded by {past['superseded_by']}")
    changes = past.get("changes") or []
    if changes:
        first, last = changes[0][0], changes[-1][0]
        span = iso_long_date(first) if first == last else f"{iso_long_date(first)} to {iso_long_date(last)}"
        parts.append(f"{len(changes)} history line{'s' if len(changes) != 1 else ''} ({span})")
    return "; ".join(parts)


@register.simple_tag
def item_states(row: dict, names: dict) -> list[dict]:
    """Each force's state as the row will save it, for the preview: [{"name", "summary"}]."""
    pasts = row.get("pasts") or {}
    return [
        {"name": names.get(int(force_id), "") if len(pasts) > 1 else "", "summary": _past_summary(past)}
        for force_id, past in pasts.items()
    ]


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
