"""Every read of a brief: which briefs a reader may open, the confidentiality level stamped on a brief, and the
brief's content gathered through the selectors of the apps it draws on, so that a brief holds what its reader
may see and nothing more (the public audience reads as an anonymous visitor does)."""

import base64
import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.accounts.selectors import reach_of, user_organisations
from egide.actors.selectors import country_sources
from egide.assessments.models import Assessment, Status
from egide.assessments.selectors import assessments_visible, scorecards_of
from egide.context.selectors import country_context
from egide.coordination.amounts import money_format
from egide.coordination.analytics import ACTOR, SECTION
from egide.coordination.selectors import country_coordination
from egide.core import taxonomy
from egide.core.labels import active_language
from egide.core.reference import countries
from egide.core.users import Caller
from egide.duediligence.reports import brief_rows
from egide.governance.forms import rule_title
from egide.governance.models import DecisionStatus
from egide.governance.presentation import Presenter
from egide.governance.rules import RULE_BY_CODE
from egide.governance.selectors import country_findings, reader_graph
from egide.money.flows import COMMITTED, SPENT
from egide.reports import charts, sections, system_figure
from egide.reports.bibliography import Bibliography
from egide.reports.content import (
    AssessmentPart,
    BriefContent,
    CoordinationPart,
    DiligencePart,
    DiligenceRowPart,
    FindingPart,
    GapPart,
    IndicatorPart,
    OverlapPart,
    PartnerRow,
    PrincipleGroup,
    ProgrammesPart,
    SectionScorePart,
    Statement,
    SystemPart,
)
from egide.reports.models import Audience, Brief, BriefStyle
from egide.reports.summary import summary_of

LEVEL_LABELS = {
    Confidentiality.PUBLIC: gettext_lazy("Public"),
    Confidentiality.PARTNERS: gettext_lazy("Partners"),
    Confidentiality.ORGANISATION: gettext_lazy("Organisation"),
    Confidentiality.RESTRICTED: gettext_lazy("Restricted"),
}


# --- who reads which brief ----------------------------------------------------------------------------------------


def reader_for(*, user: Caller, audience: str) -> Caller:
    """Whom the brief is read as: the user, or an anonymous visitor for the public audience."""
    return AnonymousUser() if audience == Audience.PUBLIC else user


def reader_level(*, user: Caller, country: str, audience: str) -> str:
    """The most confidential level a brief for this reader may hold, stamped on its pages: public for the public
    audience and for readers of no organisation working on the country; restricted for platform staff and for
    members of an organisation working on it (they read their organisation's records and those shared with it)."""
    if audience == Audience.PUBLIC:
        return Confidentiality.PUBLIC
    reach = reach_of(user)
    if reach.superuser:
        return Confidentiality.RESTRICTED
    if any(grant.covers(country) for grant in reach.grants):
        return Confidentiality.RESTRICTED
    return Confidentiality.PUBLIC


def brief_organisation(*, user: Caller, country: str) -> Organisation | None:
    """Whose logo and footer the reader's briefs carry: the first of the reader's organisations working on the
    country (by acronym), none for platform staff and readers of no organisation."""
    reach = reach_of(user)
    if reach.superuser or not reach.grants:
        return None
    covering = sorted({grant.organisation_id for grant in reach.grants if grant.covers(country)})
    return user_organisations(user=user).filter(pk__in=covering).order_by("acronym").first()


def _readable_filter(user: Caller) -> Q | None:
    reach = reach_of(user)
    if reach.superuser:
        return None
    condition = Q(audience=Audience.PUBLIC, status="done")
    if user is not None and user.is_authenticated:
        condition |= Q(requested_by_id=user.pk)
    return condition


def country_briefs(*, user: Caller, country: str) -> QuerySet[Brief]:
    """The briefs of a country a reader may open: those the reader asked for, and every public one that is
    ready (it holds what anyone may see). A brief holds what its requester saw: nobody else opens it."""
    briefs = Brief.objects.filter(country=country).select_related("requested_by")
    condition = _readable_filter(user)
    return briefs if condition is None else briefs.filter(condition)


def brief_get(*, user: Caller, pk: int) -> Brief:
    """A brief the reader may open; Brief.DoesNotExist otherwise (a page answers 404 either way)."""
    briefs = Brief.objects.filter(pk=pk)
    condition = _readable_filter(user)
    return (briefs if condition is None else briefs.filter(condition)).get()


def brief_style_of(*, organisation: Organisation) -> BriefStyle | None:
    return BriefStyle.objects.filter(organisation=organisation).first()


def may_style(*, user: Caller, organisation: Organisation) -> bool:
    """Who sets an organisation's logo and footer: its administrators and platform staff."""
    from egide.accounts.selectors import is_administrator

    return is_administrator(user=user, organisation=organisation)


def require_style_permission(*, user: Caller, organisation: Organisation) -> None:
    if not may_style(user=user, organisation=organisation):
        raise PermissionDenied(_("Only an administrator of the organisation may change its briefs' logo and footer."))


# --- the content ----------------------------------------------------------------------------------------------------


class _Sources:
    """The bibliography's entries for what the brief draws on, each added the first time it is cited."""

    def __init__(self, *, country: str, country_name: str, as_of: datetime.date) -> None:
        self.bibliography = Bibliography()
        self.country, self.country_name, self.as_of = country, country_name, as_of
        self.documents: dict[str, tuple[str, str]] = {}

    def know_documents(self, documents: list[tuple[str, str, str, str]]) -> None:
        """The map's sources the reader may see: (title, author, date, link)."""
        for title, author, published, url in documents:
            details = ", ".join(part for part in (title, author, published) if part)
            self.documents[title] = (details, url)

    def document(self, reference: str) -> int:
        """A source as the map names a fact's source ("Title" or "Title, passage")."""
        for title, (details, url) in self.documents.items():
            if reference == title or reference.startswith(f"{title}, "):
                passage = reference[len(title) + 2 :] if reference != title else ""
                text = f"{details}, {passage}" if passage else details
                return self.bibliography.cite(f"document:{reference}", text, url)
        return self.bibliography.cite(f"document:{reference}", reference)

    def map(self) -> int:
        return self.bibliography.cite(
            "map",
            _(
                "Égide, security system map of %(country)s (actors, relationships and their legal bases), read on "
                "%(date)s."
            )
            % {"country": self.country_name, "date": self.as_of.isoformat()},
        )

    def rules(self) -> int:
        return self.bibliography.cite(
            "rules",
            _(
                "Égide, governance rules applied to the map against the three principles of security system reform, "
                "as of %(date)s."
            )
            % {"date": self.as_of.isoformat()},
        )

    def assessment(self, assessment: Assessment) -> int:
        return self.bibliography.cite(
            f"assessment:{assessment.pk}",
            _("%(title)s, assessment against the framework “%(framework)s”, as of %(date)s, published.")
            % {
                "title": assessment.title or assessment.framework_version.title,
                "framework": assessment.framework_version.title,
                "date": assessment.as_of.isoformat(),
            },
        )

    def programmes(self, year: int) -> int:
        return self.bibliography.cite(
            "programmes",
            _(
                "Égide, programmes recorded for %(country)s and imported from IATI activity files, with their "
                "transactions, for %(year)s."
            )
            % {"country": self.country_name, "year": year},
            "https://iatistandard.org/",
        )

    def indicator_source(self, key: str, text: str, url: str) -> int:
        return self.bibliography.cite(f"context:{key}", text, url)

    def diligence(self) -> int:
        return self.bibliography.cite(
            "diligence",
            _("Égide, human-rights due-diligence assessments of the units that programmes support in %(country)s.")
            % {"country": self.country_name},
        )


def _system(reader: Caller, country: str, cite: _Sources) -> SystemPart:
    graph = reader_graph(user=reader, country=country)
    families = [(term.code, term.label) for term in taxonomy.FAMILIES]
    figure = system_figure.layout(
        [system_figure.Actor(node.id, node.name, node.family) for node in graph.nodes.values()],
        [system_figure.Link(edge.source, edge.target, edge.type) for edge in graph.edges],
        families,
    )
    drawing = system_figure.render(
        figure,
        label=_("The security system of %(country)s, by family") % {"country": cite.country_name},
        legend=(_("command and administration"), _("oversight, audit and scrutiny"), _("other relationships")),
    )
    refs = [cite.map()]
    for reference in sorted({source for node in graph.nodes.values() for source in node.sources}):
        refs.append(cite.document(reference))
    for reference in sorted({source for edge in graph.edges for source in edge.sources}):
        refs.append(cite.document(reference))
    counts = tuple((band.label, band.count) for band in figure.bands)
    note = Statement(
        _("Each box is an actor of the map, in its family's band; the lines are the relationships between them."),
        tuple(sorted(set(refs))),
    )
    return SystemPart(
        figure=drawing, actors=len(graph.nodes), relationships=len(graph.edges), families=counts, note=note
    )


def _governance(reader: Caller, country: str, as_of: datetime.date, cite: _Sources) -> list[PrincipleGroup]:
    found = country_findings(user=reader, country=country, as_of=as_of)
    presenter = Presenter(found.graph)
    kept = [
        finding
        for finding in found.in_page_order()
        if found.decisions.get(finding.key) is None
        or found.decisions[finding.key].status != DecisionStatus.FALSE_POSITIVE
    ]
    groups: dict[str, list[FindingPart]] = defaultdict(list)
    for row in presenter.rows(kept, found.decisions):
        evidence = []
        for item in row.evidence:
            refs = [cite.rules()] + [cite.document(source) for source in (item.sources or row.sources)]
            if item.rests_on_records:
                refs.append(cite.map())
            evidence.append(Statement(item.text, tuple(sorted(set(refs)))))
        groups[row.finding.principle].append(
            FindingPart(
                title=row.title,
                severity=row.severity,
                severity_label=str(row.severity_label),
                actors=tuple(actor.name for actor in row.actors if actor.id in row.finding.subjects),
                evidence=tuple(evidence),
                status_label=str(row.decision.get_status_display()) if row.decision else "",
            )
        )
    return [
        PrincipleGroup(label=term.label, findings=tuple(groups[term.code]))
        for term in taxonomy.PRINCIPLES
        if groups.get(term.code)
    ] + ([PrincipleGroup(label=_("Other"), findings=tuple(groups[""]))] if groups.get("") else [])


def _assessment(reader: Caller, country: str, as_of: datetime.date, cite: _Sources) -> AssessmentPart | None:
    published = list(
        assessments_visible(user=reader, country=country)
        .filter(status=Status.PUBLISHED, as_of__lte=as_of)
        .select_related("framework_version__framework")
        .order_by("-as_of", "-id")
    )
    if not published:
        return None
    latest = published[0]
    same = sorted(
        (item for item in published if item.framework_version.framework_id == latest.framework_version.framework_id),
        key=lambda item: (item.as_of, item.pk),
    )
    cards = scorecards_of(same)
    card = cards[latest.pk]
    language = active_language()
    definition = latest.framework_version.definition
    titles = {section.code: section.title.read(language) for section in definition.sections}
    parts = tuple(
        SectionScorePart(
            title=titles.get(section.code, section.code),
            score=section.score,
            band=section.band.label.read(language) if section.band else "",
        )
        for section in card.sections
    )
    refs = tuple(sorted({cite.assessment(item) for item in same}))
    framework = latest.framework_version.title
    radar = charts.radar(
        [(part.title, part.score) for part in parts],
        label=_("Scores by section, %(framework)s, %(date)s") % {"framework": framework, "date": latest.as_of},
    )
    trend = charts.line_chart(
        [(item.as_of.isoformat(), cards[item.pk].score) for item in same],
        label=_("Overall score over time, %(framework)s") % {"framework": framework},
        minimum=0,
        maximum=100,
    )
    return AssessmentPart(
        title=str(latest.title or framework),
        framework=framework,
        as_of=latest.as_of,
        score=card.score,
        band=card.band.label.read(language) if card.band else "",
        sections=parts,
        radar=radar,
        trend=trend,
        trend_points=len(same),
        refs=refs,
    )


def _amount(money: dict[tuple[str, str], Decimal], flow: str) -> Decimal:
    return money.get((flow, "USD"), Decimal(0))


def _programmes_and_coordination(
    reader: Caller, country: str, as_of: datetime.date, cite: _Sources, wanted: set[str]
) -> tuple[ProgrammesPart | None, CoordinationPart | None]:
    found = country_coordination(user=reader, country=country, year=as_of.year)
    area_label = {term.code: term.label for term in taxonomy.AREAS_OF_ACTION}
    formatted = money_format()
    programme_ref = cite.programmes(as_of.year)
    rows: list[PartnerRow] = []
    bars: list[tuple[str, float]] = []
    for partner in found.partners:
        programme_ids: set[int] = set()
        committed, spent = Decimal(0), Decimal(0)
        areas = []
        for area in found.areas:
            in_cell = found.cell(partner.key, area)
            if in_cell:
                areas.append(area_label.get(area, area))
                programme_ids.update(programme.pk for programme in in_cell)
                money = found.money.get((partner.key, area), {})
                committed += _amount(money, COMMITTED)
                spent += _amount(money, SPENT)
        rows.append(
            PartnerRow(
                name=partner.name,
                programmes=len(programme_ids),
                committed=formatted(committed),
                spent=formatted(spent),
                areas=tuple(areas),
            )
        )
        bars.append((partner.name, float(committed)))
    programmes = None
    if sections.PROGRAMMES in wanted:
        chart = charts.bars(
            sorted(bars, key=lambda bar: -bar[1]),
            label=_("Money committed in %(year)s by partner, in US dollars") % {"year": as_of.year},
            unit="USD",
        )
        programmes = ProgrammesPart(
            year=as_of.year,
            programmes=len({programme.pk for group in found.cells.values() for programme in group}),
            partners=tuple(rows),
            chart=chart if rows else "",
            excluded=found.excluded,
            refs=(programme_ref,),
        )
    coordination = None
    if sections.COORDINATION in wanted:
        names = {partner.key: partner.name for partner in found.partners}
        overlaps = tuple(
            OverlapPart(
                target=(
                    found.actor_names.get(int(overlap.target), "")
                    if overlap.kind == ACTOR
                    else area_label.get(overlap.target, overlap.target)
                ),
                partners=tuple(sorted(names.get(key, key) for key in overlap.partners)),
                programmes=len(overlap.programmes),
            )
            for overlap in found.overlaps
        )
        gaps: dict[str, GapPart] = {}
        refs = {programme_ref}
        for gap in found.gaps:
            if gap.need.origin == SECTION:
                weak = found.weak_sections[gap.need.key]
                title = f"{weak.title} ({weak.framework}: {weak.band_label})"
                refs.add(cite.bibliography.cite(f"assessment:{weak.assessment}", weak.assessment_label))
            else:
                code = found.finding_titles.get(gap.need.key, gap.need.key)
                rule = RULE_BY_CODE.get(code)
                title = rule_title(rule) if rule else code
                refs.update((cite.rules(), cite.map()))
            entry = gaps.get(title) or GapPart(
                title=title,
                area=area_label.get(gap.need.area or "", ""),
                actors=(),
                area_uncovered=False,
            )
            if gap.kind == ACTOR:
                name = found.actor_names.get(int(gap.target), "")
                entry = GapPart(entry.title, entry.area, tuple(sorted({*entry.actors, name})), entry.area_uncovered)
            else:
                entry = GapPart(entry.title, entry.area, entry.actors, True)
            gaps[title] = entry
        coordination = CoordinationPart(
            year=as_of.year, overlaps=overlaps, gaps=tuple(gaps.values()), refs=tuple(sorted(refs))
        )
    return programmes, coordination


def _context(reader: Caller, country: str, as_of: datetime.date, cite: _Sources) -> list[IndicatorPart]:
    parts: list[IndicatorPart] = []
    french = active_language() == "fr"
    for group in country_context(user=reader, country=country):
        for item in group.indicators:
            indicator, summary = item.indicator, item.summary
            series = [point for point in summary.series if point.year <= as_of.year]
            if not series:
                continue
            region = {point.year: point.value for point in summary.region_series if point.year <= as_of.year}
            if group.source is not None:
                spec = group.source
                ref = cite.indicator_source(
                    spec.code,
                    f"{spec.name_fr if french else spec.name_en}, {spec.publisher}. "
                    f"{spec.terms_fr if french else spec.terms_en}".strip(),
                    spec.url,
                )
            else:
                owner = indicator.owner.name if indicator.owner else ""
                ref = cite.indicator_source(
                    f"series:{indicator.pk}",
                    _("%(indicator)s, a series uploaded by %(owner)s.") % {"indicator": indicator.name, "owner": owner},
                    "",
                )
            values = [point.value for point in series] + list(region.values())
            low = indicator.minimum if indicator.minimum is not None else min(values)
            high = indicator.maximum if indicator.maximum is not None else max(values)
            if high == low:
                high = low + 1
            chart = charts.line_chart(
                [(str(point.year), point.value) for point in series],
                second=[(str(point.year), region.get(point.year)) for point in series] if region else (),
                label=indicator.name,
                minimum=low,
                maximum=high,
                width=240,
                height=90,
                font=9,
            )
            latest = series[-1]
            parts.append(
                IndicatorPart(
                    name=indicator.name,
                    unit=indicator.unit,
                    latest_year=latest.year,
                    latest=latest.value,
                    region=region.get(latest.year),
                    chart=chart,
                    refs=(ref,),
                )
            )
    return parts


def _diligence(reader: Caller, country: str, cite: _Sources) -> DiligencePart | None:
    """The coordination brief's rule (egide.duediligence.reports.brief_rows): only for readers of at least one of
    the country's due-diligence assessments, nothing at all for anyone else."""
    rows = brief_rows(user=reader, country=country)
    if not rows:
        return None
    return DiligencePart(
        rows=tuple(
            DiligenceRowPart(
                programme=row.programme,
                unit=row.unit,
                decision=row.decision_label or _("Not assessed"),
                risk=row.risk_label,
                next_review=row.next_review,
                overdue=row.overdue,
            )
            for row in rows
        ),
        refs=(cite.diligence(),),
    )


def logo_address(style: BriefStyle | None) -> str:
    """The organisation's logo as a data: address (the brief's files hold it), empty without one."""
    if style is None or not style.logo:
        return ""
    name = (style.logo.name or "").lower()
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    try:
        with style.logo.open("rb") as file:
            data = file.read()
    except OSError:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def brief_content(
    *,
    user: Caller,
    country: str,
    as_of: datetime.date,
    audience: str,
    chosen: list[str],
    organisation: Organisation | None = None,
) -> BriefContent:
    """The brief in the active language, read as `reader_for(user, audience)` through each app's selectors.
    `chosen`: the movable sections to show, in order (egide.reports.sections)."""
    reader = reader_for(user=user, audience=audience)
    wanted = set(chosen)
    country_name = countries()[country].label
    level = reader_level(user=user, country=country, audience=audience)
    cite = _Sources(country=country, country_name=country_name, as_of=as_of)
    cite.know_documents(
        [
            (source.title, source.author, source.published, source.url)
            for source in country_sources(user=reader, country=country)
        ]
    )
    style = brief_style_of(organisation=organisation) if organisation is not None else None
    content = BriefContent(
        country=country,
        country_name=country_name,
        as_of=as_of,
        language=active_language(),
        level=level,
        level_label=str(LEVEL_LABELS[Confidentiality(level)]),
        sections=list(chosen),
        organisation=organisation.name if organisation is not None else "",
        footer=style.footer if style is not None else "",
        logo=logo_address(style),
    )
    # Read in the order of the sections, so that the numbers of the bibliography follow the text.
    for code in chosen:
        if code == sections.SYSTEM:
            content.system = _system(reader, country, cite)
        elif code == sections.GOVERNANCE:
            content.governance = _governance(reader, country, as_of, cite)
        elif code == sections.ASSESSMENT:
            content.assessment = _assessment(reader, country, as_of, cite)
        elif code in (sections.PROGRAMMES, sections.COORDINATION) and not (content.programmes or content.coordination):
            content.programmes, content.coordination = _programmes_and_coordination(
                reader, country, as_of, cite, wanted
            )
        elif code == sections.CONTEXT:
            content.context = _context(reader, country, as_of, cite)
        elif code == sections.DILIGENCE:
            content.diligence = _diligence(reader, country, cite)
    content.findings_total = sum(len(group.findings) for group in content.governance)
    if sections.SUMMARY in wanted:
        content.summary = summary_of(content)
    content.bibliography = list(cite.bibliography.entries)
    return content
