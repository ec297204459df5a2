"""Who may read a record: the confidentiality levels, apart from the models so that modules which only name the
levels (the map's field declarations, and through them the benchmarks' generator) need no app registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public: anyone, without logging in")
    PARTNERS = "partners", _("Partners: members of organisations working on the country")
    ORGANISATION = "organisation", _("Organisation: the owner's members only")
    RESTRICTED = "restricted", _("Restricted: the owner and the organisations it shares with")
