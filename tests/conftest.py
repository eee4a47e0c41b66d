# Run through `make test`, which sets SECRET_KEY and the test static files storage before Django starts.
import os
import uuid

import pytest
from django.contrib.auth.models import Group

from accounts.roles import GROUP_NAMES, Role
from tests import factories
from tests.skips import EXPECTED_SKIPS
from tests.two_factor import TwoFactorClient


@pytest.fixture
def client() -> TwoFactorClient:
    """Two-factor sign-in is on in the tests (as in production): `client.force_login(user)` gives
    the password step and then the code from the user's authenticator app (tests/two_factor.py)."""
    return TwoFactorClient()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # Each test starts with an empty cache of its own (the dashboard's figures, core/cache.py), so
    # figures cached by one test's data never answer another's.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }


@pytest.fixture(autouse=True)
def _no_outage_remembered():
    # Outage warnings are throttled per process, and a Redis cache that failed is not retried for
    # a few seconds: each test starts as if nothing had failed before it.
    from core.cache_backends import cache_health_reset
    from core.logs import outages

    outages.reset()
    cache_health_reset()
    yield
    outages.reset()
    cache_health_reset()


def _user_with_role(role: Role, **kwargs):
    user = factories.UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


@pytest.fixture
def force(db):
    return factories.ForceFactory(name="Cleveland Police")


@pytest.fixture
def other_force(db):
    return factories.ForceFactory(name="Durham Constabulary")


@pytest.fixture
def staff_user(db):
    return _user_with_role(Role.STAFF, username="staff.user")


@pytest.fixture
def manager_user(db):
    return _user_with_role(Role.MANAGER, username="manager.user")


@pytest.fixture
def liaison_user(db, force):
    user = _user_with_role(Role.LIAISON, username="liaison.user")
    factories.LiaisonMembershipFactory(user=user, force=force)
    return user


@pytest.fixture
def other_liaison_user(db, other_force):
    user = _user_with_role(Role.LIAISON, username="other.liaison")
    factories.LiaisonMembershipFactory(user=user, force=other_force)
    return user


@pytest.fixture
def item(db, force):
    return factories.TrackedItemFactory(force=force)


@pytest.fixture
def other_item(db, other_force):
    return factories.TrackedItemFactory(force=other_force)


# --- No silent skips in CI ----------------------------------------------------------------------
# With REQUIRE_POSTGRES=1 (set by .ci/run) the run must be on PostgreSQL, and any skip that
# tests/skips.py does not list for that backend fails the run.
_skipped: list[str] = []


def pytest_configure(config):
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        from django.conf import settings as django_settings

        engine = django_settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but the database engine is {engine}: set DATABASE_URL")


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def unexpected_skips(skipped: list[str], backend: str, expected: dict[str, set[str]] | None = None) -> list[str]:
    allowed = (EXPECTED_SKIPS if expected is None else expected).get(backend, set())
    return sorted({nodeid for nodeid in skipped if nodeid.split("[")[0] not in allowed})


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    unexpected = unexpected_skips(_skipped, "postgresql")
    if unexpected:
        session.config.get_terminal_writer().line(
            "Skipped but not expected to skip on PostgreSQL (tests/skips.py):\n  " + "\n  ".join(unexpected), red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
