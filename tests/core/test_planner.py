"""core.planner: a planner setting holds for the statements inside and is put back afterwards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.planner import planner_settings

pytestmark = pytest.mark.django_db


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner; run with DATABASE_URL=postgres://..."
)
def test_the_setting_holds_inside_and_is_put_back():
    assert _setting("enable_mergejoin") == "on"
    with planner_settings(enable_mergejoin="off", work_mem="8MB"):
        assert _setting("enable_mergejoin") == "off"
        assert _setting("work_mem") == "8MB"
    assert _setting("enable_mergejoin") == "on"
    assert _setting("work_mem") != "8MB"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner; run with DATABASE_URL=postgres://..."
)
def test_the_setting_is_put_back_when_the_query_fails():
    with pytest.raises(ZeroDivisionError):
        with planner_settings(enable_mergejoin="off"):
            raise ZeroDivisionError
    assert _setting("enable_mergejoin") == "on"


def test_only_the_settings_are_asked_and_nothing_on_sqlite():
    with CaptureQueriesContext(connection) as queries, planner_settings(enable_mergejoin="off"):
        pass
    asked = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "sqlite":
        assert asked == []
    else:
        settings = [sql for sql in asked if "set_config" in sql]
        assert len(settings) == 2  # set, then put back
        assert all("set_config" in sql or "SAVEPOINT" in sql or sql in ("BEGIN", "COMMIT") for sql in asked)
