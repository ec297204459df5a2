"""Every write of the map's preferences: one service, atomic and audited."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.maps.models import Layout, MapPreference


@transaction.atomic
def map_preference_set(*, user: User, layout: str) -> MapPreference:
    """Remember the map layout a user chose; refused, naming the field, for a layout the map does not have."""
    if layout not in Layout.values:
        choices = ", ".join(Layout.values)
        raise ValidationError({"layout": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
    preference = MapPreference.objects.select_for_update().filter(user=user).first()
    if preference is None:
        preference = MapPreference.objects.create(user=user, layout=layout)
        audit_record(user=user, action=Action.CREATE, instance=preference, before=None, after={"layout": layout})
    elif preference.layout != layout:
        before = {"layout": preference.layout}
        preference.layout = layout
        preference.save(update_fields=["layout", "updated_at"])
        audit_record(user=user, action=Action.UPDATE, instance=preference, before=before, after={"layout": layout})
    return preference
