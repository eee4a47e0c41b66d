"""Committed data for the tests that need other processes or connections to see it (concurrent
sweeps, a real Celery worker), without pytest-django's transactional_db: its flush afterwards would
take away the rows the data migrations made (groups, programmes) from every test that follows."""

from collections.abc import Iterator

import pytest
from django.db import connection

# Everything these tests create hangs off these tables; CASCADE reaches the rest. Never the
# migrations' own rows (auth_group, inspections_programme).
ROOTS = ("accounts_user", "forces_force", "inspections_inspection", "notifications_message")


def _truncate() -> None:
    tables = set(connection.introspection.table_names())
    doomed = [t for t in ROOTS if t in tables]
    doomed += sorted(t for t in tables if "_historical" in t)
    doomed += [t for t in ("core_jobrun",) if t in tables]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(doomed)} CASCADE")


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Autocommit access to the test database (PostgreSQL), emptied of test data afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("committed data between connections is tested on PostgreSQL (CI runs this)")
    name = str(connection.settings_dict["NAME"])
    if not name.startswith("test_"):
        # pytest-django sets the test database up only when a collected test is marked django_db;
        # never empty anyone's own database.
        pytest.fail(f"committed_db would use {name}, not a test database: run it with a django_db test beside it")
    with django_db_blocker.unblock():
        # pytest-django creates the test database only when some collected test asks for `db`; run
        # alone, these tests would otherwise empty the database DATABASE_URL names.
        if not str(connection.settings_dict["NAME"]).startswith("test_"):
            pytest.fail(
                f"refusing to empty {connection.settings_dict['NAME']!r}, which is not a test database: run "
                "this test together with one that uses the `db` fixture (e.g. tests/core/test_health.py)"
            )
        _truncate()  # whatever an interrupted run or another committing test left behind
        try:
            yield
        finally:
            connection.close()  # threads and workers have gone; start the cleanup on a fresh connection
            _truncate()
