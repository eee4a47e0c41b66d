"""The record of exports is append-only: the database itself refuses to change a row, whatever
code (or person at a database prompt) tries. Deleting old rows stays possible, for the retention
job."""

from django.db import migrations

MESSAGE = "The record of exports is append-only: a row cannot be changed"

POSTGRESQL_UP = f"""
CREATE OR REPLACE FUNCTION audit_exportrecord_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_exportrecord_no_update BEFORE UPDATE ON audit_exportrecord
    FOR EACH ROW EXECUTE FUNCTION audit_exportrecord_refuse_update();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER IF EXISTS audit_exportrecord_no_update ON audit_exportrecord;
DROP FUNCTION IF EXISTS audit_exportrecord_refuse_update();
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_exportrecord_no_update BEFORE UPDATE ON audit_exportrecord
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_exportrecord_no_update;"


def _run(sql: dict[str, str]):
    def run(apps, schema_editor):
        statement = sql.get(schema_editor.connection.vendor)
        if statement:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
