"""The CI guard against silent skips (tests/conftest.py) refuses any skip it was not told to expect."""

from tests.conftest import unexpected_skips


def test_a_skip_listed_for_the_backend_is_allowed_and_any_other_is_not():
    listed = "tests/demo/test_scale.py::test_seed_scale_refuses_sqlite_with_a_clear_message"
    surprise = "tests/inspections/test_overdue_postgresql.py::test_two_sweeps_at_once"
    assert unexpected_skips([listed], "postgresql") == []
    assert unexpected_skips([listed, surprise, f"{surprise}[x]"], "postgresql") == [surprise, f"{surprise}[x]"]
    assert unexpected_skips([listed], "sqlite") == [listed]
