"""The background tasks of the digest (in `egide db_worker`, or at once with the immediate backend): the digest
sent once, and the daily digest that queues its next run itself (egide.duediligence.digest_schedule)."""

from django.tasks import task

from egide.duediligence.digest import digest_send
from egide.duediligence.digest_schedule import digest_daily


@task()
def digest_task() -> int:
    """Send the digest; the value is the number of e-mails sent."""
    return digest_send().sent


@task()
def digest_daily_task(slot: str) -> int:
    """The digest of one day's slot (an ISO date and time), sent by the first task of that slot only, which queues
    the next day's; the value is the number of e-mails sent."""
    return digest_daily(slot)
