"""The demo's international frameworks, missions and reference documents, from the seed's account of security
system reform in the United Nations, the European Union, the OECD and NATO, and of France's experiences. All are
public, owned by the French ministry of the demo, and loaded through the services; loading again adds nothing.

Dates and symbols that the seed does not give (the missions' mandates, the decisions that set them) are those of
the public record."""

from dataclasses import dataclass, field

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.core.fuzzy_dates import FuzzyDate
from egide.references import services
from egide.references.data import DocumentData, FrameworkData, MissionData
from egide.references.models import DocumentType, Framework, Mission, MissionKind, ReferenceDocument

OWNER = "MEAE"
UN_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]


def _date(text: str) -> FuzzyDate | None:
    return FuzzyDate.parse(text) if text else None


@dataclass(frozen=True)
class DemoFramework:
    code: str
    title_en: str
    title_fr: str
    issuing_body: str
    adopted: str
    description_en: str
    description_fr: str
    links: tuple[str, ...] = ()


FRAMEWORKS = (
    DemoFramework(
        "UN-SSR",
        "United Nations support for security sector reform: peace operations and UNDP programmes",
        "Soutien des Nations unies à la réforme du secteur de la sécurité : opérations de paix et programmes du PNUD",
        "United Nations",
        "2005-07-12",
        "The United Nations has conducted security system reform for many years through its peacekeeping operations "
        "and UNDP programmes. On 12 July 2005 the Security Council stated for the first time that SSR is an "
        "essential element of stabilisation after a conflict; in February 2006 the Special Committee on "
        "Peacekeeping Operations asked the Secretariat to attend to best practices.",
        "Les Nations unies mènent depuis longtemps des actions de réforme du système de sécurité par leurs "
        "opérations de maintien de la paix et les programmes du PNUD. Le 12 juillet 2005, le Conseil de sécurité a "
        "affirmé pour la première fois que la RSS est un élément essentiel de la stabilisation après un conflit ; en "
        "février 2006, le Comité spécial des opérations de maintien de la paix a demandé au Secrétariat de s’attacher "
        "aux bonnes pratiques.",
        ("https://undocs.org/S/PRST/2005/30", "https://undocs.org/S/2008/39"),
    ),
    DemoFramework(
        "UN-PBC",
        "Peacebuilding Commission: working guidelines for the countries on its agenda",
        "Commission de consolidation de la paix : lignes directrices pour les pays inscrits à son ordre du jour",
        "United Nations Peacebuilding Commission",
        "2005",
        "The Peacebuilding Commission has made SSR central to its work, as its guidelines for Burundi, Sierra Leone, "
        "Guinea-Bissau, the Central African Republic and Liberia show.",
        "La Commission de consolidation de la paix a placé la RSS au cœur de son action, comme le montrent ses lignes "
        "directrices pour le Burundi, la Sierra Leone, la Guinée-Bissau, la République centrafricaine et le Liberia.",
    ),
    DemoFramework(
        "EU-ESS",
        "European Security Strategy",
        "Stratégie européenne de sécurité",
        "European Council",
        "2003",
        "Adopted by the European Council in 2003, it calls for a greater role of the EU in security sector reform.",
        "Adoptée par le Conseil européen en 2003, elle plaide pour un rôle accru de l’UE dans la réforme du secteur "
        "de la sécurité.",
    ),
    DemoFramework(
        "EU-SSR-CONCEPT",
        "A Concept for European Community Support for Security Sector Reform",
        "Un concept pour le soutien de la Communauté européenne à la réforme du secteur de la sécurité",
        "European Commission",
        "2006-05",
        "The Commission's communication of May 2006: reform of defence, police, justice and the rule of law, "
        "parliamentary cooperation, borders and customs, and democratic governance, financial matters included.",
        "La communication de la Commission de mai 2006 : réforme de la défense, de la police, de la justice et de "
        "l’État de droit, coopération parlementaire, frontières et douanes, gouvernance démocratique, y compris "
        "financière.",
    ),
    DemoFramework(
        "EU-CSDP",
        "Common Security and Defence Policy missions (formerly ESDP)",
        "Missions de la politique de sécurité et de défense commune (ex-PESD)",
        "Council of the European Union",
        "",
        "The EU has carried out its SSR strategy through several missions, in the DR Congo and in Guinea-Bissau; "
        "training, institutional steering and the coordination of the Member States remain to be improved.",
        "L’UE a mis en œuvre sa stratégie de RSS par plusieurs missions, en RD Congo et en Guinée-Bissau ; la "
        "formation, le pilotage institutionnel et la coordination des États membres restent à améliorer.",
    ),
    DemoFramework(
        "OECD-DAC-SSR",
        "OECD DAC guidelines and Handbook on Security System Reform: Supporting Security and Justice",
        "Lignes directrices et manuel du CAD de l’OCDE sur la réforme des systèmes de sécurité : soutenir la "
        "sécurité et la justice",
        "OECD Development Assistance Committee (CPDC network)",
        "2007-04",
        "The DAC drew up the key principles of SSR through its network on Conflict, Peace and Development "
        "Co-operation; the handbook turns them into action proposals, approved at a ministerial meeting in April 2007.",
        "Le CAD a formulé les principes clés de la RSS au sein de son réseau sur les conflits, la paix et la "
        "coopération pour le développement ; le manuel les traduit en propositions d’action, approuvées à une "
        "réunion ministérielle d’avril 2007.",
    ),
    DemoFramework(
        "NATO-SSR",
        "NATO's contribution to security sector reform",
        "Contribution de l’OTAN à la réforme du secteur de la sécurité",
        "NATO",
        "",
        "Without a doctrine on the subject as such, NATO contributes to SSR through its field operations (the "
        "Balkans, Afghanistan) and its cooperation and defence programmes.",
        "Sans doctrine propre en la matière, l’OTAN contribue à la RSS par ses opérations sur le terrain (Balkans, "
        "Afghanistan) et ses programmes de coopération et de défense.",
    ),
)


@dataclass(frozen=True)
class DemoDocument:
    key: str  # the symbol, or a name for the reader of this file when it has none
    type: str
    title_en: str
    title_fr: str
    issued: str
    issuing_body: str
    summary_en: str
    summary_fr: str
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en", "fr")
    url: str = ""
    has_symbol: bool = True


DOCUMENTS = (
    DemoDocument(
        "S/PRST/2005/30",
        DocumentType.PRESIDENTIAL_STATEMENT,
        "Statement by the President of the Security Council of 12 July 2005",
        "Déclaration du Président du Conseil de sécurité du 12 juillet 2005",
        "2005-07-12",
        "United Nations Security Council",
        "The Security Council states for the first time that security sector reform is an essential element of the "
        "stabilisation process in post-conflict environments.",
        "Le Conseil de sécurité affirme pour la première fois que la réforme du secteur de la sécurité est un "
        "élément essentiel du processus de stabilisation au sortir d’un conflit.",
        languages=tuple(UN_LANGUAGES),
        url="https://undocs.org/S/PRST/2005/30",
    ),
    DemoDocument(
        "S/2008/39",
        DocumentType.SECRETARY_GENERAL_REPORT,
        "Securing peace and development: the role of the United Nations in supporting security sector reform",
        "Assurer la paix et le développement : le rôle des Nations unies dans l’appui à la réforme du secteur de la "
        "sécurité",
        "2008-01-23",
        "Secretary-General of the United Nations",
        "Submitted at the Security Council's request, the report sets out the basic principles of SSR, calls for a "
        "consistent United Nations approach and stresses partnerships with regional organisations, the European "
        "Union first.",
        "Présenté à la demande du Conseil de sécurité, le rapport expose les principes de base de la RSS, appelle à "
        "une approche cohérente des Nations unies et souligne l’importance des partenariats avec les organisations "
        "régionales, au premier rang desquelles l’Union européenne.",
        languages=tuple(UN_LANGUAGES),
        url="https://undocs.org/S/2008/39",
    ),
    DemoDocument(
        "S/RES/2151 (2014)",
        DocumentType.RESOLUTION,
        "Resolution 2151 (2014) on security sector reform: challenges and opportunities",
        "Résolution 2151 (2014) sur la réforme du secteur de la sécurité : enjeux et perspectives",
        "2014-04-28",
        "United Nations Security Council",
        "Adopted at the end of the open debate of 28 April 2014: the Council's first resolution devoted to security "
        "sector reform in the maintenance of international peace and security.",
        "Adoptée à l’issue du débat public du 28 avril 2014 : la première résolution du Conseil consacrée à la "
        "réforme du secteur de la sécurité dans le maintien de la paix et de la sécurité internationales.",
        languages=tuple(UN_LANGUAGES),
        url="https://undocs.org/S/RES/2151(2014)",
    ),
    DemoDocument(
        "Open debate on security sector reform (28 April 2014)",
        DocumentType.DEBATE,
        "Security Council open debate on security sector reform",
        "Débat public du Conseil de sécurité sur la réforme du secteur de la sécurité",
        "2014-04-28",
        "United Nations Security Council",
        "The Secretary-General, Mr Ban Ki-moon, recalled the importance of such reforms, especially in countries in "
        "crisis such as the Central African Republic. France recalled the main goals of SSR, to prevent and solve "
        "crises, and the need for a permanent, inclusive dialogue between the actors of the reform.",
        "Le Secrétaire général, M. Ban Ki-moon, a rappelé l’importance de ces réformes, notamment dans les pays en "
        "crise comme la République centrafricaine. La France a rappelé les objectifs de la RSS, prévenir et résoudre "
        "les crises, et la nécessité d’un dialogue permanent et inclusif entre les acteurs de la réforme.",
        countries=("CF",),
        has_symbol=False,
    ),
    DemoDocument(
        "France, 28 April 2014",
        DocumentType.NATIONAL_STATEMENT,
        "Security sector reform: challenges and opportunities. Statement by Mr Gérard Araud, Permanent "
        "Representative of France to the United Nations",
        "Réforme du secteur de la sécurité : enjeux et perspectives. Intervention de M. Gérard Araud, représentant "
        "permanent de la France auprès des Nations unies",
        "2014-04-28",
        "France, Permanent Mission to the United Nations",
        "France recalls that SSR aims to prevent and solve crises, that it needs a permanent, inclusive dialogue "
        "between its actors, and commends the mobilisation of the Member States and the international community.",
        "La France rappelle que la RSS vise à prévenir et à résoudre les crises, qu’elle exige un dialogue permanent "
        "et inclusif entre ses acteurs, et salue la mobilisation des États membres et de la communauté "
        "internationale.",
        has_symbol=False,
    ),
    DemoDocument(
        "France, 12 October 2011",
        DocumentType.NATIONAL_STATEMENT,
        "Reform of security sectors in Africa. Statement by Mr Martin Briens, France's deputy permanent "
        "representative to the United Nations",
        "Réforme des secteurs de sécurité en Afrique. Intervention de M. Martin Briens, représentant permanent "
        "adjoint de la France auprès des Nations unies",
        "2011-10-12",
        "France, Permanent Mission to the United Nations",
        "France's statement to the Security Council's debate on the reform of security sectors in Africa.",
        "L’intervention de la France au débat du Conseil de sécurité sur la réforme des secteurs de sécurité en "
        "Afrique.",
        has_symbol=False,
    ),
    DemoDocument(
        "S/RES/1244 (1999)",
        DocumentType.RESOLUTION,
        "Resolution 1244 (1999) on the situation relating to Kosovo",
        "Résolution 1244 (1999) sur la situation relative au Kosovo",
        "1999-06-10",
        "United Nations Security Council",
        "Sets up the international civil presence in Kosovo, the United Nations Interim Administration Mission.",
        "Établit la présence internationale civile au Kosovo, la Mission d’administration intérimaire des Nations "
        "unies.",
        countries=("XK",),
        languages=tuple(UN_LANGUAGES),
        url="https://undocs.org/S/RES/1244(1999)",
    ),
    DemoDocument(
        "S/RES/1542 (2004)",
        DocumentType.RESOLUTION,
        "Resolution 1542 (2004) on the question concerning Haiti",
        "Résolution 1542 (2004) sur la question concernant Haïti",
        "2004-04-30",
        "United Nations Security Council",
        "Establishes the United Nations Stabilization Mission in Haiti (MINUSTAH).",
        "Crée la Mission des Nations unies pour la stabilisation en Haïti (MINUSTAH).",
        countries=("HT",),
        languages=tuple(UN_LANGUAGES),
        url="https://undocs.org/S/RES/1542(2004)",
    ),
    DemoDocument(
        "2008/124/CFSP",
        DocumentType.OTHER,
        "Council Joint Action on the European Union Rule of Law Mission in Kosovo, EULEX KOSOVO",
        "Action commune du Conseil relative à la mission « État de droit » menée par l’Union européenne au Kosovo, "
        "EULEX KOSOVO",
        "2008-02-04",
        "Council of the European Union",
        "Establishes EULEX Kosovo, responsible for the civilian aspects of the rule of law: police, justice, customs.",
        "Crée EULEX Kosovo, chargée des aspects civils de l’État de droit : police, justice, douanes.",
        countries=("XK",),
    ),
    DemoDocument(
        "2005/355/CFSP",
        DocumentType.OTHER,
        "Council Joint Action on the EU mission to provide advice and assistance for security sector reform in the "
        "Democratic Republic of the Congo (EUSEC RD Congo)",
        "Action commune du Conseil relative à la mission de conseil et d’assistance de l’UE en matière de réforme "
        "du secteur de la sécurité en République démocratique du Congo (EUSEC RD Congo)",
        "2005-05-02",
        "Council of the European Union",
        "Establishes EUSEC RD Congo, advising the Congolese authorities on the reform of the armed forces.",
        "Crée EUSEC RD Congo, qui conseille les autorités congolaises sur la réforme des forces armées.",
        countries=("CD",),
    ),
    DemoDocument(
        "2007/405/CFSP",
        DocumentType.OTHER,
        "Council Joint Action on the EU police mission in the Democratic Republic of the Congo (EUPOL RD Congo)",
        "Action commune du Conseil relative à la mission de police de l’UE en République démocratique du Congo "
        "(EUPOL RD Congo)",
        "2007-06-12",
        "Council of the European Union",
        "Establishes EUPOL RD Congo, supporting the reform of the police and its links with justice.",
        "Crée EUPOL RD Congo, en appui à la réforme de la police et de ses liens avec la justice.",
        countries=("CD",),
    ),
    DemoDocument(
        "2008/112/CFSP",
        DocumentType.OTHER,
        "Council Joint Action on the EU mission in support of security sector reform in Guinea-Bissau",
        "Action commune du Conseil relative à la mission de l’UE en soutien à la réforme du secteur de la sécurité "
        "en Guinée-Bissau",
        "2008-02-12",
        "Council of the European Union",
        "Establishes EU SSR Guinea-Bissau, advising on the reform of the armed forces, police and justice.",
        "Crée EU SSR Guinée-Bissau, qui conseille sur la réforme des forces armées, de la police et de la justice.",
        countries=("GW",),
    ),
    DemoDocument(
        "Security System Reform: France's approach",
        DocumentType.GUIDANCE,
        "Security System Reform: France's approach",
        "La réforme des systèmes de sécurité : approche française",
        "",
        "France, Ministry of Foreign and European Affairs",
        "France's three principles (rule of law and human rights; effective forces accountable to civilian "
        "authority; institutions for democratic management and oversight) and eight areas of action.",
        "Les trois principes de la France (État de droit et droits de l’homme ; forces efficaces et responsables "
        "devant l’autorité civile ; institutions de gestion et de contrôle démocratique) et ses huit domaines "
        "d’action.",
        has_symbol=False,
    ),
)


@dataclass(frozen=True)
class DemoMission:
    acronym: str
    country: str
    kind: str
    name_en: str
    name_fr: str
    start: str
    end: str
    lead_body: str
    areas: tuple[str, ...]
    tasks_en: str
    tasks_fr: str
    documents: tuple[str, ...] = field(default_factory=tuple)
    acronym_fr: str = ""


MISSIONS = (
    DemoMission(
        "UNMIK",
        "XK",
        MissionKind.UN_PEACE_OPERATION,
        "United Nations Interim Administration Mission in Kosovo",
        "Mission d’administration intérimaire des Nations unies au Kosovo",
        "1999-06",
        "",
        "United Nations",
        ("democratic_forces", "internal_security_roles", "justice"),
        "Since 1999, with France's help, it has established security institutions that have progressively gained "
        "authority.",
        "Depuis 1999, avec l’aide de la France, elle a mis en place des institutions de sécurité qui ont "
        "progressivement gagné en autorité.",
        ("S/RES/1244 (1999)",),
        acronym_fr="MINUK",
    ),
    DemoMission(
        "EULEX Kosovo",
        "XK",
        MissionKind.EU_CSDP_CIVILIAN,
        "European Union Rule of Law Mission in Kosovo",
        "Mission « État de droit » de l’Union européenne au Kosovo",
        "2008-04",
        "",
        "European Union",
        ("democratic_forces", "justice", "borders"),
        "Deployed in April 2008 under French leadership; responsible for the civilian aspects of SSR.",
        "Déployée en avril 2008 sous direction française ; chargée des aspects civils de la RSS.",
        ("2008/124/CFSP",),
    ),
    DemoMission(
        "MINUSTAH",
        "HT",
        MissionKind.UN_PEACE_OPERATION,
        "United Nations Stabilization Mission in Haiti",
        "Mission des Nations unies pour la stabilisation en Haïti",
        "2004-06",
        "2017-10",
        "United Nations",
        ("democratic_forces", "justice"),
        "Supported by France in its SSR actions; it achieved highly significant results, with free elections and "
        "the dismantling of armed groups.",
        "Soutenue par la France dans ses actions de RSS, elle a obtenu des résultats très significatifs : élections "
        "libres et démantèlement de groupes armés.",
        ("S/RES/1542 (2004)",),
    ),
    DemoMission(
        "EUSEC RD Congo",
        "CD",
        MissionKind.EU_CSDP_CIVILIAN,
        "EU advisory and assistance mission for security reform in the Democratic Republic of the Congo",
        "Mission de conseil et d’assistance de l’UE en matière de réforme du secteur de la sécurité en RD Congo",
        "2005-06",
        "2016-06",
        "European Union",
        ("democratic_forces", "security_budgets"),
        "Advice to the Congolese authorities on the reform of the armed forces, their chain of payment included.",
        "Conseil aux autorités congolaises sur la réforme des forces armées, y compris leur chaîne de paiement.",
        ("2005/355/CFSP",),
    ),
    DemoMission(
        "EUPOL RD Congo",
        "CD",
        MissionKind.EU_CSDP_CIVILIAN,
        "EU police mission in the Democratic Republic of the Congo",
        "Mission de police de l’UE en République démocratique du Congo",
        "2007-07",
        "2014-09",
        "European Union",
        ("democratic_forces", "justice"),
        "Support to the reform of the Congolese national police and to its links with the justice system.",
        "Appui à la réforme de la police nationale congolaise et à ses liens avec la justice.",
        ("2007/405/CFSP",),
    ),
    DemoMission(
        "EU SSR Guinea-Bissau",
        "GW",
        MissionKind.EU_CSDP_CIVILIAN,
        "EU mission in support of security sector reform in Guinea-Bissau",
        "Mission de l’UE en soutien à la réforme du secteur de la sécurité en Guinée-Bissau",
        "2008-06",
        "2010-09",
        "European Union",
        ("democratic_forces", "justice", "internal_security_roles"),
        "Advice and assistance to the national authorities on the reform of the armed forces, police and justice.",
        "Conseil et assistance aux autorités nationales pour la réforme des forces armées, de la police et de la "
        "justice.",
        ("2008/112/CFSP",),
        acronym_fr="EU SSR Guinée-Bissau",
    ),
)


def _document_key(document: ReferenceDocument) -> str:
    return document.symbol or document.title_en


def references_load(organisations: dict[str, Organisation]) -> None:
    """Load what is not there yet, recognised by a framework's code, a document's symbol (or English title) and a
    mission's country and acronym."""
    owner = organisations[OWNER]
    public = Confidentiality.PUBLIC
    codes = set(Framework.objects.values_list("code", flat=True))
    for framework in FRAMEWORKS:
        if framework.code in codes:
            continue
        services.framework_create(
            user=PLATFORM,
            data=FrameworkData(
                code=framework.code,
                title_en=framework.title_en,
                title_fr=framework.title_fr,
                description_en=framework.description_en,
                description_fr=framework.description_fr,
                issuing_body=framework.issuing_body,
                adopted=_date(framework.adopted),
                links=list(framework.links),
                owner=owner,
                confidentiality=public,
            ),
        )
    documents = {_document_key(document): document for document in ReferenceDocument.objects.all()}
    for demo in DOCUMENTS:
        identity = demo.key if demo.has_symbol else demo.title_en
        if identity in documents:
            continue
        documents[identity] = services.reference_document_create(
            user=PLATFORM,
            data=DocumentData(
                type=demo.type,
                title_en=demo.title_en,
                title_fr=demo.title_fr,
                symbol=demo.key if demo.has_symbol else "",
                issued=_date(demo.issued),
                issuing_body=demo.issuing_body,
                languages=list(demo.languages),
                summary_en=demo.summary_en,
                summary_fr=demo.summary_fr,
                url=demo.url,
                countries=list(demo.countries),
                owner=owner,
                confidentiality=public,
            ),
        )
    missions = set(Mission.objects.values_list("country", "acronym_en"))
    for mission in MISSIONS:
        if (mission.country, mission.acronym) in missions:
            continue
        services.mission_create(
            user=PLATFORM,
            data=MissionData(
                country=mission.country,
                kind=mission.kind,
                name_en=mission.name_en,
                name_fr=mission.name_fr,
                acronym_en=mission.acronym,
                acronym_fr=mission.acronym_fr,
                start=_date(mission.start),
                end=_date(mission.end),
                lead_body=mission.lead_body,
                areas=list(mission.areas),
                tasks_en=mission.tasks_en,
                tasks_fr=mission.tasks_fr,
                document_ids=[documents[key].pk for key in mission.documents],
                owner=owner,
                confidentiality=public,
            ),
        )
