"""The CI guard against silent skips (tests/conftest.py) refuses any skip it was not told to expect."""

from tests.conftest import unexpected_skips
from tests.skips import EXPECTED_SKIPS


def test_a_skip_listed_for_the_backend_is_allowed_and_any_other_is_not():
    listed = "tests/demo/test_scale.py::test_seed_scale_refuses_sqlite_with_a_clear_message"
    surprise = "tests/inspections/test_overdue_postgresql.py::test_two_sweeps_at_once"
    expected = {"postgresql": {listed}}
    assert unexpected_skips([listed], "postgresql", expected) == []
    assert unexpected_skips([listed, surprise, f"{surprise}[x]"], "postgresql", expected) == [
        surprise,
        f"{surprise}[x]",
    ]
    assert unexpected_skips([listed], "sqlite", expected) == [listed]


def test_on_postgresql_nothing_is_expected_to_skip():
    some_test = "tests/demo/test_scale.py::test_seed_scale_refuses_sqlite_with_a_clear_message"
    assert EXPECTED_SKIPS["postgresql"] == set()
    assert unexpected_skips([some_test], "postgresql") == [some_test]
