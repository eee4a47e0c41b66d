from forces.models import Force
from tests.access.matrix import READ_OWN_FORCE, Case, expect


def _monitoring(world) -> dict:
    return {"staff_lead": world.users["staff"].pk, "monitoring_stage": "engage"}


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
]
