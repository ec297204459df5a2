"""Who commanded each unit of a country's map on a given day, for the map, the command tree and the API.

A commander is the holder of a post whose role commands (COMMAND_ROLES) and whose imprecise dates hold on the day,
read as the map reads a relationship's dates (egide.core.fuzzy_dates.held_on: a year or a month counts whole, a post
ended on an unknown date is left out). Only people the reader may read are named (egide.duediligence.access), in
units the reader may see: anonymous visitors, and so every public page, get nobody, without a query.

One query: the posts are narrowed in the database to those that may hold on the day, each with its person's name
(the primary one, else the first recorded) as a subquery; the exact test of the dates is made on the few rows read.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from egide.accounts.selectors import reach_of, visibility_filter
from egide.actors.models import Actor
from egide.core.fuzzy_dates import FuzzyDate, format_fuzzy, held_on
from egide.core.users import Caller
from egide.duediligence.access import publishing_allowed, readable_filter
from egide.duediligence.models import COMMAND_ROLES, NameKind, Person, PersonName, Post, PostRole


@dataclass(frozen=True, slots=True)
class Commander:
    actor_id: int
    person_id: int
    name: str
    role: str
    role_label: str
    start: str
    end: str


def _primary_name() -> Subquery:
    """The person's name as Person.display_name gives it: the first primary name, else the first one."""
    names = PersonName.objects.filter(person_id=OuterRef("person_id")).order_by(
        Case(When(kind=NameKind.PRIMARY, then=Value(0)), default=Value(1), output_field=IntegerField()), "id"
    )
    return Subquery(names.values("name")[:1])


def commanders_on(*, user: Caller, country: str, day: datetime.date) -> dict[int, list[Commander]]:
    """For each unit of the country that the user sees, the people the user may read who commanded it on `day`,
    in the order they took the post. Nothing (and no query) for a reader who may read nobody."""
    reach = reach_of(user)
    if not reach.superuser and not reach.authenticated and not publishing_allowed():
        return {}
    posts = Post.objects.filter(country=country, role__in=sorted(COMMAND_ROLES))
    # Not narrowed to the country: a person's record may belong to another country than the unit they command.
    person_rule = readable_filter(user=user, model=Person, prefix="person__")
    actor_rule = visibility_filter(user=user, model=Actor, prefix="actor__", country=country)
    for rule in (person_rule, actor_rule):
        if rule is not None:
            posts = posts.filter(rule)
    # What may hold on the day: started by then (an imprecise start counts from its first day), and not ended
    # before the year of the day (an end's first day is in the same year as its last day).
    posts = posts.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
        Q(end_date__isnull=True, ongoing=True) | Q(end_date__gte=datetime.date(day.year, 1, 1))
    )
    rows = (
        posts.annotate(person_name=_primary_name())
        .order_by("actor_id", "start_date", "id")
        .values_list(
            "actor_id",
            "person_id",
            "person_name",
            "role",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "ongoing",
        )
    )
    labels = dict(PostRole.choices)
    found: dict[int, list[Commander]] = {}
    for actor_id, person_id, name, role, start, start_precision, end, end_precision, ongoing in rows:
        if not held_on(
            day,
            start=FuzzyDate.from_parts(start, start_precision),
            end=FuzzyDate.from_parts(end, end_precision),
            ongoing=ongoing,
        ):
            continue
        found.setdefault(actor_id, []).append(
            Commander(
                actor_id=actor_id,
                person_id=person_id,
                name=name or f"#{person_id}",
                role=role,
                role_label=str(labels.get(role, role)),
                start=format_fuzzy(start, start_precision),
                end=format_fuzzy(end, end_precision),
            )
        )
    return found


def commanders_head(*, user: Caller, country: str, day: datetime.date | None) -> dict[str, Any]:
    """What the map's data says of its commanders: the day (the map's, else today) and who commanded on it."""
    on = day or timezone.localdate()
    found = commanders_on(user=user, country=country, day=on)
    return {
        "commanders_on": on.isoformat(),
        "commanders": [
            {
                "actor": commander.actor_id,
                "person": commander.person_id,
                "name": commander.name,
                "role": commander.role,
                "role_label": commander.role_label,
                "start": commander.start,
                "end": commander.end,
            }
            for commanders in found.values()
            for commander in commanders
        ],
    }
