import datetime as dt

from django import template
from django.utils.dateformat import format as date_format

from inspections.models import Finding

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
