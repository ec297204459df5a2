"""The demo's organisations, users and confidentiality levels, so that every access rule can be tried out.

Demo passwords are generated when a user is created and printed once; none is written here.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Role
from egide.accounts.selectors import PLATFORM, record_shares
from egide.accounts.services import membership_set, record_share
from egide.actors.models import Actor, Relationship
from egide.actors.tabular import Tables
from egide.security.passwords import password_set


@dataclass(frozen=True)
class DemoOrganisation:
    acronym: str
    name_en: str
    name_fr: str
    type: str
    home_country: str
    iati_identifier: str = ""


ORGANISATIONS = (
    DemoOrganisation(
        "MEAE",
        "Ministry for Europe and Foreign Affairs (France)",
        "Ministère de l’Europe et des Affaires étrangères",
        OrganisationType.MINISTRY,
        "FR",
        "FR-6",
    ),
    DemoOrganisation("EF", "Expertise France", "Expertise France", OrganisationType.AGENCY, "FR"),
    DemoOrganisation(
        "ST-RSS",
        "SSR technical secretariat, Central African Republic (illustrative)",
        "Secrétariat technique de la RSS, République centrafricaine (illustratif)",
        OrganisationType.SECRETARIAT,
        "CF",
    ),
    DemoOrganisation(
        "CSRP",
        "Police reform monitoring committee, DR Congo (illustrative)",
        "Comité de suivi de la réforme de la police, RD Congo (illustratif)",
        OrganisationType.SECRETARIAT,
        "CD",
    ),
)

# username: (organisation, role, countries)
USERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "meae-admin": ("MEAE", Role.ADMINISTRATOR, ()),
    "meae-editor": ("MEAE", Role.EDITOR, ()),
    "ef-editor": ("EF", Role.EDITOR, ("CF",)),
    "ef-viewer": ("EF", Role.VIEWER, ("CF", "CD")),
    "strss-editor": ("ST-RSS", Role.EDITOR, ("CF",)),
    "strss-reviewer": ("ST-RSS", Role.REVIEWER, ("CF",)),
    "csrp-editor": ("CSRP", Role.EDITOR, ("CD",)),
}

# Each country's map belongs to its partner secretariat; most of it is public knowledge.
COUNTRY_OWNERS = {"CF": "ST-RSS", "CD": "CSRP"}
DEFAULT_LEVEL = Confidentiality.PUBLIC

# A few records at the other levels, to show what each reader sees.
ACTOR_LEVELS: dict[tuple[str, str], str] = {
    ("CF", "DGD"): Confidentiality.PARTNERS,
    ("CF", "MIL_INTEL"): Confidentiality.PARTNERS,
    ("CF", "WAGNER"): Confidentiality.ORGANISATION,
    ("CD", "ANR"): Confidentiality.PARTNERS,
    ("CD", "MIL_INTEL"): Confidentiality.ORGANISATION,
    ("CD", "WAZALENDO"): Confidentiality.RESTRICTED,
}
RELATIONSHIP_LEVELS: dict[tuple[str, str, str, str], str] = {
    ("CF", "PRESIDENCY", "coordinates_with", "WAGNER"): Confidentiality.RESTRICTED,
    ("CF", "FACA", "coordinates_with", "WAGNER"): Confidentiality.ORGANISATION,
    ("CD", "PRESIDENCY", "appoints", "ANR"): Confidentiality.PARTNERS,
}
# Restricted records shared with another organisation: (country, kind, key) → [(acronym, may edit)]
SHARES: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, bool]]] = {
    ("CD", "actor", ("WAZALENDO",)): [("MEAE", False)],
    ("CF", "relationship", ("PRESIDENCY", "coordinates_with", "WAGNER")): [("MEAE", True)],
}


def organisations_load() -> dict[str, Organisation]:
    loaded = {}
    for demo in ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            acronym=demo.acronym,
            defaults={
                "name_en": demo.name_en,
                "name_fr": demo.name_fr,
                "type": demo.type,
                "home_country": demo.home_country,
                "iati_identifier": demo.iati_identifier,
            },
        )
        loaded[demo.acronym] = organisation
    return loaded


@transaction.atomic
def demo_passwords_reset() -> dict[str, str]:
    """New generated passwords for the demo users that exist (for whoever lost the ones printed at creation)."""
    passwords = {}
    for user in User.objects.filter(username__in=USERS).order_by("username"):
        password = secrets.token_urlsafe(9)
        password_set(user=user, password=password, by=None)
        passwords[user.username] = password
    return passwords


def users_load(organisations: dict[str, Organisation]) -> dict[str, str]:
    """Create the demo users that are missing; return the new ones' generated passwords."""
    passwords = {}
    for username, (acronym, role, countries) in USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username=username, password=password)
            passwords[username] = password
        membership_set(
            user=PLATFORM, organisation=organisations[acronym], member=user, role=role, countries=list(countries)
        )
    return passwords


def levels_for(country: str, tables: Tables) -> None:
    """Write each demo row's confidentiality into the tables, so that the import records it (and audits it)."""
    for row in tables.actors:
        row.values["confidentiality"] = ACTOR_LEVELS.get((country, row.get("reference")), DEFAULT_LEVEL)
    for row in tables.relationships:
        key = (country, row.get("from"), row.get("type"), row.get("to"))
        row.values["confidentiality"] = RELATIONSHIP_LEVELS.get(key, DEFAULT_LEVEL)


@transaction.atomic
def shares_apply(organisations: dict[str, Organisation]) -> None:
    """Share the demo's restricted records, through the service that audits it; applying twice changes nothing."""
    for (country, kind, key), shares in SHARES.items():
        records: list[Actor | Relationship]
        if kind == "actor":
            records = list(Actor.objects.filter(country=country, reference=key[0]))
        else:
            source, relationship_type, target = key
            records = list(
                Relationship.objects.filter(
                    country=country, source__reference=source, type=relationship_type, target__reference=target
                )
            )
        for record in records:
            for acronym, can_edit in shares:
                organisation = organisations[acronym]
                exists = record_shares(record=record).filter(organisation=organisation, can_edit=can_edit).exists()
                if not exists:
                    record_share(user=PLATFORM, record=record, organisation=organisation, can_edit_too=can_edit)
