"""What the forms of due diligence say about who reads a record at each level it may be given (the rule itself is
duediligence.access): restricted by default, the other levels being the owner's explicit choice."""

from django.utils.translation import gettext_lazy as _

from egide.accounts.levels import Confidentiality

LEVELS_HELP = _(
    "Restricted (the default): only the owner organisation's members and the organisations it shares this record "
    "with. Organisation: only the owner organisation's members. Partners: every member of every organisation "
    "working on the country, without any sharing; choose it only for what all of them may read."
)
"""The plain words shown under the choice of level, so that nobody widens a record's readers by mistake."""

DEFAULT_LEVEL = Confidentiality.RESTRICTED
