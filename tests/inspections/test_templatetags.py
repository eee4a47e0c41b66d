import datetime as dt

import pytest

from inspections.models import TrackedItem
from inspections.templatetags.tracker import due_phrase, status_tag_parts

TODAY = dt.date(2026, 4, 1)


def make(status="in_progress", target=dt.date(2026, 3, 31)) -> TrackedItem:
    return TrackedItem(status=status, original_target_date=target, current_target_date=target)


@pytest.mark.parametrize(
    ("item", "label", "css"),
    [
        (make(), "Overdue", "govuk-tag--red"),
        (make(target=dt.date(2026, 4, 20)), "Due soon", "govuk-tag--orange"),
        (make(target=dt.date(2026, 9, 1)), "In progress", "govuk-tag--light-blue"),
        (make(status="published", target=dt.date(2026, 9, 1)), "Published", "govuk-tag--grey"),
        (make(status="submitted", target=dt.date(2026, 4, 20)), "Submitted for closure", "govuk-tag--blue"),
        (make(status="complete"), "Closed: complete", "govuk-tag--green"),
        (make(status="withdrawn"), "Closed: withdrawn", "govuk-tag--grey"),
    ],
)
def test_one_colour_means_one_thing(item, label, css):
    assert status_tag_parts(item, TODAY) == (label, css)


def test_a_target_of_31_march_is_overdue_from_1_april():
    assert due_phrase({"today": dt.date(2026, 3, 31)}, dt.date(2026, 3, 31)) == "due today"
    assert due_phrase({"today": TODAY}, dt.date(2026, 3, 31)) == "overdue by 1 day"
    assert due_phrase({"today": TODAY}, dt.date(2026, 4, 13)) == "due in 12 days"
    assert due_phrase({"today": TODAY}, dt.date(2026, 3, 31), False) == ""
