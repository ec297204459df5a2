"""The questionnaire as XLSX: exported with its drop-downs and current answers, filled offline, imported back
through the services (every faulty row named, nothing half-written, a second import changes nothing)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.assessments import scoring, selectors, services
from egide.assessments.models import Answer, AnswerState, Assessment, FrameworkVersion, Question, Status
from egide.assessments.questionnaire import export_questionnaire
from egide.audit.models import Action, AuditEvent
from egide.core.imports.limits import FileRefused, ReadLimits
from egide.core.imports.problems import ImportRejected
from tests.assessments.helpers import as_yaml, small_document

CODE, ANSWER, JUSTIFICATION, SOURCE, CONFIDENCE = 2, 5, 6, 7, 8


def filled(content: bytes, answers: dict[str, tuple[object, ...]], **about: object) -> bytes:
    """The questionnaire with the given rows' answer, justification, source and confidence cells set."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["questions"]
    for row in sheet.iter_rows(min_row=2):
        code = row[CODE - 1].value
        if code in answers:
            for column, value in zip((ANSWER, JUSTIFICATION, SOURCE, CONFIDENCE), answers[code], strict=False):
                row[column - 1].value = value
    for row in book["about"].iter_rows(min_row=2):
        if row[0].value in about:
            row[1].value = about[row[0].value]
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def imported(assessment: Assessment, content: bytes, user: User | None = None) -> services.AnswersImported:
    return services.answers_import(user=user, assessment=assessment, data=content, filename="filled.xlsx")


def rejected(assessment: Assessment, content: bytes) -> list[tuple[str, int, str]]:
    with pytest.raises(ImportRejected) as caught:
        imported(assessment, content)
    return [(problem.table, problem.row, problem.column) for problem in caught.value.problems]


FIELD_ANSWERS = {
    "J1": ("Effective", "Appointed by an independent council.", "Constitution, art. 12", "High"),
    "J2": ("Not applicable", "Prisons are run by the justice ministry.", "", "Medium"),
    "O1": (2, "The budget is voted but not debated.", "Hansard 2024", "Low"),
    "O2": ("Insufficient evidence", "", "", ""),
}


def test_the_export_has_one_row_per_question_with_drop_downs_and_the_assessment(assessment: Assessment) -> None:
    services.answer_save(
        user=None,
        assessment=assessment,
        question=Question.objects.get(code="O1"),
        data=services.AnswerData(value=Decimal(1), justification="Some", confidence="high"),
    )
    book = load_workbook(io.BytesIO(export_questionnaire(assessment, language="fr")))
    sheet = book["questions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "section",
        "code",
        "question",
        "guidance",
        "answer",
        "justification",
        "source",
        "confidence",
        "citations",
    )
    assert [row[1] for row in rows[1:]] == ["J1", "J2", "O1", "O2"]
    assert rows[1][2] == "Les juges sont-ils nommés de façon indépendante ?"
    assert rows[3][4:8] == ("Partiel", "Some", None, "Élevée")
    assert not sheet["I2"].protection.locked
    assert sheet.protection.sheet
    assert not sheet["E2"].protection.locked
    assert sheet["B2"].protection.locked
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    assert [cell.value for cell in lists["A"]] == [
        "Absent",
        "Partiel",
        "Établi",
        "Effectif",
        "Éléments insuffisants",
        "Sans objet",
    ]
    validations = {str(validation.sqref): validation.formula1 for validation in sheet.data_validations.dataValidation}
    # Not applicable is offered only where the question allows it (J2 and O2, rows 3 and 5).
    assert validations["E3 E5"] == "lists!$A$1:$A$6"
    assert validations["E2 E4"] == "lists!$A$1:$A$5"
    assert validations["H2:H5"] == "lists!$B$1:$B$3"
    about = dict(book["about"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert about["assessment"] == assessment.pk
    assert (about["framework"], about["version"], about["format"]) == ("small-review", "1.0", "2")


def test_a_numeric_scale_gets_a_range_check(small_version: FrameworkVersion, assessment: Assessment) -> None:
    document = small_document()
    document["version"] = "2.0"
    document["scale"] = {"kind": "numeric", "minimum": 0, "maximum": 10}
    version = services.framework_load(user=None, content=as_yaml(document)).version
    assessment.framework_version = version
    assessment.save()
    sheet = load_workbook(io.BytesIO(export_questionnaire(assessment, language="en")))["questions"]
    formulas = {str(validation.sqref): validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert formulas["E2"] == 'OR(AND(ISNUMBER(E2),E2>=0,E2<=10),E2="Insufficient evidence")'
    assert formulas["E3"].endswith(',E3="Insufficient evidence",E3="Not applicable")')
    content = filled(export_questionnaire(assessment, language="en"), {"J1": (7.5,), "O1": (11,)})
    assert rejected(assessment, content) == [("questions", 4, "answer")]
    content = filled(export_questionnaire(assessment, language="en"), {"J1": (7.5,)})
    imported(assessment, content)
    assert Answer.objects.get(question__code="J1", assessment=assessment).value == Decimal("7.5")


def test_round_trip_answers_scores_audit_and_a_second_import_changes_nothing(assessment: Assessment) -> None:
    content = filled(export_questionnaire(assessment, language="en"), FIELD_ANSWERS)
    report = imported(assessment, content)
    assert (report.answers_created, report.answers_updated, report.answers_unchanged) == (4, 0, 0)
    answers = {answer.question.code: answer for answer in assessment.answers.select_related("question")}
    assert answers["J1"].value == 3
    assert answers["J1"].confidence == "high"
    assert answers["J1"].source == "Constitution, art. 12"
    assert answers["J2"].state == AnswerState.NOT_APPLICABLE
    assert answers["J2"].value is None
    assert answers["O1"].value == 2
    assert answers["O1"].confidence == "low"
    assert answers["O2"].state == AnswerState.INSUFFICIENT_EVIDENCE
    assert answers["O2"].confidence == "medium"
    expected = scoring.score(
        assessment.framework_version.definition,
        {"J1": 3, "J2": scoring.NOT_APPLICABLE, "O1": 2, "O2": scoring.INSUFFICIENT_EVIDENCE},
    )
    assert selectors.scorecard(assessment) == expected
    events = AuditEvent.objects.filter(action=Action.UPDATE, object_id=assessment.pk).count()
    assert events == 4

    again = imported(assessment, content)
    assert (again.answers_created, again.answers_updated, again.answers_unchanged) == (0, 0, 4)
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=assessment.pk).count() == events
    # The export of the answered assessment, imported as it is, changes nothing either; one change is one save.
    exported = export_questionnaire(assessment, language="fr")
    assert imported(assessment, exported).answers_unchanged == 4
    changed = imported(assessment, filled(exported, {"O1": ("Établi", "Voted and debated.", "Hansard", "Élevée")}))
    assert (changed.answers_updated, changed.answers_unchanged) == (1, 3)
    assert Answer.objects.get(assessment=assessment, question__code="O1").justification == "Voted and debated."
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=assessment.pk).count() == events + 1


def test_every_faulty_row_is_named_and_nothing_is_written(assessment: Assessment) -> None:
    content = filled(
        export_questionnaire(assessment, language="en"),
        {
            "J1": ("Excellent",),  # not a level
            "J2": ("Not applicable", "", "", ""),  # no reason given
            "O1": ("Not applicable", "No parliament.", "", ""),  # not allowed here
            "O2": ("Partial", "", "", "Certain"),  # no such confidence
        },
    )
    book = load_workbook(io.BytesIO(content))
    book["questions"].append(["", "X9", "", "", "Partial"])
    book["questions"].append(["", "J1", "", "", "Partial"])
    output = io.BytesIO()
    book.save(output)
    assert rejected(assessment, output.getvalue()) == [
        ("questions", 2, "answer"),
        ("questions", 3, "justification"),
        ("questions", 4, "answer"),
        ("questions", 5, "confidence"),
        ("questions", 6, "code"),
        ("questions", 7, "code"),
    ]
    # One good row among faulty ones is not written either.
    content = filled(export_questionnaire(assessment, language="en"), {"J1": ("Partial",), "O1": ("Nine",)})
    assert rejected(assessment, content) == [("questions", 4, "answer")]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_an_answer_cannot_be_emptied(assessment: Assessment) -> None:
    imported(assessment, filled(export_questionnaire(assessment, language="en"), {"J1": ("Partial",)}))
    content = filled(export_questionnaire(assessment, language="en"), {"J1": (None,), "O1": (None, "Why")})
    assert rejected(assessment, content) == [("questions", 2, "answer"), ("questions", 4, "answer")]


def test_a_file_of_another_assessment_or_version_is_refused(
    assessment: Assessment, small_version: FrameworkVersion
) -> None:
    content = filled(export_questionnaire(assessment, language="en"), {"J1": ("Partial",)})
    assert rejected(assessment, filled(content, {}, assessment=assessment.pk + 1)) == [("about", 2, "value")]
    assert rejected(assessment, filled(content, {}, version="2.0")) == [("about", 4, "value")]
    assert rejected(assessment, filled(content, {}, framework="other")) == [("about", 3, "value")]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_files_that_cannot_be_read_or_pass_the_caps_are_refused(assessment: Assessment) -> None:
    with pytest.raises(FileRefused):
        imported(assessment, b"not a workbook")
    content = export_questionnaire(assessment, language="en")
    with pytest.raises(FileRefused):
        services.answers_import(
            user=None, assessment=assessment, data=content, filename="q.xlsx", limits=ReadLimits(rows=2)
        )


def test_permissions_and_a_published_assessment(
    assessment: Assessment, owner: User, member: User, viewer: User, outsider: User, reviewer: User
) -> None:
    content = filled(export_questionnaire(assessment, language="en"), {"J1": ("Partial",)})
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            imported(assessment, content, user)
    assert imported(assessment, content, member).answers_created == 1
    assert imported(assessment, content, owner).answers_unchanged == 1
    services.assessment_submit(user=member, assessment=assessment)
    services.assessment_approve(user=reviewer, assessment=assessment, comment="")
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED
    with pytest.raises(ValidationError):
        imported(assessment, filled(content, {"J1": ("Effective",)}), member)
    assert Answer.objects.get(assessment=assessment).value == 1


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_pages(assessment: Assessment, member: User, viewer: User, outsider: User) -> None:
    detail = reverse("assessment-detail", args=[assessment.pk])
    download = reverse("assessment-questionnaire", args=[assessment.pk])
    upload = reverse("assessment-import", args=[assessment.pk])
    html = page(client_of(member).get(detail))
    assert html.select_one("#download-questionnaire")["href"] == download
    assert html.select_one("#import-answers")["href"] == upload
    html = page(client_of(viewer).get(detail))
    assert html.select_one("#download-questionnaire") is not None
    assert html.select_one("#import-answers") is None
    response = client_of(viewer).get(download, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["questions"]
    assert sheet["C2"].value == "Les juges sont-ils nommés de façon indépendante ?"
    assert client_of(outsider).get(download).status_code == 404
    assert client_of(outsider).get(upload).status_code == 404
    assert client_of(viewer).get(upload).status_code == 403
    assert client_of(None).get(upload).status_code == 302

    client = client_of(member)
    assert client.get(upload).status_code == 200
    content = filled(response.content, {"J1": ("Effectif",), "O1": ("Beaucoup",)})
    response = client.post(upload, {"file": SimpleUploadedFile("q.xlsx", content)})
    assert response.status_code == 400
    cells = [[cell.text for cell in row.select("td")] for row in page(response).select("#import-problems tbody tr")]
    assert [cells[0][:3]] == [["questions", "4", "answer"]]
    assert not Answer.objects.exists()
    response = client.post(upload, {"file": SimpleUploadedFile("q.xlsx", b"nonsense")})
    assert response.status_code == 400
    assert page(response).select_one(".error") is not None
    content = filled(content, {"O1": ("Partiel",)})
    response = client.post(upload, {"file": SimpleUploadedFile("q.xlsx", content)})
    assert response.status_code == 302
    assert response["Location"] == detail
    assert Answer.objects.filter(assessment=assessment).count() == 2
    response = client.post(upload, {"file": SimpleUploadedFile("q.xlsx", content)}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302


def test_the_command_line(assessment: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "q.xlsx"
    out = io.StringIO()
    call_command("assessments", "export", str(assessment.pk), "-o", str(path), stdout=out)
    assert load_workbook(path)["questions"]["B2"].value == "J1"
    path.write_bytes(filled(path.read_bytes(), {"J1": ("Partial",), "O1": ("Lots",)}))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("assessments", "import", str(assessment.pk), str(path), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "questions, row 4, answer" in err.getvalue()
    path.write_bytes(filled(path.read_bytes(), {"O1": ("Established",)}))
    out = io.StringIO()
    call_command("assessments", "import", str(assessment.pk), str(path), stdout=out)
    assert "2 answers added, 0 changed, 0 unchanged" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("assessments", "import", str(assessment.pk + 99), str(path))
