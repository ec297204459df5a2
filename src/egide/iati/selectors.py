"""Reads of the iati app: the codelists the parser checks against, and the names of codes."""

from django.db.models import QuerySet

from egide.accounts.selectors import reach_of
from egide.core.users import Caller
from egide.iati.models import CodelistEntry, IatiImportRun
from egide.iati.parser import Codelists, built_in_codelists


def parser_codelists() -> Codelists:
    """The built-in codes, widened by the official lists once loaded (all DAC sectors, every country IATI
    knows, the statuses, transaction types and roles in force)."""
    built_in = built_in_codelists()
    loaded: dict[str, set[str]] = {}
    for codelist, code in CodelistEntry.objects.filter(
        codelist__in=("Sector", "Country", "ActivityStatus", "TransactionType", "OrganisationRole"), active=True
    ).values_list("codelist", "code"):
        loaded.setdefault(codelist, set()).add(code)
    return Codelists(
        statuses=built_in.statuses | frozenset(loaded.get("ActivityStatus", ())),
        transaction_types=built_in.transaction_types | frozenset(loaded.get("TransactionType", ())),
        roles=built_in.roles | frozenset(loaded.get("OrganisationRole", ())),
        # A country the platform cannot name (its list is ISO 3166-1 and XK) is not stored, whatever IATI says.
        countries=built_in.countries,
        sectors=frozenset(loaded.get("Sector", ())),
    )


def code_names(codelist: str) -> dict[str, tuple[str, str]]:
    """The English and French names of a loaded codelist's codes."""
    return {
        code: (name_en, name_fr)
        for code, name_en, name_fr in CodelistEntry.objects.filter(codelist=codelist).values_list(
            "code", "name_en", "name_fr"
        )
    }


def import_runs_visible(*, user: Caller) -> QuerySet[IatiImportRun]:
    """The IATI imports a user may follow: their own; every one for platform staff."""
    runs = IatiImportRun.objects.select_related("owner", "user")
    if reach_of(user).superuser:
        return runs
    return runs.filter(user_id=user.pk) if user is not None and user.is_authenticated else runs.none()
