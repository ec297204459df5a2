"""The assessment pages: frameworks (list, page, upload, schema), the list of assessments, the creation form, and
the assessment page where questions are answered and the review goes on. Thin: selectors read, services write."""

import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.accounts.selectors import can_edit, editable_owners, may_edit_somewhere, user_organisations
from egide.actors.selectors import country_sources
from egide.assessments import questionnaire, selectors, services
from egide.assessments.comparison import Change
from egide.assessments.forms import (
    AnswerForm,
    AnswersImportForm,
    ApproveForm,
    AssessmentForm,
    FrameworkUploadForm,
    ReturnForm,
    country_choices,
)
from egide.assessments.frameworks import MAX_BYTES, Band, FrameworkFaults
from egide.assessments.models import Assessment, FrameworkVersion, Question, Status
from egide.assessments.presentation import (
    assessment_sections,
    question_row_of,
    radar_document,
)
from egide.assessments.schema import schema_text
from egide.assessments.scoring import Score, SectionScore
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import country_name
from egide.core.web import apply_form_errors, changed, is_htmx

PAGE_SIZE = 50
TENTH = Decimal("0.1")
PLACEHOLDER = 999_999_999
"""The id reversed once for the heatmap's links, then replaced by each assessment's."""


# --- Frameworks -------------------------------------------------------------------------------------------------------


def framework_list(request: HttpRequest) -> HttpResponse:
    context = {
        "frameworks": selectors.frameworks_with_versions(),
        "can_load": may_edit_somewhere(user=request.user),
    }
    return render(request, "assessments/framework_list.html", context)


def framework_schema(request: HttpRequest) -> HttpResponse:
    return HttpResponse(schema_text(), content_type="application/schema+json; charset=utf-8")


def framework_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    version = selectors.framework_version(identifier=identifier, version=request.GET.get("version") or None)
    definition = version.definition
    context = {
        "version": version,
        "definition": definition,
        "sections": selectors.framework_sections(version),
        "versions": version.framework.versions.order_by("-loaded_at", "-id"),
        "levels": definition.scale.levels,
        "bands": definition.bands,
        "language": request.LANGUAGE_CODE,
        "description": definition.description.read(request.LANGUAGE_CODE) if definition.description else "",
    }
    return render(request, "assessments/framework_detail.html", context)


@login_required
def framework_upload(request: HttpRequest) -> HttpResponse:
    if not may_edit_somewhere(user=request.user):
        raise PermissionDenied(_("Loading a framework needs an editing role."))
    faults = []
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
        else:
            try:
                loaded = services.framework_load(user=request.user, content=upload.read())
            except FrameworkFaults as refused:
                faults = refused.faults
            else:
                version = loaded.version
                message = (
                    _("Version %(version)s of “%(title)s” loaded.")
                    if loaded.created
                    else _("Version %(version)s of “%(title)s” was already loaded: nothing changed.")
                ) % {"version": version.version, "title": version.title}
                target = reverse("assessment-framework", args=[version.framework.identifier])
                return changed(request, message, redirect_to=f"{target}?version={version.version}", leave=True)
    status = 400 if faults or form.errors else 200
    return render(request, "assessments/framework_upload.html", {"form": form, "faults": faults}, status=status)


# --- Assessments ------------------------------------------------------------------------------------------------------


def assessment_filters(query: QueryDict) -> selectors.AssessmentFilters:
    """The filters the list's address chooses (its export reads the same)."""
    return selectors.AssessmentFilters(
        country=query.get("country", "").upper()[:2],
        framework=query.get("framework", "")[:100],
        status=query.get("status", "")[:20],
    )


def assessment_list(request: HttpRequest) -> HttpResponse:
    filters = assessment_filters(request.GET)
    assessments = selectors.assessment_list(user=request.user, filters=filters)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "countries": country_choices(),
        "frameworks": selectors.frameworks_with_versions(),
        "statuses": Status.choices,
        "can_create": may_edit_somewhere(user=request.user),
    }
    return render(request, "assessments/assessment_list.html", context)


def _versions() -> Any:
    return FrameworkVersion.objects.select_related("framework").order_by("framework__identifier", "-loaded_at")


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    if not may_edit_somewhere(user=request.user):
        raise PermissionDenied(_("Creating an assessment needs an editing role."))
    country = request.POST.get("country", "") if request.method == "POST" else ""
    owners = editable_owners(user=request.user, country=country) if country else user_organisations(user=request.user)
    form = AssessmentForm(request.POST or None, owners=owners, versions=_versions())
    if request.method == "POST" and form.is_valid():
        data = services.AssessmentData(
            country=form.cleaned_data["country"],
            framework_version=form.cleaned_data["framework_version"],
            as_of=form.cleaned_data["as_of"],
            owner=form.cleaned_data["owner"],
            confidentiality=form.cleaned_data["confidentiality"],
            title=form.cleaned_data["title"],
            team=(request.user,),
        )
        try:
            assessment = services.assessment_create(user=request.user, data=data)
        except PermissionDenied:
            form.add_error("owner", _("You may not create assessments for this organisation in this country."))
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            return changed(
                request,
                _("Assessment created."),
                redirect_to=reverse("assessment-detail", args=[assessment.pk]),
                leave=True,
            )
    status = 400 if form.errors else 200
    return render(request, "assessments/assessment_form.html", {"form": form}, status=status)


def _page_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    editable = services.may_answer(user=request.user, assessment=assessment)
    sections, card = assessment_sections(assessment, editable=editable, user=request.user)
    definition = assessment.framework_version.definition
    radars = {}
    for by in ("principle", "area"):
        document = radar_document(definition, card, by=by)
        if document is not None:
            radars[by] = json.dumps(document, ensure_ascii=False)
    correction = Assessment.objects.filter(previous=assessment).only("pk").first()
    open_comments = sum(row.open_comments for row in sections)
    return {
        "assessment": assessment,
        "definition": definition,
        "sections": sections,
        "outside_count": sum(row.outside for section in sections for row in section.questions),
        "card": card,
        "radars": radars,
        "editable": editable,
        "may_submit": editable,
        "may_review": services.may_review(user=request.user, assessment=assessment),
        "may_correct": assessment.status == Status.PUBLISHED
        and correction is None
        and can_edit(user=request.user, record=assessment),
        "correction": correction,
        "return_form": ReturnForm(),
        "approve_form": ApproveForm(),
        "open_comments": open_comments,
        "may_comment": services.may_comment(user=request.user, assessment=assessment),
        "may_discuss": services.may_discuss(user=request.user, assessment=assessment),
        "map_sources": _map_sources(request, assessment) if editable else [],
    }


def _map_sources(request: HttpRequest, assessment: Assessment) -> Any:
    """The country's sources the reader may cite, offered once on the page for every question's citing form."""
    return country_sources(user=request.user, country=assessment.country).only(
        "pk", "title", "published_on", "published_precision"
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    context = _page_context(request, assessment)
    if is_htmx(request) and request.GET.get("part") == "scores":
        return render(request, "assessments/_scores.html", context)
    return render(request, "assessments/assessment_detail.html", context)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    if not services.may_answer(user=request.user, assessment=assessment):
        raise PermissionDenied(_("You may not answer this assessment."))
    record = Question.objects.filter(version_id=assessment.framework_version_id, pk=question).first()
    if record is None:
        raise PermissionDenied(_("This question is not of the assessment's framework."))
    definition = assessment.framework_version.definition
    form = AnswerForm(request.POST, question=record, scale=definition.scale)
    page = reverse("assessment-detail", args=[pk])
    saved = None
    if form.is_valid():
        try:
            saved = services.answer_save(
                user=request.user, assessment=assessment, question=record, data=form.data_class()
            )
        except ValidationError as error:
            apply_form_errors(form, error)
    if saved is not None and not is_htmx(request):
        return changed(request, _("Answer saved."), redirect_to=f"{page}#question-{record.pk}")
    row = question_row_of(user=request.user, assessment=assessment, question=record, editable=True)
    if saved is None:
        row.form = form
    if not is_htmx(request):
        context = _page_context(request, assessment)
        return render(request, "assessments/assessment_detail.html", context, status=400)
    response = render(
        request,
        "assessments/_question.html",
        {
            "row": row,
            "assessment": assessment,
            "editable": True,
            "definition": definition,
            "may_comment": False,
            "may_discuss": services.may_discuss(user=request.user, assessment=assessment),
        },
        status=200 if saved is not None else 422,
    )
    if saved is not None:
        response["HX-Trigger"] = json.dumps({"egide:changed": {"message": _("Answer saved.")}})
    return response


# --- Citations and review comments, beside each question ------------------------------------------------------------


def _question_changed(
    request: HttpRequest, assessment: Assessment, question: Question, message: str, errors: list[str] | None = None
) -> HttpResponse:
    """After a change to one question (a citation, a comment): its row again (HTMX), or the page."""
    page = reverse("assessment-detail", args=[assessment.pk])
    if not is_htmx(request):
        if errors:
            context = _page_context(request, assessment)
            context["step_errors"] = errors
            return render(request, "assessments/assessment_detail.html", context, status=400)
        return changed(request, message, redirect_to=f"{page}#question-{question.pk}")
    assessment.refresh_from_db()
    editable = services.may_answer(user=request.user, assessment=assessment)
    row = question_row_of(user=request.user, assessment=assessment, question=question, editable=editable)
    row.errors = errors or []
    context = {
        "row": row,
        "assessment": assessment,
        "editable": editable,
        "may_comment": services.may_comment(user=request.user, assessment=assessment),
        "may_discuss": services.may_discuss(user=request.user, assessment=assessment),
    }
    response = render(request, "assessments/_question.html", context, status=422 if errors else 200)
    if not errors:
        response["HX-Trigger"] = json.dumps({"egide:changed": {"message": message}})
    return response


def _question_of(assessment: Assessment, pk: int) -> Question:
    record = Question.objects.filter(version_id=assessment.framework_version_id, pk=pk).first()
    if record is None:
        raise Http404("No such question.")
    return record


def _question_step(
    request: HttpRequest, assessment: Assessment, question: Question, done: str, step: Callable[[], object]
) -> HttpResponse:
    """Take one step on a question (cite, comment, reply, resolve) through its service, then show the question
    again with `done`, or with what the service refused."""
    try:
        step()
    except ValidationError as error:
        return _question_changed(request, assessment, question, "", list(error.messages))
    return _question_changed(request, assessment, question, done)


@login_required
@require_POST
def citation_add(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    record = _question_of(assessment, question)
    return _question_step(
        request,
        assessment,
        record,
        _("Source cited."),
        lambda: services.answer_citation_add(
            user=request.user,
            assessment=assessment,
            question=record,
            reference=request.POST.get("reference", "")[:100],
            locator=request.POST.get("locator", ""),
        ),
    )


@login_required
@require_POST
def finding_cite(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    record = _question_of(assessment, question)
    return _question_step(
        request,
        assessment,
        record,
        _("Finding cited, with its sources."),
        lambda: services.answer_finding_cite(
            user=request.user, assessment=assessment, question=record, key=request.POST.get("key", "")[:500]
        ),
    )


@login_required
@require_POST
def citation_remove(request: HttpRequest, pk: int, citation: int) -> HttpResponse:
    found = selectors.citation_of(user=request.user, assessment_pk=pk, pk=citation)
    return _question_step(
        request,
        found.answer.assessment,
        found.answer.question,
        _("Citation removed."),
        lambda: services.answer_citation_remove(user=request.user, citation=found),
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    record = _question_of(assessment, question)
    return _question_step(
        request,
        assessment,
        record,
        _("Comment added."),
        lambda: services.review_comment_add(
            user=request.user, assessment=assessment, question=record, text=request.POST.get("text", "")
        ),
    )


@login_required
@require_POST
def comment_reply(request: HttpRequest, pk: int, comment: int) -> HttpResponse:
    found = selectors.comment_of(user=request.user, assessment_pk=pk, pk=comment)
    return _question_step(
        request,
        found.assessment,
        found.question,
        _("Reply added."),
        lambda: services.review_comment_reply(user=request.user, comment=found, text=request.POST.get("text", "")),
    )


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int, comment: int) -> HttpResponse:
    found = selectors.comment_of(user=request.user, assessment_pk=pk, pk=comment)
    return _question_step(
        request,
        found.assessment,
        found.question,
        _("Comment resolved."),
        lambda: services.review_comment_resolve(user=request.user, comment=found),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def questionnaire_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire with the current answers, to whoever sees the assessment."""
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    content = questionnaire.export_questionnaire(assessment, language=request.LANGUAGE_CODE, user=request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}-questionnaire.xlsx"'
    return response


@login_required
def answers_import(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    if not services.may_answer(user=request.user, assessment=assessment):
        raise PermissionDenied(_("You may not answer this assessment."))
    form = AnswersImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"assessment": assessment, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.EGIDE_IMPORT_MAX_BYTES:
            context["refused"] = _("The file is larger than %(size)d MB.") % {
                "size": settings.EGIDE_IMPORT_MAX_BYTES // (1024 * 1024)
            }
        else:
            try:
                report = services.answers_import(
                    user=request.user, assessment=assessment, data=upload.read(), filename=upload.name
                )
            except FileRefused as error:
                context["refused"] = str(error)
            except ImportRejected as error:
                context["rejected"] = error
            except ValidationError as error:
                context["refused"] = " ".join(error.messages)
            else:
                message = _("Answers imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.") % {
                    "created": report.answers_created,
                    "updated": report.answers_updated,
                    "unchanged": report.answers_unchanged,
                }
                return changed(
                    request, message, redirect_to=reverse("assessment-detail", args=[assessment.pk]), leave=True
                )
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/answers_import.html", context, status=status)


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    page = reverse("assessment-detail", args=[pk])
    try:
        if step == "submit":
            services.assessment_submit(user=request.user, assessment=assessment)
            message = _("Submitted for review.")
        elif step == "return":
            comment = request.POST.get("comment", "")
            services.assessment_return(user=request.user, assessment=assessment, comment=comment)
            message = _("Returned to its editors.")
        elif step == "approve":
            comment = request.POST.get("comment", "")
            services.assessment_approve(user=request.user, assessment=assessment, comment=comment)
            message = _("Approved and published.")
        else:
            correction = services.assessment_correct(user=request.user, assessment=assessment)
            return changed(
                request,
                _("A correction was started as a new draft."),
                redirect_to=reverse("assessment-detail", args=[correction.pk]),
                leave=True,
            )
    except ValidationError as error:
        context = _page_context(request, assessment)
        context["step_errors"] = error.messages
        return render(request, "assessments/assessment_detail.html", context, status=400)
    return changed(request, message, redirect_to=page, leave=True)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit")


@login_required
@require_POST
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "return")


@login_required
@require_POST
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "approve")


@login_required
@require_POST
def assessment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "correct")


# --- Comparison -------------------------------------------------------------------------------------------------------


def _titles(comparison: selectors.AssessmentComparison, language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Section titles and question texts by code, the later framework's first."""
    sections: dict[str, str] = {}
    questions: dict[str, str] = {}
    for assessment in (comparison.after, comparison.before):
        for section in assessment.framework_version.definition.sections:
            sections.setdefault(section.code, section.title.read(language))
            for question in section.questions:
                questions.setdefault(question.code, question.text.read(language))
    return sections, questions


def assessment_compare(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    others = list(selectors.comparable_assessments(user=request.user, assessment=assessment))
    context: dict[str, Any] = {"assessment": assessment, "others": others, "comparison": None}
    other = request.GET.get("with", "")
    if other:
        if not other.isdigit():
            raise Http404("No such assessment to compare with.")
        comparison = selectors.comparison_of(user=request.user, assessment=assessment, other_pk=int(other))
        sections, questions = _titles(comparison, request.LANGUAGE_CODE)
        result = comparison.result
        context.update(
            comparison=comparison,
            result=result,
            chosen=int(other),
            section_titles=sections,
            sections=[(sections.get(section.code, section.code), section) for section in result.sections],
            lists=[
                (
                    change,
                    label,
                    [(questions.get(row.code, row.code), row) for row in result.of(change)],
                )
                for change, label in (
                    (Change.IMPROVED, _("Improved")),
                    (Change.WORSENED, _("Worsened")),
                    (Change.NEWLY_ANSWERED, _("Newly answered")),
                    (Change.NO_LONGER_ANSWERED, _("No longer answered")),
                    (Change.UNCHANGED, _("Unchanged")),
                )
            ],
        )
    return render(request, "assessments/assessment_compare.html", context)


# --- A country's trend and a framework's heatmap ----------------------------------------------------------------------


def _rank_of(bands: tuple[Band, ...], band: Band | None) -> int | None:
    return None if band is None else next(index for index, found in enumerate(bands) if found.code == band.code)


def country_trend(request: HttpRequest, code: str) -> HttpResponse:
    country = code.upper()
    if len(country) != 2 or not country.isalpha():
        raise Http404("No such country.")
    language = request.LANGUAGE_CODE
    groups = selectors.country_assessments_by_framework(user=request.user, country=country)
    cards = selectors.scorecards_of([assessment for _framework, assessments in groups for assessment in assessments])
    frameworks = []
    for framework, assessments in groups:
        latest = assessments[-1].framework_version.definition
        sections = [(section.code, section.title.read(language)) for section in latest.sections]
        rows = []
        for assessment in assessments:
            card = cards[assessment.pk]
            by_code = {section.code: section for section in card.sections}
            rows.append((assessment, card, [by_code.get(section_code) for section_code, _title in sections]))
        chart = {
            "dates": [assessment.as_of.isoformat() for assessment in assessments],
            "series": [
                {"name": _("Overall"), "values": [_rounded(cards[assessment.pk].score) for assessment in assessments]}
            ]
            + [
                {"name": title, "values": [_section_score(cells[index]) for _assessment, _card, cells in rows]}
                for index, (_section_code, title) in enumerate(sections)
            ],
        }
        frameworks.append(
            {
                "framework": framework,
                "sections": sections,
                "rows": rows,
                "chart": chart,
                "chart_id": f"trend-{framework.identifier}",
            }
        )
    context = {"country": country, "country_name": country_name(country), "frameworks": frameworks}
    return render(request, "assessments/country_trend.html", context)


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def _section_score(score: SectionScore | None) -> float | None:
    return None if score is None else _rounded(score.score)


def _heat_cell(score: Score | None, rank: int | None, separator: str) -> str:
    """One cell of the heatmap, as the template wrote it (`floatformat:1`, the band's code, the band's class)."""
    css = "number heat" if rank is None else f"number heat heat-{rank}"
    if score is None or score.score is None:
        text = "—"
    else:
        text = str(Decimal(repr(score.score)).quantize(TENTH, ROUND_HALF_UP)).replace(".", separator)
    if score is not None and score.band is not None:
        text = f"{text} {escape(score.band.code)}"
    return f'<td class="{css}">{text}</td>'


def framework_heatmap(request: HttpRequest, identifier: str) -> HttpResponse:
    """Countries × sections. A row's cells are written here, once, rather than by the template cell by cell: at 190
    countries and ten sections the template's lookups and filters were half of the page's time
    (benchmarks/assessments.py)."""
    version = selectors.framework_version(identifier=identifier)
    definition = version.definition
    language = request.LANGUAGE_CODE
    latest = selectors.latest_published_by_country(user=request.user, framework=version.framework)
    cards = selectors.scorecards_of(latest)
    separator = str(get_format("DECIMAL_SEPARATOR"))
    detail = reverse("assessment-detail", args=[PLACEHOLDER])
    rows = []
    for assessment in sorted(latest, key=lambda found: country_name(found.country)):
        card = cards[assessment.pk]
        by_code = {section.code: section for section in card.sections}
        cells = [_heat_cell(card, _rank_of(definition.bands, card.band), separator)]
        for section in definition.sections:
            score = by_code.get(section.code)
            cells.append(_heat_cell(score, _rank_of(definition.bands, score.band if score else None), separator))
        rows.append(
            (
                assessment,
                detail.replace(str(PLACEHOLDER), str(assessment.pk)),
                date_format(assessment.as_of, "DATE_FORMAT"),
                mark_safe("".join(cells)),
            )
        )
    context = {
        "version": version,
        "sections": [(section.code, section.title.read(language)) for section in definition.sections],
        "bands": [(index, band.code, band.label.read(language)) for index, band in enumerate(definition.bands)],
        "rows": rows,
        "language": language,
    }
    return render(request, "assessments/framework_heatmap.html", context)
