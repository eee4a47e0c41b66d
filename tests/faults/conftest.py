import pytest
from django.db import connections

from tests.faults.support import committed, fault_redis  # noqa: F401
from tests.inspections.committed import committed_db  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_connections_afterwards():
    """These tests cut database connections on purpose (pg_terminate_backend). Whatever connection
    of this process was cut is closed afterwards, so the tests that follow reconnect instead of
    finding it dead."""
    yield
    connections.close_all()
