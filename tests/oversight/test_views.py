import datetime as dt
import io

import pytest
import time_machine
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from audit.services import export_record_create
from inspections.models import TrackedItem
from inspections.services import item_close
from oversight.selectors import meeting_pack_items, review_queue
from oversight.services import overdue_reviews_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(force):
    finding = factories.FindingFactory(target_date=dt.date(2020, 1, 1), text='=HYPERLINK("http://evil","x")')
    return factories.TrackedItemFactory(finding=finding, force=force, status="in_progress")


def test_meeting_pack_page_and_excel(client, manager_user, overdue):
    client.force_login(manager_user)
    page = client.get("/overdue-review/meeting-pack/")
    assert page.status_code == 200
    assert '<dd class="govuk-summary-list__value" id="pack-overdue">1</dd>' in page.content.decode()
    response = client.get(f"/overdue-review/meeting-pack/?format=xlsx&force={overdue.force.slug}")
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["Cover", "Summary", "Overdue and stale"]
    cover = dict(list(workbook["Cover"].iter_rows(values_only=True))[1:])
    assert cover["Scope"] == overdue.force.name
    assert cover["Filter: Force"] == overdue.force.name
    assert cover["Produced by"] == manager_user.get_full_name()
    assert cover["Produced at"].startswith(f"{dt.date.today():%-d %B %Y}")
    detail = workbook["Overdue and stale"]
    rows = list(detail.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][5].startswith("'=HYPERLINK")
    # A detail sheet to work in: the heading row frozen, filters on every column, text columns wide.
    assert detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == "A1:Q2"
    assert detail["A1"].font.b
    assert detail.column_dimensions["F"].width > detail.column_dimensions["H"].width
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert ("Totals", "Overdue", 1, None) in summary
    assert ("Overdue by force", overdue.force.name, 1, (dt.date.today() - dt.date(2020, 1, 1)).days) in summary


def test_pack_filtered_to_a_force(client, manager_user, overdue, other_force):
    factories.TrackedItemFactory(force=other_force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1)))
    client.force_login(manager_user)
    page = client.get(f"/overdue-review/meeting-pack/?force={overdue.force.slug}")
    assert page.context["overdue_count"] == 1 and page.context["scope"] == overdue.force.name


def test_dashboard_counts_what_awaits_review_and_lists_escalations(client, manager_user, staff_user, force):
    items = [
        factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, d)))
        for d in (1, 2, 3)
    ]
    overdue_reviews_record(
        items=[items[0]],
        reviewer=staff_user,
        decision="escalate_chief",
        note="Write to the chief constable",
        next_review_on=dt.date.today() + dt.timedelta(days=90),
        today=dt.date.today(),
    )
    client.force_login(manager_user)
    page = client.get("/")
    assert page.context["awaiting_review"] == 2 == review_queue(user=manager_user, today=dt.date.today()).count()
    html = page.content.decode()
    assert "2 overdue items await review" in html
    assert "Escalate to the chief officer" in html
    force_page = client.get(f"/forces/{force.slug}/").content.decode()
    assert "Escalate to the chief officer" in force_page


def test_pack_totals_match_the_dashboard_for_the_same_filter(client, manager_user, force, other_force):
    for target in (dt.date(2020, 1, 1), dt.date(2021, 1, 1)):
        factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=target))
    factories.TrackedItemFactory(force=other_force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1)))
    factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=dt.date(2099, 1, 1)))
    elsewhere = factories.ForceFactory(name="Avon and Somerset Constabulary", region="South West")
    factories.TrackedItemFactory(force=elsewhere, finding=factories.FindingFactory(target_date=dt.date(2019, 1, 1)))
    fire = factories.ForceFactory(name="Cleveland Fire Brigade", kind="fire")
    factories.TrackedItemFactory(force=fire, finding=factories.FindingFactory(target_date=dt.date(2022, 1, 1)))
    client.force_login(manager_user)
    seen = set()
    for query in ("", f"region={force.region}", "region=South+West", "kind=police", "kind=fire"):
        dashboard = client.get(f"/?{query}").context
        overdue = next(h["count"] for h in dashboard["headlines"] if h["name"] == "overdue")
        pack = client.get(f"/overdue-review/meeting-pack/?{query}").context
        summary = pack["summary"]
        assert pack["overdue_count"] == summary["totals"]["overdue"] == overdue, query
        assert sum(row["count"] for row in summary["by_force"]) == overdue, query
        workbook = load_workbook(
            io.BytesIO(client.get(f"/overdue-review/meeting-pack/?{query}&format=xlsx").getvalue())
        )
        assert ("Totals", "Overdue", overdue, None) in list(workbook["Summary"].iter_rows(values_only=True)), query
        seen.add(overdue)
    assert len(seen) > 2  # the scopes differ, so the comparison means something


def test_pack_summary_groups_overdue_by_force_and_by_finding(client, manager_user, staff_user, force, other_force):
    national = factories.FindingFactory(reference="R7", target_date=dt.date(2020, 1, 1), text="All forces should act.")
    items = [
        factories.TrackedItemFactory(force=f, finding=national, status="in_progress") for f in (force, other_force)
    ]
    factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=dt.date(2021, 6, 1)))
    overdue_reviews_record(
        items=[items[0]],
        reviewer=staff_user,
        decision="escalate_chief",
        note="Write to the chief constable",
        next_review_on=dt.date.today() + dt.timedelta(days=90),
        today=dt.date.today(),
    )
    client.force_login(manager_user)
    page = client.get("/overdue-review/meeting-pack/")
    summary = page.context["summary"]
    worst = (dt.date.today() - dt.date(2020, 1, 1)).days
    assert [(row["name"], row["count"], row["days"]) for row in summary["by_force"]] == [
        (force.name, 2, worst),
        (other_force.name, 1, worst),
    ]
    assert [(row["finding"].reference, row["forces"]) for row in summary["by_finding"]] == [
        ("R7", 2),
        (summary["by_finding"][1]["finding"].reference, 1),
    ]
    assert summary["findings_total"] == 2
    assert {row["label"]: row["count"] for row in summary["by_status"]} == {"Published": 1, "In progress": 2}
    html = page.content.decode()
    # The summary comes first, then the detail.
    assert (
        html.index('id="pack-by-finding"') < html.index("Detail, by force") < html.index("All forces should act.</p>")
    )
    assert "Escalate to the chief officer" in html[: html.index("Detail, by force")]
    assert f"Meeting pack: England and Wales, {dt.date.today():%-d %B %Y}" in html


def test_pack_lists_only_the_escalations_of_its_scope(client, manager_user, staff_user, force, other_force):
    ours = factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1)))
    theirs = factories.TrackedItemFactory(
        force=other_force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1))
    )
    for governed in (force, other_force):
        factories.GovernanceFactory(organisation=governed)
    for item in (ours, theirs):
        overdue_reviews_record(
            items=[item],
            reviewer=staff_user,
            decision="escalate_governor",
            note="Write to the PCC",
            next_review_on=dt.date.today() + dt.timedelta(days=90),
            today=dt.date.today(),
        )
    client.force_login(manager_user)
    pack = client.get(f"/overdue-review/meeting-pack/?force={force.slug}").context
    assert [review.item for review in pack["escalations"]] == [ours]


def test_the_item_page_offers_the_overdue_review_to_managers_only(client, manager_user, liaison_user, overdue):
    client.force_login(manager_user)
    assert (
        f"/overdue-review/items/{overdue.pk}/review/" in client.get(f"/recommendations/{overdue.pk}/").content.decode()
    )
    client.force_login(liaison_user)
    assert "/overdue-review/" not in client.get(f"/recommendations/{overdue.pk}/").content.decode()


def test_pack_detail_is_paged_with_the_summary_on_the_first_page_only(client, manager_user, force, monkeypatch):
    monkeypatch.setattr("reporting.views.meeting_pack.PACK_DETAIL_PER_PAGE", 3)
    for day in range(1, 8):
        finding = factories.FindingFactory(target_date=dt.date(2020, 1, day), text=f"Finding number {day}.")
        factories.TrackedItemFactory(force=force, finding=finding, status="in_progress")
    client.force_login(manager_user)
    first = client.get(f"/overdue-review/meeting-pack/?force={force.slug}")
    html = first.content.decode()
    assert first.context["summary"]["totals"]["pack"] == 7
    assert 'id="pack-by-force"' in html and 'id="pack-changes"' in html
    assert "items 1 to 3 of 7" in html and "1 of 3" in html
    assert f"?force={force.slug}&amp;page=2" in html
    seen = [item.pk for item in first.context["items"]]
    for number in (2, 3):
        later = client.get(f"/overdue-review/meeting-pack/?force={force.slug}&page={number}")
        html = later.content.decode()
        assert later.context["summary"] is None
        assert 'id="pack-by-force"' not in html and "Back to the summary" in html
        seen += [item.pk for item in later.context["items"]]
    # Every pack item once, in the pack's order, across the pages.
    assert seen == [item.pk for item in meeting_pack_items(items=TrackedItem.objects.all(), today=dt.date.today())]
    beyond = client.get(f"/overdue-review/meeting-pack/?force={force.slug}&page=99")
    assert [item.pk for item in beyond.context["items"]] == seen[6:]
    download = client.get(f"/overdue-review/meeting-pack/?force={force.slug}&page=2&format=xlsx")
    assert len(list(load_workbook(io.BytesIO(download.getvalue()))["Overdue and stale"].iter_rows())) == 8


def test_pack_counts_what_changed_since_the_last_pack_for_the_same_filters(
    client, manager_user, staff_user, force, other_force
):
    ours = [
        factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1)))
        for _ in range(3)
    ]
    theirs = factories.TrackedItemFactory(
        force=other_force, finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1))
    )
    client.force_login(manager_user)
    pack_url = f"/overdue-review/meeting-pack/?force={force.slug}"
    assert client.get(pack_url).context["changes"]["previous"] is None  # no pack before today
    now = timezone.now()

    def pack_made(days_ago: int, query: str) -> None:
        # The record a pack's view writes, as it was written then (the record cannot be changed later).
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            export_record_create(
                user=manager_user,
                kind="meeting_pack_xlsx" if "format=xlsx" in query else "meeting_pack",
                path="/overdue-review/meeting-pack/",
                query=QueryDict(query),
                row_count=3,
            )

    pack_made(30, f"force={force.slug}")
    pack_made(30, f"force={other_force.slug}")  # another scope's pack
    with time_machine.travel(now - dt.timedelta(days=20), tick=False):
        item_close(item=ours[0], user=staff_user, version=ours[0].version, status="withdrawn", note="Overtaken")
        item_close(item=theirs, user=staff_user, version=theirs.version, status="withdrawn", note="Overtaken")
    pack_made(10, f"format=xlsx&force={force.slug}")  # the last pack for these filters: the Excel file
    pack_made(5, f"force={force.slug}&region=north-east")  # other filters: not this pack's
    ours[1].refresh_from_db()
    item_close(item=ours[1], user=staff_user, version=ours[1].version, status="withdrawn", note="Overtaken")
    page = client.get(f"{pack_url}&page=1")
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    changes = page.context["changes"]
    assert changes["previous"].kind == "meeting_pack_xlsx"
    assert timezone.now() - changes["since"] > dt.timedelta(days=9)
    counts = {row["kind"]: row["count"] for row in changes["rows"]}
    assert counts["closed"] == 1  # ours[1] since the last pack; not ours[0] (before it), not theirs
    assert sum(counts.values()) == 1
    assert 'id="pack-change-closed">1<' in page.content.decode()
    # Opened again the same day, the pack still compares with the one before today.
    assert client.get(pack_url).context["changes"]["previous"].pk == changes["previous"].pk
    workbook = load_workbook(io.BytesIO(client.get(f"{pack_url}&format=xlsx").getvalue()))
    rows = list(workbook["Summary"].iter_rows(values_only=True))
    assert [row[1:3] for row in rows if row[0].startswith("Since the last pack")][3] == ("Closed", 1)
