"""The seed's reference taxonomy: actor families and kinds, relationship types, principles, areas of action.

Codes are stable identifiers stored in the database and exchanged in files and the API; labels are for people.
"""

from dataclasses import dataclass

from egide.core.labels import Term


@dataclass(frozen=True, slots=True)
class Kind(Term):
    family: str = ""


SECURITY_PROVIDERS = "security_providers"
JUSTICE = "justice"
SUPERVISORY = "supervisory"
MANAGEMENT = "management"
PUBLIC_INFORMATION = "public_information"

FAMILIES: tuple[Term, ...] = (
    Term(SECURITY_PROVIDERS, "Security providers", "Forces de sécurité"),
    Term(JUSTICE, "Justice and rule of law", "Justice et État de droit"),
    Term(SUPERVISORY, "Supervisory bodies", "Organes de contrôle parlementaire"),
    Term(MANAGEMENT, "Management and oversight", "Gestion et contrôle"),
    Term(PUBLIC_INFORMATION, "Public information", "Information du public"),
)

KINDS: tuple[Kind, ...] = (
    # 1. Security providers
    Kind("police", "Police", "Police", SECURITY_PROVIDERS),
    Kind("gendarmerie", "Gendarmerie", "Gendarmerie", SECURITY_PROVIDERS),
    Kind("armed_forces", "Armed forces", "Forces armées", SECURITY_PROVIDERS),
    Kind("paramilitary", "Paramilitary force", "Force paramilitaire", SECURITY_PROVIDERS),
    Kind("presidential_guard", "Presidential guard", "Garde présidentielle", SECURITY_PROVIDERS),
    Kind(
        "civilian_intelligence", "Civilian intelligence service", "Service de renseignement civil", SECURITY_PROVIDERS
    ),
    Kind(
        "military_intelligence",
        "Military intelligence service",
        "Service de renseignement militaire",
        SECURITY_PROVIDERS,
    ),
    Kind("coast_guard", "Coast guard", "Garde-côtes", SECURITY_PROVIDERS),
    Kind("border_guard", "Border guard", "Police des frontières", SECURITY_PROVIDERS),
    Kind("customs", "Customs", "Douanes", SECURITY_PROVIDERS),
    Kind("reserve", "Reserve units", "Unités de réserve", SECURITY_PROVIDERS),
    Kind("civil_defence", "Civil defence", "Protection civile", SECURITY_PROVIDERS),
    # 2. Justice and rule of law
    Kind("court", "Court", "Juridiction", JUSTICE),
    Kind("military_court", "Military court", "Juridiction militaire", JUSTICE),
    Kind("prosecution", "Prosecution service", "Ministère public", JUSTICE),
    Kind("judicial_council", "Judicial council", "Conseil supérieur de la magistrature", JUSTICE),
    Kind("bar_association", "Lawyers and bar association", "Avocats et barreau", JUSTICE),
    Kind("ministry_of_justice", "Ministry of justice", "Ministère de la justice", JUSTICE),
    Kind("prison_service", "Prison service", "Administration pénitentiaire", JUSTICE),
    Kind("ombudsman", "Ombudsman", "Médiateur", JUSTICE),
    Kind("human_rights_commission", "Human rights commission", "Commission des droits de l’homme", JUSTICE),
    Kind(
        "reconciliation_council",
        "Reconciliation or dialogue council",
        "Conseil de réconciliation ou de dialogue",
        JUSTICE,
    ),
    Kind("customary_justice", "Customary and traditional justice", "Justice coutumière et traditionnelle", JUSTICE),
    # 3. Supervisory bodies
    Kind("parliament", "Parliament or chamber", "Parlement ou chambre", SUPERVISORY),
    Kind("finance_committee", "Finance committee", "Commission des finances", SUPERVISORY),
    Kind(
        "defence_committee", "Defence and security committee", "Commission de la défense et de la sécurité", SUPERVISORY
    ),
    Kind("investigation_committee", "Investigation committee", "Commission d’enquête", SUPERVISORY),
    Kind("parliamentary_committee", "Other parliamentary committee", "Autre commission parlementaire", SUPERVISORY),
    # 4. Management and oversight
    Kind("head_of_state", "Head of state", "Chef de l’État", MANAGEMENT),
    Kind("government", "Government", "Gouvernement", MANAGEMENT),
    Kind(
        "security_council",
        "National defence or security council",
        "Conseil national de défense ou de sécurité",
        MANAGEMENT,
    ),
    Kind("ministry_of_defence", "Ministry of defence", "Ministère de la défense", MANAGEMENT),
    Kind("ministry_of_interior", "Ministry of the interior", "Ministère de l’intérieur", MANAGEMENT),
    Kind("ministry_of_finance", "Ministry of finance", "Ministère des finances", MANAGEMENT),
    Kind("budget_authority", "Budget authority", "Autorité budgétaire", MANAGEMENT),
    Kind("treasury", "Treasury", "Trésor public", MANAGEMENT),
    Kind("court_of_accounts", "Court of accounts or audit office", "Cour des comptes", MANAGEMENT),
    Kind("inspectorate", "Inspectorate", "Inspection générale", MANAGEMENT),
    Kind("independent_authority", "Independent authority", "Autorité indépendante", MANAGEMENT),
    Kind("other_ministry", "Other ministry", "Autre ministère", MANAGEMENT),
    # 5. Public information
    Kind("media", "Media", "Médias", PUBLIC_INFORMATION),
    Kind("civil_society", "Civil-society organisation", "Organisation de la société civile", PUBLIC_INFORMATION),
    Kind(
        "research_institute",
        "Research institute or university",
        "Institut de recherche ou université",
        PUBLIC_INFORMATION,
    ),
)

ALL_FAMILIES = frozenset(term.code for term in FAMILIES)
OVERSIGHT_SOURCES = frozenset({SUPERVISORY, MANAGEMENT, JUSTICE})


@dataclass(frozen=True, slots=True)
class RelationshipType(Term):
    """A typed edge; `sources` and `targets` are the families it may join (the seed's logic, kept permissive
    enough that a bad arrangement, such as the executive commanding a court, can still be recorded and found)."""

    sources: frozenset[str] = ALL_FAMILIES
    targets: frozenset[str] = ALL_FAMILIES


STATE_BODIES = frozenset({SECURITY_PROVIDERS, JUSTICE, SUPERVISORY, MANAGEMENT})

RELATIONSHIP_TYPES: tuple[RelationshipType, ...] = (
    RelationshipType(
        "commands",
        "commands",
        "commande",
        # A ministry of justice commanding the prosecution, or a ministry an audit office, must be recordable to
        # be found; nobody commands parliament or the media.
        sources=frozenset({SECURITY_PROVIDERS, MANAGEMENT, JUSTICE}),
        targets=frozenset({SECURITY_PROVIDERS, JUSTICE, MANAGEMENT}),
    ),
    RelationshipType(
        "administers",
        "administers",
        "administre",
        sources=frozenset({MANAGEMENT, JUSTICE, SECURITY_PROVIDERS}),
        targets=STATE_BODIES,
    ),
    RelationshipType(
        "oversees",
        "oversees (parliamentary)",
        "contrôle (parlementaire)",
        sources=OVERSIGHT_SOURCES,
        targets=STATE_BODIES,
    ),
    RelationshipType(
        "audits",
        "audits (financial)",
        "vérifie les comptes de",
        sources=frozenset({MANAGEMENT, SUPERVISORY}),
        targets=STATE_BODIES,
    ),
    RelationshipType(
        "funds",
        "funds (budget line)",
        "finance (ligne budgétaire)",
        sources=frozenset({MANAGEMENT, SUPERVISORY}),
    ),
    RelationshipType(
        "adjudicates",
        "adjudicates (judicial jurisdiction)",
        "juge (compétence juridictionnelle)",
        sources=frozenset({JUSTICE}),
    ),
    RelationshipType(
        "appoints",
        "appoints",
        "nomme",
        sources=frozenset({MANAGEMENT, SUPERVISORY, JUSTICE}),
        targets=STATE_BODIES,
    ),
    RelationshipType("reports_to", "reports to", "rend compte à", targets=STATE_BODIES),
    RelationshipType(
        "scrutinises",
        "scrutinises",
        "surveille",
        sources=frozenset({PUBLIC_INFORMATION, SUPERVISORY, JUSTICE, MANAGEMENT}),
    ),
    RelationshipType("coordinates_with", "coordinates with", "se coordonne avec"),
)

PRINCIPLES: tuple[Term, ...] = (
    Term("rule_of_law", "Rule of law and human rights", "État de droit et droits de l’homme"),
    Term(
        "accountable_forces",
        "Effective, trained forces accountable to civilian authority",
        "Forces efficaces, formées et responsables devant les autorités civiles",
    ),
    Term(
        "democratic_oversight",
        "Institutions for democratic management and oversight, with local ownership",
        "Institutions de gestion et de contrôle démocratique, avec appropriation locale",
    ),
)

AREAS_OF_ACTION: tuple[Term, ...] = (
    Term(
        "democratic_forces",
        "Security forces under democratic standards",
        "Forces de sécurité respectueuses des normes démocratiques",
    ),
    Term(
        "internal_security_roles",
        "Internal security roles defined and integrated in the State's administration and finances",
        "Rôle de sécurité intérieure défini et intégré dans l’organisation administrative et financière de l’État",
    ),
    Term("civilian_oversight", "Civilian oversight bodies", "Organes de contrôle civil"),
    Term("justice", "Justice system", "Système judiciaire"),
    Term(
        "prisons",
        "Demilitarised prison system under civilian control",
        "Système pénitentiaire démilitarisé sous contrôle civil",
    ),
    Term(
        "security_budgets",
        "Transparent management of security budgets",
        "Gestion transparente des budgets de sécurité",
    ),
    Term("borders", "Land and maritime borders", "Frontières terrestres et maritimes"),
    Term(
        "intelligence",
        "Intelligence services with defined mandates",
        "Services de renseignement aux mandats définis",
    ),
)

CONFIDENCE_LEVELS: tuple[Term, ...] = (
    Term("low", "Low", "Faible"),
    Term("medium", "Medium", "Moyenne"),
    Term("high", "High", "Élevée"),
)

STRENGTHS: tuple[Term, ...] = (
    Term("weak", "Weak", "Faible"),
    Term("moderate", "Moderate", "Moyenne"),
    Term("strong", "Strong", "Forte"),
)

FAMILY_BY_CODE = {term.code: term for term in FAMILIES}
KIND_BY_CODE = {kind.code: kind for kind in KINDS}
RELATIONSHIP_TYPE_BY_CODE = {kind.code: kind for kind in RELATIONSHIP_TYPES}
PRINCIPLE_BY_CODE = {term.code: term for term in PRINCIPLES}
AREA_BY_CODE = {term.code: term for term in AREAS_OF_ACTION}
CONFIDENCE_BY_CODE = {term.code: term for term in CONFIDENCE_LEVELS}
STRENGTH_BY_CODE = {term.code: term for term in STRENGTHS}


def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """Model and form choices; labels are resolved lazily by the caller's active language."""
    return [(term.code, term.label_en) for term in terms]
