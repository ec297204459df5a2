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
