"""IATI codelists the platform stores (the stored code is IATI's, so that the IATI import and publication map one
to one), with labels in English and French. Pure: no ORM. Only the codes in use are listed; an unknown code read
from a file is reported by the reader, never stored."""

from egide.core.labels import Term

# ActivityStatus.
STATUSES: tuple[Term, ...] = (
    Term("1", "Pipeline", "En préparation"),
    Term("2", "Implementation", "En cours"),
    Term("3", "Finalisation", "En clôture"),
    Term("4", "Closed", "Clos"),
    Term("5", "Cancelled", "Annulé"),
    Term("6", "Suspended", "Suspendu"),
)

# IATI OrganisationRole.
ROLES: tuple[Term, ...] = (
    Term("1", "Funding", "Bailleur"),
    Term("2", "Accountable", "Responsable"),
    Term("3", "Extending", "Intermédiaire"),
    Term("4", "Implementing", "Opérateur"),
)

# IATI OrganisationType (the codes in use in 2026).
ORGANISATION_TYPES: tuple[Term, ...] = (
    Term("10", "Government", "Administration publique"),
    Term("11", "Local government", "Collectivité locale"),
    Term("15", "Other public sector", "Autre organisme public"),
    Term("21", "International NGO", "ONG internationale"),
    Term("22", "National NGO", "ONG nationale"),
    Term("23", "Regional NGO", "ONG régionale"),
    Term("24", "Partner-country-based NGO", "ONG du pays partenaire"),
    Term("30", "Public-private partnership", "Partenariat public-privé"),
    Term("40", "Multilateral", "Organisation multilatérale"),
    Term("60", "Foundation", "Fondation"),
    Term("70", "Private sector", "Secteur privé"),
    Term("71", "Private sector in provider country", "Secteur privé du pays donateur"),
    Term("72", "Private sector in aid-recipient country", "Secteur privé du pays bénéficiaire"),
    Term("73", "Private sector in third country", "Secteur privé d’un pays tiers"),
    Term("80", "Academic, training and research", "Enseignement, formation et recherche"),
    Term("90", "Other", "Autre"),
)

# TransactionType.
TRANSACTION_TYPES: tuple[Term, ...] = (
    Term("1", "Incoming funds", "Fonds reçus"),
    Term("2", "Outgoing commitment", "Engagement"),
    Term("3", "Disbursement", "Décaissement"),
    Term("4", "Expenditure", "Dépense"),
    Term("5", "Interest payment", "Paiement d’intérêts"),
    Term("6", "Loan repayment", "Remboursement de prêt"),
    Term("7", "Reimbursement", "Remboursement"),
    Term("8", "Purchase of equity", "Prise de participation"),
    Term("9", "Sale of equity", "Cession de participation"),
    Term("10", "Credit guarantee", "Garantie de crédit"),
    Term("11", "Incoming commitment", "Engagement reçu"),
    Term("12", "Outgoing pledge", "Promesse de don"),
    Term("13", "Incoming pledge", "Promesse reçue"),
)

# BudgetType and BudgetStatus.
BUDGET_TYPES: tuple[Term, ...] = (Term("1", "Original", "Initial"), Term("2", "Revised", "Révisé"))
BUDGET_STATUSES: tuple[Term, ...] = (Term("1", "Indicative", "Indicatif"), Term("2", "Committed", "Engagé"))

# ResultType.
RESULT_TYPES: tuple[Term, ...] = (
    Term("1", "Output", "Extrant"),
    Term("2", "Outcome", "Effet"),
    Term("3", "Impact", "Impact"),
    Term("9", "Other", "Autre"),
)

# IndicatorMeasure (3, nominal, and 4, ordinal, are read as qualitative).
INDICATOR_MEASURES: tuple[Term, ...] = (
    Term("1", "Unit", "Unité"),
    Term("2", "Percentage", "Pourcentage"),
    Term("5", "Qualitative", "Qualitatif"),
)

# SectorVocabulary: 1 is the OECD DAC five-digit purpose code, the one the platform's sector list holds.
DAC_VOCABULARY = "1"

STATUS_BY_CODE = {term.code: term for term in STATUSES}
ROLE_BY_CODE = {term.code: term for term in ROLES}
ORGANISATION_TYPE_BY_CODE = {term.code: term for term in ORGANISATION_TYPES}
TRANSACTION_TYPE_BY_CODE = {term.code: term for term in TRANSACTION_TYPES}
RESULT_TYPE_BY_CODE = {term.code: term for term in RESULT_TYPES}
INDICATOR_MEASURE_BY_CODE = {term.code: term for term in INDICATOR_MEASURES}
BUDGET_TYPE_BY_CODE = {term.code: term for term in BUDGET_TYPES}
BUDGET_STATUS_BY_CODE = {term.code: term for term in BUDGET_STATUSES}
