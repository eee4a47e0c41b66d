"""The access matrix: every URL of the service, every role, every method.

Each area of the service declares its cases in a module `tests/access/cases_<area>.py` holding a
list `CASES` of `Case`. `test_matrix.py` gathers them all, fails when a URL of the project has no
case (so a new view without a row is unfinished), and runs every case for every role:

    anonymous, own_liaison (liaison officer of the item's force), other_liaison (of another force),
    body_liaison (of a national body, with an item of its own), staff (inspectorate staff), manager.

A national body's liaison officer is scoped exactly like another force's: unless a case says
otherwise, `body_liaison` expects what `other_liaison` expects.

A URL's kwargs come from the case (`kwargs=lambda world: {...}`). For every URL (and kwargs label)
the method a case does not declare is exercised too: a POST to a page declared only for GET, a GET
to an action declared only for POST. Each must be refused (`REFUSED`: 405, 403, 404, or 302 to
sign-in) for every role and change nothing. So a page that accepts POST must declare its POST case.

A refused write (any expected status that is not a success or redirect-after-success) is also
checked in the database: `snapshot(world)` is taken before and after and must be equal. POST cases
without their own `snapshot` use `database_fingerprint`: every row of every table of the service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

ROLES = ("anonymous", "own_liaison", "other_liaison", "body_liaison", "staff", "manager")

# Shorthands for the usual expectations. 302 for anonymous means "sent to sign in".
SIGN_IN = 302
# Any refusal: method not allowed, forbidden, not found, or (anonymous) sent to sign in. A 302 is
# accepted only when it goes to the sign-in page.
REFUSED = frozenset({302, 403, 404, 405})


def expect(
    anonymous=SIGN_IN, own_liaison=200, other_liaison=404, staff=200, manager=200, body_liaison=None
) -> dict[str, Any]:
    return {
        "anonymous": anonymous,
        "own_liaison": own_liaison,
        "other_liaison": other_liaison,
        "body_liaison": other_liaison if body_liaison is None else body_liaison,
        "staff": staff,
        "manager": manager,
    }


# Pages anyone signed in may read (lists scoped to the user, their own account pages).
READ_ALL_SIGNED_IN = expect(other_liaison=200)
# One object of the item's force: the other force's liaison officer gets 404, not 403.
READ_OWN_FORCE = expect()
# Staff-only pages and actions: liaison officers and managers are refused (403).
STAFF_ONLY = expect(own_liaison=403, other_liaison=403, manager=403)
# Staff and managers read; liaison officers are refused.
STAFF_AND_MANAGER = expect(own_liaison=403, other_liaison=403)
# Every role refused: the undeclared method of a URL.
ALL_REFUSED = expect(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)


@dataclass
class Case:
    url_name: str
    kwargs: Callable[[Any], dict] = lambda world: {}
    method: str = "GET"
    expected: dict[str, Any] = field(default_factory=lambda: READ_ALL_SIGNED_IN)
    data: Callable[[Any], dict] | None = None
    query: str = ""
    snapshot: Callable[[Any], Any] | None = None
    label: str = ""
    # A page only the user who made the thing sees (a committee paper the worker wrote for them):
    # anyone else, a superuser included, is answered "not found".
    requester_only: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.url_name}{' ' + self.label if self.label else ''}"


# Tables that change on any request, or are not the service's data.
_NOT_DATA = {"sessions", "qsessions", "axes", "admin", "contenttypes"}
# Group permissions are set by migration (hundreds of rows, never changed by a request).
_NOT_DATA_MODELS = {"auth.permission", "auth.group_permissions"}


def _data_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in _NOT_DATA
        and model._meta.label_lower not in _NOT_DATA_MODELS
        and not model._meta.proxy
    ]


def database_fingerprint(world: Any = None) -> dict[str, list[tuple]]:
    """Every row of every table of the service (the world is a few dozen rows): any create,
    change or delete shows as a difference."""
    return {model._meta.label: list(model._default_manager.order_by("pk").values_list()) for model in _data_models()}


def undeclared_method_cases(cases: list[Case]) -> list[Case]:
    """For every URL and kwargs label, a case for each of GET and POST its declared cases lack,
    expecting a refusal for every role and no change to the database."""
    groups: dict[tuple[str, str], list[Case]] = {}
    for case in cases:
        groups.setdefault((case.url_name, case.label), []).append(case)
    extra = []
    for (url_name, label), declared in groups.items():
        methods = {case.method for case in declared}
        for method in ("GET", "POST"):
            if method not in methods:
                extra.append(
                    Case(
                        url_name,
                        kwargs=declared[0].kwargs,
                        method=method,
                        expected=ALL_REFUSED,
                        data=declared[0].data,
                        query=declared[0].query,
                        snapshot=database_fingerprint,
                        label=f"{label} (undeclared method)".strip(),
                    )
                )
    return extra
