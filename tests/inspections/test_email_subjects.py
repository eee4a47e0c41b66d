"""Emails people can file: every subject about an item names the organisation, the inspection's
reference and the finding, calls the finding by its kind (cause of concern, recommendation, area
for improvement), and is one line."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def make_item(force, *, category="recommendation", reference="R3", target=dt.date(2026, 3, 31), status="in_progress"):
    inspection = factories.InspectionFactory(reference="NCPI-2017-CLE")
    finding = factories.FindingFactory(
        inspection=inspection, category=category, reference=reference, target_date=target
    )
    return factories.TrackedItemFactory(finding=finding, force=force, status=status)


def sent() -> list:
    messages_deliver()
    return mail.outbox


def test_an_approved_extension_is_filed_under_force_inspection_and_finding(force, liaison_user, staff_user):
    item = make_item(force)
    extension = factories.ExtensionRequestFactory(
        item=item, requested_by=liaison_user, requested_date=dt.date(2027, 3, 31)
    )
    services.extension_decide(extension=extension, user=staff_user, version=item.version, approve=True)
    [email] = sent()
    assert email.subject == "Cleveland Police · NCPI-2017-CLE recommendation R3: extension approved to 31 March 2027"


def test_a_refused_extension_says_which_date_was_refused(force, liaison_user, staff_user):
    item = make_item(force)
    extension = factories.ExtensionRequestFactory(
        item=item, requested_by=liaison_user, requested_date=dt.date(2026, 9, 30)
    )
    services.extension_decide(extension=extension, user=staff_user, version=item.version, approve=False, note="No.")
    [email] = sent()
    assert email.subject == "Cleveland Police · NCPI-2017-CLE recommendation R3: extension to 30 September 2026 refused"


@pytest.mark.parametrize(
    ("category", "reference", "name"),
    [
        ("area_for_improvement", "AFI2", "area for improvement"),
        ("cause_of_concern", "CoC1", "cause of concern"),
        ("recommendation", "R3", "recommendation"),
    ],
)
def test_each_kind_of_finding_is_called_by_its_name(force, liaison_user, staff_user, category, reference, name):
    item = make_item(force, category=category, reference=reference, target=None)
    services.item_closure_submit(
        item=item,
        user=liaison_user,
        version=item.version,
        narrative="Done.",
        files=[SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")],
    )
    item.refresh_from_db()
    services.item_closure_verify(item=item, user=staff_user, version=item.version, accept=False, note="Not yet.")
    to_staff, to_force = sent()
    assert to_staff.subject == f"Cleveland Police · NCPI-2017-CLE {name} {reference}: submitted for closure"
    assert f"says this {name} is done" in to_staff.body
    assert to_force.subject == f"Cleveland Police · NCPI-2017-CLE {name} {reference}: closure claim returned"
    assert f"the claim that this {name} is done" in to_force.body
    if name != "recommendation":
        assert "recommendation" not in to_staff.subject + to_force.subject
        assert "this recommendation" not in to_staff.body + to_force.body


def test_a_closure_and_a_request_for_more_time_name_the_finding(force, liaison_user, staff_user):
    item = make_item(force, category="area_for_improvement", reference="AFI4")
    services.extension_request(
        item=item, user=liaison_user, version=item.version, requested_date=dt.date(2026, 6, 30), reason="Staffing."
    )
    item.refresh_from_db()
    services.item_close(item=item, user=staff_user, version=item.version, status="withdrawn", note="Superseded.")
    subjects = [email.subject for email in sent()]
    assert subjects == [
        "Cleveland Police · NCPI-2017-CLE area for improvement AFI4: more time asked for, to 30 June 2026",
        "Cleveland Police · NCPI-2017-CLE area for improvement AFI4: closed (withdrawn)",
    ]
