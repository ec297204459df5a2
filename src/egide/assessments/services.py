"""Every write to frameworks and assessments: one call, one transaction, one audited event.

Loading a framework stores a new version (its document and its sections and questions as rows), or refuses the
file with every fault found and writes nothing. Assessments go through draft → in review → published: editors of
the owner organisation answer and submit; its reviewers (and administrators) return the assessment with a comment
or approve it, which publishes and freezes it; a correction of a published assessment is a new draft that links to
it, with its answers copied.

An answer cites sources of the country's map and governance findings, each with the passage relied on
(`answer_citation_add`, `answer_finding_cite`, `answer_citation_remove`, or the whole list with `answer_save`).
Reviewers comment on the questions of an assessment in review (`review_comment_add`); editors and reviewers reply
and resolve while it is in draft or in review; an assessment with open comments is not approved.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit, may_edit_somewhere, may_review_results
from egide.actors.models import Actor, Citation, Source
from egide.actors.selectors import actors_visible, country_sources
from egide.assessments import frameworks, questionnaire, scope
from egide.assessments.frameworks import Fault, FrameworkFaults, parse_framework
from egide.assessments.models import (
    Answer,
    AnswerCitation,
    AnswerState,
    Assessment,
    Confidence,
    Framework,
    FrameworkVersion,
    Question,
    ReviewComment,
    Section,
    Status,
)
from egide.assessments.selectors import questions_outside_scope
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.imports.limits import ReadLimits
from egide.core.imports.problems import ImportReport, Problems
from egide.core.reference import countries
from egide.core.users import AnyUser, Caller, author
from egide.governance.engine import evidence_records
from egide.governance.findings import Finding
from egide.governance.presentation import Presenter
from egide.governance.selectors import country_findings

# --- Frameworks -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Loaded:
    version: FrameworkVersion
    created: bool
    """False when the same version was already loaded with the same document (loading again changes nothing)."""


def framework_load(*, user: Caller, content: bytes | str) -> Loaded:
    """Load a framework file (YAML or JSON): a new version, or the one already loaded from the same document.

    Raises FrameworkFaults with every fault (nothing written), among them a version already loaded with another
    document: a loaded version is never changed. PermissionDenied for those who may edit nowhere."""
    if user is not None and not may_edit_somewhere(user=user):
        raise PermissionDenied(_("Loading a framework needs an editing role."))
    definition, document = parse_framework(content)
    with transaction.atomic():
        framework, _created = Framework.objects.select_for_update().get_or_create(
            identifier=definition.identifier,
            defaults={"title_en": definition.title.en, "title_fr": definition.title.fr},
        )
        existing = FrameworkVersion.objects.filter(framework=framework, version=definition.version).first()
        if existing is not None:
            if existing.document == document:
                return Loaded(existing, created=False)
            raise FrameworkFaults(
                [
                    Fault(
                        "version",
                        _(
                            "Version %(version)s of “%(identifier)s” is already loaded with other content: a loaded "
                            "version never changes, give this file a new version."
                        )
                        % {"version": definition.version, "identifier": definition.identifier},
                    )
                ]
            )
        framework.title_en, framework.title_fr = definition.title.en, definition.title.fr
        framework.save()
        version = FrameworkVersion.objects.create(
            framework=framework,
            version=definition.version,
            title_en=definition.title.en,
            title_fr=definition.title.fr,
            document=document,
            loaded_by=author(user),
        )
        _store_rows(version, definition)
        audit_record(
            user=user,
            action=Action.IMPORT,
            instance=version,
            before=None,
            after={"identifier": definition.identifier, "version": definition.version},
        )
    return Loaded(version, created=True)


def framework_load_path(*, user: Caller, path: Path) -> Loaded:
    """`framework_load` of a file, refused when it is larger than the format allows before it is read."""
    if path.stat().st_size > frameworks.MAX_BYTES:
        raise FrameworkFaults(
            [Fault("", _("The file is larger than %(size)d MB.") % {"size": frameworks.MAX_BYTES // (1024 * 1024)})]
        )
    return framework_load(user=user, content=path.read_bytes())


def _store_rows(version: FrameworkVersion, definition: frameworks.Framework) -> None:
    order = 0
    for section_order, section in enumerate(definition.sections, start=1):
        row = Section.objects.create(
            version=version,
            code=section.code,
            order=section_order,
            title_en=section.title.en,
            title_fr=section.title.fr,
            principle=section.principle,
            area=section.area,
            weight=section.weight,
        )
        questions = []
        for question in section.questions:
            order += 1
            applies = question.applies_to
            questions.append(
                Question(
                    version=version,
                    section=row,
                    code=question.code,
                    order=order,
                    text_en=question.text.en,
                    text_fr=question.text.fr,
                    guidance_en=question.guidance.en if question.guidance else "",
                    guidance_fr=question.guidance.fr if question.guidance else "",
                    weight=question.weight,
                    not_applicable_allowed=question.not_applicable,
                    families=list(applies.families) if applies else [],
                    kinds=list(applies.kinds) if applies else [],
                    rules=list(question.rules),
                )
            )
        Question.objects.bulk_create(questions)


# --- Assessments ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessmentData:
    country: str
    framework_version: FrameworkVersion
    as_of: date
    owner: Organisation | None
    confidentiality: str = Confidentiality.ORGANISATION
    title: str = ""
    actors: tuple[Actor, ...] = ()
    team: tuple[AnyUser, ...] = field(default=())


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _assessment_snapshot(assessment: Assessment) -> dict[str, object]:
    values = snapshot(assessment)
    values["scope_actor_count"] = assessment.actors.count()
    values["team"] = sorted(assessment.team.values_list("username", flat=True))
    return values


@transaction.atomic
def assessment_create(*, user: Caller, data: AssessmentData) -> Assessment:
    if not can_create(user=user, owner=data.owner, country=data.country):
        raise PermissionDenied(_("You may not create assessments for this organisation in this country."))
    errors: dict[str, list[str]] = {}
    if data.country not in countries():
        errors.setdefault("country", []).append(_("Unknown country."))
    if data.confidentiality not in Confidentiality.values:
        errors.setdefault("confidentiality", []).append(_("Unknown confidentiality level."))
    if len(data.title) > 300:
        errors.setdefault("title", []).append(_("Longer than %(count)d characters.") % {"count": 300})
    seen = set(
        actors_visible(user=user).filter(pk__in=[actor.pk for actor in data.actors]).values_list("pk", flat=True)
    )
    for actor in data.actors:
        if actor.pk not in seen or actor.country != data.country:
            errors.setdefault("actors", []).append(_("“%(actor)s” is not an actor of the country.") % {"actor": actor})
    _raise(errors)
    assessment = Assessment.objects.create(
        country=data.country,
        title=data.title.strip(),
        framework_version=data.framework_version,
        as_of=data.as_of,
        owner=data.owner,
        confidentiality=data.confidentiality,
        created_by=author(user),
        updated_by=author(user),
    )
    assessment.actors.set(data.actors)
    assessment.team.set([member for member in data.team if member.pk is not None])
    audit_record(
        user=user, action=Action.CREATE, instance=assessment, before=None, after=_assessment_snapshot(assessment)
    )
    return assessment


@dataclass(frozen=True, slots=True)
class AnswerData:
    state: str = AnswerState.ANSWERED
    value: Decimal | None = None
    justification: str = ""
    source: str = ""
    confidence: str = Confidence.MEDIUM
    citations: "tuple[CitationData, ...] | None" = None
    """The answer's citations, all of them, in order; None leaves those it has as they are."""


@dataclass(frozen=True, slots=True)
class CitationData:
    """What an answer cites: a source of the map (`source`) or a governance finding (`finding_key`, with its rule
    and title as read), and the passage relied on."""

    source: Source | None = None
    finding_key: str = ""
    finding_rule: str = ""
    finding_title: str = ""
    locator: str = ""

    @property
    def reference(self) -> str:
        return f"S{self.source.pk}" if self.source is not None else f"finding:{self.finding_key}"

    @property
    def identity(self) -> tuple[str, str]:
        return self.reference, self.locator.strip()


def _citation_identity(citation: AnswerCitation) -> tuple[str, str]:
    return citation.reference, citation.locator


def _citation_snapshot(citation: AnswerCitation) -> dict[str, object]:
    return {
        "question": citation.answer.question.code,
        "cites": citation.reference,
        "title": citation.source.title if citation.source is not None else citation.finding_title,
        "locator": citation.locator,
    }


def _answer_snapshot(answer: Answer | None) -> dict[str, object] | None:
    if answer is None:
        return None
    return {
        "question": answer.question.code,
        "answer": answer.state,
        "value": answer.value,
        "justification": answer.justification,
        "source": answer.source,
        "confidence": answer.confidence,
        "citations": [
            {"cites": citation.reference, "locator": citation.locator}
            for citation in AnswerCitation.objects.filter(answer=answer).order_by("id")
        ]
        if answer.pk is not None
        else [],
    }


def may_answer(*, user: Caller, assessment: Assessment) -> bool:
    """Editors of the owner organisation (or of one it shares editing with) answer a draft."""
    return assessment.status == Status.DRAFT and can_edit(user=user, record=assessment)


def may_review(*, user: Caller, assessment: Assessment) -> bool:
    """Reviewers and administrators of the owner organisation return or approve an assessment in review."""
    return assessment.status == Status.IN_REVIEW and may_review_results(user=user, record=assessment)


def answer_faults(question: Question, data: AnswerData, scale: frameworks.Scale) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.state not in AnswerState.values:
        errors["state"] = [_("Unknown kind of answer.")]
    elif data.state == AnswerState.ANSWERED:
        try:
            allowed = data.value is not None and data.value.is_finite() and scale.allows(float(data.value))
        except InvalidOperation:
            allowed = False
        if not allowed:
            if scale.kind == "levels":
                message = _("Choose one of the scale's levels.")
            else:
                message = _("Give a number from %(minimum)s to %(maximum)s.") % {
                    "minimum": f"{scale.minimum:g}",
                    "maximum": f"{scale.maximum:g}",
                }
            errors["value"] = [message]
    elif data.state == AnswerState.NOT_APPLICABLE:
        if not question.not_applicable_allowed:
            errors["state"] = [_("This question may not be answered “not applicable”.")]
        elif not data.justification.strip():
            errors["justification"] = [_("Say why the question does not apply.")]
    if data.confidence not in Confidence.values:
        errors["confidence"] = [_("Unknown confidence.")]
    for name in ("justification", "source"):
        if len(getattr(data, name)) > 20_000:
            errors[name] = [_("Longer than %(count)d characters.") % {"count": 20_000}]
    return errors


@transaction.atomic
def answer_save(*, user: Caller, assessment: Assessment, question: Question, data: AnswerData) -> Answer:
    """Answer a question of a draft assessment, or change its answer."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not answer this assessment."))
    if assessment.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft is answered: this assessment is %(status)s.") % {"status": assessment.get_status_display()}
        )
    if question.version_id != assessment.framework_version_id:
        raise ValidationError({"question": [_("This question is not of the assessment's framework.")]})
    if question.code in questions_outside_scope(assessment):
        raise ValidationError({"question": [scope.outside_scope_message(question.code)]})
    _raise(answer_faults(question, data, assessment.framework_version.definition.scale))
    answer = Answer.objects.filter(assessment=assessment, question=question).select_related("question").first()
    if data.citations is not None:
        _raise(_citations_faults(data.citations))
        _raise(_citations_not_allowed(user, assessment, answer, data.citations))
    before = _answer_snapshot(answer)
    if answer is None:
        answer = Answer(assessment=assessment, question=question)
    answer.state = data.state
    answer.value = data.value if data.state == AnswerState.ANSWERED else None
    answer.justification = data.justification.strip()
    answer.source = data.source.strip()
    answer.confidence = data.confidence
    answer.answered_by = author(user)
    answer.save()
    if data.citations is not None:
        _citations_replace(user=user, answer=answer, citations=data.citations)
    assessment.updated_by = author(user)
    assessment.save(update_fields=["updated_by", "updated_at"])
    audit_record(user=user, action=Action.UPDATE, instance=assessment, before=before, after=_answer_snapshot(answer))
    return answer


@dataclass(slots=True)
class AnswersImported(ImportReport):
    answers_created: int = 0
    answers_updated: int = 0
    answers_unchanged: int = 0


_COLUMN_OF_FIELD = {"state": "answer", "value": "answer"}


def _same(answer: Answer, data: AnswerData) -> bool:
    value = data.value if data.state == AnswerState.ANSWERED else None
    return (
        answer.state == data.state
        and answer.value == value
        and answer.justification == data.justification.strip()
        and answer.source == data.source.strip()
        and answer.confidence == data.confidence
        and (
            data.citations is None
            or [_citation_identity(citation) for citation in answer.citations.all()]
            == [citation.identity for citation in data.citations]
        )
    )


@transaction.atomic
def answers_import(
    *, user: Caller, assessment: Assessment, data: bytes, filename: str, limits: ReadLimits | None = None
) -> AnswersImported:
    """Answer a draft from its questionnaire filled offline (`questionnaire.export_questionnaire`).

    Every faulty row is named (ImportRejected) and nothing is written; a file of another assessment or framework
    version is refused the same way. Each changed answer goes through `answer_save` (permissions, audit); an
    answer the file gives unchanged is not saved again. FileRefused for a file that cannot be read."""
    assessment = _locked(assessment)
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not answer this assessment."))
    if assessment.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft is answered: this assessment is %(status)s.") % {"status": assessment.get_status_display()}
        )
    problems = Problems(limit=settings.EGIDE_IMPORT_MAX_PROBLEMS)
    rows = questionnaire.read_questionnaire(
        data, filename=filename, assessment=assessment, problems=problems, limits=limits
    )
    scale = assessment.framework_version.definition.scale
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.filter(assessment=assessment).prefetch_related("citations__source")
    }
    report = AnswersImported()
    to_save = []
    resolver = CitationResolver(user=user, assessment=assessment)
    for row in rows:
        before = existing.get(row.question.pk)
        citations: tuple[CitationData, ...] | None = None
        if row.citations is not None:
            resolved = []
            cited = _cited(before)
            for reference, locator in row.citations:
                found = resolver.resolve(reference, locator, cited=cited)
                if isinstance(found, str):
                    problems.at(questionnaire.QUESTIONS, row.row, "citations", found)
                else:
                    resolved.append(found)
            citations = tuple(dict.fromkeys(resolved))
        answer = AnswerData(row.state, row.value, row.justification, row.source, row.confidence, citations)
        for name, messages in answer_faults(row.question, answer, scale).items():
            for message in messages:
                problems.at(questionnaire.QUESTIONS, row.row, _COLUMN_OF_FIELD.get(name, name), message)
        if before is not None and _same(before, answer):
            report.answers_unchanged += 1
        else:
            to_save.append((row.question, answer, before is None))
    problems.raise_if_any()
    for question, answer, new in to_save:
        answer_save(user=user, assessment=assessment, question=question, data=answer)
        if new:
            report.answers_created += 1
        else:
            report.answers_updated += 1
    return report


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _wrong_status(assessment: Assessment) -> ValidationError:
    return ValidationError(
        _("This step does not apply: the assessment is %(status)s.") % {"status": assessment.get_status_display()}
    )


@transaction.atomic
def assessment_submit(*, user: Caller, assessment: Assessment) -> Assessment:
    """Draft → in review, by an editor."""
    assessment = _locked(assessment)
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not submit this assessment."))
    if assessment.status != Status.DRAFT:
        raise _wrong_status(assessment)
    before = snapshot(assessment)
    assessment.status = Status.IN_REVIEW
    assessment.submitted_by, assessment.submitted_at = author(user), timezone.now()
    assessment.save()
    audit_record(user=user, action=Action.SUBMIT, instance=assessment, before=before, after=snapshot(assessment))
    return assessment


def _require_review(user: Caller, assessment: Assessment) -> None:
    if not may_review_results(user=user, record=assessment):
        raise PermissionDenied(_("Only a reviewer of the owner organisation reviews this assessment."))
    if assessment.status != Status.IN_REVIEW:
        raise _wrong_status(assessment)


def _check_comment(comment: str) -> None:
    if len(comment) > 20_000:
        raise ValidationError({"comment": [_("Longer than %(count)d characters.") % {"count": 20_000}]})


@transaction.atomic
def assessment_return(*, user: Caller, assessment: Assessment, comment: str) -> Assessment:
    """In review → draft, by a reviewer, with a comment saying what to change."""
    assessment = _locked(assessment)
    _require_review(user, assessment)
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what must change before the assessment is approved.")]})
    _check_comment(comment)
    before = snapshot(assessment)
    assessment.status = Status.DRAFT
    assessment.review_comment = comment.strip()
    assessment.reviewed_by, assessment.reviewed_at = author(user), timezone.now()
    assessment.save()
    audit_record(user=user, action=Action.RETURN, instance=assessment, before=before, after=snapshot(assessment))
    return assessment


@transaction.atomic
def assessment_approve(*, user: Caller, assessment: Assessment, comment: str = "") -> Assessment:
    """In review → published, by a reviewer: the answers are frozen from then on. Refused while a review comment
    is open."""
    assessment = _locked(assessment)
    _require_review(user, assessment)
    _check_comment(comment)
    _refuse_open_comments(assessment)
    before = snapshot(assessment)
    assessment.status = Status.PUBLISHED
    assessment.review_comment = comment.strip()
    now = timezone.now()
    assessment.reviewed_by, assessment.reviewed_at, assessment.published_at = author(user), now, now
    assessment.save()
    audit_record(user=user, action=Action.APPROVE, instance=assessment, before=before, after=snapshot(assessment))
    return assessment


@transaction.atomic
def assessment_correct(*, user: Caller, assessment: Assessment) -> Assessment:
    """A new draft correcting a published assessment: the same country, framework version, date, scope, team,
    owner and confidentiality, with its answers copied; the published one stays as it was."""
    assessment = _locked(assessment)
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not correct this assessment."))
    if assessment.status != Status.PUBLISHED:
        raise _wrong_status(assessment)
    if Assessment.objects.filter(previous=assessment).exists():
        raise ValidationError(_("This assessment already has a correction."))
    correction = Assessment.objects.create(
        country=assessment.country,
        title=assessment.title,
        framework_version=assessment.framework_version,
        as_of=assessment.as_of,
        owner=assessment.owner,
        confidentiality=assessment.confidentiality,
        previous=assessment,
        created_by=author(user),
        updated_by=author(user),
    )
    correction.actors.set(assessment.actors.all())
    correction.team.set(assessment.team.all())
    copies = Answer.objects.bulk_create(
        Answer(
            assessment=correction,
            question_id=answer.question_id,
            state=answer.state,
            value=answer.value,
            justification=answer.justification,
            source=answer.source,
            confidence=answer.confidence,
            answered_by_id=answer.answered_by_id,
        )
        for answer in assessment.answers.all()
    )
    copy_of = {copy.question_id: copy for copy in copies}
    AnswerCitation.objects.bulk_create(
        AnswerCitation(
            answer=copy_of[citation.answer.question_id],
            source_id=citation.source_id,
            finding_key=citation.finding_key,
            finding_rule=citation.finding_rule,
            finding_title=citation.finding_title,
            locator=citation.locator,
            cited_by_id=citation.cited_by_id,
        )
        for citation in AnswerCitation.objects.filter(answer__assessment=assessment)
        .select_related("answer")
        .order_by("id")
    )
    audit_record(
        user=user, action=Action.CREATE, instance=correction, before=None, after=_assessment_snapshot(correction)
    )
    return correction


SHIPPED = Path(__file__).parent / "data" / "frameworks"


def frameworks_load_shipped(*, user: Caller) -> list[Loaded]:
    """Load the frameworks that ship with the product (those of data/frameworks present); loading them again
    changes nothing."""
    return [framework_load_path(user=user, path=path) for path in sorted(SHIPPED.glob("*.yaml"))]


# --- Citations of answers -----------------------------------------------------------------------------------------


def _citations_faults(citations: tuple[CitationData, ...]) -> dict[str, list[str]]:
    messages = []
    for citation in citations:
        if (citation.source is None) == (not citation.finding_key):
            messages.append(_("A citation cites one source or one governance finding."))
        elif len(citation.locator) > 500:
            messages.append(_("A page or passage is longer than %(count)d characters.") % {"count": 500})
    return {"citations": messages} if messages else {}


class CitationResolver:
    """Turns the references a person gives (S<id> for a source of the map, finding:<key> for a governance finding)
    into what an answer may cite: the sources of the assessment's country and the findings at its date that the
    person may see, or what the answer already cites (kept even when the person could not cite it anew)."""

    def __init__(self, *, user: Caller, assessment: Assessment) -> None:
        self.user = user
        self.assessment = assessment
        self._sources: dict[int, Source] | None = None
        self._findings: dict[str, tuple[Finding, str]] | None = None

    def sources(self) -> dict[int, Source]:
        if self._sources is None:
            visible = country_sources(user=self.user, country=self.assessment.country)
            self._sources = {source.pk: source for source in visible}
        return self._sources

    def findings(self) -> dict[str, tuple[Finding, str]]:
        """The findings the person may see at the assessment's date, by key, each with its title as shown."""
        if self._findings is None:
            found = country_findings(user=self.user, country=self.assessment.country, as_of=self.assessment.as_of)
            presenter = Presenter(found.graph)
            self._findings = {}
            for finding in found.findings:
                row = presenter.row(finding, {})
                self._findings[finding.key] = (finding, f"{row.title} — {row.heading}"[:500])
        return self._findings

    def resolve(self, reference: str, locator: str, *, cited: dict[str, AnswerCitation]) -> CitationData | str:
        """The citation a reference names, or the message saying why it names none."""
        reference = reference.strip()
        if reference[:1] == "s" and reference[1:].isdigit():
            reference = "S" + reference[1:]
        existing = cited.get(reference)
        if reference[:1] in ("S", "s") and reference[1:].isdigit():
            if existing is not None and existing.source is not None:
                return CitationData(source=existing.source, locator=locator)
            source = self.sources().get(int(reference[1:]))
            if source is None:
                return _("“%(reference)s” is no source of this country's map that you may see.") % {
                    "reference": reference
                }
            return CitationData(source=source, locator=locator)
        if reference.startswith("finding:") and len(reference) > len("finding:"):
            key = reference[len("finding:") :]
            if existing is not None:
                return CitationData(
                    finding_key=key,
                    finding_rule=existing.finding_rule,
                    finding_title=existing.finding_title,
                    locator=locator,
                )
            found = self.findings().get(key)
            if found is None:
                return _("“%(reference)s” is no governance finding of this country at this date that you may see.") % {
                    "reference": reference
                }
            finding, title = found
            return CitationData(finding_key=key, finding_rule=finding.rule, finding_title=title, locator=locator)
        return _("“%(reference)s” names neither a source (S and its number) nor a finding (finding:key).") % {
            "reference": reference
        }


def _cited(answer: Answer | None) -> dict[str, AnswerCitation]:
    if answer is None or answer.pk is None:
        return {}
    return {
        citation.reference: citation
        for citation in AnswerCitation.objects.filter(answer=answer).select_related("source")
    }


def _citations_not_allowed(
    user: Caller, assessment: Assessment, answer: Answer | None, citations: tuple[CitationData, ...]
) -> dict[str, list[str]]:
    """What a person may not cite among `citations`: a source or a finding they may not see (what the answer
    already cites may stay whoever saves it)."""
    cited = _cited(answer)
    resolver = CitationResolver(user=user, assessment=assessment)
    messages = []
    for citation in citations:
        if citation.reference in cited:
            continue
        found = resolver.resolve(citation.reference, citation.locator, cited={})
        if isinstance(found, str):
            messages.append(found)
    return {"citations": messages} if messages else {}


def _citations_replace(*, user: Caller, answer: Answer, citations: tuple[CitationData, ...]) -> None:
    """The answer's citations become `citations`, in their order; who cited one already there is kept."""
    existing = list(AnswerCitation.objects.filter(answer=answer).order_by("id"))
    if [_citation_identity(citation) for citation in existing] == [citation.identity for citation in citations]:
        return
    cited_by = {_citation_identity(citation): citation.cited_by_id for citation in existing}
    AnswerCitation.objects.filter(answer=answer).delete()
    AnswerCitation.objects.bulk_create(
        AnswerCitation(
            answer=answer,
            source=citation.source,
            finding_key=citation.finding_key,
            finding_rule=citation.finding_rule,
            finding_title=citation.finding_title,
            locator=citation.locator.strip(),
            cited_by_id=cited_by[citation.identity] if citation.identity in cited_by else _author_id(user),
        )
        for citation in dict.fromkeys(citations)
    )


def _author_id(user: Caller) -> int | None:
    person = author(user)
    return person.pk if person is not None else None


def _answer_for_citing(user: Caller, assessment: Assessment, question: Question) -> Answer:
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not answer this assessment."))
    if assessment.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft is answered: this assessment is %(status)s.") % {"status": assessment.get_status_display()}
        )
    if question.version_id != assessment.framework_version_id:
        raise ValidationError({"question": [_("This question is not of the assessment's framework.")]})
    answer = Answer.objects.filter(assessment=assessment, question=question).select_related("question").first()
    if answer is None:
        raise ValidationError(_("Answer the question before citing what the answer rests on."))
    return answer


def _cite(*, user: Caller, assessment: Assessment, answer: Answer, data: CitationData) -> AnswerCitation:
    found = AnswerCitation.objects.filter(answer=answer).select_related("source", "answer__question")
    for citation in found:
        if _citation_identity(citation) == data.identity:
            return citation  # cited already: nothing changes
    citation = AnswerCitation.objects.create(
        answer=answer,
        source=data.source,
        finding_key=data.finding_key,
        finding_rule=data.finding_rule,
        finding_title=data.finding_title,
        locator=data.locator.strip(),
        cited_by=author(user),
    )
    audit_record(user=user, action=Action.CITE, instance=assessment, before=None, after=_citation_snapshot(citation))
    return citation


@transaction.atomic
def answer_citation_add(
    *, user: Caller, assessment: Assessment, question: Question, reference: str, locator: str = ""
) -> AnswerCitation:
    """Cite, for the answer to a question of a draft, a source of the country's map the user may see (S<id>) or a
    governance finding (finding:<key>), with the page, paragraph or passage relied on."""
    assessment = _locked(assessment)
    answer = _answer_for_citing(user, assessment, question)
    if len(locator) > 500:
        raise ValidationError({"locator": [_("Longer than %(count)d characters.") % {"count": 500}]})
    resolved = CitationResolver(user=user, assessment=assessment).resolve(reference, locator, cited={})
    if isinstance(resolved, str):
        raise ValidationError({"source": [resolved]})
    return _cite(user=user, assessment=assessment, answer=answer, data=resolved)


@transaction.atomic
def answer_finding_cite(*, user: Caller, assessment: Assessment, question: Question, key: str) -> list[AnswerCitation]:
    """One click beside a question: cite a governance finding the user may see at the assessment's date for its
    answer, and with it the map's sources its evidence rests on (each with the passage the map cites)."""
    assessment = _locked(assessment)
    answer = _answer_for_citing(user, assessment, question)
    resolver = CitationResolver(user=user, assessment=assessment)
    resolved = resolver.resolve(f"finding:{key}", "", cited={})
    if isinstance(resolved, str):
        raise ValidationError({"finding": [resolved]})
    finding, _title = resolver.findings()[key]
    nodes: set[int] = set()
    edges: set[int] = set()
    for evidence in finding.evidence:
        found_nodes, found_edges = evidence_records(evidence)
        nodes |= found_nodes
        edges |= found_edges
    nodes |= set(finding.subjects)
    cited = [_cite(user=user, assessment=assessment, answer=answer, data=resolved)]
    # Every record of the finding is one the user sees (the findings are computed on the user's map), and so is
    # every source those records cite.
    passages = (
        Citation.objects.filter(Q(actor_id__in=sorted(nodes)) | Q(relationship_id__in=sorted(edges)))
        .filter(source__country=assessment.country)
        .select_related("source")
        .order_by("source__title", "id")
    )
    for passage in passages:
        data = CitationData(source=passage.source, locator=passage.locator)
        cited.append(_cite(user=user, assessment=assessment, answer=answer, data=data))
    return cited


@transaction.atomic
def answer_citation_remove(*, user: Caller, citation: AnswerCitation) -> None:
    assessment = _locked(citation.answer.assessment)
    _answer_for_citing(user, assessment, citation.answer.question)
    before = _citation_snapshot(citation)
    citation.delete()
    audit_record(user=user, action=Action.UNCITE, instance=assessment, before=before, after=None)


# --- Review comments ----------------------------------------------------------------------------------------------


def may_comment(*, user: Caller, assessment: Assessment) -> bool:
    """Reviewers and administrators of the owner organisation comment on the questions of an assessment in review."""
    return may_review(user=user, assessment=assessment)


def may_discuss(*, user: Caller, assessment: Assessment) -> bool:
    """Editors (who answer) and reviewers reply to comments and resolve them while the assessment is in draft or
    in review; once published, the comments are read only."""
    return assessment.status in (Status.DRAFT, Status.IN_REVIEW) and (
        can_edit(user=user, record=assessment) or may_review_results(user=user, record=assessment)
    )


def _comment_text(text: str) -> str:
    if not text.strip():
        raise ValidationError({"text": [_("Write the comment.")]})
    if len(text) > 20_000:
        raise ValidationError({"text": [_("Longer than %(count)d characters.") % {"count": 20_000}]})
    return text.strip()


def _comment_snapshot(comment: ReviewComment) -> dict[str, object]:
    return {
        "comment": comment.pk,
        "question": comment.question.code,
        "reply_to": comment.parent_id,
        "text": comment.text,
        "resolved": comment.resolved,
    }


@transaction.atomic
def review_comment_add(*, user: Caller, assessment: Assessment, question: Question, text: str) -> ReviewComment:
    """A reviewer's comment on one question of an assessment in review: on its answer, or on the question left
    unanswered."""
    assessment = _locked(assessment)
    _require_review(user, assessment)
    if question.version_id != assessment.framework_version_id:
        raise ValidationError({"question": [_("This question is not of the assessment's framework.")]})
    comment = ReviewComment.objects.create(
        assessment=assessment, question=question, text=_comment_text(text), author=author(user)
    )
    audit_record(user=user, action=Action.COMMENT, instance=assessment, before=None, after=_comment_snapshot(comment))
    return comment


def _require_discussion(user: Caller, assessment: Assessment) -> None:
    if not (can_edit(user=user, record=assessment) or may_review_results(user=user, record=assessment)):
        raise PermissionDenied(_("Only the assessment's editors and reviewers reply to its comments."))
    if assessment.status not in (Status.DRAFT, Status.IN_REVIEW):
        raise _wrong_status(assessment)


@transaction.atomic
def review_comment_reply(*, user: Caller, comment: ReviewComment, text: str) -> ReviewComment:
    """A reply to a comment (a reply to a reply joins the same conversation), while in draft or in review."""
    assessment = _locked(comment.assessment)
    _require_discussion(user, assessment)
    thread = comment.parent if comment.parent_id is not None else comment
    assert thread is not None
    reply = ReviewComment.objects.create(
        assessment=assessment, question=thread.question, parent=thread, text=_comment_text(text), author=author(user)
    )
    audit_record(user=user, action=Action.REPLY, instance=assessment, before=None, after=_comment_snapshot(reply))
    return reply


@transaction.atomic
def review_comment_resolve(*, user: Caller, comment: ReviewComment) -> ReviewComment:
    """Mark a comment resolved (what it asked is done, or answered), while in draft or in review."""
    assessment = _locked(comment.assessment)
    _require_discussion(user, assessment)
    if comment.parent_id is not None:
        raise ValidationError(_("A reply is not resolved on its own: resolve the comment it answers."))
    comment = ReviewComment.objects.select_for_update().select_related("question").get(pk=comment.pk)
    if comment.resolved:
        raise ValidationError(_("This comment is already resolved."))
    before = _comment_snapshot(comment)
    comment.resolved_by, comment.resolved_at = author(user), timezone.now()
    comment.save(update_fields=["resolved_by", "resolved_at"])
    audit_record(user=user, action=Action.RESOLVE, instance=assessment, before=before, after=_comment_snapshot(comment))
    return comment


def _refuse_open_comments(assessment: Assessment) -> None:
    count = ReviewComment.objects.filter(assessment=assessment, parent=None, resolved_at=None).count()
    if count:
        raise ValidationError(
            ngettext(
                "%(count)d review comment is still open: resolve it before approving, or return the assessment to "
                "its editors.",
                "%(count)d review comments are still open: resolve them before approving, or return the assessment "
                "to its editors.",
                count,
            )
            % {"count": count}
        )
