"""Nothing private reaches the public register: every public page, file and feed is rendered for
items that carry private data of every kind, and none of it may appear."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from core.dates import london_today
from inspections import services
from inspections.models import ItemEvent, Judgement, Theme
from oversight.models import OverdueReview
from register.slugs import reference_slug
from tests import factories
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

# Every private thing gets a marker no public text would contain by chance.
SECRETS = {
    "progress": "SECRET-PROGRESS-NARRATIVE",
    "claim": "SECRET-CLOSURE-CLAIM",
    "evidence": "secret-evidence-file.pdf",
    "liaison name": "Zebedee",
    "staff name": "Quimby",
    "response reason": "SECRET-RESPONSE-REASON",
    "closing note": "SECRET-CLOSING-NOTE",
    "return reason": "SECRET-RETURN-REASON",
    "extension reason": "SECRET-EXTENSION-REASON",
    "judgement commentary": "SECRET-JUDGEMENT-COMMENTARY",
    "review conclusion": "SECRET-REVIEW-CONCLUSION",
    "overdue review note": "SECRET-OVERDUE-REVIEW-NOTE",
    "lead inspector": "Ozymandias",
    "embargoed title": "SECRET-EMBARGOED-TITLE",
    "embargoed text": "SECRET-EMBARGOED-FINDING",
    "embargoed reference": "EMBARGO-REF-99",
}
PUBLIC_COMMENT = "The inspectorate is satisfied this has been done."


@pytest.fixture
def register_world():
    today = dt.date(2026, 6, 1)
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        assert london_today() == today
        force = factories.ForceFactory(name="Cleveland Police")
        liaison = _user_with_role(Role.LIAISON, username="zeb", first_name="Zebedee", last_name="Liaison")
        factories.LiaisonMembershipFactory(user=liaison, force=force)
        staff = _user_with_role(Role.STAFF, username="quim", first_name="Quimby", last_name="Staff")
        theme = Theme.objects.get_or_create(slug="vetting", defaults={"name": "Vetting"})[0]
        inspection = factories.InspectionFactory(
            reference="PUB-2025-1",
            title="Vetting in Cleveland",
            lead_inspector=SECRETS["lead inspector"],
            published_on=dt.date(2025, 5, 1),
        )
        finding = factories.FindingFactory(inspection=inspection, reference="R1", text="The force should vet everyone.")
        finding.themes.add(theme)
        done = factories.TrackedItemFactory(
            finding=finding,
            force=force,
            original_target_date=dt.date(2026, 3, 31),
            current_target_date=dt.date(2026, 3, 31),
        )
        services.item_response_record(
            item=done,
            user=liaison,
            version=done.version,
            response="partially_accepted",
            reason=SECRETS["response reason"],
        )
        services.item_update_post(
            item=done, user=liaison, version=done.version, narrative=SECRETS["progress"], files=[]
        )
        done.refresh_from_db()
        services.extension_request(
            item=done,
            user=liaison,
            version=done.version,
            requested_date=dt.date(2026, 9, 30),
            reason=SECRETS["extension reason"],
            today=today,
        )
        done.refresh_from_db()
        services.extension_decide(
            extension=done.extensions.get(), user=staff, version=done.version, approve=True, note="ok", today=today
        )
        done.refresh_from_db()
        services.item_closure_submit(
            item=done, user=liaison, version=done.version, narrative=SECRETS["claim"], files=[_pdf()]
        )
        done.refresh_from_db()
        services.item_closure_verify(
            item=done, user=staff, version=done.version, accept=False, note=SECRETS["return reason"]
        )
        done.refresh_from_db()
        services.item_closure_submit(
            item=done, user=liaison, version=done.version, narrative=SECRETS["claim"], files=[_pdf()]
        )
        done.refresh_from_db()
        services.item_closure_verify(
            item=done,
            user=staff,
            version=done.version,
            accept=True,
            note=SECRETS["closing note"],
            public_comment=PUBLIC_COMMENT,
            today=today,
        )
        # A second item, claimed done but not verified: in public it is still "being progressed".
        other_force = factories.ForceFactory(name="Durham Constabulary")
        claimed = factories.TrackedItemFactory(finding=finding, force=other_force)
        services.item_closure_submit(
            item=claimed,
            user=staff_or(other_force),
            version=claimed.version,
            narrative=SECRETS["claim"],
            files=[_pdf()],
        )
        review = factories.FollowUpReviewFactory(
            inspection=inspection, reviewer=staff, conclusion=SECRETS["review conclusion"]
        )
        services.review_judgements_save(
            review=review,
            version=review.version,
            user=staff,
            rows=[
                services.JudgementRow(
                    item=done, progress=Judgement.Progress.GOOD, commentary=SECRETS["judgement commentary"]
                )
            ],
        )
        OverdueReview.objects.create(
            item=claimed,
            reviewer=staff,
            decision=OverdueReview.Decision.values[-1],
            note=SECRETS["overdue review note"],
            next_review_on=dt.date(2026, 7, 1),
            reviewed_at=dt.datetime(2026, 5, 30, tzinfo=dt.UTC),
            batch=uuid.uuid4(),
        )
        ItemEvent.objects.create(
            item=claimed,
            kind=ItemEvent.Kind.MANAGER_REVIEW,
            at=dt.datetime(2026, 5, 30, tzinfo=dt.UTC),
            actor=staff,
            note=SECRETS["overdue review note"],
        )
        embargoed = factories.InspectionFactory(
            reference=SECRETS["embargoed reference"], title=SECRETS["embargoed title"], published_on=dt.date(2026, 7, 1)
        )
        hidden = factories.FindingFactory(inspection=embargoed, reference="R9", text=SECRETS["embargoed text"])
        hidden.themes.add(theme)
        factories.TrackedItemFactory(finding=hidden, force=force)
        planned = factories.InspectionFactory(
            reference="PLANNED-1", title=SECRETS["embargoed title"], published_on=None
        )
        factories.TrackedItemFactory(
            finding=factories.FindingFactory(inspection=planned, text=SECRETS["embargoed text"]), force=force
        )
    return {
        "force": force,
        "other_force": other_force,
        "inspection": inspection,
        "finding": finding,
        "theme": theme,
        "done": done,
        "claimed": claimed,
    }


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        SECRETS["evidence"], b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def staff_or(force):
    user = _user_with_role(Role.LIAISON, username=f"liaison-{force.slug}", first_name="Zebedee", last_name="Two")
    factories.LiaisonMembershipFactory(user=user, force=force)
    return user


def _public_urls(world) -> list[str]:
    inspection, finding, force = world["inspection"], world["finding"], world["force"]
    f = reference_slug(finding.reference)
    return [
        reverse("register:home"),
        reverse("register:search"),
        reverse("register:search") + "?q=vet",
        reverse("register:search") + f"?theme={world['theme'].slug}",
        reverse("register:search") + "?status=being_progressed",
        reverse("register:force_list"),
        reverse("register:force_detail", kwargs={"slug": force.slug}),
        reverse("register:force_detail", kwargs={"slug": world["other_force"].slug}),
        reverse("register:inspection_list"),
        reverse("register:inspection_detail", kwargs={"slug": inspection.slug}),
        reverse("register:finding_detail", kwargs={"slug": inspection.slug, "finding": f}),
        reverse("register:item_detail", kwargs={"slug": inspection.slug, "finding": f, "force": force.slug}),
        reverse(
            "register:item_detail", kwargs={"slug": inspection.slug, "finding": f, "force": world["other_force"].slug}
        ),
        reverse("register:theme_list"),
        reverse("register:implementation"),
        reverse("register:implementation") + "?by=theme",
        reverse("register:implementation") + "?by=force",
        reverse("register:open_data"),
        reverse("register:register_download", kwargs={"fmt": "csv"}),
        reverse("register:register_download", kwargs={"fmt": "json"}),
        reverse("register:trail_download", kwargs={"fmt": "csv"}),
        reverse("register:trail_download", kwargs={"fmt": "json"}),
        reverse("register:feed"),
        reverse("register:force_feed", kwargs={"slug": force.slug}),
        reverse("register:force_feed", kwargs={"slug": world["other_force"].slug}),
        reverse("register:theme_feed", kwargs={"slug": world["theme"].slug}),
        reverse("register:sitemap"),
        reverse("register:sitemap_section", kwargs={"section": "items"}),
        reverse("register:sitemap_section", kwargs={"section": "inspections"}),
        reverse("register:sitemap_section", kwargs={"section": "findings"}),
        "/robots.txt",
    ]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_no_public_page_file_or_feed_shows_private_data(client, register_world):
    bodies = {}
    for url in _public_urls(register_world):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = _body(response)
    for url, body in bodies.items():
        for kind, secret in SECRETS.items():
            assert secret not in body, f"{kind} ({secret}) appears in {url}"
    # The pages are about something: the published finding and the comment the inspectorate chose to publish.
    item_page = bodies[_public_urls(register_world)[11]]
    assert "The force should vet everyone." in item_page and PUBLIC_COMMENT in item_page
    assert PUBLIC_COMMENT in bodies[reverse("register:feed")]
    assert PUBLIC_COMMENT in bodies[reverse("register:trail_download", kwargs={"fmt": "csv"})]


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_an_unverified_claim_shows_as_being_progressed(client, register_world):
    world = register_world
    world["claimed"].refresh_from_db()
    assert world["claimed"].status == "submitted"
    f = reference_slug(world["finding"].reference)
    body = _body(
        client.get(
            reverse(
                "register:item_detail",
                kwargs={"slug": world["inspection"].slug, "finding": f, "force": world["other_force"].slug},
            )
        )
    )
    assert "Being progressed" in body
    assert "ubmitted" not in body


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_embargoed_and_planned_inspections_answer_404(client, register_world):
    for reference in (SECRETS["embargoed reference"], "PLANNED-1"):
        slug = reference.lower()
        assert client.get(reverse("register:inspection_detail", kwargs={"slug": slug})).status_code == 404
