"""An item's timeline gives each event the day it happened: a clock's lateness from the day after its
deadline (whenever the sweep noticed it), and imported events on their own dates, marked imported."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from inspections.overdue.clocks import clocks_sweep
from inspections.past import ItemPast, PastChange
from inspections.services import FindingDraft, findings_publish
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_a_lateness_noticed_late_is_dated_when_it_began_and_says_when_it_was_noticed(client, staff_user, item):
    # The target was 31 March 2026; the tracker's first sweep over it ran months later.
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON), tick=False):
        clocks_sweep()
        client.force_login(staff_user)
        page = client.get(reverse("inspections:item_detail", args=[item.pk])).content.decode()
    assert '<time datetime="2026-04-01">1 April 2026</time>' in page
    assert "Noticed by the tracker on 1 December 2026." in page
    assert 'id="overdue-since">1 April 2026' in page


def test_imported_events_show_their_day_and_say_they_were_imported(client, staff_user, force):
    inspection = factories.InspectionFactory(published_on=dt.date(2016, 12, 8))
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON), tick=False):
        findings_publish(
            inspection=inspection,
            user=staff_user,
            drafts=[
                FindingDraft(
                    reference="V1",
                    category="recommendation",
                    text="Within six months, all forces should plan.",
                    target_date=dt.date(2017, 6, 8),
                    force_ids=(force.pk,),
                    past={
                        force.pk: ItemPast(
                            status="complete",
                            closed_on=dt.date(2018, 5, 3),
                            changes=(
                                PastChange(
                                    day=dt.date(2018, 5, 3),
                                    status="complete",
                                    comment="Subject of re-inspection in 2018",
                                ),
                            ),
                        )
                    },
                )
            ],
            source="register.csv",
        )
        item = force.items.get()
        client.force_login(staff_user)
        page = client.get(reverse("inspections:item_detail", args=[item.pk])).content.decode()
    assert (
        '<time datetime="2016-12-08">8 December 2016</time> <strong class="govuk-tag govuk-tag--grey">Imported</strong>'
        in page
    )
    assert '<time datetime="2018-05-03">3 May 2018</time>' in page
    assert "Subject of re-inspection in 2018" in page
    assert "Imported from register.csv on 1 December 2026." in page
    assert "In the tracker since" in page and "1 December 2026" in page
