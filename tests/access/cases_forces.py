import uuid

from forces.models import Force
from reporting.models import PaperJob
from tests.access.matrix import READ_OWN_FORCE, Case, expect


def _monitoring(world) -> dict:
    return {"staff_lead": world.users["staff"].pk, "monitoring_stage": "engage"}


# A paper the worker wrote for the staff user: only whoever asked for it sees it.
STAFF_PAPER = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


def _staff_paper(world) -> dict:
    PaperJob.objects.get_or_create(
        pk=STAFF_PAPER,
        defaults={
            "force": world.force,
            "requested_by": world.users["staff"],
            "item_count": 1,
            "written": 1,
            "state": "ready",
            "content": b"PK",
        },
    )
    return {"slug": world.force.slug, "pk": STAFF_PAPER}


def _paper_jobs(world) -> int:
    return PaperJob.objects.count()


def _force_state(world) -> tuple:
    return tuple(Force.objects.filter(pk=world.force.pk).values_list("staff_lead_id", "monitoring_stage").get())


CASES = [
    # Staff only; a liaison officer of another force does not learn the force's page exists here.
    Case(
        "forces:force_monitoring",
        kwargs=lambda w: {"slug": w.force.slug},
        expected=expect(own_liaison=403, manager=403),
    ),
    Case(
        "forces:force_monitoring",
        kwargs=lambda w: {"slug": w.force.slug},
        method="POST",
        data=_monitoring,
        snapshot=_force_state,
        expected=expect(own_liaison=403, staff=302, manager=403),
    ),
    # The committee paper: whoever reads the force's page produces it; another force's officer,
    # or a national body's, does not find it.
    Case("forces:force_committee_paper", kwargs=lambda w: {"slug": w.force.slug}, expected=READ_OWN_FORCE),
    Case(
        "forces:force_committee_paper",
        kwargs=lambda w: {"slug": w.other_force.slug},
        label="other force",
        expected=expect(own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    # Asking the worker for a large paper: the same people, each for themselves.
    Case(
        "forces:force_committee_paper",
        kwargs=lambda w: {"slug": w.force.slug},
        method="POST",
        snapshot=_paper_jobs,
        expected=expect(own_liaison=302, staff=302, manager=302),
    ),
    Case(
        "forces:force_committee_paper",
        kwargs=lambda w: {"slug": w.other_force.slug},
        label="other force",
        method="POST",
        snapshot=_paper_jobs,
        expected=expect(own_liaison=404, other_liaison=302, body_liaison=404, staff=302, manager=302),
    ),
    Case(
        "forces:committee_paper_job",
        kwargs=_staff_paper,
        expected=expect(own_liaison=404, manager=404),
        requester_only=True,
    ),
    Case(
        "forces:committee_paper_job_download",
        kwargs=_staff_paper,
        expected=expect(own_liaison=404, manager=404),
        requester_only=True,
    ),
]
