"""The words of the evidence, in English and French: `{subject}` is the first actor concerned, `{detail}` a code."""

MESSAGES: dict[str, tuple[str, str]] = {
    "no_civilian_chain": (
        "No chain of command or administration leads from {subject} to a civilian executive authority.",
        "Aucune chaîne de commandement ou d’administration ne relie {subject} à une autorité exécutive civile.",
    ),
    "no_parliamentary_oversight": (
        "Neither {subject} nor any body above it is overseen by parliament or one of its committees.",
        "Ni {subject} ni aucun organe dont il relève n’est contrôlé par le parlement ou l’une de ses commissions.",
    ),
    "no_jurisdiction": (
        "No court or prosecution service has jurisdiction over {subject} or a body above it.",
        "Aucune juridiction ni aucun parquet n’est compétent à l’égard de {subject} ou d’un organe dont il relève.",
    ),
    "budget_not_voted": (
        "The budget of {subject} is not voted by parliament, directly or through the body above it.",
        "Le budget de {subject} n’est pas voté par le parlement, directement ou par l’organe dont il relève.",
    ),
    "budget_not_audited": (
        "The accounts of {subject} are not audited by an audit body, directly or through the body above it.",
        "Les comptes de {subject} ne sont vérifiés par aucun organe de contrôle, directement ou par l’organe dont il "
        "relève.",
    ),
    "no_ombudsman": (
        "No ombudsman or human-rights commission is on the map.",
        "Aucun médiateur ni aucune commission des droits de l’homme ne figure sur la carte.",
    ),
    "ombudsman_not_covering": (
        "{subject} has no recorded oversight or scrutiny of the security providers.",
        "{subject} n’exerce aucun contrôle ni suivi enregistré des forces de sécurité.",
    ),
    "no_mandate": (
        "{subject} has no legal mandate on record.",
        "Aucun mandat légal n’est enregistré pour {subject}.",
    ),
    "no_dedicated_oversight": (
        "No dedicated body (a parliamentary committee, an inspectorate or an independent authority) oversees "
        "{subject}.",
        "Aucun organe dédié (commission parlementaire, inspection ou autorité indépendante) ne contrôle {subject}.",
    ),
    "military_prison_administration": (
        "The prison service is administered or commanded by a military body: {path}.",
        "L’administration pénitentiaire est administrée ou commandée par un organe militaire : {path}.",
    ),
    "no_civilian_prison_administration": (
        "No civilian ministry administers {subject}.",
        "Aucun ministère civil n’administre {subject}.",
    ),
    "commands_judiciary": (
        "{path}: the judiciary and the prosecution may be appointed, not commanded.",
        "{path} : la justice et le parquet peuvent être nommés, non commandés.",
    ),
    "no_public_information": (
        "No media or civil-society organisation is on the map.",
        "Aucun média ni aucune organisation de la société civile ne figure sur la carte.",
    ),
    "no_scrutiny_of_security": (
        "No media or civil-society organisation is recorded as scrutinising the security providers.",
        "Aucun média ni aucune organisation de la société civile n’est enregistré comme surveillant les forces de "
        "sécurité.",
    ),
    "no_border_kind": (
        "No body of the kind “{detail}” is on the map.",
        "Aucun organe du type « {detail} » ne figure sur la carte.",
    ),
    "border_not_coordinated": (
        "{subject} and {other} are not recorded as coordinating with each other.",
        "{subject} et {other} ne sont pas enregistrés comme se coordonnant.",
    ),
    "disputed_in_chain": (
        "An actor whose legitimacy is disputed sits on the chain of {subject}: {path}.",
        "Un acteur à la légitimité contestée se trouve dans la chaîne de {subject} : {path}.",
    ),
    "outside_ministry_chain": (
        "{subject} is not inside a ministry’s chain of command or administration.",
        "{subject} ne relève de la chaîne de commandement ou d’administration d’aucun ministère.",
    ),
    "relationship_without_legal_basis": (
        "{path}: no legal basis is recorded.",
        "{path} : aucune base juridique n’est enregistrée.",
    ),
    "military_court_over_civilians": (
        "{path}: a military court has jurisdiction over an actor outside the security forces.",
        "{path} : une juridiction militaire est compétente à l’égard d’un acteur extérieur aux forces de sécurité.",
    ),
    "oversight_body_commanded": (
        "{path}: an oversight body is commanded by the executive or a security force.",
        "{path} : un organe de contrôle est commandé par l’exécutif ou une force de sécurité.",
    ),
    "non_statutory_force": (
        "{path}: a statutory force works with a non-statutory armed actor.",
        "{path} : une force statutaire travaille avec un acteur armé non statutaire.",
    ),
}

PART_OF = ("part of", "fait partie de")
