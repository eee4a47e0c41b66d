"""The demo data: real organisations, realistic inspections, findings and each force's progress.

Deterministic (a seeded random generator) and relative to the day it is loaded, so that there is
always something overdue, something due soon and something awaiting verification."""

import base64
import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from forces.models import Force, LiaisonMembership
from forces.selectors import governing_body_on
from forces.services import register_load
from inspections import rules
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
    Theme,
    TrackedItem,
)
from inspections.signals import counted_data_changed

DEMO_PASSWORD = "Tracker-demo-2026"  # noqa: S105 (published in the README: demo only)
# Every demo user's authenticator app has this secret (base32), published in the README so that a
# newcomer can add it to an app, or run `manage.py demo_code`, and sign in. Demo only.
DEMO_TOTP_SECRET = "TRACKERDEMOSECRETTRACKERDEMO2345"  # noqa: S105
MARKER_REFERENCE = "NCPI-2017-CLE"

DEMO_USERS = [
    # username, first, last, role, forces
    ("staff", "Priya", "Shah", Role.STAFF, []),
    ("manager", "Margaret", "Okafor", Role.MANAGER, []),
    ("liaison", "Daniel", "Hughes", Role.LIAISON, ["Cleveland Police"]),
    (
        "liaison.fire",
        "Sian",
        "Roberts",
        Role.LIAISON,
        ["Cleveland Fire Brigade", "County Durham and Darlington Fire and Rescue Service"],
    ),
    ("liaison.npcc", "Aisha", "Rahman", Role.LIAISON, ["National Police Chiefs' Council"]),
]

C, R, A = (
    Finding.Category.CAUSE_OF_CONCERN,
    Finding.Category.RECOMMENDATION,
    Finding.Category.AREA_FOR_IMPROVEMENT,
)


@dataclass
class Spec:
    reference: str
    programme: str
    title: str
    published: dt.date
    forces: str | list[str]  # "police", "fire" or a list of names
    findings: list[tuple]  # (category, reference, text, months to target or None, answers CoC ref)
    summary: str = ""
    lead: str = ""
    follows_up: str | None = None
    fieldwork_weeks: int = 2
    # Findings addressed to national bodies, alone or beside the spec's forces:
    # (category, reference, text, target, answers CoC ref, body names, and the spec's forces too?)
    national_findings: list[tuple] = field(default_factory=list)


CLEVELAND_NCPI = Spec(
    reference=MARKER_REFERENCE,
    programme="ncpi",
    title="Cleveland Police – National child protection inspection",
    published=dt.date(2017, 5, 23),
    forces=["Cleveland Police"],
    lead="Phil Gormley",
    summary=(
        "Poor supervision and record-keeping had undermined decision-making and safeguarding "
        "measures in a significant number of cases. The force must send an action plan within six "
        "weeks of publication."
    ),
    findings=[
        (
            C,
            "CoC1",
            "The force does not consistently identify and respond to the risks faced by children who go missing from home or care.",
            None,
            None,
        ),
        (
            R,
            "R1",
            "Within three months, the force should review its approach to missing children so that every incident is risk assessed, supervised and recorded, and that return home interviews inform safeguarding plans.",
            3,
            "CoC1",
        ),
        (
            R,
            "R2",
            "Within six months, the force should ensure that officers responding to missing children incidents follow its new guidance, and audit a sample of cases to show that they do.",
            6,
            "CoC1",
        ),
        (
            C,
            "CoC2",
            "Supervision and record-keeping in child protection cases are poor, which undermines decision-making and safeguarding.",
            None,
            None,
        ),
        (
            R,
            "R3",
            "Within six months, the force should ensure that supervisors review every child protection investigation at set intervals and record the rationale for their decisions.",
            6,
            "CoC2",
        ),
        (
            R,
            "R4",
            "Within six months, the force should ensure that children in custody are detained only when necessary, and that the local authority is asked to provide alternative accommodation in every case.",
            6,
            "CoC2",
        ),
        (
            R,
            "R5",
            "Within twelve months, the force should evaluate its domestic abuse triage system so that cases involving children are not delayed.",
            12,
            "CoC2",
        ),
        (
            R,
            "R6",
            "Within twelve months, the force should ensure that its frontline training on child protection improves operational delivery, and measure whether it does.",
            12,
            None,
        ),
        (
            A,
            "AFI1",
            "The force should make sure that the voices of children affected by domestic abuse are recorded and taken into account.",
            None,
            None,
        ),
    ],
)

CLEVELAND_REVIEW = Spec(
    reference="NCPI-PIR-2018-CLE",
    programme="post-inspection-review",
    title="Cleveland Police – National child protection inspection post-inspection review",
    published=dt.date(2018, 9, 18),
    forces=["Cleveland Police"],
    lead="Phil Gormley",
    follows_up=MARKER_REFERENCE,
    summary=(
        "The force has taken positive steps, but its good work has not yet translated into better "
        "outcomes for children. In eight missing children cases the response was inadequate; a new "
        "domestic abuse triage system produced a backlog of nearly 500 cases in its first three weeks."
    ),
    findings=[
        (
            R,
            "R1",
            "Within three months, the force should put right the inadequate response found in missing children cases and show, by audit, that its new guidance is followed.",
            3,
            None,
        ),
        (
            R,
            "R2",
            "Within six months, the force should clear the backlog in its domestic abuse triage and make sure that cases involving children are prioritised.",
            6,
            None,
        ),
    ],
)

THEMATIC_POLICE = Spec(
    reference="THEM-2024-AI",
    programme="thematic",
    title="An inspection into activism and impartiality in policing",
    published=dt.date(2024, 9, 12),
    forces="police",
    lead="Andy Cooke",
    summary="How forces maintain impartiality while engaging with groups and causes.",
    findings=[
        (
            R,
            "R1",
            "By 31 March 2025, all chief constables should satisfy themselves that their force's social media policies make clear what personal use is compatible with the impartiality expected of officers and staff.",
            dt.date(2025, 3, 31),
            None,
        ),
        (
            R,
            "R2",
            "By 30 June 2025, all chief constables should review the force's staff networks and support associations so that their activities are consistent with the force's duty of impartiality.",
            dt.date(2025, 6, 30),
            None,
        ),
        (
            R,
            "R3",
            "By 30 September 2025, all chief constables should ensure that training on impartiality is given to every officer and member of staff, and that completion is recorded.",
            dt.date(2025, 9, 30),
            None,
        ),
        (
            R,
            "R4",
            "By 31 December 2025, all chief constables should publish how the force decides whether to take part in events organised by campaigning groups.",
            dt.date(2025, 12, 31),
            None,
        ),
        (
            R,
            "R5",
            "By 31 March 2026, all chief constables should establish a process for reviewing complaints that the force has acted partially, and learning from them.",
            dt.date(2026, 3, 31),
            None,
        ),
    ],
)

THEMATIC_VAWG = Spec(
    reference="THEM-2021-VAWG",
    programme="thematic",
    title="Police response to violence against women and girls",
    published=dt.date(2021, 9, 17),
    forces="police",
    lead="Zoë Billingham",
    summary="The police response to violence against women and girls must be an absolute priority.",
    findings=[
        (
            R,
            "R1",
            "Immediately, all chief constables should make the relentless pursuit and disruption of adult perpetrators a national priority for the police.",
            dt.date(2022, 3, 31),
            None,
        ),
        (
            R,
            "R2",
            "By 31 March 2022, all chief constables should ensure that victims receive a consistent and high standard of support, and that their views are recorded.",
            dt.date(2022, 3, 31),
            None,
        ),
        (
            R,
            "R3",
            "By 30 September 2022, all chief constables should make sure that domestic abuse risk assessments are completed for every incident and reviewed by a supervisor.",
            dt.date(2022, 9, 30),
            None,
        ),
        (
            R,
            "R4",
            "By 31 March 2023, all chief constables should ensure that specialist teams have the capacity to investigate rape and serious sexual offences promptly.",
            dt.date(2023, 3, 31),
            None,
        ),
    ],
)

THEMATIC_VETTING = Spec(
    reference="THEM-2022-VET",
    programme="thematic",
    title="An inspection of vetting, misconduct, and misogyny in the police service",
    published=dt.date(2022, 11, 2),
    forces="police",
    lead="Matt Parr",
    summary="Forces too often vetted officers and staff who should not have been allowed to join.",
    findings=[
        (
            R,
            "R1",
            "By 31 May 2023, chief constables should make sure that their force's vetting decisions, and the rationale for them, are recorded on the vetting management system.",
            dt.date(2023, 5, 31),
            None,
        ),
        (
            R,
            "R2",
            "By 31 October 2023, chief constables should review the vetting of every officer and member of staff against the Police National Database.",
            dt.date(2023, 10, 31),
            None,
        ),
        (
            R,
            "R3",
            "By 30 April 2024, chief constables should make sure that their professional standards departments have enough trained investigators to deal with misconduct promptly.",
            dt.date(2024, 4, 30),
            None,
        ),
        (
            R,
            "R4",
            "By 31 October 2024, chief constables should make sure that allegations of misogynistic and predatory behaviour are investigated by the professional standards department.",
            dt.date(2024, 10, 31),
            None,
        ),
        (
            A,
            "AFI1",
            "Forces should improve how they use intelligence to identify officers and staff who abuse their position for a sexual purpose.",
            dt.date(2025, 6, 30),
            None,
        ),
        (
            R,
            "R5",
            "By 15 December 2026, chief constables should make sure that re-vetting is carried out whenever an officer or member of staff changes role to one that needs a higher level of clearance.",
            dt.date(2026, 12, 15),
            None,
        ),
        (
            R,
            "R6",
            "By 31 March 2027, chief constables should introduce a process for the regular review of social media use by officers and staff in vetted posts.",
            dt.date(2027, 3, 31),
            None,
        ),
    ],
    national_findings=[
        (
            R,
            "R7",
            "By 30 April 2023, the College of Policing should amend the vetting authorised professional practice so that forces record the rationale for every vetting decision.",
            dt.date(2023, 4, 30),
            None,
            ["College of Policing"],
            False,
        ),
        (
            R,
            "R8",
            "By 31 October 2023, the National Police Chiefs' Council and all chief constables should agree a national approach to re-vetting officers and staff after a misconduct finding.",
            dt.date(2023, 10, 31),
            None,
            ["National Police Chiefs' Council"],
            True,
        ),
        (
            R,
            "R9",
            "By 31 March 2027, the Home Office and the National Police Chiefs' Council should give forces a lawful way to check the social media of applicants in vetted posts.",
            dt.date(2027, 3, 31),
            None,
            ["Home Office", "National Police Chiefs' Council"],
            False,
        ),
    ],
)

FIRE_THEMATIC = Spec(
    reference="FRS-2023-VALUES",
    programme="fire-and-rescue",
    title="Values and culture in fire and rescue services",
    published=dt.date(2023, 3, 30),
    forces="fire",
    lead="Roy Wilsher",
    summary="Bullying, harassment and discrimination were found in many services.",
    findings=[
        (
            R,
            "R1",
            "By 1 June 2023, chief fire officers should review their services' implementation of the Core Code of Ethics and make sure it is being applied across all areas of their services.",
            dt.date(2023, 6, 1),
            None,
        ),
        (
            R,
            "R2",
            "By 1 October 2023, chief fire officers should make sure their services have an effective confidential reporting line so that staff can raise concerns without fear.",
            dt.date(2023, 10, 1),
            None,
        ),
        (
            R,
            "R3",
            "By 1 March 2024, chief fire officers should make sure that background checks are carried out for all new and existing staff in line with the Fire Standards Board's guidance.",
            dt.date(2024, 3, 1),
            None,
        ),
        (
            A,
            "AFI1",
            "The service should make sure its firefighters and fire control staff have good access to relevant and up-to-date risk information.",
            dt.date(2026, 12, 31),
            None,
        ),
    ],
    national_findings=[
        (
            R,
            "R4",
            "By 1 October 2023, National Employers, the Local Government Association and the National Fire Chiefs Council should review the process for handling complaints and grievances in fire and rescue services.",
            dt.date(2023, 10, 1),
            None,
            ["National Employers", "Local Government Association", "National Fire Chiefs Council"],
            False,
        ),
        (
            R,
            "R5",
            "By 1 March 2024, all fire and rescue services and the National Fire Chiefs Council should make sure that staff have access to an independent reporting line.",
            dt.date(2024, 3, 1),
            None,
            ["National Fire Chiefs Council"],
            True,
        ),
    ],
)

PEEL_FORCES = [
    ("Metropolitan Police Service", dt.date(2022, 6, 27)),
    ("Greater Manchester Police", dt.date(2023, 2, 14)),
    ("Gloucestershire Constabulary", dt.date(2023, 10, 20)),
    ("Staffordshire Police", dt.date(2024, 3, 8)),
    ("Wiltshire Police", dt.date(2024, 11, 22)),
    ("Cleveland Police", dt.date(2025, 5, 15)),
    ("Kent Police", dt.date(2025, 10, 3)),
    ("South Wales Police", dt.date(2026, 4, 17)),
    ("Lancashire Constabulary", dt.date(2026, 9, 25)),
]
PEEL_FINDINGS = [
    (
        C,
        "CoC1",
        "The force does not answer emergency and non-emergency calls quickly enough, and it does not always assess the risk to callers properly.",
        None,
        None,
    ),
    (
        R,
        "R1",
        "Within six months, the force should make sure that it answers emergency calls within ten seconds and that repeat and vulnerable callers are identified.",
        6,
        "CoC1",
    ),
    (
        R,
        "R2",
        "Within six months, the force should make sure that its response to incidents is prioritised by risk and that attendance times are monitored.",
        6,
        "CoC1",
    ),
    (
        A,
        "AFI1",
        "The force should make sure that it records crime accurately, including crimes of violence reported as part of incidents.",
        12,
        None,
    ),
    (
        A,
        "AFI2",
        "The force should improve how it manages registered sex offenders, including the timeliness of home visits.",
        12,
        None,
    ),
    (
        A,
        "AFI3",
        "The force should make sure that it understands the wellbeing needs of its workforce and has plans to meet them.",
        18,
        None,
    ),
    (
        A,
        "AFI4",
        "The force should make sure that suspects released under investigation are managed and that victims are kept informed.",
        9,
        None,
    ),
]

OTHER_SPECS = [
    Spec(
        reference="CDI-2019-DUR",
        programme="crime-data-integrity",
        title="Durham Constabulary – Crime data integrity inspection",
        published=dt.date(2019, 8, 2),
        forces=["Durham Constabulary"],
        lead="Matt Parr",
        findings=[
            (C, "CoC1", "The force is not recording as many as one in ten reports of violent crime.", None, None),
            (
                R,
                "R1",
                "Within three months, the force should put in place an action plan to improve its crime recording of violent and sexual offences.",
                3,
                "CoC1",
            ),
            (
                R,
                "R2",
                "Within six months, the force should train officers in the Home Office Counting Rules for reports of modern slavery.",
                6,
                "CoC1",
            ),
        ],
    ),
    Spec(
        reference="JTAI-2020-NOTTS",
        programme="jtai",
        title="Joint targeted area inspection of the multi-agency response to children's mental health in Nottinghamshire",
        published=dt.date(2020, 2, 11),
        forces=["Nottinghamshire Police"],
        lead="Wendy Williams",
        findings=[
            (
                R,
                "R1",
                "Within six months, the force should make sure that officers share information about children at risk with partner agencies promptly.",
                6,
                None,
            ),
            (A, "AFI1", "The force should improve the quality of its referrals to children's social care.", 9, None),
        ],
    ),
    Spec(
        reference="FRS-2022-LFB",
        programme="fire-and-rescue",
        title="London Fire Brigade – Effectiveness, efficiency and people",
        published=dt.date(2022, 7, 27),
        forces=["London Fire Brigade"],
        lead="Matt Parr",
        findings=[
            (
                C,
                "CoC1",
                "The brigade does not have an effective system for identifying and managing the risk of fire in high-rise buildings.",
                None,
                None,
            ),
            (
                R,
                "R1",
                "By 31 January 2023, the brigade should make sure that its risk information for high-rise buildings is accurate and accessible to crews.",
                dt.date(2023, 1, 31),
                "CoC1",
            ),
            (
                A,
                "AFI1",
                "The brigade should make sure its firefighters and fire control staff have good access to relevant and up-to-date risk information.",
                12,
                None,
            ),
            (
                A,
                "AFI2",
                "The brigade should improve how it promotes a culture of fairness and challenges inappropriate behaviour.",
                12,
                None,
            ),
        ],
    ),
    Spec(
        reference="FRS-2025-DDFRS",
        programme="fire-and-rescue",
        title="County Durham and Darlington Fire and Rescue Service – Effectiveness, efficiency and people",
        published=dt.date(2025, 6, 19),
        forces=["County Durham and Darlington Fire and Rescue Service", "Cleveland Fire Brigade"],
        lead="Roy Wilsher",
        findings=[
            (
                A,
                "AFI1",
                "The service should make sure it has enough on-call firefighters available to keep its fire engines available.",
                12,
                None,
            ),
            (
                A,
                "AFI2",
                "The service should make sure its prevention work is targeted at those most at risk from fire.",
                12,
                None,
            ),
            (
                R,
                "R1",
                "Within six months, the service should make sure that every protection inspection is completed to the timescales in its risk-based inspection programme.",
                6,
                None,
            ),
        ],
    ),
    Spec(
        reference="OTHER-2024-BTP",
        programme="thematic",
        title="British Transport Police – An inspection of the response to sexual offences on the railway",
        published=dt.date(2024, 1, 25),
        forces=["British Transport Police"],
        lead="Lee Freeman",
        findings=[
            (
                R,
                "R1",
                "By 30 September 2024, the force should make sure that every report of a sexual offence on the railway is investigated by a trained officer.",
                dt.date(2024, 9, 30),
                None,
            ),
            (
                R,
                "R2",
                "By 31 March 2025, the force should work with train operators to make CCTV footage available within 24 hours of a report.",
                dt.date(2025, 3, 31),
                None,
            ),
        ],
    ),
    Spec(
        reference="PLANNED-2027-NCA",
        programme="thematic",
        title="National Crime Agency – Inspection of serious and organised crime threat assessment",
        published=dt.date(2026, 11, 5),
        forces=["National Crime Agency"],
        lead="Lee Freeman",
        findings=[
            (
                R,
                "R1",
                "Within twelve months, the agency should make sure that its threat assessments are shared with regional organised crime units in a form they can act on.",
                12,
                None,
            ),
        ],
    ),
]

UPDATE_TEXTS = [
    "A task and finish group chaired by the deputy chief constable has been set up and meets fortnightly.",
    "The revised policy was approved by the chief officer group and published on the intranet; briefings to supervisors are under way.",
    "An audit of 60 cases found compliance of 78%; a further audit is planned for next quarter.",
    "Training has been delivered to 640 of 910 frontline officers. The remainder are scheduled by the end of the quarter.",
    "A new performance dashboard reports weekly to the force's strategic board.",
    "Recruitment to the specialist team is complete; the backlog has reduced from 480 to 96 cases.",
]
CLAIM_TEXT = "All actions in the plan are complete. The attached audit and policy show the recommendation is met."
REASONS_NOT_ACCEPTED = "The force's existing arrangements already meet the intent of this recommendation, as set out in the attached assessment."


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _forces_for(spec: Spec, by_kind: dict[str, list[Force]], by_name: dict[str, Force]) -> list[Force]:
    if spec.forces == "police":
        return by_kind["police"]
    if spec.forces == "fire":
        return by_kind["fire"]
    return [by_name[name] for name in spec.forces]


def _users() -> dict[str, User]:
    users = {}
    for username, first, last, role, force_names in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.gov.uk"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
        for name in force_names:
            LiaisonMembership.objects.get_or_create(user=user, force=Force.objects.get(name=name))
        _demo_authenticator(user)
        users[username] = user
    return users


def demo_totp_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def _demo_authenticator(user: User) -> None:
    """The demo user's authenticator app, set up with the published demo secret."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Authenticator app", key=demo_totp_key_hex(), confirmed=True)


def _review_overdue(*, today: dt.date, users: dict[str, User]) -> None:
    """The manager has reviewed Cleveland Police's three most overdue items: one escalated."""
    from oversight.selectors import review_queue
    from oversight.services import overdue_reviews_record

    worst = list(review_queue(user=users["manager"], today=today).filter(force__name="Cleveland Police")[:3])
    decisions = [
        ("escalate_chief", "Slow progress since 2017: write to the chief constable before the next PPOG."),
        ("chase", "Asked the force for its revised plan by the end of the month."),
        ("raise_at_meeting", "Raise at the next monitoring meeting with the force."),
    ]
    for item, (decision, note) in zip(worst, decisions, strict=False):
        overdue_reviews_record(
            items=[item],
            reviewer=users["manager"],
            decision=decision,
            note=note,
            next_review_on=today + dt.timedelta(days=30),
            today=today,
        )


def demo_load_refusal(*, embedded: bool) -> str | None:
    """Why the demo must not go into this database, or None when it may: the embedded SQLite
    database, an empty database, or one that holds the demo already. Anywhere else the demo's users,
    whose password is published, would open real data (and its staff member would become the
    lead for every force without one)."""
    if embedded or Inspection.objects.filter(reference=MARKER_REFERENCE).exists():
        return None
    users = User.objects.count()
    inspections = Inspection.objects.count()
    if not users and not inspections:
        return None
    return (
        f"this database holds {users} user{'s' if users != 1 else ''} and {inspections} "
        f"inspection{'s' if inspections != 1 else ''} and is not the demo's. The demo's users share a "
        "published password: anyone could sign in to it."
    )


@dataclass
class DemoResult:
    created: bool
    inspections: int
    items: int
    users: int


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> DemoResult:
    """Load the demo data once. A second run leaves everything as it is (same counts)."""
    today = today or timezone.localdate()
    register_load()
    users = _users()
    # The demo staff member leads on every force, so escalations have someone to tell.
    Force.objects.filter(staff_lead__isnull=True).update(staff_lead=users["staff"])
    created = not Inspection.objects.filter(reference=MARKER_REFERENCE).exists()
    if created:
        _load_inspections(today=today, users=users)
        _review_overdue(today=today, users=users)
        _governing_bodies_reply(today=today, users=users)
        _next_review_dates(today=today)
        counted_data_changed(force_ids=None)
    return DemoResult(
        created=created,
        inspections=Inspection.objects.count(),
        items=TrackedItem.objects.count(),
        users=len(users),
    )


def _load_inspections(*, today: dt.date, users: dict[str, User]) -> None:
    rng = random.Random(2017)
    active = Force.objects.filter(active_until__isnull=True)
    by_kind = {
        "police": [f for f in active if f.kind == Force.Kind.POLICE],
        "fire": [f for f in active if f.kind == Force.Kind.FIRE],
    }
    by_name = {f.name: f for f in Force.objects.all()}
    programmes = {p.slug: p for p in Programme.objects.all()}
    specs = [
        CLEVELAND_NCPI,
        CLEVELAND_REVIEW,
        THEMATIC_VAWG,
        THEMATIC_VETTING,
        THEMATIC_POLICE,
        FIRE_THEMATIC,
        *OTHER_SPECS,
    ]
    for name, published in PEEL_FORCES:
        short = "".join(word[0] for word in name.split() if word[0].isupper())
        specs.append(
            Spec(
                reference=f"PEEL-{published.year}-{short}",
                programme="peel",
                title=f"PEEL {published.year - 1}–{str(published.year)[2:]}: an inspection of {name}",
                published=published,
                forces=[name],
                lead="Michelle Skeer",
                findings=PEEL_FINDINGS,
            )
        )
    # A planned inspection: fieldwork booked, nothing published yet.
    planned = Inspection.objects.create(
        programme=programmes["peel"],
        title="PEEL 2026–27: an inspection of Northumbria Police",
        reference="PEEL-2027-NP",
        fieldwork_start=add_months(today, 2),
        fieldwork_end=add_months(today, 2) + dt.timedelta(days=11),
        lead_inspector="Michelle Skeer",
        summary="Planned.",
    )
    planned.forces.add(by_name["Northumbria Police"])

    # Two recent police reports, dated from the day the demo is loaded: one whose local policing
    # body's comments are late (day 71), one whose comments are not yet due (day 21).
    for reference, name, days_ago, title in (
        ("CUST-LATE-CLE", "Cleveland Police", 70, "Cleveland Police – Inspection of police custody"),
        ("CUST-RECENT-DUR", "Durham Constabulary", 20, "Durham Constabulary – Inspection of police custody"),
    ):
        specs.append(
            Spec(
                reference=reference,
                programme="thematic",
                title=title,
                published=today - dt.timedelta(days=days_ago),
                forces=[name],
                lead="Wendy Williams",
                summary="Detainees were treated with respect, but the force did not always record the reasons for strip searches.",
                findings=[
                    (
                        R,
                        "R1",
                        "Within six months, the force should make sure that the reason for every strip search is recorded and reviewed by a supervisor.",
                        6,
                        None,
                    ),
                    (
                        A,
                        "AFI1",
                        "The force should make sure that detainees are offered a solicitor as soon as they arrive in custody.",
                        None,
                        None,
                    ),
                ],
            )
        )
    inspections: dict[str, Inspection] = {}
    for spec in specs:
        if spec.published > today:
            continue
        forces = _forces_for(spec, by_kind, by_name)
        inspection = Inspection.objects.create(
            programme=programmes[spec.programme],
            title=spec.title,
            reference=spec.reference,
            fieldwork_start=spec.published - dt.timedelta(weeks=16),
            fieldwork_end=spec.published - dt.timedelta(weeks=16 - spec.fieldwork_weeks),
            published_on=spec.published,
            report_url=f"https://inspectorate.example/reports/{spec.reference.lower()}",
            lead_inspector=spec.lead,
            summary=spec.summary,
            follows_up=inspections.get(spec.follows_up) if spec.follows_up else None,
            # The inspectorate asks each fire and rescue authority for its action plan in six months.
            authority_plan_due_on=add_months(spec.published, 6) if spec.forces == "fire" else None,
        )
        inspection.forces.set(forces)
        inspections[spec.reference] = inspection
        findings: dict[str, Finding] = {}
        for position, (category, reference, text, target, answers) in enumerate(spec.findings):
            if isinstance(target, int):
                target = add_months(spec.published, target)
            finding = Finding.objects.create(
                inspection=inspection,
                category=category,
                reference=reference,
                text=text,
                cause_of_concern=findings.get(answers) if answers else None,
                target_date=target,
                position=position,
                accelerated=category == C and spec.programme == "peel" and spec.published.year >= 2025,
                action_plan_due_on=(
                    spec.published + dt.timedelta(weeks=6)
                    if spec.programme == "ncpi" and category == C
                    else spec.published + dt.timedelta(days=28)
                    if category == C and spec.programme == "peel" and spec.published.year >= 2025
                    else None
                ),
            )
            findings[reference] = finding
            for force in forces:
                _track(finding=finding, force=force, today=today, rng=rng, users=users)
        for position, (category, reference, text, target, answers, bodies, with_forces) in enumerate(
            spec.national_findings, start=len(spec.findings)
        ):
            finding = Finding.objects.create(
                inspection=inspection,
                category=category,
                reference=reference,
                text=text,
                cause_of_concern=findings.get(answers) if answers else None,
                target_date=target,
                position=position,
            )
            for force in [*(forces if with_forces else []), *(by_name[name] for name in bodies)]:
                _track(finding=finding, force=force, today=today, rng=rng, users=users)
    _review_cleveland(inspections=inspections, users=users)
    _supersede_and_withdraw(inspections=inspections, users=users)
    _tag_themes()


# Demo findings are filed under a theme when their text uses one of its words.
THEME_WORDS = {
    "vetting": ("vetting", "vetted", "corruption", "misconduct", "professional standards"),
    "child-protection": ("child", "children", "missing", "exploitation"),
    "custody": ("custody", "detain"),
    "vawg": ("domestic abuse", "violence against women", "stalking", "sexual", "rape"),
    "crime-recording": ("recording", "crime data", "record crime", "records"),
    "leadership-and-culture": ("leader", "culture", "wellbeing", "workforce", "supervis"),
    "protection": ("protection", "fire safety", "risk-based inspection", "premises"),
    "response": ("response", "999", "emergency", "calls", "attend"),
}
PUBLIC_COMMENTS_COMPLETE = (
    "We have reviewed the force's evidence and are satisfied that this recommendation has been met.",
    "Complete: we saw the new process working during our revisit.",
    "We are satisfied this has been done. We will check it remains in place at our next inspection.",
)


def _tag_themes() -> None:
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    through = Finding.themes.through
    links = []
    for finding_id, text in Finding.objects.values_list("id", "text"):
        lowered = text.lower()
        for slug, words in THEME_WORDS.items():
            if slug in themes and any(word in lowered for word in words):
                links.append(through(finding_id=finding_id, theme_id=themes[slug].pk))
    through.objects.bulk_create(links, ignore_conflicts=True)


def _close_as(
    item: TrackedItem,
    *,
    status: str,
    day: dt.date,
    staff: User,
    note: str,
    successor: TrackedItem | None = None,
    public_comment: str = "",
) -> None:
    ItemEvent.objects.create(
        item=item,
        kind=ItemEvent.Kind.CLOSED,
        at=at(day, 12),
        actor=staff,
        from_status=item.status,
        to_status=status,
        note=note,
        public_comment=public_comment,
    )
    item.status = status
    item.closed_on = day
    item.closed_by = staff
    item.closing_note = note
    item.submitted_on = None
    item.superseded_by = successor
    item.save()


def _supersede_and_withdraw(*, inspections: dict[str, Inspection], users: dict[str, User]) -> None:
    """The review's recommendations replace two of the 2017 ones; one national recommendation is
    withdrawn for some forces when a national framework took its place."""
    review = inspections.get(CLEVELAND_REVIEW.reference)
    if review is not None:
        for ref in ("R1", "R2"):
            old = TrackedItem.objects.get(finding__inspection__reference=MARKER_REFERENCE, finding__reference=ref)
            new = TrackedItem.objects.get(finding__inspection=review, finding__reference=ref)
            _close_as(
                old,
                status=TrackedItem.Status.SUPERSEDED,
                day=review.published_on,
                staff=users["staff"],
                note=f"Replaced by recommendation {ref} of the post-inspection review.",
                successor=new,
                public_comment=f"Replaced by recommendation {ref} of our post-inspection review of the force.",
            )
    vawg = inspections.get(THEMATIC_VAWG.reference)
    if vawg is not None:
        for item in (
            TrackedItem.objects.filter(finding__inspection=vawg, finding__reference="R1")
            .exclude(status__in=TrackedItem.CLOSED_STATUSES)
            .order_by("force__name")[:4]
        ):
            _close_as(
                item,
                status=TrackedItem.Status.WITHDRAWN,
                day=dt.date(2023, 7, 20),
                staff=users["staff"],
                note="Withdrawn: the national violence against women and girls framework now sets this requirement.",
                public_comment="Withdrawn: the national framework for tackling violence against women and girls now sets this requirement for every force.",
            )


def _track(*, finding: Finding, force: Force, today: dt.date, rng: random.Random, users: dict[str, User]) -> None:
    published = finding.inspection.published_on
    target = finding.target_date
    # Tracked since the report was published: what is overdue in the demo became so under the tracker.
    item = TrackedItem(
        finding=finding, force=force, original_target_date=target, current_target_date=target, entered_on=published
    )
    staff = users["staff"]
    liaison = (
        users["liaison"]
        if force.name == "Cleveland Police"
        else users["liaison.fire"]
        if force.kind == Force.Kind.FIRE
        else users["liaison.npcc"]
        if force.name == "National Police Chiefs' Council"
        else staff
    )
    events: list[ItemEvent] = [ItemEvent(kind=ItemEvent.Kind.CREATED, at=at(published, 9), to_status="published")]
    age = (today - published).days
    response_day = published + dt.timedelta(days=rng.randint(20, 70))
    if response_day <= today and rng.random() < 0.93:
        roll = rng.random()
        if roll < 0.85:
            item.response = TrackedItem.Response.ACCEPTED
        elif roll < 0.95:
            item.response = TrackedItem.Response.PARTIALLY_ACCEPTED
            item.response_reason = "The force accepts the intent but will deliver through its existing improvement plan rather than a new policy."
        else:
            item.response = TrackedItem.Response.NOT_ACCEPTED
            item.response_reason = REASONS_NOT_ACCEPTED
        item.responded_on = response_day
        events.append(
            ItemEvent(
                kind=ItemEvent.Kind.RESPONSE, at=at(response_day, 11), actor=liaison, note=item.get_response_display()
            )
        )
    # How far along an item is grows with its age; some never finish.
    progress = min(1.0, age / 900) + rng.uniform(-0.3, 0.3)
    updates: list[tuple[dt.date, str, bool]] = []
    if item.responded_on and progress > 0.15:
        item.status = TrackedItem.Status.IN_PROGRESS
        started = item.responded_on + dt.timedelta(days=rng.randint(1, 30))
        events.append(
            ItemEvent(
                kind=ItemEvent.Kind.UPDATE,
                at=at(started, 14),
                actor=liaison,
                from_status="published",
                to_status="in_progress",
                note="Work started",
            )
        )
        for n in range(rng.randint(1, 3)):
            day = started + dt.timedelta(days=30 * (n + 1) + rng.randint(0, 20))
            if day < today:
                updates.append((day, rng.choice(UPDATE_TEXTS), False))
    if target and item.status == TrackedItem.Status.IN_PROGRESS and today > target and rng.random() < 0.22:
        # An approved extension: the current target moves, the original stays.
        asked = add_months(target, rng.choice([3, 6]))
        # Sometimes the inspectorate grants less time than asked for.
        new_target = add_months(target, 3) if asked > add_months(target, 3) and rng.random() < 0.4 else asked
        decided = target - dt.timedelta(days=rng.randint(3, 20))
        if decided > published:
            item.current_target_date = new_target
            item.extension_count = 1
            events.append(
                ItemEvent(
                    kind=ItemEvent.Kind.EXTENSION_APPROVED,
                    at=at(decided, 15),
                    actor=staff,
                    target_date=new_target,
                    note="More time agreed: the force's new case management system goes live later than planned."
                    if new_target == asked
                    else "Three months agreed rather than the six asked for: the remaining work is small.",
                )
            )
            item._extension = (target, asked, new_target, decided, liaison, staff)  # type: ignore[attr-defined]
    if item.status == TrackedItem.Status.IN_PROGRESS and progress > 0.7:
        claim_day = min(
            today - dt.timedelta(days=rng.randint(1, 60)),
            (item.current_target_date or today) + dt.timedelta(days=rng.randint(-60, 40)),
        )
        if claim_day > (item.responded_on or published):
            updates.append((claim_day, CLAIM_TEXT, True))
            item.status = TrackedItem.Status.SUBMITTED
            item.submitted_on = claim_day
            events.append(
                ItemEvent(
                    kind=ItemEvent.Kind.SUBMITTED,
                    at=at(claim_day, 16),
                    actor=liaison,
                    from_status="in_progress",
                    to_status="submitted",
                )
            )
            verify_day = claim_day + dt.timedelta(days=rng.randint(5, 70))
            if verify_day < today and progress > 0.85:
                item.status = TrackedItem.Status.COMPLETE
                item.submitted_on = claim_day
                item.closed_on = verify_day
                item.closed_by = staff
                item.closing_note = "Evidence reviewed and verified by the force liaison lead."
                events.append(
                    ItemEvent(
                        kind=ItemEvent.Kind.CLOSED,
                        at=at(verify_day, 12),
                        actor=staff,
                        from_status="submitted",
                        to_status="complete",
                        note=item.closing_note,
                        public_comment=rng.choice(PUBLIC_COMMENTS_COMPLETE) if rng.random() < 0.6 else "",
                    )
                )
    if item.is_open and item.response == TrackedItem.Response.NOT_ACCEPTED and age > 400 and rng.random() < 0.6:
        day = published + dt.timedelta(days=380)
        from_status = item.status
        item.submitted_on = None
        item.status = TrackedItem.Status.NOT_IMPLEMENTED
        item.closed_on = day
        item.closed_by = staff
        item.closing_note = "The force did not accept the recommendation; the inspectorate will re-examine this at the next PEEL inspection."
        events.append(
            ItemEvent(
                kind=ItemEvent.Kind.CLOSED,
                at=at(day, 12),
                actor=staff,
                from_status=from_status,
                to_status="not_implemented",
                note=item.closing_note,
                public_comment="The force did not accept this recommendation. We will look at this area again at our next inspection of the force.",
            )
        )
    if updates:
        item.last_update_at = at(max(day for day, _, _ in updates), 13)
    item.save()
    for event in events:
        event.item = item
        event.from_status = event.from_status or ""
    ItemEvent.objects.bulk_create(events)
    for day, text, claim in updates:
        update = ProgressUpdate.objects.create(item=item, author=liaison, narrative=text, is_closure_claim=claim)
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=at(day, 13))
        if not claim:
            ItemEvent.objects.create(item=item, kind=ItemEvent.Kind.UPDATE, at=at(day, 13), actor=liaison, note=text)
    extension = getattr(item, "_extension", None)
    if extension:
        previous, asked, new_target, decided, requester, decider = extension
        ExtensionRequest.objects.create(
            item=item,
            requested_by=requester,
            previous_target_date=previous,
            requested_date=asked,
            reason="The force's new case management system goes live later than planned.",
            decision=ExtensionRequest.Decision.APPROVED,
            decided_by=decider,
            decided_at=at(decided, 15),
            approved_date=new_target,
            decision_note="Agreed: the revised plan is credible."
            if new_target == asked
            else "Three months rather than six: the remaining work is small.",
        )


def _review_cleveland(*, inspections: dict[str, Inspection], users: dict[str, User]) -> None:
    """The post-inspection review of the 2017 NCPI, as the news release tells it."""
    ncpi = inspections.get(MARKER_REFERENCE)
    if ncpi is None:
        return
    review_report = inspections.get(CLEVELAND_REVIEW.reference)
    review = FollowUpReview.objects.create(
        inspection=ncpi,
        review_date=dt.date(2018, 6, 12),
        reviewer=users["staff"],
        report=review_report,
        conclusion=(
            "Slow progress. Where the force acted quickly there are real improvements: children in "
            "custody are treated better and the views of children affected by domestic abuse are "
            "taken on board. But in eight missing children cases the response was inadequate, and the "
            "new triage system produced a backlog of nearly 500 cases in its first three weeks."
        ),
    )
    judgements = {
        "R1": (
            Judgement.Progress.INSUFFICIENT,
            "New guidance introduced, but the response in eight missing children cases was inadequate.",
        ),
        "R2": (
            Judgement.Progress.INSUFFICIENT,
            "Too early to tell whether the new processes improve outcomes for children.",
        ),
        "R3": (Judgement.Progress.REASONABLE, "The force has introduced its own child protection case audits."),
        "R4": (Judgement.Progress.GOOD, "Children in custody are treated better."),
        "R5": (
            Judgement.Progress.NO_MEANINGFUL
            if hasattr(Judgement.Progress, "NO_MEANINGFUL")
            else Judgement.Progress.NONE,
            "The triage system built a backlog of nearly 500 cases in three weeks.",
        ),
        "R6": (
            Judgement.Progress.INSUFFICIENT,
            "Insufficient evidence that frontline training has improved operational delivery.",
        ),
        "AFI1": (Judgement.Progress.GOOD, "The force takes on board the views of children affected by domestic abuse."),
        "CoC1": (Judgement.Progress.INSUFFICIENT, ""),
        "CoC2": (Judgement.Progress.REASONABLE, ""),
    }
    for item in TrackedItem.objects.filter(finding__inspection=ncpi).select_related("finding"):
        progress, commentary = judgements[item.finding.reference]
        Judgement.objects.create(review=review, item=item, progress=progress, commentary=commentary)
        ItemEvent.objects.create(
            item=item,
            kind=ItemEvent.Kind.JUDGED,
            at=at(review.review_date, 17),
            actor=review.reviewer,
            note=f"{Judgement.Progress(progress).label}. {commentary}".strip(),
            public_comment=f"Our post-inspection review found {Judgement.Progress(progress).label.lower()}.",
        )
        TrackedItem.objects.filter(pk=item.pk).update(latest_progress=progress)


def _governing_bodies_reply(*, today: dt.date, users: dict[str, User]) -> None:
    """Most local policing bodies published their comments on the police reports within the 56
    days, and most fire and rescue authorities their action plans by the deadline; a few are
    late, so the clocks have something to show. Deterministic, like the rest."""
    rng = random.Random(55)
    pairs = (
        TrackedItem.objects.filter(force__kind__in=(Force.Kind.POLICE, Force.Kind.FIRE))
        .values_list("finding__inspection_id", "force_id")
        .distinct()
        .order_by("finding__inspection_id", "force_id")
    )
    inspections = Inspection.objects.in_bulk({inspection_id for inspection_id, _ in pairs})
    forces = Force.objects.in_bulk({force_id for _, force_id in pairs})
    replies = []
    for inspection_id, force_id in pairs:
        inspection, force = inspections[inspection_id], forces[force_id]
        if inspection.published_on is None or inspection.reference.startswith("CUST-"):
            continue  # the recent custody reports show a late and a pending clock
        late = force.name in ("Lancashire Constabulary", "Cleveland Fire Brigade", "Kent Police") or rng.random() < 0.08
        if late:
            continue
        due = rules.reply_due_on(
            kind=force.kind,
            published_on=inspection.published_on,
            authority_plan_due_on=inspection.authority_plan_due_on,
        ) or inspection.published_on + dt.timedelta(days=120)
        published = min(due - dt.timedelta(days=rng.randint(0, 20)), today)
        if published < inspection.published_on:
            continue
        body = governing_body_on(force=force, day=inspection.published_on)
        replies.append(
            ReportReply(
                inspection=inspection,
                force=force,
                kind=rules.reply_kind_for(kind=force.kind),
                body_name=body.name if body else "",
                published_on=published,
                url=f"https://governing-body.example/{force.slug}/{inspection.reference.lower()}",
                recorded_by=users["staff"],
            )
        )
    ReportReply.objects.bulk_create(replies)


def _next_review_dates(*, today: dt.date) -> None:
    """Undated findings (the causes of concern, some areas for improvement) are next reviewed by
    their programme's cycle after publication: the older ones are past it."""
    for item in TrackedItem.objects.filter(
        current_target_date__isnull=True, status__in=TrackedItem.OPEN_STATUSES
    ).select_related("finding__inspection__programme"):
        inspection = item.finding.inspection
        review_by = rules.review_by_default(
            start=inspection.published_on, review_months=inspection.programme.review_months
        )
        if review_by is not None:
            TrackedItem.objects.filter(pk=item.pk).update(review_by=review_by)
