import datetime as dt

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import ExportKind, ExportRecord
from core.forms import GovukDateField, GovukForm


class _DateFilter(django_filters.Filter):
    field_class = GovukDateField


def _london_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ExportRecordFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(method="by_user", label="User", help_text="Part of their username or name")
    kind = django_filters.ChoiceFilter(choices=ExportKind.choices, label="What was exported", empty_label="Any")
    since = _DateFilter(method="from_day", label="From", help_text="For example, 27 3 2027")
    until = _DateFilter(method="to_day", label="To", help_text="For example, 31 3 2027")

    class Meta:
        model = ExportRecord
        fields: list[str] = []
        form = GovukForm

    def by_user(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(user__username__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
            )
        return queryset

    def from_day(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__gte=_london_day_start(value))

    def to_day(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__lt=_london_day_start(value + dt.timedelta(days=1)))
