"""The SSR lifecycle of a programme, from the partner's request to its closure (the seed's sequence). Pure."""

from egide.core.labels import Term

LIFECYCLE_STAGES: tuple[Term, ...] = (
    Term("request", "Request", "Demande"),
    Term("needs_assessment", "Needs assessment", "Évaluation des besoins"),
    Term("design", "Design", "Conception"),
    Term("implementation", "Implementation", "Mise en œuvre"),
    Term("monitoring_evaluation", "Monitoring and evaluation", "Suivi et évaluation"),
    Term("closure", "Closure", "Clôture"),
)

LIFECYCLE_BY_CODE = {term.code: term for term in LIFECYCLE_STAGES}

# IATI DocumentCategory: the activity-level codes (A).
DOCUMENT_CATEGORIES: tuple[Term, ...] = (
    Term("A01", "Pre- and post-project impact appraisal", "Évaluation d’impact avant et après le projet"),
    Term("A02", "Objectives / purpose of activity", "Objectifs de l’activité"),
    Term("A03", "Intended ultimate beneficiaries", "Bénéficiaires finaux visés"),
    Term("A04", "Conditions", "Conditions"),
    Term("A05", "Budget", "Budget"),
    Term("A06", "Summary information about contract", "Informations résumées sur le contrat"),
    Term("A07", "Review of project performance and evaluation", "Revue de performance et évaluation"),
    Term("A08", "Results, outcomes and outputs", "Résultats, effets et extrants"),
    Term("A09", "Memorandum of understanding", "Protocole d’accord"),
    Term("A10", "Tender", "Appel d’offres"),
    Term("A11", "Contract", "Contrat"),
    Term("A12", "Activity web page", "Page web de l’activité"),
)

DOCUMENT_CATEGORY_BY_CODE = {term.code: term for term in DOCUMENT_CATEGORIES}

# The languages a document is written in (ISO 639-1), those of the platform's partners.
DOCUMENT_LANGUAGES: tuple[Term, ...] = (
    Term("fr", "French", "Français"),
    Term("en", "English", "Anglais"),
    Term("ar", "Arabic", "Arabe"),
    Term("es", "Spanish", "Espagnol"),
    Term("pt", "Portuguese", "Portugais"),
)

DOCUMENT_LANGUAGE_BY_CODE = {term.code: term for term in DOCUMENT_LANGUAGES}
