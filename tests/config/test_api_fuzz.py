"""The API fuzzed from its own OpenAPI schema (issue 10 §6): every operation of /api/v1/ is called with
hypothesis-generated cases built from the schema drf-spectacular serves, as a county clerk with a demo-like county
behind them, and every answer must be no 5xx and inside the schema (documented status code, content type and body).
A second pass sends requests the schema forbids (schemathesis' negative mode): refused, never a 5xx.

Marker `fuzz`: skipped unless API_FUZZ=1 (tests/conftest.py); CI step 8 runs it on PostgreSQL. Bounded and
reproducible: 25 examples an operation (10 negative ones), derandomized, no example database. Results in docs/reliability.md.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from indicators import runs
from tests.indicators.scenes import small_county

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def served_schema() -> dict:
    """The document /api/v1/schema/ serves (public, the same for every signed-in user), built without a request:
    the schema is generated at collection time, before any test database exists."""
    return SchemaGenerator().get_schema(request=None, public=True)


SERVED = served_schema()
schema = schemathesis.openapi.from_dict(SERVED)
schema.config.generation.update(modes=["positive"], max_examples=MAX_EXAMPLES, deterministic=True)
# Requests the schema forbids (wrong types, missing fields, out-of-range values): refused, never a 5xx.
negative = schemathesis.openapi.from_dict(SERVED)
negative.config.generation.update(modes=["negative"], max_examples=NEGATIVE_EXAMPLES, deterministic=True)
# A school's or region's code takes any text up to the next "/": a GET or DELETE of one has nothing the schema
# forbids (hypothesis reports it unsatisfiable). The positive pass covers them.
negative = negative.exclude(method=["GET", "DELETE"], path_regex=r"/(regions|schools)/\{code\}/$")


class InTestWSGIApp:
    """Django's WSGI handler, called in the test's thread on the test's database connection.

    Like django.test.Client it keeps the request signals from closing that connection (the test runs inside a
    transaction the handler must not end), and it reads the whole body before the handler's response is closed.
    """

    handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_county(county, other_county):
    """A demo-like county (two primary schools with teachers, classes and a computed report) and a neighbour."""
    small_county(county, "37130200")
    small_county(other_county, "37131100")
    runs.recompute_county(county.pk, 2024)
    return county


@pytest.fixture
def clerk_token(clerk, fuzz_county):
    return Token.objects.create(user=clerk).key


@pytest.fixture
def no_throttles(monkeypatch):
    """Hundreds of calls in a minute are the point here; the throttles have their own tests."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_inside_its_schema_and_never_a_server_error(case, clerk_token, no_throttles):
    response = case.call(app=InTestWSGIApp(), headers={"Authorization": f"Token {clerk_token}"})
    case.validate_response(response, checks=CHECKS)


@negative.parametrize()
@settings(
    max_examples=NEGATIVE_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_a_request_outside_the_schema_is_refused_never_a_server_error(case, clerk_token, no_throttles):
    response = case.call(app=InTestWSGIApp(), headers={"Authorization": f"Token {clerk_token}"})
    case.validate_response(response, checks=[not_a_server_error])
