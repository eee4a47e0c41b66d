import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from demo.scale import scale_seed
from inspections.models import TrackedItem

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("seed_scale is for PostgreSQL (CI runs this)")


def test_seed_scale_creates_about_n_items_like_the_demo(postgres_only):
    total = scale_seed(items=3000, today=TODAY)
    assert 3000 <= total <= 3000 + 9 * 44  # the last inspection is created whole
    statuses = dict(TrackedItem.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert {"published", "in_progress", "submitted", "complete"} <= set(statuses)
    open_items = TrackedItem.objects.filter(status__in=TrackedItem.OPEN_STATUSES)
    overdue = open_items.filter(current_target_date__lt=TODAY).count()
    assert 0.1 < overdue / total < 0.6
    extended = TrackedItem.objects.filter(extension_count=1)
    assert extended.exists()
    assert not extended.exclude(current_target_date__gt=F("original_target_date")).exists()


def test_seed_scale_refuses_sqlite_with_a_clear_message():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", "--items", "10")
