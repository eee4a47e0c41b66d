from tests.faults.support import committed, fault_redis  # noqa: F401
from tests.inspections.committed import committed_db  # noqa: F401
