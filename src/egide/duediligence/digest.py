"""The daily digest of due-diligence alerts: each member of an assessment's owner organisation gets one e-mail, in
their language, listing the alerts not yet sent, each with a link to its evidence; the alerts are then marked as
sent, so that the next digest holds only newer ones.

A member receives an alert when their membership covers the assessment's country (as for reading it); an
incident's title is written only for a member who may read the incident, the others read "an incident".
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egide.accounts.models import Membership
from egide.core.templatetags.training import is_training
from egide.duediligence.diligence_selectors import readable_incident_ids, readable_person_ids
from egide.duediligence.models import Alert, ReaderLanguage


@dataclass
class DigestReport:
    sent: int = 0
    alerts: int = 0
    recipients: list[str] = field(default_factory=list)


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


def _line(alert: Alert, readable: set[int], people: set[int]) -> str:
    assessment = alert.assessment
    unit = assessment.actor.name
    if alert.responsibility is not None:
        incident = alert.responsibility.incident
        title = incident.title if incident.pk in readable else _("an incident you may not read")
        what = _("%(kind)s: %(incident)s (%(date)s)") % {
            "kind": alert.get_kind_display(),
            "incident": title,
            "date": incident.occurred or "?",
        }
    elif alert.post is not None and alert.post.person_id in people:
        what = _("%(kind)s: %(person)s") % {"kind": alert.get_kind_display(), "person": alert.post.person.display_name}
    else:
        what = str(alert.get_kind_display())
    line = _("- %(unit)s, programme %(programme)s. %(what)s\n  %(link)s") % {
        "unit": unit,
        "programme": assessment.programme.title,
        "what": what,
        "link": evidence_link(alert),
    }
    if is_training(assessment.country):
        # Invented units and incidents must never be read, out of the site, as facts about a real country.
        line += "\n  " + _("(Fictional training country: this assessment, its unit and its incidents are invented.)")
    return line


def _recipients(alerts: list[Alert]) -> dict[User, list[Alert]]:
    owners = {alert.assessment.owner_id for alert in alerts if alert.assessment.owner_id is not None}
    memberships = (
        Membership.objects.filter(organisation_id__in=sorted(owners), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "pk")
    )
    chosen: dict[User, list[Alert]] = {}
    for membership in memberships:
        countries = set(membership.countries or ())
        for alert in alerts:
            assessment = alert.assessment
            covered = not countries or assessment.country in countries
            if assessment.owner_id == membership.organisation_id and covered:
                listed = chosen.setdefault(membership.user, [])
                if alert not in listed:
                    listed.append(alert)
    return chosen


def digest_send() -> DigestReport:
    """Send the digest of every alert not yet sent, and mark them sent (those nobody could receive too: an owner
    with no member to write to is not written to later about old alerts)."""
    report = DigestReport()
    with transaction.atomic():
        alerts = list(
            Alert.objects.select_for_update(of=("self",))
            .filter(emailed_at__isnull=True)
            .select_related(
                "assessment__actor", "assessment__programme", "responsibility__incident", "post__actor", "post__person"
            )
            .prefetch_related("post__person__names")
            .order_by("created_at", "pk")
        )
        if not alerts:
            return report
        languages = dict(ReaderLanguage.objects.values_list("user_id", "language"))
        incident_ids = sorted({alert.responsibility.incident_id for alert in alerts if alert.responsibility})
        person_ids = sorted({alert.post.person_id for alert in alerts if alert.post})
        for user, listed in _recipients(alerts).items():
            readable = readable_incident_ids(user=user, incident_ids=incident_ids)
            people = readable_person_ids(user=user, person_ids=person_ids)
            with translation.override(languages.get(user.pk, settings.LANGUAGE_CODE)):
                subject = ngettext(
                    "Égide: %(count)s new due-diligence alert",
                    "Égide: %(count)s new due-diligence alerts",
                    len(listed),
                ) % {"count": len(listed)}
                body = "\n\n".join(
                    [
                        _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                        _("These alerts were raised on due-diligence assessments of your organisation:"),
                        "\n".join(_line(alert, readable, people) for alert in listed),
                        _("Acknowledge them on your dashboard once you have looked at them."),
                    ]
                )
            send_mail(subject, body, None, [user.email])
            report.sent += 1
            report.recipients.append(user.email)
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(emailed_at=timezone.now())
        report.alerts = len(alerts)
    return report
