"""The programme sums' classes follow their programmes (egide.money.sums): a programme saved with another country,
owner or confidentiality has its sums counted again under its new class, and a deleted programme's sums are taken
away from their class before the database deletes them. Signals, so that every save and delete of a programme
counts (its services, the admin, the importers' saves); the bulk writes that send none (the IATI importer's) write
the programmes' sums again themselves."""

from typing import Any

from django.db import connections
from django.db.models.signals import post_save, pre_delete

from egide.money import sums
from egide.money.models import MoneySum
from egide.programmes.models import Programme


def _programme_saved(sender: type[Programme], instance: Programme, created: bool, using: str, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    moved = (
        MoneySum.objects.using(using)
        .filter(programme_id=instance.pk)
        .exclude(country=instance.country, owner_id=instance.owner_id or 0, confidentiality=instance.confidentiality)
        .exists()
    )
    if moved:
        sums.sums_of_programmes_rebuild([instance.pk], database=connections[using])


def _programme_deleted(sender: type[Programme], instance: Programme, using: str, **kwargs: Any) -> None:
    sums.sums_of_programmes_forget([instance.pk], database=connections[using])


def connect() -> None:
    post_save.connect(_programme_saved, sender=Programme, dispatch_uid="money-sums-programme-saved")
    pre_delete.connect(_programme_deleted, sender=Programme, dispatch_uid="money-sums-programme-deleted")
