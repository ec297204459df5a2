"""An import of a large file, run by the background worker rather than in the web request that uploaded it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    # The file's headers name columns that are not the map's: it waits, kept, for the user to map them.
    MAPPING = "mapping", _("waiting for its columns to be mapped")


class ImportKind(models.TextChoices):
    """What a job's file holds, and so which import reads it."""

    MAP = "map", _("security system map")
    PROGRAMMES = "programmes", _("programmes")
    MONEY = "money", _("budgets and transactions")
    RESULTS = "results", _("results frameworks")


class ImportJob(models.Model):
    """One uploaded file waiting for, or done with, the worker; its bytes are kept only until the job ends."""

    # A random id: the job's page address reveals nothing about other people's imports.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices, default=ImportKind.MAP)
    country = models.CharField(_("country"), max_length=2)
    owner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The level given to the map's new records; a programmes file gives each programme its own.
    confidentiality = models.CharField(max_length=12, choices=Confidentiality.choices, blank=True)
    # Check the file and count what it would change, writing nothing (programmes and money files).
    dry_run = models.BooleanField(default=False)
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    data = models.BinaryField(blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    report = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The language of the page that started the job, for the messages the worker writes.
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.country}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.MAPPING)


class TransferKind(models.TextChoices):
    IMPORT = "import", _("import")
    EXPORT = "export", _("export")


class TransferOutcome(models.TextChoices):
    DONE = "done", _("done")
    REJECTED = "rejected", _("rejected: the file has problems, nothing was written")
    UNREADABLE = "unreadable", _("unreadable file")
    REFUSED = "refused", _("refused: no right to import for this organisation")


class MapTransfer(models.Model):
    """An import into a country's map, or an export of it: the record the audit log's import and export events are
    about. Who made it, when, from where and through which channel is in the event."""

    kind = models.CharField(_("kind"), max_length=8, choices=TransferKind.choices)
    country = models.CharField(_("country"), max_length=2)
    format = models.CharField(_("format"), max_length=16)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    # The organisation an import's records are created for: its administrators read the event in their log.
    owner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=TransferOutcome.choices)
    records = models.PositiveIntegerField(_("records"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("map import or export")
        verbose_name_plural = _("map imports and exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        if self.kind == TransferKind.IMPORT:
            return _("Import of %(file)s into %(country)s") % {"file": self.filename, "country": self.country}
        return _("Export of %(country)s (%(format)s)") % {"country": self.country, "format": self.format}


class ColumnMapping(models.Model):
    """What a header that names no column of the map's tables stands for, as an organisation's members said once:
    the next file of that organisation with the same header is read with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="column_mappings")
    table = models.CharField(_("table"), max_length=32)
    header = models.CharField(_("header"), max_length=200)
    column = models.CharField(_("column"), max_length=64, blank=True, help_text=_("Empty: the column is left out."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "table", "header"], name="one_mapping_per_header")
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.header} → {self.column or '-'}"


class WorkerBeat(models.Model):
    """A background worker that is running, as it last told: the reaper judges by it whether a worker on another
    machine is still alive (one on the same machine is judged by its process)."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
