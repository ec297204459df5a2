"""What is kept of a country brief: who asked for which country, day, language and audience, which sections in
which order, how far its building went, and its files (the HTML and the PDF); and each organisation's logo and
footer, printed on its members' briefs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation


class Audience(models.TextChoices):
    READER = "reader", _("What I may see")
    PUBLIC = "public", _("The public")


class BriefStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Brief(models.Model):
    """One brief as it was built: its files are never rebuilt, so that what was read can be read again."""

    country = models.CharField(_("country"), max_length=2, db_index=True)
    as_of = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=8)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.READER)
    level = models.CharField(_("confidentiality level"), max_length=12, choices=Confidentiality.choices)
    """The most confidential level the brief may hold, stamped on every page."""
    sections = models.JSONField(_("sections"), default=list)
    """The codes of the sections shown, in their order (egide.reports.sections)."""
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    """Whose logo and footer the brief carries: the reader's organisation working on the country."""
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=BriefStatus.choices, default=BriefStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    html = models.FileField(_("HTML file"), upload_to="briefs/%Y/", blank=True)
    pdf = models.FileField(_("PDF file"), upload_to="briefs/%Y/", blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("country brief"), _("country briefs")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["country", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.country} {self.as_of.isoformat()} ({self.language})"

    @property
    def finished(self) -> bool:
        return self.status in (BriefStatus.DONE, BriefStatus.FAILED)


class BriefStyle(models.Model):
    """An organisation's logo and footer text, on the briefs its members make."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="brief_style"
    )
    logo = models.FileField(_("logo"), upload_to="brief-logos/", blank=True)
    footer = models.CharField(_("footer text"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("brief style"), _("brief styles")

    def __str__(self) -> str:
        return str(self.organisation)
