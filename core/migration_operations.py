"""Migration operations for the big tables: an index is built without locking its table.

On PostgreSQL, `CREATE INDEX CONCURRENTLY` (and `DROP INDEX CONCURRENTLY`) lets reads and writes of the
table go on while the index is built, so a release never stops the service for the minutes a
million-row index takes. It cannot run inside a transaction: a migration using these operations sets
`atomic = False`, and holds nothing but them (a failed concurrent build leaves an INVALID index,
which the operation drops before it tries again). On SQLite (the embedded default, small data) the
index is built the ordinary way."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


def _invalid_index_dropped(schema_editor, name: str) -> None:
    # A concurrent build that failed (or was interrupted) leaves the index behind, marked invalid.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s AND NOT i.indisvalid",
            [name],
        )
        if cursor.fetchone():
            cursor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class AddIndexWithoutLocking(AddIndexConcurrently):
    """AddIndex, concurrently on PostgreSQL (in a migration with `atomic = False`)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        _invalid_index_dropped(schema_editor, self.index.name)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    """RemoveIndex, concurrently on PostgreSQL (in a migration with `atomic = False`)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)
