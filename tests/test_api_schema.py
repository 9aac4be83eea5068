"""Schemathesis against /api/v1/openapi.json (issue 13): generated requests to every
operation, with the token of a focal officer and of the office, get no server error and
no answer that breaks the schema. Bounded: 20 examples an operation."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cchc.api.api import api
from tests.api_helpers import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read through the application itself (WSGI, in this process): no server to start.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Django's own test client keeps the test's connection open between requests; through
    the WSGI application each request's end would close it (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world):
    return [token_for(world.users[role]) for role in ("focal_a", "office")]


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_fit_the_schema(case, tokens, world):
    for token in tokens:
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_every_write_declares_a_conflict():
    """A write refused for its object's state (lib.refusals.WrongState) or over a stale
    version answers 409: every write's description says it may."""
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    writes = {p: op for p, ops in paths.items() for m, op in ops.items() if m == "post"}
    assert "/api/v1/assessments/{assessment_id}/submit" in writes
    assert [p for p, op in writes.items() if 409 not in op["responses"]] == []
