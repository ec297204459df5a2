"""Alerts: something changed what a current assessment weighs, and its owners must look at it.

Three causes, each raised once per affected assessment (the unique constraints of Alert make raising twice a
no-op):

- a credible responsibility (its status not one of CLEARED_STATUSES) links an incident to a supported unit, that
  is a unit with a current assessment (its support has not ended);
- a credible responsibility links an incident to a person who commands such a unit now (or will: a post not ended);
- a person with a credible allegation takes a commanding post in such a unit.

They are raised from post_save receivers (`connect`, called by DueDiligenceConfig.ready()) rather than from the
services that write responsibilities and posts: those services belong to other parts of the app and write records
one by one, and the imports, the admin and the demo write them too; a receiver sees every save, in the writer's
transaction, so an alert exists exactly when its cause was committed.
"""

import datetime

from django.db.models import Q, QuerySet
from django.db.models.signals import post_save
from django.utils import timezone

from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence.models import (
    CLEARED_STATUSES,
    COMMAND_ROLES,
    Alert,
    AlertKind,
    DiligenceAssessment,
    Post,
    Responsibility,
)


def _current_assessments(today: datetime.date) -> QuerySet[DiligenceAssessment]:
    return DiligenceAssessment.objects.filter(Q(period_end__isnull=True) | Q(period_end__gte=today))


def not_ended(*, end_date: datetime.date | None, end_precision: str, ongoing: bool, today: datetime.date) -> bool:
    """A post held now or to come: ongoing, or ending today or later (an imprecise end counts to its last day)."""
    end = FuzzyDate.from_parts(end_date, end_precision)
    if end is None:
        return ongoing
    return end.last_day >= today


def _not_ended_posts(today: datetime.date) -> Q:
    """The same condition in the database, approximately on the safe side: an end in the current year or later
    is fetched, and `not_ended` decides."""
    return Q(end_date__isnull=True, ongoing=True) | Q(end_date__gte=datetime.date(today.year, 1, 1))


def _raise(
    assessments: list[DiligenceAssessment],
    kind: str,
    *,
    responsibility: Responsibility | None = None,
    post: Post | None = None,
) -> list[Alert]:
    raised = []
    for assessment in assessments:
        alert, created = Alert.objects.get_or_create(
            assessment=assessment, kind=kind, responsibility=responsibility, post=post
        )
        if created:
            raised.append(alert)
    return raised


def alerts_for_responsibility(*, responsibility: Responsibility, today: datetime.date | None = None) -> list[Alert]:
    """The alerts a responsibility raises (the new ones only)."""
    if responsibility.status in CLEARED_STATUSES:
        return []
    today = today or timezone.localdate()
    current = _current_assessments(today)
    if responsibility.actor_id is not None:
        return _raise(
            list(current.filter(actor_id=responsibility.actor_id)),
            AlertKind.UNIT_INCIDENT,
            responsibility=responsibility,
        )
    commands = Post.objects.filter(
        _not_ended_posts(today), person=responsibility.person, role__in=sorted(COMMAND_ROLES)
    ).values_list("actor_id", "end_date", "end_precision", "ongoing")
    units = {
        actor_id
        for actor_id, end_date, end_precision, ongoing in commands
        if not_ended(end_date=end_date, end_precision=end_precision, ongoing=ongoing, today=today)
    }
    if not units:
        return []
    return _raise(
        list(current.filter(actor_id__in=sorted(units))), AlertKind.COMMANDER_INCIDENT, responsibility=responsibility
    )


def alerts_for_post(*, post: Post, today: datetime.date | None = None) -> list[Alert]:
    """The alerts a commanding post raises when its holder has a credible allegation (the new ones only)."""
    today = today or timezone.localdate()
    if post.role not in COMMAND_ROLES or not not_ended(
        end_date=post.end_date, end_precision=post.end_precision, ongoing=post.ongoing, today=today
    ):
        return []
    credible = (
        Responsibility.objects.filter(person_id=post.person_id).exclude(status__in=sorted(CLEARED_STATUSES)).exists()
    )
    if not credible:
        return []
    return _raise(
        list(_current_assessments(today).filter(actor_id=post.actor_id)), AlertKind.ALLEGED_COMMANDER, post=post
    )


def _responsibility_saved(
    sender: type[Responsibility], instance: Responsibility, raw: bool = False, **_: object
) -> None:
    if not raw:  # a fixture being loaded: its alerts, if any, come with it
        alerts_for_responsibility(responsibility=instance)


def _post_saved(sender: type[Post], instance: Post, raw: bool = False, **_: object) -> None:
    if not raw:
        alerts_for_post(post=instance)


def connect() -> None:
    post_save.connect(_responsibility_saved, sender=Responsibility, dispatch_uid="duediligence-alert-responsibility")
    post_save.connect(_post_saved, sender=Post, dispatch_uid="duediligence-alert-post")
