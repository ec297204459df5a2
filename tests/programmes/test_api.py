"""The programmes' API: list with filters and pages, detail, create, replace with the version, delete; the
permission checked before the body; owner / member / outsider."""

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Organisation
from egide.programmes.models import Programme
from tests.conftest import SmallMap
from tests.programmes.conftest import ProgrammeFactory


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "country": "CF",
        "owner": organisation.pk,
        "iati_identifier": "FR-API-1",
        "title_en": "Justice in Bangui",
        "status": "2",
        "lifecycle_stage": "implementation",
        "confidentiality": "public",
        "planned_start": "2019-01-01",
        "planned_end": "2021-12-31",
        "countries": [{"country": "CF", "percentage": 100}],
        "participations": [{"role": "1", "organisation": organisation.pk}],
        "sectors": [{"code": "15130", "percentage": 100}],
        "areas": ["justice"],
    }
    values.update(changes)
    return values


def test_list_filters_and_pages(make_programme: ProgrammeFactory, anonymous_client: Client) -> None:
    make_programme()
    make_programme(iati_identifier="FR-HT", title_en="Haiti", country="HT", countries=[], sectors=[], areas=[])
    make_programme(iati_identifier="FR-SECRET", title_en="Secret", confidentiality="organisation")
    answer = anonymous_client.get("/api/v1/programmes").json()
    assert answer["count"] == 2
    assert [item["title_en"] for item in answer["items"]] == ["Haiti", "Support for the rule of law"]
    assert anonymous_client.get("/api/v1/programmes?country=HT").json()["count"] == 1
    assert anonymous_client.get("/api/v1/programmes?sector=1513").json()["items"][0]["iati_identifier"] == "FR-TEST-1"
    assert anonymous_client.get("/api/v1/programmes?limit=1&offset=1&sort=-title").json()["items"][0]["title_en"] == (
        "Haiti"
    )
    assert anonymous_client.get("/api/v1/programmes?limit=0").status_code == 422


def test_detail_shows_only_visible_actors(
    programme: Programme, anonymous_client: Client, member: User, small_map: SmallMap
) -> None:
    mine = client_of(member).get(f"/api/v1/programmes/{programme.pk}").json()
    assert mine["supports"] == [{"actor": small_map.police.pk, "support_en": "Training", "support_fr": "Formation"}]
    assert mine["sectors"][0]["code"] in ("15210", "15130")
    public = anonymous_client.get(f"/api/v1/programmes/{programme.pk}").json()
    assert public["supports"] == []


def test_hidden_programme_is_not_found(make_programme: ProgrammeFactory, outsider: User) -> None:
    hidden = make_programme(confidentiality="organisation")
    assert client_of(outsider).get(f"/api/v1/programmes/{hidden.pk}").status_code == 404
    assert (
        client_of(outsider).put(f"/api/v1/programmes/{hidden.pk}", {}, content_type="application/json").status_code
        == 404
    )


def test_member_creates_replaces_and_deletes(member: User, organisation: Organisation) -> None:
    client = client_of(member)
    created = client.post("/api/v1/programmes", body(organisation), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["areas"] == ["justice"]
    replaced = client.put(
        f"/api/v1/programmes/{pk}", body(organisation, title_en="Renamed", version=1), content_type="application/json"
    )
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 2
    stale = client.put(
        f"/api/v1/programmes/{pk}", body(organisation, title_en="Again", version=1), content_type="application/json"
    )
    assert stale.status_code == 409
    refused = client.put(
        f"/api/v1/programmes/{pk}",
        body(organisation, sectors=[{"code": "15130", "percentage": 30}]),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "sectors" in refused.content.decode()
    assert client.delete(f"/api/v1/programmes/{pk}?version=1").status_code == 409
    assert client.delete(f"/api/v1/programmes/{pk}").status_code == 204
    assert not Programme.objects.exists()


def test_owner_may_change_outsider_may_not_before_the_body_is_read(
    programme: Programme, owner: User, outsider: User, organisation: Organisation, anonymous_client: Client
) -> None:
    assert (
        client_of(owner)
        .put(
            f"/api/v1/programmes/{programme.pk}",
            body(organisation, iati_identifier="FR-TEST-1"),
            content_type="application/json",
        )
        .status_code
        == 200
    )
    # A body that is not even JSON: refused for the permission, not for the body.
    answer = client_of(outsider).put(f"/api/v1/programmes/{programme.pk}", "not json", content_type="application/json")
    assert answer.status_code == 403
    assert client_of(outsider).delete(f"/api/v1/programmes/{programme.pk}").status_code == 403
    assert anonymous_client.delete(f"/api/v1/programmes/{programme.pk}").status_code == 401
    outsider_create = client_of(outsider).post(
        "/api/v1/programmes", body(organisation, iati_identifier="X"), content_type="application/json"
    )
    assert outsider_create.status_code == 403
    assert Programme.objects.count() == 1
