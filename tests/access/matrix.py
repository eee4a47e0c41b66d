"""The access matrix: every URL of the service, every role, every method.

Each area of the service declares its cases in a module `tests/access/cases_<area>.py` holding a
list `CASES` of `Case`. `test_matrix.py` gathers them all, fails when a URL of the project has no
case (so a new view without a row is unfinished), and runs every case for every role:

    anonymous, own_liaison (liaison officer of the item's force), other_liaison (of another force),
    staff (inspectorate staff), manager.

A refused write (any expected status that is not a success or redirect-after-success) is also
checked in the database: `snapshot(world)` is taken before and after and must be equal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "own_liaison", "other_liaison", "staff", "manager")

# Shorthands for the usual expectations. 302 for anonymous means "sent to sign in".
SIGN_IN = 302


def expect(anonymous=SIGN_IN, own_liaison=200, other_liaison=404, staff=200, manager=200) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "own_liaison": own_liaison,
        "other_liaison": other_liaison,
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


@dataclass
class Case:
    url_name: str
    kwargs: Callable[[Any], dict] = lambda world: {}
    method: str = "GET"
    expected: dict[str, int] = field(default_factory=lambda: READ_ALL_SIGNED_IN)
    data: Callable[[Any], dict] | None = None
    query: str = ""
    snapshot: Callable[[Any], Any] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.url_name}{' ' + self.label if self.label else ''}"
