"""Where the demo may be loaded: the embedded database, an empty one, or one that holds the demo."""

import datetime as dt
from io import StringIO

import pytest

from accounts.models import User
from demo.services import MARKER_REFERENCE, demo_load
from inspections.models import Inspection
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def test_the_demo_goes_into_the_embedded_database_an_empty_one_or_its_own(staff_user):
    from demo.services import demo_load_refusal

    assert demo_load_refusal(embedded=True) is None  # the embedded SQLite database, whatever it holds
    refusal = demo_load_refusal(embedded=False)
    assert refusal.startswith("this database holds 1 user and 0 inspections")
    assert "published password" in refusal
    staff_user.delete()
    assert demo_load_refusal(embedded=False) is None  # empty
    demo_load(today=TODAY)
    factories.UserFactory(username="someone.real")
    assert demo_load_refusal(embedded=False) is None  # holds the demo already


def test_load_demo_refuses_a_database_with_other_data_and_changes_nothing(staff_user, settings):
    from django.core.management import CommandError, call_command

    settings.EMBEDDED_DATABASE = "/nowhere/tracker.sqlite3"  # so this database is not the embedded one
    with pytest.raises(CommandError, match="Refusing to load the demo data: this database holds 1 user"):
        call_command("load_demo")
    assert list(User.objects.values_list("username", flat=True)) == [staff_user.username]
    assert not Inspection.objects.exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert Inspection.objects.filter(reference=MARKER_REFERENCE).exists()
