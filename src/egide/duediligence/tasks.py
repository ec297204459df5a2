"""The background task of the daily digest (in `egide db_worker`, or at once with the immediate backend)."""

from django.tasks import task

from egide.duediligence.digest import digest_send


@task()
def digest_task() -> int:
    """Send the digest; the value is the number of e-mails sent."""
    return digest_send().sent
