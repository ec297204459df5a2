"""The programme sums follow their programmes and the rates (egide.money.sums, egide.money.layers): a programme
saved with another country, owner or confidentiality, or whose areas of action changed, has its sums counted again
under its new class and areas; a deleted programme's sums are taken away before the database deletes them; a rate
saved or deleted changes the dashboard's totals by the difference between the sums that read it converted at the
new rates and at the old ones (egide.money.layers.rates_changed). Signals, so that every save and delete counts (the
services, the admin, the importers' saves); the bulk writes that send none (the IATI importer's, the rate files')
write the sums again themselves."""

from datetime import date
from typing import Any

from django.db import connections
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from egide.money import layers, sums
from egide.money.models import ExchangeRate, MoneySum
from egide.programmes.models import Programme, ProgrammeArea


def _programme_saved(sender: type[Programme], instance: Programme, created: bool, using: str, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    counted = MoneySum.objects.using(using).filter(programme_id=instance.pk)
    moved = counted.exclude(
        country=instance.country, owner_id=instance.owner_id or 0, confidentiality=instance.confidentiality
    ).exists()
    if moved or (counted.exists() and layers.areas_moved(instance.pk, database=connections[using])):
        sums.sums_of_programmes_rebuild([instance.pk], database=connections[using])


def _programme_deleted(sender: type[Programme], instance: Programme, using: str, **kwargs: Any) -> None:
    sums.sums_of_programmes_forget([instance.pk], database=connections[using])


def _area_changed(sender: type[ProgrammeArea], instance: ProgrammeArea, using: str, **kwargs: Any) -> None:
    """An area of action added or removed one by one (the admin, a test): the programme's sums are counted under
    its areas as they are now. A programme without sums has nothing counted (nor has one being deleted, whose
    sums went first), and the services' bulk writes of areas are followed by the programme's save."""
    if kwargs.get("raw"):
        return
    database = connections[using]
    counted = MoneySum.objects.using(using).filter(programme_id=instance.programme_id).exists()
    if counted and layers.areas_moved(instance.programme_id, database=database):
        sums.sums_of_programmes_rebuild([instance.programme_id], database=database)


RATES_ATTRIBUTE = "_egide_rates_changing"


def _rates_of(instance: ExchangeRate, using: str) -> set[tuple[str, str, date]]:
    """The (currency, period, start) of a rate as it is stored and as it is about to be."""
    rates = {(instance.currency, instance.period, instance.starts_on)}
    if instance.pk is not None:
        stored = (
            ExchangeRate.objects.using(using)
            .filter(pk=instance.pk)
            .values_list("currency", "period", "starts_on")
            .first()
        )
        if stored is not None:
            rates.add(stored)
    return rates


def _rate_changing(sender: type[ExchangeRate], instance: ExchangeRate, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    setattr(instance, RATES_ATTRIBUTE, layers.rates_changing(_rates_of(instance, using), database=connections[using]))


def _rate_changed(sender: type[ExchangeRate], instance: ExchangeRate, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    layers.rates_changed(getattr(instance, RATES_ATTRIBUTE), database=connections[using])
    delattr(instance, RATES_ATTRIBUTE)


def connect() -> None:
    post_save.connect(_programme_saved, sender=Programme, dispatch_uid="money-sums-programme-saved")
    pre_delete.connect(_programme_deleted, sender=Programme, dispatch_uid="money-sums-programme-deleted")
    post_save.connect(_area_changed, sender=ProgrammeArea, dispatch_uid="money-sums-area-saved")
    post_delete.connect(_area_changed, sender=ProgrammeArea, dispatch_uid="money-sums-area-deleted")
    pre_save.connect(_rate_changing, sender=ExchangeRate, dispatch_uid="money-totals-rate-saving")
    post_save.connect(_rate_changed, sender=ExchangeRate, dispatch_uid="money-totals-rate-saved")
    pre_delete.connect(_rate_changing, sender=ExchangeRate, dispatch_uid="money-totals-rate-deleting")
    post_delete.connect(_rate_changed, sender=ExchangeRate, dispatch_uid="money-totals-rate-deleted")
