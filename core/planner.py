"""Settings for PostgreSQL's planner around one query, where its estimates lead it astray.

A query that walks an index newest first and stops at its LIMIT (a feed's latest changes) can be
costed by the planner as a merge join through the whole item table, when its estimate of where the
other table's keys end is wrong: at a million items that plan takes a quarter of a second against
five milliseconds. `planner_settings(enable_mergejoin="off")` rules that plan out for the
statements inside, and only those: the settings are SET LOCAL in a transaction (or savepoint) of
their own and put back as they were afterwards. On SQLite nothing is set."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def planner_settings(**settings: str) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        before = {}
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            before[name] = cursor.fetchone()[0]
        try:
            yield
        finally:
            for name, value in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
