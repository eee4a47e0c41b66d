"""The managers' overdue review queue: grouped by finding, one decision for a whole finding, chosen
forces or everything matching, after a confirmation that states the numbers; stale selections."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import ItemEvent, Theme, TrackedItem
from notifications.models import Message
from oversight.models import OverdueReview
from oversight.services import overdue_reviews_record
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/overdue-review/"


def national(forces, *, reference="R1", target=dt.date(2025, 6, 1), text="All chief constables should act.", **kw):
    finding = factories.FindingFactory(reference=reference, target_date=target, text=text, **kw)
    return finding, [factories.TrackedItemFactory(finding=finding, force=f, status="in_progress") for f in forces]


def police_forces(n: int) -> list:
    return [factories.ForceFactory(name=f"Force {i:02d} Police") for i in range(n)]


def decision(**extra) -> dict:
    return {
        "decision": "escalate_chief",
        "note": "Write to every chief constable.\nCopy the NPCC.",
        "next_review_on_day": "1",
        "next_review_on_month": "1",
        "next_review_on_year": str(dt.date.today().year + 1),
        **extra,
    }


def confirm(client, url: str, data: dict):
    """Check, then confirm what the confirmation page carried (as the browser would send it)."""
    checked = client.post(url, {**data, "step": "check"})
    assert checked.status_code == 200, checked.content.decode()[:2000]
    summary = checked.context["summary"]
    return checked, client.post(url, {**data, "step": "confirm", "fingerprint": summary["fingerprint"]})


def test_one_row_per_finding_with_its_forces(client, manager_user):
    forces = police_forces(5)
    finding, items = national(forces[:4])
    factories.TrackedItemFactory(finding=finding, force=forces[4], status="complete", closed_on=dt.date(2021, 1, 1))
    single = factories.TrackedItemFactory(
        force=forces[0], finding=factories.FindingFactory(target_date=dt.date(2025, 9, 1))
    )
    overdue_reviews_record(
        items=[items[0]],
        reviewer=manager_user,
        decision="chase",
        note="Chased",
        next_review_on=dt.date.today() + dt.timedelta(days=30),
        today=dt.date.today(),
    )
    client.force_login(manager_user)
    page = client.get(QUEUE)
    html = page.content.decode()
    rows = [row.record for row in page.context["table"].paginated_rows]
    assert [(row["finding"].pk, row["awaiting"]) for row in rows] == [(finding.pk, 3), (single.finding_id, 1)]
    assert "Overdue at 4 of 5 forces; 3 await review" in html
    assert "4 overdue items at 4 forces await review, under 2 findings" in html
    # Expandable to its forces: the reviewed one is not offered again.
    assert all(f'id="item-{item.pk}"' in html for item in items[1:]) and f'id="item-{items[0].pk}"' not in html
    assert f'id="finding-{finding.pk}"' in html
    assert (dt.date.today() - dt.date(2025, 6, 1)).days == rows[0]["days"]


def test_a_long_finding_is_shortened_with_the_whole_text_a_click_away(client, manager_user, force):
    words = " ".join(f"word{i}" for i in range(60))
    national([force], text=words)
    client.force_login(manager_user)
    html = client.get(QUEUE).content.decode()
    assert "word29 …" in html and "Read it all" in html and "word59" in html[html.index("Read it all") :]


def test_one_decision_for_a_whole_finding_after_the_numbers_are_confirmed(
    client, manager_user, staff_user, django_capture_on_commit_callbacks
):
    forces = police_forces(43)
    other_lead = factories.UserFactory(username="lead.two")
    for force in forces:
        force.staff_lead = other_lead if force.name.startswith("Force 4") else staff_user
        force.save()
    finding, items = national(forces)
    bystander = factories.TrackedItemFactory(
        force=forces[0], finding=factories.FindingFactory(target_date=dt.date(2021, 1, 1))
    )
    client.force_login(manager_user)
    with django_capture_on_commit_callbacks(execute=True):
        checked, done = confirm(client, QUEUE, decision(findings=[finding.pk]))
    text = checked.content.decode()
    assert (
        "Escalate to the chief officer will be recorded on <strong>43 items</strong> at <strong>43 forces</strong>"
        in text
    )
    assert done.status_code == 302
    assert OverdueReview.objects.count() == 43 and not OverdueReview.objects.filter(item=bystander).exists()
    assert len({r.batch for r in OverdueReview.objects.all()}) == 1
    for item in items:
        assert ItemEvent.objects.filter(item=item, kind="manager_review").count() == 1
    refreshed = TrackedItem.objects.get(pk=items[0].pk)
    assert refreshed.latest_overdue_decision == "escalate_chief" and refreshed.latest_overdue_review_at is not None
    assert refreshed.version == items[0].version  # a review is not a transition of the item
    # One email per staff lead, each listing that lead's items.
    mails = {m.recipient.username: m for m in Message.objects.filter(reason="escalation")}
    assert sorted(mails) == ["lead.two", "staff.user"]
    assert mails["lead.two"].body.count("/recommendations/") == 3  # Force 40, 41, 42
    assert mails["staff.user"].body.count("/recommendations/") == 40
    assert (
        mails["staff.user"].subject
        == f"{finding.inspection.reference} recommendation R1 at 40 forces: escalated to the chief officer"
    )
    follow = client.get(QUEUE)
    assert "Decision recorded on 43 items at 43 forces" in follow.content.decode()
    assert [row.record["finding"].pk for row in follow.context["table"].paginated_rows] == [bystander.finding_id]


def test_one_decision_for_chosen_forces_only(client, manager_user):
    forces = police_forces(4)
    _finding, items = national(forces)
    client.force_login(manager_user)
    checked, done = confirm(client, QUEUE, decision(items=[items[1].pk, items[3].pk]))
    assert "<strong>2 items</strong> at <strong>2 forces</strong>" in checked.content.decode()
    assert (
        forces[1].name in checked.content.decode() and forces[0].name not in checked.context["summary"]["force_names"]
    )
    assert done.status_code == 302
    assert set(OverdueReview.objects.values_list("item_id", flat=True)) == {items[1].pk, items[3].pk}


def test_select_all_matching_across_pages(client, manager_user, force, other_force):
    for n in range(30):
        national([force], reference=f"R{n}", target=dt.date(2025, 6, 1) + dt.timedelta(days=n))
    factories.TrackedItemFactory(force=other_force, finding=factories.FindingFactory(target_date=dt.date(2019, 1, 1)))
    client.force_login(manager_user)
    url = f"{QUEUE}?force={force.slug}"
    page = client.get(url)
    assert len(page.context["table"].paginated_rows) == 25 and page.context["table"].paginator.num_pages == 2
    assert "Select all 30 items matching these filters, on every page" in page.content.decode()
    checked, done = confirm(client, url, decision(all="1"))
    assert "<strong>30 items</strong> at <strong>1 force</strong>" in checked.content.decode()
    assert done.status_code == 302 and done["Location"] == url
    assert OverdueReview.objects.count() == 30
    assert not OverdueReview.objects.filter(item__force=other_force).exists()


def test_a_stale_selection_is_refused_whole_and_keeps_what_was_typed(client, manager_user, staff_user):
    forces = police_forces(3)
    finding, items = national(forces)
    client.force_login(manager_user)
    data = decision(findings=[finding.pk])
    checked = client.post(QUEUE, {**data, "step": "check"})
    fingerprint = checked.context["summary"]["fingerprint"]
    # Meanwhile a colleague reviews one of them.
    overdue_reviews_record(
        items=[items[2]],
        reviewer=staff_user,
        decision="chase",
        note="Chased",
        next_review_on=dt.date.today() + dt.timedelta(days=30),
        today=dt.date.today(),
    )
    stale = client.post(QUEUE, {**data, "step": "confirm", "fingerprint": fingerprint})
    html = stale.content.decode()
    assert stale.status_code == 409
    assert (
        "The items changed" in html
        and "They are now 2 items at 2 forces" in html
        and "Nothing has been recorded" in html
    )
    assert OverdueReview.objects.count() == 1  # only the colleague's
    assert 'value="Write to every chief constable.\nCopy the NPCC."' in html
    assert "<strong>2 items</strong> at <strong>2 forces</strong>" in html
    again = client.post(QUEUE, {**data, "step": "confirm", "fingerprint": stale.context["summary"]["fingerprint"]})
    assert again.status_code == 302 and OverdueReview.objects.count() == 3


def test_an_item_updated_meanwhile_makes_the_selection_stale(client, manager_user, force):
    finding, items = national([force])
    client.force_login(manager_user)
    checked = client.post(QUEUE, decision(findings=[finding.pk], step="check"))
    TrackedItem.objects.filter(pk=items[0].pk).update(version=items[0].version + 1)
    stale = client.post(
        QUEUE, decision(findings=[finding.pk], step="confirm", fingerprint=checked.context["summary"]["fingerprint"])
    )
    assert stale.status_code == 409 and not OverdueReview.objects.exists()


def test_bad_input_is_told_on_the_queue_and_keeps_the_choices(client, manager_user, force):
    finding, items = national([force])
    client.force_login(manager_user)
    response = client.post(
        QUEUE,
        {
            **decision(findings=[finding.pk], items=[items[0].pk]),
            "note": "",
            "next_review_on_year": "2000",
            "step": "check",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "Enter a note to explain the decision" in html
    assert f'id="finding-{finding.pk}" name="findings" type="checkbox" value="{finding.pk}" checked' in html
    assert f'aria-describedby="item-{items[0].pk}-hint" checked' in html
    assert 'value="2000"' in html
    nothing = client.post(QUEUE, decision(step="check"))
    assert nothing.status_code == 400 and "Select the findings or forces" in nothing.content.decode()
    assert not OverdueReview.objects.exists()


def test_change_goes_back_to_the_queue_with_everything_kept(client, manager_user, force):
    finding, _items = national([force])
    client.force_login(manager_user)
    back = client.post(QUEUE, decision(findings=[finding.pk], step="change"))
    html = back.content.decode()
    assert back.status_code == 200 and "Copy the NPCC." in html and f'value="{finding.pk}" checked' in html
    assert not OverdueReview.objects.exists()


def test_filters_search_inspection_theme_and_origin_in_the_moj_layout(client, manager_user, force, other_force):
    theme = Theme.objects.get_or_create(slug="vetting", defaults={"name": "Vetting"})[0]
    vetting, _ = national([force, other_force], reference="R1", text="Vetting decisions should be recorded.")
    vetting.themes.add(theme)
    custody, _ = national([force], reference="R2", text="Custody records should be kept.")
    arrived = factories.TrackedItemFactory(
        force=force,
        finding=factories.FindingFactory(reference="AFI9", target_date=dt.date(2019, 7, 1)),
        entered_on=dt.date(2025, 11, 1),
    )
    client.force_login(manager_user)

    def shown(query: dict) -> set[int]:
        page = client.get(QUEUE, query)
        assert page.status_code == 200 and 'class="moj-filter"' in page.content.decode()
        return {row.record["finding"].pk for row in page.context["table"].paginated_rows}

    assert shown({}) == {vetting.pk, custody.pk, arrived.finding_id}
    assert shown({"q": "custody"}) == {custody.pk}
    assert shown({"q": "AFI9"}) == {arrived.finding_id}
    assert shown({"inspection": custody.inspection.reference}) == {custody.pk}
    assert shown({"theme": "vetting"}) == {vetting.pk}
    assert shown({"origin": "arrived_overdue"}) == {arrived.finding_id}
    assert shown({"origin": "overdue_here"}) == {vetting.pk, custody.pk}
    page = client.get(QUEUE, {"theme": "vetting", "origin": "overdue_here"}).content.decode()
    assert "Theme: Vetting" in page and "Overdue how: Became overdue under the tracker" in page
    assert "2 overdue items at 2 forces await review" in page
    assert "2 became overdue under the tracker; 0 arrived overdue" in page


def test_the_queue_tells_apart_what_became_overdue_here_from_what_arrived_overdue(client, manager_user, force):
    factories.TrackedItemFactory(finding__target_date=dt.date(2025, 12, 1), force=force)
    factories.TrackedItemFactory(finding__target_date=dt.date(2019, 7, 1), force=force, entered_on=dt.date(2025, 11, 1))
    client.force_login(manager_user)
    page = client.get(reverse("oversight:queue")).content.decode()
    assert "1 became overdue under the tracker; 1 arrived overdue" in page
    assert "since 2 July 2019 (arrived overdue)" in page  # overdue since the day after the target


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries)


def test_queue_query_count_is_the_same_at_3_and_43_forces(client, manager_user):
    client.force_login(manager_user)
    counts = []
    for n, start in ((3, 0), (40, 3)):
        forces = [factories.ForceFactory(name=f"Force {i:02d} Police") for i in range(start, start + n)]
        for number in range(4):
            finding = factories.FindingFactory(reference=f"R{n}-{number}", target_date=dt.date(2020, 1, 1))
            for f in forces:
                factories.TrackedItemFactory(finding=finding, force=f)
        counts.append(_queue_queries(client))
    # The session and user, the filter's choices (regions, programmes, themes, forces), the
    # governing bodies, the totals (by force, and the findings), the page of groups (one grouped
    # query), the findings, their queue items and their addressees, the session's save: the same
    # for 12 items as for 172.
    assert counts[0] == counts[1], counts
    assert counts[1] <= 18, counts


def test_confirmation_query_count_is_the_same_at_3_and_43_forces(client, manager_user):
    client.force_login(manager_user)
    counts = []
    for n in (3, 43):
        forces = police_forces(n) if n == 3 else [factories.ForceFactory(name=f"Other {i:02d}") for i in range(n)]
        finding, _ = national(forces, reference=f"R{n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.post(QUEUE, decision(findings=[finding.pk], step="check")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_recording_query_count_is_the_same_at_3_and_43_forces(client, manager_user, staff_user):
    client.force_login(manager_user)
    counts = []
    for n in (3, 43):
        forces = [factories.ForceFactory(name=f"Lot {n} force {i:02d}", staff_lead=staff_user) for i in range(n)]
        finding, _ = national(forces, reference=f"R{n}")
        checked = client.post(QUEUE, decision(findings=[finding.pk], step="check"))
        with CaptureQueriesContext(connection) as queries:
            done = client.post(
                QUEUE,
                decision(findings=[finding.pk], step="confirm", fingerprint=checked.context["summary"]["fingerprint"]),
            )
        assert done.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_sort_asked_for_keeps_the_queue_order(client, manager_user, force):
    national([force])
    client.force_login(manager_user)
    assert client.get(QUEUE, {"sort": "finding"}).status_code == 200
