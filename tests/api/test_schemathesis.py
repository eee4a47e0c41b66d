"""Schemathesis against the API's own OpenAPI schema: for every operation, generated requests (a
bounded number) as a staff user with a token; no server error, no response that breaks the schema."""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from tests import factories


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI application, whose request signals would close the database
    connection that holds the test's transaction; Django's test client disconnects them too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, staff_user) -> str:
    item = factories.TrackedItemFactory(force=factories.ForceFactory(name="Cleveland Police"))
    factories.TrackedItemFactory(finding=item.finding, force=factories.ForceFactory(name="Durham Constabulary"))
    factories.FindingFactory(
        inspection=item.finding.inspection,
        category="cause_of_concern",
        reference="CoC1",
        target_date=None,
    )
    return Token.objects.create(user=staff_user).key


def _load_schema():
    # Generated in process (no database needed at collection time), exactly what /api/schema/ serves.
    # The lazy `schemathesis.pytest.from_fixture` loader fails on pytest 9 (it reads a private
    # attribute pytest renamed), so the schema is built eagerly here.
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = application
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, api_token):
    # call_and_validate raises on any failed check; the status is asserted too, so a run that
    # skipped the checks could not pass silently.
    response = case.call_and_validate(
        headers={"Authorization": f"Token {api_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
    assert response.status_code < 500
