"""The audit log's one table. An event is written once and never changed or deleted through the product."""

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egide.accounts.models import Organisation

IMMUTABLE_MESSAGE = "The audit log cannot be changed or deleted."


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")


class Action(models.TextChoices):
    """Every verb the product records: services pass one of these, never a bare string (egide.audit.services
    refuses any other). An older verb read from the log still gets a readable label from `action_label`."""

    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    SHARE = "share", pgettext_lazy("audit action", "Shared")
    UNSHARE = "unshare", pgettext_lazy("audit action", "Sharing withdrawn")
    CITE = "cite", pgettext_lazy("audit action", "Source cited")
    UNCITE = "uncite", pgettext_lazy("audit action", "Citation removed")
    # A decision on a governance finding; the values are the decision's status.
    ACKNOWLEDGE = "acknowledged", pgettext_lazy("audit action", "Acknowledged")
    FALSE_POSITIVE = "false_positive", pgettext_lazy("audit action", "Marked as a false positive")
    REOPEN = "reopen", pgettext_lazy("audit action", "Reopened")
    IMPORT = "import", pgettext_lazy("audit action", "Imported")
    EXPORT = "export", pgettext_lazy("audit action", "Exported")
    REVOKE = "revoke", pgettext_lazy("audit action", "Revoked")
    # On an account: its password changed by its holder, a reset link sent to its address, a new password chosen
    # from that link (or given by the command line). The entry never holds the password or the link's token.
    PASSWORD_CHANGE = "password_change", pgettext_lazy("audit action", "Password changed")
    PASSWORD_RESET_REQUEST = "password_reset_request", pgettext_lazy("audit action", "Password reset requested")
    PASSWORD_RESET = "password_reset", pgettext_lazy("audit action", "Password reset")
    # The review of a value reported on a programme's results (egide.results.services).
    SUBMIT = "submit", pgettext_lazy("audit action", "Submitted for review")
    APPROVE = "approve", pgettext_lazy("audit action", "Approved")
    RETURN = "return", pgettext_lazy("audit action", "Returned for correction")
    # The review of an assessment, question by question (egide.assessments.services).
    COMMENT = "comment", pgettext_lazy("audit action", "Comment written")
    REPLY = "reply", pgettext_lazy("audit action", "Reply written")
    RESOLVE = "resolve", pgettext_lazy("audit action", "Comment resolved")
    # Human-rights due diligence (egide.duediligence): a person's record or an incident read by a user (every
    # read of such a record is logged, not only changes), and a person's record erased with a reason.
    READ = "read", pgettext_lazy("audit action", "Consulted")
    ERASE = "erase", pgettext_lazy("audit action", "Erased")


ACTION_LABELS: dict[str, Promise] = {str(value): label for value, label in Action.choices}


def action_label(action: str) -> str:
    """The translated label of a verb, or the verb itself made readable when the product does not name it."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ").capitalize()


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reading is allowed; changing or deleting in bulk is refused like changing one event."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError(IMMUTABLE_MESSAGE)

    def delete(self) -> NoReturn:
        raise PermissionError(IMMUTABLE_MESSAGE)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise PermissionError(IMMUTABLE_MESSAGE)


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """One create, change, delete (or other verb) on one record, with who, when, from where, before and after.

    `user` and `organisation` become empty if the account or the organisation is deleted; `username`, `object_repr`
    and the snapshots keep what was true at the time.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.CLI)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    # No index of its own: audit_record_history below starts with it (one index fewer to write per event).
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("record"), max_length=300)
    country = models.CharField(_("country"), max_length=2, blank=True)
    # No index of its own either: audit_organisation_log starts with it.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        db_index=False,
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="audit_record_history"),
            models.Index(fields=["organisation", "-created_at"], name="audit_organisation_log"),
        ]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M:%S}" if self.created_at else "-"
        return f"{when} {self.username or '-'} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update"):
            raise PermissionError(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError(IMMUTABLE_MESSAGE)

    @property
    def action_label(self) -> str:
        return action_label(self.action)
