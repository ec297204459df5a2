"""What the platform keeps of IATI beside the programmes: the official codelists, loaded from their files."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CodelistEntry(models.Model):
    """One code of one official IATI codelist (Sector, Country, Currency, OrganisationType, ...)."""

    codelist = models.CharField(_("codelist"), max_length=64)
    code = models.CharField(_("code"), max_length=32)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("IATI code"), _("IATI codes")
        ordering = ["codelist", "code"]
        constraints = [models.UniqueConstraint(fields=["codelist", "code"], name="iati_code_once_per_codelist")]

    def __str__(self) -> str:
        return f"{self.codelist} {self.code}"


class ImportedActivity(models.Model):
    """Where an imported programme comes from: the file, the publisher, the IATI version, when, a checksum of the
    activity as it was read (an unchanged activity is not written again) and the publisher's faults found in it."""

    programme = models.OneToOneField(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="iati"
    )
    source_file = models.CharField(_("file"), max_length=500)
    reporting_org_ref = models.CharField(_("reporting organisation (IATI identifier)"), max_length=100, blank=True)
    reporting_org_name = models.CharField(_("reporting organisation"), max_length=300, blank=True)
    version = models.CharField(_("IATI version"), max_length=8, blank=True)
    imported_at = models.DateTimeField(_("imported"))
    checksum = models.CharField(max_length=64)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("IATI provenance"), _("IATI provenances")

    def __str__(self) -> str:
        return f"{self.source_file} → {self.programme_id}"


class ImportedFile(models.Model):
    """A file whose last import was clean (every activity written, unchanged or left out by the filters, none
    refused): a digest of its content with the import's filters and codelists, and the digest of each of its
    activities. The same file imported again with the same settings, while each of its activities is still as
    recorded (and none it left out has been imported since), changes nothing: it is known without reading it."""

    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("file"), max_length=500)
    activities = models.JSONField(default=dict)
    """{"kept": [[identifier, digest], ...], "skipped": [[identifier, digest], ...]}, in the file's order."""
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name, verbose_name_plural = _("IATI file imported"), _("IATI files imported")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class IatiExport(models.Model):
    """An IATI file published from the platform: what was chosen and how many activities it held."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    status = models.CharField(_("status"), max_length=2, blank=True)
    include_non_public = models.BooleanField(_("programmes that are not public included"), default=False)
    activities = models.PositiveIntegerField(_("activities"), default=0)
    created_at = models.DateTimeField(_("exported"), auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("IATI export"), _("IATI exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"IATI export of {self.activities} activities"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class IatiImportRun(models.Model):
    """An import of one or more uploaded IATI files by the background worker: what was asked, how far it got, and
    its report per file. The files are kept (in the media folder) only until the run ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="iati_import_runs")
    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL
    )
    filenames = models.JSONField(_("files"), default=list)
    stored = models.JSONField(default=list, blank=True)
    sectors = models.CharField(_("sectors"), max_length=2000, default="ssr")
    countries = models.CharField(_("countries"), max_length=2000, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    files_done = models.PositiveIntegerField(default=0)
    activities_read = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("IATI import"), _("IATI imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return ", ".join(self.filenames)[:200]

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    def total(self, name: str) -> int:
        return sum(int(item.get(name, 0)) for item in self.report)

    @property
    def created_total(self) -> int:
        return self.total("created")

    @property
    def updated_total(self) -> int:
        return self.total("updated")

    @property
    def unchanged_total(self) -> int:
        return self.total("unchanged")

    @property
    def skipped_total(self) -> int:
        return self.total("skipped_by_filter")

    @property
    def warnings_total(self) -> int:
        return self.total("warnings")
