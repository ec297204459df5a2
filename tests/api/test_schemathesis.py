"""The API against its own OpenAPI document: schemathesis generates requests for every operation from the schema
the API publishes and checks each answer: never a server error, a status code the operation declares, and a body
that matches the schema declared for that code.

Run in process through the WSGI application (no server), anonymously and with an editor's API token, with a bounded
number of examples per operation so that the whole test stays well under two minutes on two cores. In the positive
mode half the requests name records that exist (the country CF and the small map's actors and relationships) in
their path, so that they reach past the lookup into the operation's own work instead of a 404.
"""

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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

EXAMPLES_PER_OPERATION = 6  # the whole test in about a minute of CPU on two cores
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


def _existing(small_map: SmallMap) -> dict[str, list[Any]]:
    """Path parameters' values that name records of the small map."""
    records = [getattr(small_map, field.name) for field in dataclasses.fields(small_map)]
    return {"code": ["CF"], "pk": sorted({record.pk for record in records})}


def _naming(case: Any, existing: dict[str, list[Any]], choice: int) -> Any:
    """The case with its path's parameters replaced by existing values where there are some of that name."""
    for name in case.path_parameters or {}:
        if existing.get(name):
            case.path_parameters[name] = existing[name][choice % len(existing[name])]
    return case


def _fuzz(
    schema: OpenApiSchema, headers: dict[str, str], mode: GenerationMode, existing: dict[str, list[Any]]
) -> list[str]:
    """Every operation of the schema with generated requests; the failures found, one line each."""
    # Uncompressed answers: the WSGI transport does not undo the gzip of large answers (the map's), as HTTP
    # clients do, and schemathesis would read the compressed bytes as the body.
    headers = {"Accept-Encoding": "identity", **headers}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = operation.as_strategy(generation_mode=mode)
        if mode == GenerationMode.POSITIVE:
            named = st.tuples(cases, st.integers(0, 1000)).map(lambda drawn: _naming(*drawn[:1], existing, drawn[1]))
            cases = st.one_of(cases, named)

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
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
    failures = _fuzz(api_schema, headers={}, mode=mode, existing=_existing(small_map))
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_an_editors_requests_match_the_schema(
    api_schema: OpenApiSchema, member: User, small_map: SmallMap, mode: GenerationMode
) -> None:
    _record, secret = token_create(user=member, name="schemathesis", by=member)
    headers = {"Authorization": f"Bearer {secret}"}
    failures = _fuzz(api_schema, headers=headers, mode=mode, existing=_existing(small_map))
    assert not failures, "\n\n".join(failures)
