"""Calendar feeds: parsed with the `icalendar` library, as a calendar program would read them. Each
role gets the deadlines its pages show and no more; an approved extension moves an event (same
UID, new date, higher SEQUENCE); a closed item leaves the feed; a reset or stopped address answers
404; and only a hash of the token is stored."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from calendars.models import CalendarFeed
from calendars.services import calendar_feed_reset, feed_token_hash
from inspections import services
from inspections.models import Finding
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def item_for(force, *, reference="R1", published=dt.date(2026, 1, 5), target=dt.date(2026, 3, 31), **finding):
    inspection = factories.InspectionFactory(reference=f"REF-{reference}-{force.slug}", published_on=published)
    made = factories.FindingFactory(inspection=inspection, reference=reference, target_date=target, **finding)
    return factories.TrackedItemFactory(finding=made, force=force, status="in_progress")


def events(client, token: str, query: str = "") -> dict[str, dict]:
    response = client.get(reverse("calendars:feed", kwargs={"token": token}) + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "day": event.decoded("DTSTART"),
            "summary": str(event["SUMMARY"]),
            "sequence": int(event.get("SEQUENCE", 0)),
        }
        for event in calendar.walk("VEVENT")
    }


def target_uid(item) -> str:
    return f"item-{item.pk}-target@testserver"


@pytest.fixture
def world(force, other_force):
    own = item_for(force, reference="R3")
    other = item_for(other_force, reference="R4")
    embargoed = item_for(force, reference="R9", published=dt.date(2026, 6, 1))
    closed = item_for(force, reference="R5")
    closed.status, closed.closed_on = "complete", TODAY
    closed.save()
    undated = item_for(
        force, reference="AFI1", target=None, category=Finding.Category.AREA_FOR_IMPROVEMENT, published=None
    )
    undated.finding.inspection.published_on = dt.date(2026, 1, 5)
    undated.finding.inspection.save()
    undated.review_by = dt.date(2026, 7, 1)
    undated.save()
    return {"own": own, "other": other, "embargoed": embargoed, "closed": closed, "undated": undated}


def test_a_liaison_officer_sees_only_their_forces_open_published_deadlines(client, world, liaison_user):
    got = events(client, calendar_feed_reset(user=liaison_user))
    own, undated = world["own"], world["undated"]
    inspection = own.finding.inspection
    assert set(got) == {
        target_uid(own),
        f"item-{undated.pk}-review-by@testserver",
        # Police reports published 5 January: the local policing body's comments are due on day 56.
        f"reply-{inspection.pk}-{own.force_id}@testserver",
        f"reply-{undated.finding.inspection_id}-{own.force_id}@testserver",
    }
    assert got[target_uid(own)]["day"] == dt.date(2026, 3, 31)
    assert (
        got[target_uid(own)]["summary"] == f"Cleveland Police · {inspection.reference} recommendation R3: target date"
    )
    assert got[f"item-{undated.pk}-review-by@testserver"]["summary"].endswith(
        "area for improvement AFI1: next review by"
    )
    comments = got[f"reply-{inspection.pk}-{own.force_id}@testserver"]
    assert comments["day"] == dt.date(2026, 3, 1)
    assert comments["summary"] == f"Cleveland Police · {inspection.reference}: local policing body's comments due"


def test_a_liaison_officer_cannot_ask_for_another_force(client, world, liaison_user):
    token = calendar_feed_reset(user=liaison_user)
    response = client.get(reverse("calendars:feed", kwargs={"token": token}) + "?force=durham-constabulary")
    assert response.status_code == 404
    assert client.get(reverse("calendars:feed", kwargs={"token": token}) + "?region=Nowhere").status_code == 404


def test_managers_and_staff_choose_a_force_or_a_region(client, world, manager_user, staff_user, force):
    token = calendar_feed_reset(user=manager_user)
    durham = events(client, token, "?force=durham-constabulary")
    assert set(durham) == {
        target_uid(world["other"]),
        f"reply-{world['other'].finding.inspection_id}-{world['other'].force_id}@testserver",
    }
    region = events(client, token, "?region=North+East")
    assert {target_uid(world["own"]), target_uid(world["other"])} <= set(region)
    # The inspectorate sees the embargoed report's deadline; no liaison officer does.
    assert target_uid(world["embargoed"]) in region
    assert target_uid(world["closed"]) not in region
    # Without a choice: the forces they lead.
    assert events(client, token) == {}
    force.staff_lead = staff_user
    force.save()
    led = events(client, calendar_feed_reset(user=staff_user))
    assert target_uid(world["own"]) in led and target_uid(world["other"]) not in led


def test_an_approved_extension_moves_the_event_and_a_closure_removes_it(client, world, liaison_user, staff_user):
    token = calendar_feed_reset(user=liaison_user)
    own = world["own"]
    before = events(client, token)[target_uid(own)]
    extension = factories.ExtensionRequestFactory(
        item=own, requested_by=liaison_user, requested_date=dt.date(2027, 3, 31)
    )
    services.extension_decide(extension=extension, user=staff_user, version=own.version, approve=True)
    after = events(client, token)[target_uid(own)]
    assert (before["day"], after["day"]) == (dt.date(2026, 3, 31), dt.date(2027, 3, 31))
    assert after["sequence"] > before["sequence"]
    assert after["summary"] == before["summary"]
    own.refresh_from_db()
    services.item_close(item=own, user=staff_user, version=own.version, status="withdrawn", note="Replaced.")
    assert target_uid(own) not in events(client, token)


def test_a_recorded_reply_leaves_the_feed(client, world, liaison_user, staff_user):
    token = calendar_feed_reset(user=liaison_user)
    own = world["own"]
    uid = f"reply-{own.finding.inspection_id}-{own.force_id}@testserver"
    assert uid in events(client, token)
    services.report_reply_record(
        inspection=own.finding.inspection,
        force=own.force,
        user=staff_user,
        published_on=TODAY,
        url="https://example.org/pcc/comments",
    )
    assert uid not in events(client, token)


def test_a_reply_recorded_round_the_services_leaves_the_cached_feed_too(client, world, liaison_user, staff_user):
    """The feed is cached until the data changes: a save in the Django admin drops it as well."""
    token = calendar_feed_reset(user=liaison_user)
    own = world["own"]
    uid = f"reply-{own.finding.inspection_id}-{own.force_id}@testserver"
    assert uid in events(client, token)
    assert uid in events(client, token)  # from the cache
    factories.ReportReplyFactory(inspection=own.finding.inspection, force=own.force, recorded_by=staff_user)
    assert uid not in events(client, token)


def test_a_reset_address_answers_404_and_only_a_hash_is_kept(client, world, liaison_user):
    old = calendar_feed_reset(user=liaison_user)
    assert events(client, old)
    new = calendar_feed_reset(user=liaison_user)
    assert client.get(reverse("calendars:feed", kwargs={"token": old})).status_code == 404
    assert events(client, new)
    stored = CalendarFeed.objects.get(user=liaison_user)
    assert stored.token_hash == feed_token_hash(new) and new not in stored.token_hash


def test_stopping_or_a_new_password_ends_the_feed(client, liaison_user):
    token = calendar_feed_reset(user=liaison_user)
    url = reverse("calendars:feed", kwargs={"token": token})
    assert client.get(url).status_code == 200
    liaison_user.set_password("another-long-password-2026")
    liaison_user.save()
    assert client.get(url).status_code == 404
    token = calendar_feed_reset(user=liaison_user)
    client.force_login(liaison_user)
    assert client.post(reverse("calendars:revoke")).status_code == 302
    assert client.get(reverse("calendars:feed", kwargs={"token": token})).status_code == 404


def test_the_feed_is_the_token_owners_whoever_is_signed_in(client, world, liaison_user, manager_user):
    client.force_login(manager_user)
    got = events(client, calendar_feed_reset(user=liaison_user), "?region=North+East")
    assert target_uid(world["other"]) not in got and target_uid(world["embargoed"]) not in got


def test_the_account_page_shows_a_new_address_once(client, world, manager_user):
    client.force_login(manager_user)
    page = client.get(reverse("accounts:profile"))
    assert reverse("calendars:settings") in page.content.decode()
    response = client.post(reverse("calendars:settings"), {"covering": "force:durham-constabulary"})
    address = response.context["address"]
    assert address.startswith("http://testserver/calendar/feed/") and address.endswith("?force=durham-constabulary")
    assert address in response.content.decode()
    path = address.removeprefix("http://testserver")
    token = path.split("/")[-1].split(".ics")[0]
    assert set(events(client, token, "?force=durham-constabulary")) == set(
        events(client, token, path[path.index("?") :])
    )
    assert target_uid(world["other"]) in events(client, token, "?force=durham-constabulary")
    again = client.get(reverse("calendars:settings"))
    assert token not in again.content.decode()
    # A choice outside those offered falls back to the default.
    response = client.post(reverse("calendars:settings"), {"covering": "force:../../etc"})
    assert "?" not in response.context["address"]


@pytest.mark.parametrize("forces", [2, 12])
def test_the_feed_takes_a_fixed_number_of_queries(client, manager_user, forces, django_assert_max_num_queries):
    made = [factories.ForceFactory(name=f"Force {n}") for n in range(forces)]
    for force in made:
        for n in range(3):
            item_for(force, reference=f"R{n}")
    token = calendar_feed_reset(user=manager_user)
    with django_assert_max_num_queries(8):
        got = events(client, token, "?region=North+East")
    assert len([uid for uid in got if uid.startswith("item-")]) == forces * 3


def test_hostile_text_reads_back_as_written_and_long_lines_are_folded():
    """The feed's text is escaped and folded by hand (calendars/ical.py): read back by the
    `icalendar` library, every value is what went in (control characters, which iCalendar cannot
    carry, left out), and no line is longer than 75 octets."""
    from calendars.ical import feed_calendar
    from calendars.selectors import FeedEvent

    text = 'Vetting; "checks", a\\b, Ünïcödé ✓ 😀\nsecond line\r\nthird\x07 ' + "é" * 60
    event = FeedEvent(
        uid="item-1-target@example.org",
        day=dt.date(2027, 3, 31),
        summary="Cleveland Police · NCPI-2017-CLE R3: target date; =cmd|' /C calc'!A0",
        description=text,
        url="https://example.org/recommendations/1/",
        sequence=4,
        last_modified=dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC),
    )
    body = feed_calendar(name="North East, and more; really", events=[event])
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert body.endswith(b"\r\n") and b"\x07" not in body
    calendar = Calendar.from_ical(body)
    # An X- property's value is TEXT by convention: escaped like the others.
    assert b"X-WR-CALNAME:Recommendation Tracker: North East\\, and more\\; really\r\n" in body
    (parsed,) = calendar.walk("VEVENT")
    assert str(parsed["SUMMARY"]) == event.summary
    expected = text.replace("\r\n", "\n").replace("\x07", "") + "\n\n" + event.url
    assert str(parsed["DESCRIPTION"]) == expected
    assert parsed.decoded("DTSTART") == dt.date(2027, 3, 31)
    assert parsed.decoded("DTEND") == dt.date(2027, 4, 1)
    assert int(parsed["SEQUENCE"]) == 4
    assert parsed.decoded("LAST-MODIFIED") == event.last_modified
