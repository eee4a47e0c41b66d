"""The tests that may skip, per database backend: every other skip fails a run with
REQUIRE_POSTGRES=1 (CI), so a lost DATABASE_URL or a missing service can never turn CI green by
skipping. Each entry is a test's node id."""

EXPECTED_SKIPS: dict[str, set[str]] = {
    # On PostgreSQL (CI) nothing may skip.
    "postgresql": set(),
}
