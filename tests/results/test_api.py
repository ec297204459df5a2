"""Results frameworks through the API: reading, building, reporting and reviewing, with permissions checked before
the body is read."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality
from egide.programmes.models import Programme
from egide.results.models import Indicator, Period, Result, Update, UpdateStatus
from tests.results.conftest import submit

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_of(user: User) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(f"{API}{path}", data=data, content_type="application/json")


def test_building_a_framework_and_reviewing_a_value(programme: Programme, member: User, reviewer: User) -> None:
    client = client_of(member)
    result = send(client, "post", f"/programmes/{programme.pk}/results", {"title_en": "Police", "type": "2"})
    assert result.status_code == 201, result.content
    result_id = result.json()["id"]
    indicator = send(
        client, "post", f"/results/{result_id}/indicators", {"title_en": "Officers trained", "baseline_value": "0"}
    )
    assert indicator.status_code == 201
    period = send(
        client,
        "post",
        f"/indicators/{indicator.json()['id']}/periods",
        {
            "start": "2020-01-01",
            "end": "2020-12-31",
            "target_value": "200",
            "target_disaggregations": [{"dimension": "sex", "category": "female", "value": "80"}],
        },
    )
    assert period.status_code == 201
    assert period.json()["target_disaggregations"] == [{"dimension": "sex", "category": "female", "value": "80"}]
    update = send(
        client, "post", f"/periods/{period.json()['id']}/updates", {"value_date": "2020-04-01", "value": "150"}
    )
    assert update.status_code == 201
    assert update.json()["status"] == "submitted"
    update_id = update.json()["id"]
    assert send(client, "post", f"/updates/{update_id}/approve").status_code == 403  # an editor
    approved = send(client_of(reviewer), "post", f"/updates/{update_id}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    framework = send(client, "get", f"/programmes/{programme.pk}/results").json()
    (read_period,) = framework[0]["indicators"][0]["periods"]
    assert read_period["progress"]["actual"] == "150"
    assert read_period["target_value"] == "200"
    assert read_period["progress"]["percent"] == 75
    assert read_period["progress"]["status"] == "amber"


def test_returning_needs_a_reason(period: Period, member: User, reviewer: User) -> None:
    update = submit(member, period, "40")
    client = client_of(reviewer)
    refused = send(client, "post", f"/updates/{update.pk}/return", {"reason": " "})
    assert refused.status_code == 422
    assert "reason" in refused.json()["detail"]
    done = send(client, "post", f"/updates/{update.pk}/return", {"reason": "No sheets"})
    assert done.status_code == 200
    assert done.json()["return_reason"] == "No sheets"
    corrected = send(client_of(member), "put", f"/updates/{update.pk}", {"value_date": "2020-06-02", "value": "41"})
    assert corrected.status_code == 200
    assert corrected.json()["status"] == "submitted"


def test_permission_is_checked_before_the_body(period: Period, viewer: User, outsider: User, reviewer: User) -> None:
    programme = period.indicator.result.programme
    # A body that would be refused for its fields is never read: the answer is about the right to change.
    assert send(client_of(viewer), "post", f"/programmes/{programme.pk}/results", {"nonsense": 1}).status_code == 403
    assert send(client_of(reviewer), "post", f"/programmes/{programme.pk}/results", {"nonsense": 1}).status_code == 403
    hidden = send(client_of(outsider), "post", f"/programmes/{programme.pk}/results", {"nonsense": 1})
    assert hidden.status_code == 404
    assert send(client_of(outsider), "delete", f"/periods/{period.pk}").status_code == 404
    update = submit(None, period, "5")
    assert send(client_of(outsider), "post", f"/updates/{update.pk}/approve").status_code == 404
    assert Result.objects.count() == 1
    assert Update.objects.get().status == UpdateStatus.SUBMITTED


def test_anonymous_visitors_read_public_frameworks_only(programme: Programme, period: Period) -> None:
    assert Client().get(f"{API}/programmes/{programme.pk}/results").status_code == 404
    programme.confidentiality = Confidentiality.PUBLIC
    programme.save()
    answer = Client().get(f"{API}/programmes/{programme.pk}/results")
    assert answer.status_code == 200
    assert answer.json()[0]["indicators"][0]["title_en"] == "Judges trained"
    assert (
        Client()
        .post(f"{API}/programmes/{programme.pk}/results", data="{}", content_type="application/json")
        .status_code
        == 401
    )


def test_replacing_and_deleting(period: Period, member: User) -> None:
    client = client_of(member)
    indicator = period.indicator
    replaced = send(
        client,
        "put",
        f"/indicators/{indicator.pk}",
        {"title_en": "Judges certified", "measure": "1", "ascending": False},
    )
    assert replaced.status_code == 200
    assert replaced.json()["ascending"] is False
    refused = send(client, "put", f"/periods/{period.pk}", {"start": "2020-05-01", "end": "2020-01-01"})
    assert refused.status_code == 422
    assert refused.json()["detail"]["end"]
    assert send(client, "delete", f"/periods/{period.pk}").status_code == 204
    assert send(client, "delete", f"/indicators/{indicator.pk}").status_code == 204
    assert send(client, "delete", f"/results/{indicator.result_id}").status_code == 204
    assert not Indicator.objects.exists()
    assert not Result.objects.exists()


def test_a_linked_actor_is_named_only_to_those_who_see_it(
    programme: Programme, result: Result, member: User, other_organisation: object
) -> None:
    from egide.actors.models import Actor
    from egide.results import services
    from egide.results.data import IndicatorData

    actor = Actor.objects.create(
        country="CF", kind="police", name_en="Unit", owner=programme.owner, confidentiality=Confidentiality.ORGANISATION
    )
    services.indicator_create(user=None, result=result, data=IndicatorData(title_en="Trained", actor_id=actor.pk))
    programme.confidentiality = Confidentiality.PUBLIC
    programme.save()
    seen = send(client_of(member), "get", f"/programmes/{programme.pk}/results").json()
    assert seen[0]["indicators"][0]["actor"] == actor.pk
    hidden = Client().get(f"{API}/programmes/{programme.pk}/results").json()
    assert hidden[0]["indicators"][0]["title_en"] == "Trained"
    assert hidden[0]["indicators"][0]["actor"] is None
