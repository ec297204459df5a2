"""The daily digest of due-diligence alerts: each member of an assessment's owner organisation gets one e-mail, in
their language, listing the alerts not yet sent that they may read with their cause (the rule of the dashboard,
diligence_selectors.alerts_readable), each with a link to its evidence.

Each reader is mailed apart, outside any transaction (a slow mail server holds no lock), and what was mailed to them
is recorded right after their mail left (AlertMailing): a failed mail leaves their alerts for the next digest and
mails nobody else twice. An alert is marked sent once none of its readers is left to mail.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egide.accounts.models import Membership
from egide.core.templatetags.training import is_training
from egide.duediligence.diligence_selectors import alerts_readable
from egide.duediligence.models import Alert, AlertMailing, ReaderLanguage

log = logging.getLogger(__name__)


@dataclass
class DigestReport:
    sent: int = 0
    alerts: int = 0
    recipients: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def reader_language_remember(*, user: User, language: str) -> None:
    """Keep the language the user reads the pages in, for their digest (written only when it changed)."""
    if language not in dict(settings.LANGUAGES):
        return
    kept = ReaderLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    if kept is None:
        ReaderLanguage.objects.create(user=user, language=language)
    elif kept != language:
        ReaderLanguage.objects.filter(user=user).update(language=language)


def evidence_link(alert: Alert) -> str:
    """The assessment page, at the incident or post that raised the alert (its evidence is listed there)."""
    address = reverse("diligence:assessment-detail", kwargs={"pk": alert.assessment_id})
    if alert.responsibility_id is not None and alert.responsibility is not None:
        address += f"#incident-{alert.responsibility.incident_id}"
    else:
        address += "#alerts"
    return f"{settings.EGIDE_SITE_URL}{address}"


def incident_link(incident_id: int) -> str:
    """The incident's own page, for a reader who may read it."""
    return f"{settings.EGIDE_SITE_URL}{reverse('incidents:detail', kwargs={'pk': incident_id})}"


def _line(alert: Alert) -> str:
    """One alert, for a reader who may read its cause (alerts_readable chose it)."""
    assessment = alert.assessment
    if alert.responsibility is not None:
        incident = alert.responsibility.incident
        what = _("%(kind)s: %(incident)s (%(date)s)") % {
            "kind": alert.get_kind_display(),
            "incident": incident.title,
            "date": incident.occurred or "?",
        }
    elif alert.post is not None:
        what = _("%(kind)s: %(person)s") % {"kind": alert.get_kind_display(), "person": alert.post.person.display_name}
    else:
        what = str(alert.get_kind_display())
    line = _("- %(unit)s, programme %(programme)s. %(what)s\n  %(link)s") % {
        "unit": assessment.actor.name,
        "programme": assessment.programme.title,
        "what": what,
        "link": evidence_link(alert),
    } + _incident_line(alert)
    if is_training(assessment.country):
        # Invented units and incidents must never be read, out of the site, as facts about a real country.
        line += "\n  " + _("(Fictional training country: this assessment, its unit and its incidents are invented.)")
    return line


def _incident_line(alert: Alert) -> str:
    if alert.responsibility is None:
        return ""
    return "\n  " + _("The incident's page: %(link)s") % {"link": incident_link(alert.responsibility.incident_id)}


def _candidates(owner_ids: list[int]) -> list[User]:
    """The active members, with an address, of the organisations owning the pending alerts' assessments."""
    users: dict[int, User] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in=owner_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "pk")
    )
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def _unsent_to(user: User, pending: list[int]) -> list[Alert]:
    return list(
        alerts_readable(user=user)
        .filter(pk__in=pending)
        .exclude(mailings__user=user)
        .select_related(
            "assessment__actor", "assessment__programme", "responsibility__incident", "post__actor", "post__person"
        )
        .prefetch_related("post__person__names")
        .order_by("created_at", "pk")
    )


def _mail(user: User, listed: list[Alert], language: str) -> None:
    with translation.override(language):
        subject = ngettext(
            "Égide: %(count)s new due-diligence alert",
            "Égide: %(count)s new due-diligence alerts",
            len(listed),
        ) % {"count": len(listed)}
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                _("These alerts were raised on due-diligence assessments of your organisation:"),
                "\n".join(_line(alert) for alert in listed),
                _("Acknowledge them on your dashboard once you have looked at them."),
            ]
        )
    send_mail(subject, body, None, [user.email])


def digest_send() -> DigestReport:
    """Mail every reader the alerts not yet sent that they may read and were not mailed yet, one reader at a time;
    then mark sent the alerts left for nobody (those nobody may read too: they are not mailed later)."""
    report = DigestReport()
    pending_alerts = list(
        Alert.objects.filter(emailed_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "assessment__owner_id")
    )
    if not pending_alerts:
        return report
    pending = [pk for pk, _ in pending_alerts]
    owners = sorted({owner for _, owner in pending_alerts if owner is not None})
    languages = dict(ReaderLanguage.objects.values_list("user_id", "language"))
    failed: set[int] = set()
    for user in _candidates(owners):
        listed = _unsent_to(user, pending)
        if not listed:
            continue
        try:
            _mail(user, listed, languages.get(user.pk, settings.LANGUAGE_CODE))
        except Exception:  # a mail server's refusal of one reader must not stop the others' digests
            log.exception("The due-diligence digest could not be mailed to user %s.", user.pk)
            failed.update(alert.pk for alert in listed)
            report.failed.append(user.email)
            continue
        # A conflict: another digest mailed the same reader meanwhile, and what it recorded stands.
        AlertMailing.objects.bulk_create(
            [AlertMailing(alert=alert, user=user) for alert in listed], ignore_conflicts=True
        )
        report.sent += 1
        report.recipients.append(user.email)
    done = [pk for pk in pending if pk not in failed]
    report.alerts = Alert.objects.filter(pk__in=done, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return report
