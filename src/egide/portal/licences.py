"""The licences an organisation may publish its open data under: the choice list, each with its address, apart
from the models so that the downloads and the pages name them without the app registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "CC0-1.0", _("Creative Commons Zero 1.0: public domain dedication (CC0)")
    ODBL = "ODbL-1.0", _("Open Data Commons Open Database License 1.0 (ODbL)")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


DEFAULT = Licence.ALL_RIGHTS_RESERVED
"""An organisation that has chosen nothing publishes under no open licence: its records may be read, not reused."""

URLS: dict[str, str] = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
    Licence.ALL_RIGHTS_RESERVED: "",
}
"""Each licence's text; none for "all rights reserved"."""


def label(code: str) -> str:
    return str(Licence(code).label)
