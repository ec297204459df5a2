"""The sharing section of a restricted record's page (an actor, a person, an incident, a due-diligence assessment, a
programme): whom the record is shared with, the form that shares it with another organisation and the buttons that
withdraw a share, shown to the owner's editors by `accounts/_sharing.html`; and the answer to that form.

A page puts `sharing_section(...)` in its context as `sharing` and includes the template; its share view, after
reading the record as its page does, returns `share_posted(...)`. Withdrawing a share is `share_remove` of
`accounts.views`, whichever the record.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.accounts.selectors import Record, can_manage, record_shares
from egide.accounts.services import record_share
from egide.core.users import Caller

ACRONYM_LENGTH = Organisation._meta.get_field("acronym").max_length
"""The longest acronym: the form's field takes no more, and a refusal repeats no more of what was typed."""


@dataclass(frozen=True)
class Sharing:
    """What the section shows: the record's shares (with their organisations) and where its form posts."""

    shares: list[Share]
    share_url: str
    restricted: bool = True
    acronym_length: ClassVar[int | None] = ACRONYM_LENGTH


def sharing_section(*, user: Caller, record: Record, share_url: str) -> Sharing | None:
    """The record's sharing section for this reader, or None where the page has none: the reader may not change whom
    it is shared with (`can_manage`: the owner organisation's editors), or the record is not restricted and has no
    share (a share lets another organisation read a restricted record only). A record that left "restricted" keeps
    its shares, and one that allows editing still does: the section then lists them, so that the owner can see and
    withdraw them, without the form that adds more."""
    if not can_manage(user=user, record=record):
        return None
    restricted = record.confidentiality == Confidentiality.RESTRICTED
    shares = list(record_shares(record=record))
    if not restricted and not shares:
        return None
    return Sharing(shares=shares, share_url=share_url, restricted=restricted)


def share_posted(request: HttpRequest, record: Record, *, page: str) -> HttpResponse:
    """Share the record with the organisation that the section's form names by its acronym (for editing too when
    "may edit" is ticked), then back to the section of the record's `page`, saying what was done or what was wrong.

    The caller has read the record as the reader may (an unreadable one is its 404); one the reader may not manage
    is refused before anything else."""
    if not can_manage(user=request.user, record=record):
        raise PermissionDenied(_("Only the owner organisation's editors may change whom this record is shared with."))
    back = HttpResponseRedirect(page + "#sharing")
    acronym = request.POST.get("organisation", "").strip()
    organisation = Organisation.objects.filter(acronym__iexact=acronym).first()
    if organisation is None:
        messages.error(
            request, _("No organisation has the acronym “%(acronym)s”.") % {"acronym": acronym[:ACRONYM_LENGTH]}
        )
        return back
    try:
        record_share(
            user=request.user, record=record, organisation=organisation, can_edit_too=bool(request.POST.get("can_edit"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Shared with %(organisation)s.") % {"organisation": organisation.acronym})
    return back
