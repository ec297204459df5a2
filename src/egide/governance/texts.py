"""The words of the evidence, in English and French.

Placeholders: `{subject}` and `{other}` are the actors concerned (`{it}`, `{ses}` and `{lui}` the words that refer
back to the first, singular or plural as its French article says), `{de_subject}` the first after "de" (French
contracts it: "du Ministère", "de la Police", "de l’Assemblée", "des Forces armées"), `{above}` the bodies above
the subject that were searched, nearest first, `{path}` a chain of links, `{detail}` a code's label. The French
sentences never use a pronoun for an actor ("il", "elle"), whose gender the record may not give: they say "ses (or
leurs) organes de tutelle", "lui (or leur)" instead.

A message may have a variant `<name>+above`, used when the chain above the subject is known: it names every body
on it, so that a reader sees which link is missing, and where.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "no_civilian_chain": (
        "No chain of command or administration leads from {subject} to a civilian executive authority, and no body "
        "above {it} is recorded.",
        "Aucune chaîne de commandement ou d’administration ne relie {subject} à une autorité exécutive civile, et "
        "aucun organe de tutelle ne {lui} est connu.",
    ),
    "no_civilian_chain+above": (
        "No chain of command or administration leads from {subject} to a civilian executive authority: none of the "
        "bodies above {it} ({above}) is one, or answers to one.",
        "Aucune chaîne de commandement ou d’administration ne relie {subject} à une autorité exécutive civile : "
        "aucun de {ses} organes de tutelle ({above}) n’en est une ni n’en relève.",
    ),
    "no_parliamentary_oversight": (
        "{subject} is not overseen by parliament or one of its committees, and no body above {it} is recorded.",
        "Le parlement et ses commissions ne contrôlent pas {subject}, et aucun organe de tutelle ne {lui} est connu.",
    ),
    "no_parliamentary_oversight+above": (
        "Neither {subject} nor any body above {it} ({above}) is overseen by parliament or one of its committees.",
        "Le parlement et ses commissions ne contrôlent ni {subject} ni aucun de {ses} organes de tutelle ({above}).",
    ),
    "no_jurisdiction": (
        "No court or prosecution service has jurisdiction over {subject}, and no body above {it} is recorded.",
        "Aucune juridiction ni aucun parquet n’a compétence sur {subject}, et aucun organe de tutelle ne {lui} est "
        "connu.",
    ),
    "no_jurisdiction+above": (
        "No court or prosecution service has jurisdiction over {subject} or any body above {it} ({above}).",
        "Aucune juridiction ni aucun parquet n’a compétence sur {subject} ni sur aucun de {ses} organes de tutelle "
        "({above}).",
    ),
    "budget_not_voted": (
        "The budget of {subject} is not voted by parliament, and no body above {it} is recorded.",
        "Le budget {de_subject} n’est pas voté par le parlement, et aucun organe de tutelle ne {lui} est connu.",
    ),
    "budget_not_voted+above": (
        "The budget of {subject} is not voted by parliament, neither directly nor through any body above {it} "
        "({above}).",
        "Le budget {de_subject} n’est pas voté par le parlement, ni directement ni par aucun de {ses} organes de "
        "tutelle ({above}).",
    ),
    "budget_not_audited": (
        "The accounts of {subject} are not audited by an audit body, and no body above {it} is recorded.",
        "Les comptes {de_subject} ne sont vérifiés par aucun organe de contrôle, et aucun organe de tutelle ne {lui} "
        "est connu.",
    ),
    "budget_not_audited+above": (
        "The accounts of {subject} are not audited by an audit body, neither directly nor through any body above {it} "
        "({above}).",
        "Les comptes {de_subject} ne sont vérifiés par aucun organe de contrôle, ni directement ni par aucun de {ses} "
        "organes de tutelle ({above}).",
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
        "No civilian ministry administers {subject}, and no body above {it} is recorded.",
        "Aucun ministère civil n’administre {subject}, et aucun organe de tutelle ne {lui} est connu.",
    ),
    "no_civilian_prison_administration+above": (
        "No civilian ministry administers {subject} or any body above {it} ({above}).",
        "Aucun ministère civil n’administre {subject} ni aucun de {ses} organes de tutelle ({above}).",
    ),
    "commands_judiciary": (
        "{path}: the judiciary and the prosecution may be appointed, not commanded.",
        "{path} : la justice et le parquet peuvent être nommés, non commandés.",
    ),
    "no_media": (
        "No media is on the map.",
        "Aucun média ne figure sur la carte.",
    ),
    "media_not_scrutinising": (
        "No media is recorded as scrutinising the security providers.",
        "Aucun média n’est enregistré comme surveillant les forces de sécurité.",
    ),
    "no_civil_society": (
        "No civil-society organisation is on the map.",
        "Aucune organisation de la société civile ne figure sur la carte.",
    ),
    "civil_society_not_scrutinising": (
        "No civil-society organisation is recorded as scrutinising the security providers.",
        "Aucune organisation de la société civile n’est enregistrée comme surveillant les forces de sécurité.",
    ),
    "no_border_kind": (
        "No body of the kind “{detail}” is on the map.",
        "Aucun organe du type « {detail} » ne figure sur la carte.",
    ),
    "border_not_coordinated": (
        "{subject} and {other} are not recorded as coordinating with each other.",
        "Aucune coordination n’est enregistrée entre {subject} et {other}.",
    ),
    "disputed_in_chain": (
        "An actor whose legitimacy is disputed sits on the chain of {subject}: {path}.",
        "Un acteur à la légitimité contestée se trouve dans la chaîne {de_subject} : {path}.",
    ),
    "outside_ministry_chain": (
        "{subject} is not inside a ministry’s chain of command or administration, and no body above {it} is recorded.",
        "{subject} ne relève de la chaîne de commandement ou d’administration d’aucun ministère, et aucun organe "
        "de tutelle ne {lui} est connu.",
    ),
    "outside_ministry_chain+above": (
        "{subject} is not inside a ministry’s chain of command or administration: none of the bodies above {it} "
        "({above}) is a ministry, or answers to one.",
        "{subject} ne relève de la chaîne de commandement ou d’administration d’aucun ministère : aucun de {ses} "
        "organes de tutelle ({above}) n’en est un ni n’en relève.",
    ),
    "relationship_without_legal_basis": (
        "{path}: no legal basis is recorded.",
        "{path} : aucune base juridique n’est enregistrée.",
    ),
    "military_court_over_civilians": (
        "{path}: a military court has jurisdiction over an actor outside the security forces.",
        "{path} : une juridiction militaire a compétence sur un acteur extérieur aux forces de sécurité.",
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

# The links of a chain in words: the verb in English and in French, singular and plural (as the first actor's
# French article says), and the French case of the actor that follows ("" a plain noun phrase, "de" or "à",
# which contract with the article).
LINKS: dict[str, tuple[tuple[str, str], tuple[str, str], str]] = {
    "commands": (("commands", "command"), ("commande", "commandent"), ""),
    "administers": (("administers", "administer"), ("administre", "administrent"), ""),
    "oversees": (("oversees", "oversee"), ("contrôle", "contrôlent"), ""),
    "audits": (
        ("audits the accounts of", "audit the accounts of"),
        ("vérifie les comptes", "vérifient les comptes"),
        "de",
    ),
    "funds": (("funds", "fund"), ("finance", "financent"), ""),
    "adjudicates": (
        ("has jurisdiction over", "have jurisdiction over"),
        ("a compétence sur", "ont compétence sur"),
        "",
    ),
    "appoints": (
        ("appoints the heads of", "appoint the heads of"),
        ("nomme les responsables", "nomment les responsables"),
        "de",
    ),
    "reports_to": (("reports to", "report to"), ("rend compte", "rendent compte"), "à"),
    "scrutinises": (("scrutinises", "scrutinise"), ("surveille", "surveillent"), ""),
    "coordinates_with": (("coordinates with", "coordinate with"), ("se coordonne avec", "se coordonnent avec"), ""),
}
PART_OF = (("is part of", "are part of"), ("fait partie", "font partie"), "de")

# French articles an actor's record may give, and how each reads after "de" and "à".
ARTICLES_FR: dict[str, tuple[str, str, str]] = {
    "le": ("le ", "du ", "au "),
    "la": ("la ", "de la ", "à la "),
    "l": ("l’", "de l’", "à l’"),
    "les": ("les ", "des ", "aux "),
    "none": ("", "de ", "à "),
}
CASES = {"": 0, "de": 1, "à": 2}


def french_phrase(name: str, article: str, case: str = "") -> str:
    """The actor's name as French says it in a sentence: with the article its record gives ("de la Police
    centrafricaine", "du Ministère de la Défense"), or, when the record says nothing, in apposition to "l’acteur"
    ("de l’acteur « Direction générale »"), which is grammatical whatever the name's gender and number."""
    forms = ARTICLES_FR.get(article)
    if forms is None:
        return ("l’acteur", "de l’acteur", "à l’acteur")[CASES[case]] + f" « {name} »"
    return forms[CASES[case]] + name


def french_plural(article: str) -> bool:
    return article == "les"


def english_phrase(name: str, article: str) -> str:
    """The actor's name as English says it in a sentence: an institution French names with an article takes
    "the" ("the National Assembly"); one without (a proper name) or of unknown article stands alone."""
    return f"the {name}" if article in ("le", "la", "l", "les") else name


def sentence(text: str) -> str:
    """A sentence starts with a capital letter, whatever the article or name it starts with."""
    return text[:1].upper() + text[1:]
