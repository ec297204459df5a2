"""Odd input to every page and API operation of due diligence is answered with a page or a 400/404/422 naming the
field, never a server error: ids that are no number or too large for the database, years out of range, huge texts,
odd Unicode (a superscript digit, other scripts' digits, bidi controls, NUL), dates that are not dates, and dates
far in the future."""

import datetime
import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Role
from egide.duediligence.models import Incident, Person, Violation
from tests.conftest import make_user
from tests.duediligence.people_world import COUNTRY, World, client_of, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
ODD = [
    "²",
    "١٢",
    HUGE,
    "-" + HUGE,
    "9223372036854775808",
    "-1",
    "0",
    "1e5",
    " 12 ",
    "abc",
    "\x00",
    "\u202eevil\u200b",
    "x" * 5000,
    "2020-13-45",
    "0000-00-00",
    "2999-12-31",
    "9999",
    "99999",
]


def _server_errors(client: Client, requests: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, Any, int]]:
    """The requests among `requests` (method, address, data) answered with a server error."""
    client.raise_request_exception = False
    failed = []
    for method, address, data in requests:
        if method == "get":
            response: HttpResponse = client.get(address, data)
        elif method == "post":
            response = client.post(address, data)
        else:  # "json post" or "json patch": the API's bodies
            verb = method.split()[1]
            response = getattr(client, verb)(address, json.dumps(data), content_type="application/json")
        if response.status_code >= 500:
            failed.append((address, data, response.status_code))
    return failed


def _incident(world: World) -> Incident:
    return Incident.objects.create(
        country=COUNTRY,
        owner=world.organisation,
        title_en="Invented beating",
        violation=Violation.TORTURE,
        occurred_on=datetime.date(2020, 1, 2),
    )


QUERIES = {
    "/people/": ["q", "country", "role", "actor", "page"],
    "/incidents/": ["country", "violation", "year_from", "year_to", "unit", "status", "confidence", "page"],
    "/api/v1/people": ["search", "country", "role", "actor", "limit", "offset"],
    f"/api/v1/countries/{COUNTRY}/incidents": [
        "violation",
        "year_from",
        "year_to",
        "unit",
        "status",
        "confidence",
        "limit",
        "offset",
    ],
    f"/api/v1/countries/{COUNTRY}/commanders": ["as_of"],
    f"/api/v1/countries/{COUNTRY}/map": ["as_of"],
    f"/countries/{COUNTRY}/command-tree/": ["as_of"],
    f"/due-diligence/countries/{COUNTRY}/": ["page"],
}


@pytest.mark.parametrize("address", list(QUERIES))
def test_odd_query_parameters_never_give_a_server_error(world: World, address: str) -> None:
    base = {"country": COUNTRY} if address == "/incidents/" else {}
    requests = [("get", address, base | {name: value}) for name in QUERIES[address] for value in ODD]
    assert _server_errors(client_of(world.member), requests) == []


def test_odd_filters_of_the_consultations_page_never_give_a_server_error(world: World) -> None:
    administrator = make_user("odd-admin", world.organisation, Role.ADMINISTRATOR)
    address = f"/people/consultations/{world.organisation.pk}/"
    names = ["record_type", "record_id", "user", "since", "until", "page"]
    requests = [("get", address, {name: value}) for name in names for value in ODD]
    assert _server_errors(client_of(administrator), requests) == []


@pytest.mark.parametrize(
    "address",
    ["/people/{x}/", "/incidents/{x}/", "/due-diligence/{x}/", "/api/v1/people/{x}", "/api/v1/incidents/{x}"],
)
def test_odd_ids_in_the_path_are_not_found(world: World, address: str) -> None:
    for value in ["99999999999999999999999", "9223372036854775808", "0", "²", "-1", "abc"]:
        response = client_of(world.member).get(address.format(x=value))
        # The pages' paths take digits only; the API names a path id that is no whole number (422, "pk").
        if response.status_code == 422:
            assert address.startswith("/api/"), value
            assert list(response.json()["detail"]) == ["pk"], value
        else:
            assert response.status_code == 404, (value, response.status_code)


def _person_form(world: World) -> dict[str, str]:
    return {
        "name": "Invented Oddperson",
        "name_script": "",
        "country": COUNTRY,
        "nationality": "",
        "birth": "1970",
        "notes": "",
        "confidence": "medium",
        "owner": str(world.organisation.pk),
        "confidentiality": "restricted",
    }


def _incident_form(world: World) -> dict[str, str]:
    return {
        "title_en": "Invented raid",
        "title_fr": "",
        "violation": Violation.TORTURE,
        "occurred": "2020-01-02",
        "region": "",
        "place": "",
        "latitude": "",
        "longitude": "",
        "victims": "",
        "description_en": "",
        "description_fr": "",
        "confidence": "medium",
        "owner": str(world.organisation.pk),
        "confidentiality": "restricted",
    }


def _each_field_odd(address: str, form: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    return [("post", address, form | {name: value}) for name in form for value in ODD]


def test_odd_values_in_the_person_forms_never_give_a_server_error(world: World) -> None:
    pk = world.person.pk
    post_form = {
        "actor": str(world.unit.pk),
        "role": "commander",
        "title": "",
        "start": "2019",
        "end": "",
        "ongoing": "on",
        "confidence": "medium",
        "notes": "",
    }
    requests = [
        *_each_field_odd("/people/new/", _person_form(world)),
        *_each_field_odd(f"/people/{pk}/edit/", _person_form(world) | {"version": "1"}),
        *_each_field_odd(f"/people/{pk}/names/new/", {"name": "Odd Spelling", "kind": "spelling", "script": ""}),
        *_each_field_odd(f"/people/{pk}/posts/new/", post_form),
    ]
    assert _server_errors(client_of(world.member), requests) == []
    assert not Person.objects.filter(names__name__startswith="x" * 100).exists()


def test_odd_values_in_the_incident_forms_never_give_a_server_error(world: World) -> None:
    incident = _incident(world)
    responsibility_form = {
        "actor": str(world.unit.pk),
        "person": "",
        "status": "alleged",
        "status_since": "",
        "confidence": "medium",
        "notes": "",
    }
    requests = [
        *_each_field_odd(f"/incidents/new/{COUNTRY}/", _incident_form(world)),
        *_each_field_odd(f"/incidents/{incident.pk}/edit/", _incident_form(world) | {"version": "1"}),
        *_each_field_odd(f"/incidents/{incident.pk}/responsibilities/new/", responsibility_form),
    ]
    assert _server_errors(client_of(world.member), requests) == []


def _each_field_odd_json(method: str, address: str, body: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    odd: list[Any] = [*ODD, 10**30, -(10**30), 2**63, None, [], {}, 1.5]
    return [(f"json {method}", address, body | {name: value}) for name in body for value in odd]


def test_odd_values_in_the_api_bodies_never_give_a_server_error(world: World) -> None:
    incident = _incident(world)
    person_body = {"names": [{"name": "Invented Apiperson"}], "country": COUNTRY, "born": "1970", "owner": None}
    incident_body = {
        "title_en": "Invented raid",
        "violation": Violation.TORTURE,
        "occurred": "2020-01-02",
        "latitude": None,
        "longitude": None,
        "victims": None,
        "owner": None,
    }
    requests = [
        *_each_field_odd_json("post", "/api/v1/people", person_body),
        *_each_field_odd_json("patch", f"/api/v1/people/{world.person.pk}", {"notes": "", "born": "1970"}),
        *_each_field_odd_json("post", f"/api/v1/countries/{COUNTRY}/incidents", incident_body),
        *_each_field_odd_json("patch", f"/api/v1/incidents/{incident.pk}", {"victims": 3, "occurred": "2020"}),
        *_each_field_odd_json(
            "post",
            f"/api/v1/incidents/{incident.pk}/responsibilities",
            {"unit": world.unit.pk, "status": "alleged", "status_since": ""},
        ),
        *_each_field_odd_json(
            "post", f"/api/v1/incidents/{incident.pk}/evidence", {"source": world.source.pk, "locator": "p. 1"}
        ),
    ]
    assert _server_errors(client_of(world.member), requests) == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year_from=99999", "year_from"),
        ("year_from=0", "year_from"),
        ("year_to=1066", "year_to"),
        (f"unit={HUGE}", "unit"),
        ("unit=0", "unit"),
    ],
)
def test_the_incidents_api_refuses_an_absurd_filter_naming_it(world: World, query: str, parameter: str) -> None:
    response = client_of(world.member).get(f"/api/v1/countries/{COUNTRY}/incidents?{query}")
    assert response.status_code == 422
    assert list(response.json()["detail"]) == [parameter]


def test_the_people_api_refuses_an_absurd_actor_naming_it(world: World) -> None:
    response = client_of(world.member).get(f"/api/v1/people?actor={HUGE}")
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["actor"]


@pytest.mark.parametrize("actor", ["²", HUGE, "-3", "abc"])
def test_the_people_page_ignores_an_actor_that_is_no_id(world: World, actor: str) -> None:
    response = client_of(world.member).get("/people/", {"actor": actor})
    assert response.status_code == 200
    assert "Colonel Exemplar Testperson" in response.content.decode()


def test_the_people_page_filters_by_a_real_actor(world: World) -> None:
    response = client_of(world.member).get("/people/", {"actor": str(world.unit.pk)})
    assert response.status_code == 200
    assert "Colonel Exemplar Testperson" not in response.content.decode()  # holds no post in the unit
