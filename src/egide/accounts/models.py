"""Organisations, their members and roles, and what every confidential record carries."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# Its home is accounts.levels; most of the project imports it from here.
from egide.accounts.levels import Confidentiality as Confidentiality
from egide.core import iati_codes, taxonomy
from egide.core.labels import active_language


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    MISSION = "mission", _("Mission")
    SECRETARIAT = "secretariat", _("Partner-country SSR secretariat")
    MULTILATERAL = "multilateral", _("Multilateral organisation")
    CIVIL_SOCIETY = "civil_society", _("Civil-society body")
    RESEARCH = "research", _("Research institute")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=32, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=OrganisationType.choices)
    iati_identifier = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    iati_type = models.CharField(
        _("IATI organisation type"), max_length=2, blank=True, choices=taxonomy.choices(iati_codes.ORGANISATION_TYPES)
    )
    home_country = models.CharField(_("home country"), max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["acronym"]

    def __str__(self) -> str:
        return f"{self.acronym} — {self.name}"

    @property
    def name(self) -> str:
        return self.name_fr if active_language() == "fr" and self.name_fr else self.name_en


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


EDITING_ROLES = frozenset({Role.ADMINISTRATOR, Role.EDITOR})


class Membership(models.Model):
    """A user's role in an organisation, optionally limited to some countries (empty: every country)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__acronym"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation.acronym} · {self.role}"

    def covers(self, country: str) -> bool:
        return not self.countries or country in self.countries


class ConfidentialRecord(models.Model):
    """What every record that holds substance carries: an owner organisation and a confidentiality level."""

    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.PARTNERS
    )

    class Meta:
        abstract = True


class Share(models.Model):
    """A restricted record shared with another organisation, for reading or also for editing."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shares")
    can_edit = models.BooleanField(_("may edit"), default=False)
    # The record's country, kept here so that the visibility filter checks a share in one subquery.
    country = models.CharField(_("country"), max_length=2, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "organisation"], name="one_share_per_organisation"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The visibility filter's subquery for one country's records (a country page) reads that country's
            # shares only, from the index alone.
            models.Index(fields=["country", "content_type", "organisation", "object_id"], name="share_by_country"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} → {self.organisation.acronym}"


class Invitation(models.Model):
    """An administrator's invitation to join the organisation with a role: a link sent by e-mail, which the invited
    person opens once, before it expires, to choose a username and a password. Only a digest of the link's secret
    is kept, so that the table does not hold working links."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secret_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("invitation"), _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation.acronym}"
