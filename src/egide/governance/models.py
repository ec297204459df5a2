"""What a team keeps about the derived findings: its decisions on them, and its choice of rule parameters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionStatus(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FALSE_POSITIVE = "false_positive", _("False positive")


class FindingDecision(models.Model):
    """A team's decision on a finding, kept across recomputations by the finding's stable key."""

    country = models.CharField(_("country"), max_length=2)
    key = models.CharField(_("finding"), max_length=500)
    rule = models.CharField(_("rule"), max_length=64)
    status = models.CharField(_("decision"), max_length=16, choices=DecisionStatus.choices)
    comment = models.TextField(_("comment or reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "key"], name="one_decision_per_finding")]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"


class RuleSetting(models.Model):
    """A country team's parameters for one rule (for instance which kinds count as a civilian authority)."""

    country = models.CharField(_("country"), max_length=2)
    rule = models.CharField(_("rule"), max_length=64)
    parameters = models.JSONField(_("parameters"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "rule"], name="one_setting_per_rule")]

    def __str__(self) -> str:
        return f"{self.country} {self.rule}"
