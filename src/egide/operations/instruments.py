"""What the rest of the platform calls to be measured: nothing happens unless EGIDE_METRICS is on, and then
egide.operations.metrics (and prometheus_client with it) is imported on first use."""

from django.conf import settings


def enabled() -> bool:
    return bool(getattr(settings, "EGIDE_METRICS", False))


def import_rows(*, importer: str, rows: int) -> None:
    """Count the rows an importer read (a map's records, a programmes file's rows, an IATI file's activities)."""
    if enabled():
        from egide.operations import metrics

        metrics.import_rows_observed(importer=importer, rows=rows)
