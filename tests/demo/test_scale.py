import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
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


def test_seed_scale_refuses_sqlite_with_a_clear_message(tmp_path):
    """Run as a command against an SQLite file whatever database the suite uses (so CI, on
    PostgreSQL, runs it too): a clear message and a failing exit status, nothing written."""
    database = tmp_path / "embedded.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_scale", "--items", "10"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "needs PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr
