import datetime as dt

import factory
from django.utils.text import slugify

from accounts.models import User
from forces.models import Force, Governance, GoverningBody, LiaisonMembership
from inspections.models import (
    ExtensionRequest,
    Finding,
    FollowUpReview,
    Inspection,
    ItemEvent,
    Judgement,
    Programme,
    ProgressUpdate,
    ReportReply,
    TrackedItem,
)

TEST_PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save()


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test Force {n}")
    slug = factory.LazyAttribute(lambda f: slugify(f.name))
    kind = Force.Kind.POLICE
    region = "North East"
    country = "England"


class GoverningBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoverningBody
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Police and Crime Commissioner for Testshire {n}")
    kind = GoverningBody.Kind.PCC


class GovernanceFactory(factory.django.DjangoModelFactory):
    """The body governing an organisation, since before the tracker's records."""

    class Meta:
        model = Governance

    organisation = factory.SubFactory(ForceFactory)
    body = factory.SubFactory(GoverningBodyFactory)
    starts_on = None
    ends_on = None
    source_url = "https://www.legislation.gov.uk/ukpga/2011/13"


class LiaisonMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonMembership

    user = factory.SubFactory(UserFactory)
    force = factory.SubFactory(ForceFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    slug = "peel"
    name = "PEEL"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Inspection number {n}")
    reference = factory.Sequence(lambda n: f"INSP-{n}")
    fieldwork_start = dt.date(2025, 1, 6)
    fieldwork_end = dt.date(2025, 1, 17)
    published_on = dt.date(2025, 5, 1)
    lead_inspector = "Lead Inspector"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    category = Finding.Category.RECOMMENDATION
    reference = factory.Sequence(lambda n: f"R{n}")
    text = "Within six months, the force should make sure that every missing child is risk assessed."
    target_date = dt.date(2026, 3, 31)


class TrackedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedItem

    finding = factory.SubFactory(FindingFactory)
    force = factory.SubFactory(ForceFactory)
    original_target_date = factory.LazyAttribute(lambda i: i.finding.target_date)
    current_target_date = factory.LazyAttribute(lambda i: i.finding.target_date)
    # Tracked since the report was published (as the demo's items are): lateness is the tracker's own.
    entered_on = factory.LazyAttribute(lambda i: i.finding.inspection.published_on or dt.date(2025, 1, 1))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    item = factory.SubFactory(TrackedItemFactory)
    author = factory.SubFactory(UserFactory)
    narrative = "Training delivered to 640 of 910 frontline officers."


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    item = factory.SubFactory(TrackedItemFactory)
    requested_by = factory.SubFactory(UserFactory)
    previous_target_date = factory.LazyAttribute(lambda e: e.item.current_target_date)
    requested_date = factory.LazyAttribute(lambda e: e.item.current_target_date + dt.timedelta(days=90))
    reason = "The new case management system goes live later than planned."


class FollowUpReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpReview

    inspection = factory.SubFactory(InspectionFactory)
    review_date = dt.date(2026, 1, 15)
    reviewer = factory.SubFactory(UserFactory)
    conclusion = "Slow progress."


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    review = factory.SubFactory(FollowUpReviewFactory)
    item = factory.SubFactory(TrackedItemFactory)
    progress = Judgement.Progress.REASONABLE


class ItemEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemEvent

    item = factory.SubFactory(TrackedItemFactory)
    kind = ItemEvent.Kind.UPDATE
    at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC))


class ReportReplyFactory(factory.django.DjangoModelFactory):
    """What the force's governing body published on the report (comments or an action plan)."""

    class Meta:
        model = ReportReply

    inspection = factory.SubFactory(InspectionFactory)
    force = factory.SubFactory(ForceFactory)
    kind = factory.LazyAttribute(
        lambda r: ReportReply.Kind.ACTION_PLAN if r.force.kind == Force.Kind.FIRE else ReportReply.Kind.COMMENTS
    )
    body_name = "Police and Crime Commissioner for Testshire"
    published_on = factory.LazyAttribute(lambda r: r.inspection.published_on + dt.timedelta(days=40))
    url = "https://www.example.gov.uk/comments-on-the-report"
    recorded_by = factory.SubFactory(UserFactory)
