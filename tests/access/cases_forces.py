from forces.models import Force
from tests.access.matrix import Case, expect


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
]
