"""The API against its own OpenAPI document: schemathesis generates requests for every operation from the schema
the API publishes and checks each answer: never a server error, a status code the operation declares, and a body
that matches the schema declared for that code.

Run in process through the WSGI application (no server), anonymously and with an editor's API token, with a bounded
number of examples per operation so that the whole test stays well under two minutes on two cores.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CheckFunction
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from egide.security.tokens import token_create
from tests.conftest import SmallMap

EXAMPLES_PER_OPERATION = 12
CHECKS: list[CheckFunction] = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app(settings: Any) -> Iterator[WSGIHandler]:
    """The real WSGI application, kept inside the test's transaction: Django would otherwise close the database
    connection at the end of each request, which a test's transaction does not survive."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app: WSGIHandler) -> OpenApiSchema:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


def _fuzz(schema: OpenApiSchema, headers: dict[str, str], mode: GenerationMode) -> list[str]:
    """Every operation of the schema with generated requests; the failures found, one line each."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            # A savepoint per request, so that one request's database error cannot spoil the next ones.
            with transaction.atomic():
                response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE, operation.label  # nothing to get wrong in a request without input
        except (AssertionError, FailureGroup) as error:  # every operation is tried; all failures are reported
            details = error.exceptions if isinstance(error, FailureGroup) else (error,)
            failures.extend(f"{operation.label}: {detail}" for detail in details)
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_anonymous_requests_match_the_schema(
    api_schema: OpenApiSchema, small_map: SmallMap, mode: GenerationMode
) -> None:
    failures = _fuzz(api_schema, headers={}, mode=mode)
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_an_editors_requests_match_the_schema(
    api_schema: OpenApiSchema, member: User, small_map: SmallMap, mode: GenerationMode
) -> None:
    _record, secret = token_create(user=member, name="schemathesis", by=member)
    failures = _fuzz(api_schema, headers={"Authorization": f"Bearer {secret}"}, mode=mode)
    assert not failures, "\n\n".join(failures)
