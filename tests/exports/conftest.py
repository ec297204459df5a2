"""Exports' fixtures: a map with records at three levels, programmes with money and results, and helpers that read
an export back (CSV with the csv module, XLSX with openpyxl)."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client
from openpyxl import load_workbook

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Relationship
from egide.money.models import Transaction
from egide.programmes.models import Programme
from tests.assessments.conftest import small_version
from tests.conftest import ActorFactory, SmallMap


@pytest.fixture(autouse=True)
def immediate_tasks(settings: LazySettings) -> None:
    """Background exports run at once, in the test, so that their outcome can be checked."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.content  # type: ignore[attr-defined,no-any-return]


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers = [str(header) for header in rows[0]]
    # A read-only sheet leaves out a row's empty cells at its end.
    return [dict(zip(headers, [*row, *[None] * (len(headers) - len(row))], strict=True)) for row in rows[1:]]


def exported(response: HttpResponseBase, fmt: str) -> list[dict[str, object]] | list[dict[str, str]]:
    assert response.status_code == 200, response
    content = body(response)
    return read_csv(content) if fmt == "csv" else read_xlsx(content)


@dataclass
class LevelledMap:
    """Police forces at each level, and `commands` relationships to them at each level."""

    public_police: Actor
    partners_police: Actor
    secret_police: Actor
    commands: list[Relationship]


@pytest.fixture
def levelled_map(small_map: SmallMap, make_actor: ActorFactory, organisation: Organisation) -> LevelledMap:
    public = Confidentiality.PUBLIC
    Actor.objects.filter(pk__in=[small_map.presidency.pk, small_map.police.pk]).update(confidentiality=public)
    partners = make_actor(kind="police", name="Gendarmerie", reference="GN")
    secret = make_actor(
        kind="police", name="Secret Police", reference="SP", confidentiality=Confidentiality.ORGANISATION
    )

    def commands(target: Actor, level: str) -> Relationship:
        return services.relationship_create(
            user=None,
            data=RelationshipData(
                source=small_map.presidency, target=target, type="commands", owner=organisation, confidentiality=level
            ),
        )

    to_police = commands(small_map.police, Confidentiality.PUBLIC)
    to_secret = commands(secret, Confidentiality.ORGANISATION)
    police = Actor.objects.get(pk=small_map.police.pk)
    return LevelledMap(police, partners, secret, [small_map.commands, to_police, to_secret])


@pytest.fixture
def programmes(organisation: Organisation) -> dict[str, Programme]:
    """A public, a partners' and an organisation's programme in CF, and a public one elsewhere."""

    def make(key: str, level: str, country: str = "CF") -> Programme:
        return Programme.objects.create(
            country=country,
            iati_identifier=f"FR-TEST-{key}",
            title_en=f"Programme {key}",
            title_fr=f"Programme {key}",
            owner=organisation,
            confidentiality=level,
            default_currency="EUR",
            planned_start=date(2020, 1, 1),
        )

    return {
        "public": make("PUBLIC", Confidentiality.PUBLIC),
        "partners": make("PARTNERS", Confidentiality.PARTNERS),
        "secret": make("SECRET", Confidentiality.ORGANISATION),
        "elsewhere": make("ELSEWHERE", Confidentiality.PUBLIC, country="ML"),
    }


def add_transactions(programme: Programme, count: int) -> None:
    Transaction.objects.bulk_create(
        Transaction(
            programme=programme,
            type="3",
            date=date(2021, 1, 1 + number % 28),
            value=Decimal(f"{1000 + number}.50"),
            currency="EUR",
            value_date=date(2021, 1, 1),
            description=f"Disbursement {number}",
        )
        for number in range(count)
    )


__all__ = ["small_version"]
