"""The tests that may skip, per database backend: every other skip fails a run with
REQUIRE_POSTGRES=1 (CI), so a lost DATABASE_URL or a missing service can never turn CI green by
skipping. Each entry is a test's node id."""

EXPECTED_SKIPS: dict[str, set[str]] = {
    # On PostgreSQL (CI) only the check that seed_scale refuses SQLite has nothing to check.
    "postgresql": {
        "tests/demo/test_scale.py::test_seed_scale_refuses_sqlite_with_a_clear_message",
    },
}
