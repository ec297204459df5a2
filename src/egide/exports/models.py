"""Every export of a list: who asked for which list, with which filters, in which format, and how many rows it
held. A small export is streamed in the request that asked for it; a large one is written by the background worker
to the file storage, kept for its requester until it expires."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    STREAMED = "streamed", _("streamed")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


class Export(models.Model):
    """One export; the audit log's export event is about it."""

    # The address of a background export's page and file: random, so that it reveals nothing of other exports.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="exports"
    )
    list_name = models.CharField(_("list"), max_length=32)
    # The list's scope: a country's code or a programme's id, empty for a list of the whole platform.
    scope = models.CharField(_("scope"), max_length=32, blank=True)
    # The country of a country's list, for the audit log's country filter.
    country = models.CharField(_("country"), max_length=2, blank=True)
    # The filters on screen, as the list page's query string.
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.CharField(_("file"), max_length=255, blank=True)
    error = models.TextField(blank=True)
    # The language of the page that asked for the export: its headers and labels are in it.
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("list export"), _("list exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.list_name} ({self.format}, {self.rows})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def progress(self) -> int:
        if self.finished:
            return 100
        return min(99, self.written * 100 // self.rows) if self.rows else 0
