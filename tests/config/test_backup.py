"""The backup and restore scripts, tried for real on PostgreSQL: back up, lose data, restore."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from inspections.models import TrackedItem
from tests import factories
from tests.inspections.committed import committed_db  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

# Committed rows (committed_db), so that pg_dump in another process sees them; emptied afterwards.
pytestmark = pytest.mark.postgres


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def scratch_database():
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are for PostgreSQL (CI runs this)")
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    admin = psycopg2.connect(dbname="postgres", user=s["USER"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.usefixtures("committed_db")
def test_backup_then_restore_into_an_empty_database(scratch_database, tmp_path):
    items = factories.TrackedItemFactory.create_batch(3)
    env = {**os.environ, "DATABASE_URL": _url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(tmp_path / "m")}
    backup = subprocess.run(
        ["scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    assert Path(dump).stat().st_size > 0

    env["DATABASE_URL"] = _url(scratch_database)
    restore = subprocess.run(
        ["scripts/restore.sh", dump], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert restore.returncode == 0, restore.stderr
    s = connection.settings_dict
    with psycopg2.connect(
        dbname=scratch_database, user=s["USER"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432
    ) as restored:
        with restored.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {TrackedItem._meta.db_table} ORDER BY id")
            assert [row[0] for row in cursor.fetchall()] == sorted(i.pk for i in items)


def test_backup_refuses_a_non_postgresql_url(tmp_path):
    env = {**os.environ, "DATABASE_URL": "sqlite:///x.sqlite3"}
    result = subprocess.run(["scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "must be a PostgreSQL URL" in result.stderr
