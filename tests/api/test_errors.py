"""Bad input to the API is answered 400, 403, 413 or 422 with a message naming the field or parameter, in the one
shape the OpenAPI document declares for it; never a 500, and never a traceback, even with DEBUG on."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.actors import selectors
from egide.actors.models import Actor, Relationship
from egide.api.assembly import api
from egide.governance.models import FindingDecision
from egide.security.tokens import token_create
from tests.conftest import SmallMap

LISTS = ["/api/v1/countries/CF/actors", "/api/v1/countries/CF/relationships"]


def post(client: Client, url: str, body: Any, method: str = "post", **headers: str) -> HttpResponse:
    text = body if isinstance(body, str) else json.dumps(body)
    response: HttpResponse = getattr(client, method)(url, text, content_type="application/json", headers=headers)
    return response


def field_errors(response: HttpResponse) -> dict[str, list[str]]:
    """The body of a 422: always {"detail": {field: [messages]}}, whatever refused the request."""
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, dict), detail
    assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in detail.values())
    return detail


@pytest.fixture
def editor_token(member: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=member, name='script', by=member)[1]}"}


# --- Pagination ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=99999999999999999999", "limit"),
        ("limit=1001", "limit"),
        ("limit=-5", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=%00", "limit"),
        ("offset=99999999999999999999", "offset"),
        ("offset=-1", "offset"),
    ],
)
def test_an_absurd_limit_or_offset_is_refused_naming_it(
    anonymous_client: Client, small_map: SmallMap, url: str, query: str, parameter: str
) -> None:
    response = anonymous_client.get(f"{url}?{query}")
    errors = field_errors(response)
    assert list(errors) == [parameter]
    assert errors[parameter][0].startswith("Must be")


@pytest.mark.django_db
def test_the_largest_page_is_served(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/api/v1/countries/CF/actors?limit=1000&offset=2")
    assert response.status_code == 200
    assert response.json()["count"] == 7
    assert len(response.json()["items"]) == 5


# --- Control characters ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["search=a%00b", "search=%00", "family=%00", "kind=police%00"],
)
def test_a_nul_byte_in_a_search_is_refused_naming_the_parameter(
    member_client: Client, small_map: SmallMap, query: str
) -> None:
    response = member_client.get(f"/api/v1/countries/CF/actors?{query}")
    errors = field_errors(response)
    parameter = query.split("=")[0]
    assert errors == {parameter: ["Remove the control character U+0000: it has no place in text."]}


@pytest.mark.django_db
def test_a_nul_byte_in_a_relationship_filter_is_refused(member_client: Client, small_map: SmallMap) -> None:
    assert set(field_errors(member_client.get("/api/v1/countries/CF/relationships?type=%00"))) == {"type"}


@pytest.mark.django_db
def test_a_search_without_control_characters_still_finds(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/api/v1/countries/CF/actors?search=Police")
    assert [item["reference"] for item in response.json()["items"]] == ["POL"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name_en": "Secret\x00Police"}, "name_en", "U+0000"),
        ({"name_en": "Tab\tin a name"}, "name_en", "U+0009"),
        ({"acronym_fr": "\x1b[31m"}, "acronym_fr", "U+001B"),
        ({"notes": "bell \x07"}, "notes", "U+0007"),
        ({"mandate_text": "NUL \x00 in a mandate"}, "mandate_text", "U+0000"),
    ],
)
def test_control_characters_in_an_actor_are_refused_naming_the_field(
    member_client: Client, small_map: SmallMap, fields: dict[str, str], field: str, code: str
) -> None:
    body = {"kind": "police", "name_en": "Gendarmerie"} | fields
    errors = field_errors(post(member_client, "/api/v1/countries/CF/actors", body))
    assert errors == {field: [f"Remove the control character {code}: it has no place in text."]}
    assert Actor.objects.count() == 7
    errors = field_errors(post(member_client, f"/api/v1/actors/{small_map.army.pk}", fields, method="patch"))
    assert set(errors) == {field}
    assert Actor.objects.get(pk=small_map.army.pk).name_en == "Armed Forces"


@pytest.mark.django_db
def test_line_breaks_stay_allowed_in_notes(member_client: Client, small_map: SmallMap) -> None:
    body = {"kind": "police", "name_en": "Gendarmerie", "notes": "First line\r\n\tsecond line"}
    response = post(member_client, "/api/v1/countries/CF/actors", body)
    assert response.status_code == 201
    assert response.json()["notes"] == "First line\r\n\tsecond line"


@pytest.mark.django_db
def test_control_characters_in_a_relationship_are_refused(member_client: Client, small_map: SmallMap) -> None:
    body = {"source": small_map.presidency.pk, "target": small_map.police.pk, "type": "commands", "legal_basis": "\0"}
    assert set(field_errors(post(member_client, "/api/v1/countries/CF/relationships", body))) == {"legal_basis"}
    url = f"/api/v1/relationships/{small_map.commands.pk}"
    assert set(field_errors(post(member_client, url, {"notes": "a\x00b"}, method="patch"))) == {"notes"}
    assert Relationship.objects.count() == 3


@pytest.mark.django_db
def test_a_nul_byte_in_a_decision_comment_is_refused(member_client: Client, small_map: SmallMap) -> None:
    findings = member_client.get("/api/v1/countries/CF/findings").json()["findings"]
    assert findings
    body = {"key": findings[0]["key"], "status": "false_positive", "comment": "not \x00 true"}
    errors = field_errors(post(member_client, "/api/v1/countries/CF/findings/decisions", body))
    assert set(errors) == {"comment"}
    assert not FindingDecision.objects.exists()


@pytest.mark.django_db
def test_a_lone_surrogate_is_refused(member_client: Client, small_map: SmallMap) -> None:
    """JSON may escape half of a UTF-16 pair, which no database can store as UTF-8."""
    body = '{"kind": "police", "name_en": "half \\ud800 a character"}'
    errors = field_errors(post(member_client, "/api/v1/countries/CF/actors", body))
    assert errors == {"name_en": ["Must be valid Unicode text."]}
    assert Actor.objects.count() == 7


# --- Wrong types, sizes and shapes -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"kind": 5, "name_en": "x"}, {"kind": ["Must be a string."]}),
        ({"kind": "police", "name_en": ["x"]}, {"name_en": ["Must be a string."]}),
        ({"kind": "police", "name_en": {"en": "x"}}, {"name_en": ["Must be a string."]}),
        ({"kind": "police", "statutory": "perhaps"}, {"statutory": ["Must be true or false."]}),
        ({"kind": "police", "owner": {"id": 1}}, {"owner": ["Must be a whole number."]}),
        ({"kind": "police", "parent": "the army"}, {"parent": ["Must be a whole number."]}),
        ({"name_en": "No kind"}, {"kind": ["This field is required."]}),
        ({"kind": "police", "name_en": "x" * 301}, {"name_en": ["Must be at most 300 characters long."]}),
        ({"kind": "police", "acronym_en": "A" * 33}, {"acronym_en": ["Must be at most 32 characters long."]}),
    ],
)
def test_wrong_types_and_sizes_are_refused_naming_the_field(
    member_client: Client, small_map: SmallMap, body: Any, expected: dict[str, list[str]]
) -> None:
    assert field_errors(post(member_client, "/api/v1/countries/CF/actors", body)) == expected
    assert Actor.objects.count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize("body", [[1, 2], "a string", 12, None])
def test_a_body_that_is_not_an_object_is_refused(member_client: Client, small_map: SmallMap, body: Any) -> None:
    response = post(member_client, "/api/v1/countries/CF/actors", body)
    if response.status_code == 400:
        assert response.json() == {"detail": "The request body is not valid JSON."}
    else:
        assert field_errors(response)  # named by the fields it lacks or as a whole
    assert Actor.objects.count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["parent", "owner"])
def test_huge_integers_are_refused_naming_the_field(member_client: Client, small_map: SmallMap, field: str) -> None:
    body = {"kind": "police", "name_en": "Gendarmerie", field: 10**30}
    errors = field_errors(post(member_client, "/api/v1/countries/CF/actors", body))
    assert list(errors) == [field]


@pytest.mark.django_db
def test_huge_integers_for_a_relationships_ends_are_refused(member_client: Client, small_map: SmallMap) -> None:
    body = {"source": 2**70, "target": -(2**70), "type": "commands"}
    errors = field_errors(post(member_client, "/api/v1/countries/CF/relationships", body))
    assert set(errors) <= {"source", "target"}
    assert errors


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused(member_client: Client, small_map: SmallMap, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    response = post(member_client, "/api/v1/countries/CF/actors", '{"kind": "police", "name_en": ' + nested + "}")
    if depth < 1000:  # readable JSON, of the wrong type
        assert field_errors(response) == {"name_en": ["Must be a string."]}
    else:  # deeper than any parser should follow
        assert response.status_code == 400
        assert response.json() == {"detail": "The request body is not valid JSON."}
    assert Actor.objects.count() == 7


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = post(member_client, "/api/v1/countries/CF/actors", "{kind: police")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


@pytest.mark.django_db
def test_a_body_too_large_is_refused(member_client: Client, small_map: SmallMap, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"kind": "police", "name_en": "Gendarmerie", "notes": "x" * 2000}
    response = post(member_client, "/api/v1/countries/CF/actors", body)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert Actor.objects.count() == 7


@pytest.mark.django_db
def test_a_rule_parameter_of_the_wrong_shape_is_refused(member_client: Client, small_map: SmallMap) -> None:
    url = "/api/v1/countries/CF/governance/rules/civilian-chain"
    errors = field_errors(post(member_client, url, {"parameters": {"x": {"y": 1}}}, method="put"))
    assert all(name.startswith("parameters.x") for name in errors)
    errors = field_errors(post(member_client, url, {"parameters": ["a"]}, method="put"))
    assert list(errors) == ["parameters"]


# --- Permission before the body ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["viewer", "nobody"])
def test_users_without_an_editing_role_are_refused_before_their_body_is_read(
    request: pytest.FixtureRequest, small_map: SmallMap, who: str
) -> None:
    user = request.getfixturevalue(who)
    headers = {"Authorization": f"Bearer {token_create(user=user, name='script', by=user)[1]}"}
    client = Client()
    for method, url in [
        ("post", "/api/v1/countries/CF/actors"),
        ("patch", f"/api/v1/actors/{small_map.army.pk}"),
        ("put", f"/api/v1/relationships/{small_map.commands.pk}"),
    ]:
        response = post(client, url, {"incomplete": True}, method=method, **headers)
        assert response.status_code == 403, (method, url, response.content)
        assert response.json() == {
            "detail": "Your account may read but not change records: only editors may make changes."
        }
    # A decision on findings is a review: what refuses it says who may take it.
    for url in ("/api/v1/countries/CF/findings/decisions", "/api/v1/countries/CF/findings/decisions/bulk"):
        response = post(client, url, {"incomplete": True}, **headers)
        assert response.status_code == 403, (url, response.content)
        assert response.json() == {
            "detail": "Only reviewers and editors working on this country may decide on its findings."
        }
    assert client.get("/api/v1/countries/CF/actors", headers=headers).status_code == 200


@pytest.mark.django_db
def test_an_editor_with_an_incomplete_body_is_told_the_fields(
    member_client: Client, editor_token: dict[str, str], small_map: SmallMap
) -> None:
    assert field_errors(post(member_client, "/api/v1/countries/CF/actors", {})) == {"kind": ["This field is required."]}
    response = post(Client(), "/api/v1/countries/CF/actors", {}, **editor_token)
    assert field_errors(response) == {"kind": ["This field is required."]}


@pytest.mark.django_db
def test_an_outsider_editor_is_refused_by_the_rules_of_the_record(outsider: User, small_map: SmallMap) -> None:
    """An editor of another organisation passes the first check, then meets the record's own rules."""
    headers = {"Authorization": f"Bearer {token_create(user=outsider, name='script', by=outsider)[1]}"}
    response = post(Client(), f"/api/v1/actors/{small_map.army.pk}", {"notes": "mine"}, method="patch", **headers)
    assert response.status_code in (403, 404)
    assert Actor.objects.get(pk=small_map.army.pk).notes == ""


@pytest.mark.django_db
def test_the_owner_may_still_change_a_record(owner: User, small_map: SmallMap) -> None:
    headers = {"Authorization": f"Bearer {token_create(user=owner, name='script', by=owner)[1]}"}
    response = post(Client(), f"/api/v1/actors/{small_map.army.pk}", {"notes": "checked"}, method="patch", **headers)
    assert response.status_code == 200
    assert response.json()["notes"] == "checked"


# --- Server errors ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_server_error_sends_no_traceback_even_with_debug_on(
    anonymous_client: Client, small_map: SmallMap, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("secret internals of country_summaries")

    monkeypatch.setattr(selectors, "country_summaries", broken)
    response = anonymous_client.get("/api/v1/countries")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "The server met an error; it was logged. Please try again later."}
    assert b"Traceback" not in response.content
    assert b"secret internals" not in response.content


# --- The OpenAPI document --------------------------------------------------------------------------------------------


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_declares_its_error_answers() -> None:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    assert components["FieldErrorsOut"]["properties"]["detail"]["type"] == "object"
    assert components["MessageOut"]["properties"]["detail"]["type"] == "string"
    operations = _operations()
    # 52 of the map, its analysis, programmes, results and money; 15 of references; the country timeline; 3 of
    # country context; 4 of assessments (their review comments; indicators' assessment source); the dashboard.
    assert len(operations) == 102
    # country context; 4 of assessments (their review comments; indicators' assessment source); the dashboard; 3 of
    # due diligence (the programme's and the country's reports, an assessment with its risk listing).
    for method, path, operation in operations:
        responses = {str(code): answer for code, answer in operation["responses"].items()}
        assert "401" in responses, (method, path)
        if method in ("POST", "PUT", "PATCH"):
            assert {"400", "403", "404", "413", "422"} <= set(responses), (method, path)
        if method == "DELETE":
            assert {"403", "404"} <= set(responses), (method, path)
        if "{" in path or operation.get("parameters"):
            assert "404" in responses or "422" in responses, (method, path)
        for code, answer in responses.items():
            if code.startswith("4"):
                reference = answer["content"]["application/json"]["schema"]["$ref"]
                expected = "FieldErrorsOut" if code == "422" else "MessageOut"
                assert reference == f"#/components/schemas/{expected}", (method, path, code)
