"""The read-only API: DRF answers anonymous requests with 401 (token authentication), never a
redirect; a liaison officer gets 404 for another force's object; every write is 405."""

from rest_framework.authtoken.models import Token

from tests.access.matrix import Case, expect

UNAUTHORISED = 401
API_LIST = expect(anonymous=UNAUTHORISED, other_liaison=200)
API_OWN_FORCE = expect(anonymous=UNAUTHORISED)
API_WRITE = expect(anonymous=UNAUTHORISED, own_liaison=405, other_liaison=405, staff=405, manager=405)


def _tokens(world) -> int:
    return Token.objects.count()


CASES = [
    Case("api:schema", expected=API_LIST),
    Case("api:schema", method="POST", expected=API_WRITE),
    Case("api:docs", expected=expect(other_liaison=200)),
    Case("api:token", expected=expect(other_liaison=200)),
    Case(
        "api:token",
        method="POST",
        snapshot=_tokens,
        expected=expect(own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    # Revoking is of your own token only: it succeeds (redirects) for every signed-in user.
    Case(
        "api:token_revoke",
        method="POST",
        snapshot=_tokens,
        expected=expect(own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
]
for resource, obj in (("inspection", "inspection"), ("finding", "finding"), ("item", "item")):
    CASES += [
        Case(f"api:{resource}-list", expected=API_LIST),
        Case(f"api:{resource}-list", method="POST", data=lambda w: {"text": "x"}, expected=API_WRITE),
        Case(
            f"api:{resource}-detail",
            kwargs=lambda w, obj=obj: {"pk": getattr(w, obj).pk},
            label="own force",
            expected=API_OWN_FORCE,
        ),
        Case(
            f"api:{resource}-detail",
            kwargs=lambda w, obj=obj: {"pk": getattr(w, obj).pk},
            label="own force",
            method="POST",
            expected=API_WRITE,
        ),
    ]
OTHER_FORCE = {
    "item": lambda w: {"pk": w.other_item.pk},
    "finding": lambda w: {"pk": w.other_item.finding_id},
    "inspection": lambda w: {"pk": w.other_item.finding.inspection_id},
}
CASES += [
    Case(f"api:{resource}-detail", kwargs=kwargs, label="other force", method="POST", expected=API_WRITE)
    for resource, kwargs in OTHER_FORCE.items()
]
CASES += [
    # The other force's item, its finding and its inspection: 404 for our liaison officer.
    Case(
        "api:item-detail",
        kwargs=lambda w: {"pk": w.other_item.pk},
        label="other force",
        expected=expect(anonymous=UNAUTHORISED, own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    Case(
        "api:finding-detail",
        kwargs=lambda w: {"pk": w.other_item.finding_id},
        label="other force",
        expected=expect(anonymous=UNAUTHORISED, own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    Case(
        "api:inspection-detail",
        kwargs=lambda w: {"pk": w.other_item.finding.inspection_id},
        label="other force",
        expected=expect(anonymous=UNAUTHORISED, own_liaison=404, other_liaison=200, body_liaison=404),
    ),
]
