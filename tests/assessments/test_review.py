"""Reviewers' comments on each question, and answers citing the map's sources and the governance findings: the
services' permission rules (owner-organisation reviewer and administrator, editor, viewer, outsider), the page, the
API and the questionnaire's round trip."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import services as map_services
from egide.actors.data import CitationData as MapCitation
from egide.actors.data import SourceCitation
from egide.actors.models import Source
from egide.assessments import services
from egide.assessments.models import AnswerCitation, Assessment, Question, ReviewComment, Status
from egide.assessments.questionnaire import export_questionnaire, parse_citations
from egide.audit.models import Action, AuditEvent
from egide.core.imports.problems import ImportRejected
from egide.governance.selectors import country_findings
from tests.assessments.helpers import as_yaml, small_document
from tests.conftest import SmallMap


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(version=assessment.framework_version, code=code)


def in_review(assessment: Assessment) -> Assessment:
    services.answer_save(
        user=None,
        assessment=assessment,
        question=question(assessment, "J1"),
        data=services.AnswerData(value=Decimal(1)),
    )
    return services.assessment_submit(user=None, assessment=assessment)


def cite_on_map(record: object, title: str, locator: str = "") -> Source:
    """A source of the map cited for an actor or a relationship, through the map's services."""
    citation = map_services.source_cite(
        user=None,
        record=record,  # type: ignore[arg-type]
        citation=SourceCitation(new=MapCitation(title=title, url=f"https://example.org/{len(title)}"), locator=locator),
    )
    assert citation is not None
    return citation.source


# --- Comments: the services' rules --------------------------------------------------------------------------------


def test_reviewers_and_administrators_comment_on_an_assessment_in_review(
    assessment: Assessment, reviewer: User, owner: User, member: User, viewer: User, outsider: User
) -> None:
    j1, o1 = question(assessment, "J1"), question(assessment, "O1")
    with pytest.raises(ValidationError):  # a draft is not commented on yet
        services.review_comment_add(user=reviewer, assessment=assessment, question=j1, text="Too early")
    in_review(assessment)
    on_answer = services.review_comment_add(user=reviewer, assessment=assessment, question=j1, text="Which council?")
    # An unanswered question may be commented on too.
    on_question = services.review_comment_add(user=owner, assessment=assessment, question=o1, text="Answer this")
    assert on_answer.author == reviewer
    assert on_question.question == o1
    for user in (member, viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.review_comment_add(user=user, assessment=assessment, question=j1, text="Mine")
    with pytest.raises(ValidationError) as empty:
        services.review_comment_add(user=reviewer, assessment=assessment, question=j1, text="  ")
    assert empty.value.message_dict == {"text": ["Write the comment."]}
    assert ReviewComment.objects.filter(assessment=assessment).count() == 2
    events = AuditEvent.objects.filter(action=Action.COMMENT, content_type__model="assessment", object_id=assessment.pk)
    assert {event.after["text"] for event in events} == {"Which council?", "Answer this"}
    assert {event.username for event in events} == {"reviewer", "owner"}


def test_editors_reply_and_resolve_across_a_return_and_approval_waits_for_every_comment(
    assessment: Assessment, reviewer: User, member: User, viewer: User, outsider: User
) -> None:
    in_review(assessment)
    comment = services.review_comment_add(
        user=reviewer, assessment=assessment, question=question(assessment, "J1"), text="Which council?"
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_approve(user=reviewer, assessment=assessment)
    assert refused.value.messages == [
        "1 review comment is still open: resolve it before approving, or return the assessment to its editors."
    ]
    # Returning with open comments is fine, and the comments stay with the draft.
    services.assessment_return(user=reviewer, assessment=assessment, comment="See the comments.")
    reply = services.review_comment_reply(user=member, comment=comment, text="The judicial council.")
    # A reply to a reply joins the same conversation.
    again = services.review_comment_reply(user=reviewer, comment=reply, text="Cite its statute.")
    assert reply.parent == comment
    assert again.parent == comment
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.review_comment_reply(user=user, comment=comment, text="Mine")
        with pytest.raises(PermissionDenied):
            services.review_comment_resolve(user=user, comment=comment)
    with pytest.raises(ValidationError):
        services.review_comment_resolve(user=member, comment=reply)
    resolved = services.review_comment_resolve(user=member, comment=comment)
    assert resolved.resolved
    assert resolved.resolved_by == member
    with pytest.raises(ValidationError):
        services.review_comment_resolve(user=member, comment=comment)
    services.assessment_submit(user=member, assessment=assessment)
    published = services.assessment_approve(user=reviewer, assessment=assessment)
    assert published.status == Status.PUBLISHED
    # Published: read only.
    for user in (member, reviewer):
        with pytest.raises(ValidationError):
            services.review_comment_reply(user=user, comment=comment, text="Late")
    assert ReviewComment.objects.filter(assessment=assessment).count() == 3
    actions = list(
        AuditEvent.objects.filter(object_id=assessment.pk, action__in=[Action.REPLY, Action.RESOLVE])
        .order_by("id")
        .values_list("action", "username")
    )
    assert actions == [(Action.REPLY, "member"), (Action.REPLY, "reviewer"), (Action.RESOLVE, "member")]


# --- Comments: the page ------------------------------------------------------------------------------------------


def test_the_page_shows_comments_beside_each_question_with_the_open_counts(
    assessment: Assessment, reviewer: User, member: User, viewer: User, outsider: User
) -> None:
    in_review(assessment)
    j1, o1 = question(assessment, "J1"), question(assessment, "O1")
    url = reverse("assessment-detail", args=[assessment.pk])
    html = page(client_of(reviewer).get(url))
    assert html.select_one(f"#question-{j1.pk} form.comment-form") is not None
    assert html.select_one(f"#question-{o1.pk} form.comment-form") is not None
    # Through the page: without HTMX the page again, with HTMX the question's row.
    response = client_of(reviewer).post(reverse("assessment-comment", args=[assessment.pk, j1.pk]), {"text": "Why?"})
    assert response.status_code == 302
    partial = client_of(reviewer).post(
        reverse("assessment-comment", args=[assessment.pk, o1.pk]), {"text": "Unanswered"}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200
    assert "Unanswered" in page(partial).select_one(f"#question-{o1.pk} .review-comment").text
    assert json.loads(partial["HX-Trigger"])["egide:changed"]["message"] == "Comment added."
    refused = client_of(reviewer).post(
        reverse("assessment-comment", args=[assessment.pk, o1.pk]), {"text": ""}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422
    assert "Write the comment." in refused.content.decode()
    assert (
        client_of(member).post(reverse("assessment-comment", args=[assessment.pk, j1.pk]), {"text": "x"}).status_code
        == 403
    )
    assert (
        client_of(outsider).post(reverse("assessment-comment", args=[assessment.pk, j1.pk]), {"text": "x"}).status_code
        == 404
    )

    html = page(client_of(member).get(url))
    assert "2 review comments are open." in html.select_one("#open-comments").text
    assert html.select_one("#section-justice h3 .comment-count")["data-open-comments"] == "1"
    assert html.select_one("#section-oversight h3 .comment-count")["data-open-comments"] == "1"
    assert html.select_one(f"#question-{j1.pk} form.reply-form") is not None  # editors reply
    assert html.select_one(f"#question-{j1.pk} form.comment-form") is None  # but do not comment
    comment = ReviewComment.objects.get(question=j1)
    client_of(member).post(reverse("assessment-comment-resolve", args=[assessment.pk, comment.pk]))
    html = page(client_of(member).get(url))
    assert "1 review comment is open." in html.select_one("#open-comments").text
    assert html.select_one("#section-justice h3 .comment-count") is None
    assert "resolved by member" in html.select_one(f"#comment-{comment.pk}").text
    # A viewer reads the comments and changes nothing.
    html = page(client_of(viewer).get(url))
    assert "Why?" in html.select_one(f"#question-{j1.pk} .review-comments").text
    assert html.select("form.reply-form, form.comment-form, button.resolve-comment") == []
    assert (
        client_of(viewer).post(reverse("assessment-comment-reply", args=[assessment.pk, comment.pk]), {"text": "x"})
    ).status_code == 403
    # The list of assessments counts the open comments.
    listed = page(client_of(reviewer).get(reverse("assessment-list")))
    assert listed.select_one("#assessments td[data-open-comments]")["data-open-comments"] == "1"
    # In French.
    french = page(client_of(member).get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "1 commentaire de relecture est ouvert." in french.select_one("#open-comments").text
    assert "Marquer comme résolu" in french.text


def test_approving_with_an_open_comment_is_refused_on_the_page(assessment: Assessment, reviewer: User) -> None:
    in_review(assessment)
    services.review_comment_add(user=reviewer, assessment=assessment, question=question(assessment, "O2"), text="?")
    response = client_of(reviewer).post(reverse("assessment-approve", args=[assessment.pk]), {"comment": ""})
    assert response.status_code == 400
    assert "1 review comment is still open" in page(response).select_one("p.error").text
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_REVIEW


def test_comments_stay_readable_once_published(assessment: Assessment, reviewer: User, member: User) -> None:
    in_review(assessment)
    comment = services.review_comment_add(
        user=reviewer, assessment=assessment, question=question(assessment, "J1"), text="Fine now"
    )
    services.review_comment_resolve(user=reviewer, comment=comment)
    services.assessment_approve(user=reviewer, assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(confidentiality=Confidentiality.PUBLIC)
    html = page(client_of(None).get(reverse("assessment-detail", args=[assessment.pk])))
    assert "Fine now" in html.select_one(f"#comment-{comment.pk}").text
    assert html.select("form.reply-form, form.comment-form, button.resolve-comment") == []
    html = page(client_of(member).get(reverse("assessment-detail", args=[assessment.pk])))
    assert html.select("form.reply-form, form.comment-form, button.resolve-comment") == []


# --- Comments: the API -------------------------------------------------------------------------------------------


def post(client: Client, url: str, body: object) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_lists_adds_replies_to_and_resolves_comments(
    assessment: Assessment, reviewer: User, member: User, viewer: User, outsider: User
) -> None:
    in_review(assessment)
    base = f"/api/v1/assessments/{assessment.pk}/comments"
    added = post(client_of(reviewer), base, {"question": "O1", "text": "Answer this one"})
    assert added.status_code == 201, added.content
    comment = added.json()
    assert (comment["question"], comment["author"], comment["resolved"]) == ("O1", "reviewer", False)
    assert post(client_of(member), base, {"question": "O1", "text": "x"}).status_code == 403
    assert post(client_of(viewer), base, {"question": "O1", "text": "x"}).status_code == 403
    assert post(client_of(outsider), base, {"question": "O1", "text": "x"}).status_code == 404
    assert post(client_of(reviewer), base, {"question": "ZZ", "text": "x"}).status_code == 404
    assert post(client_of(reviewer), base, {"question": "O1", "text": ""}).status_code == 422
    assert post(client_of(reviewer), base, {"question": "O1\u0000", "text": "x"}).status_code == 422
    reply = post(client_of(member), f"{base}/{comment['id']}/replies", {"text": "Done."})
    assert reply.status_code == 201
    assert reply.json()["author"] == "member"
    assert post(client_of(viewer), f"{base}/{comment['id']}/replies", {"text": "x"}).status_code == 403
    assert post(client_of(member), f"{base}/999999/replies", {"text": "x"}).status_code == 404
    listed = client_of(viewer).get(base).json()
    assert listed["open"] == 1
    assert [item["text"] for item in listed["comments"][0]["replies"]] == ["Done."]
    assert client_of(outsider).get(base).status_code == 404
    assert client_of(None).get(base).status_code == 404
    assert post(client_of(outsider), f"{base}/{comment['id']}/resolve", {}).status_code == 404
    resolved = post(client_of(member), f"{base}/{comment['id']}/resolve", {})
    assert resolved.status_code == 200
    assert resolved.json()["resolved_by"] == "member"
    assert client_of(viewer).get(base).json()["open"] == 0


# --- Citations --------------------------------------------------------------------------------------------------


@pytest.fixture
def evidence_assessment(small_map: SmallMap, organisation: Organisation) -> Assessment:
    """An assessment whose J1 names the rule of one of the small map's findings, every record of the map citing a
    source."""
    for actor in (small_map.presidency, small_map.defence, small_map.army, small_map.police, small_map.interior):
        cite_on_map(actor, "Constitution", "art. 23")
    for relationship in (small_map.commands, small_map.administers, small_map.oversees):
        cite_on_map(relationship, "Defence law", "§4")
    found = country_findings(user=None, country="CF")
    document = small_document()
    document["identifier"] = "evidence-review"
    document["sections"][0]["questions"][0]["rules"] = [found.findings[0].rule]
    version = services.framework_load(user=None, content=as_yaml(document)).version
    return services.assessment_create(
        user=None,
        data=services.AssessmentData(country="CF", framework_version=version, as_of=date.today(), owner=organisation),
    )


def test_an_answer_cites_sources_the_editor_may_see_with_a_locator(
    evidence_assessment: Assessment, member: User, viewer: User, outsider: User, other_organisation: Organisation
) -> None:
    assessment = evidence_assessment
    j1 = question(assessment, "J1")
    constitution = Source.objects.get(title="Constitution")
    hidden = Source.objects.create(country="CF", title="Confidential memo", owner=other_organisation)
    with pytest.raises(ValidationError) as unanswered:
        services.answer_citation_add(user=member, assessment=assessment, question=j1, reference=f"S{constitution.pk}")
    assert unanswered.value.messages == ["Answer the question before citing what the answer rests on."]
    services.answer_save(user=member, assessment=assessment, question=j1, data=services.AnswerData(value=Decimal(2)))
    cited = services.answer_citation_add(
        user=member, assessment=assessment, question=j1, reference=f"S{constitution.pk}", locator="art. 12, §2"
    )
    assert (cited.source, cited.locator, cited.cited_by) == (constitution, "art. 12, §2", member)
    # The same citation again changes nothing.
    services.answer_citation_add(
        user=member, assessment=assessment, question=j1, reference=f"s{constitution.pk}", locator="art. 12, §2"
    )
    assert AnswerCitation.objects.filter(answer__assessment=assessment).count() == 1
    for reference in (f"S{hidden.pk}", "S999999", "Constitution"):
        with pytest.raises(ValidationError) as refused:
            services.answer_citation_add(user=member, assessment=assessment, question=j1, reference=reference)
        assert reference in refused.value.message_dict["source"][0]
    # The whole list through answer_save (as the questionnaire gives it) meets the same rule.
    with pytest.raises(ValidationError) as listed:
        services.answer_save(
            user=member,
            assessment=assessment,
            question=j1,
            data=services.AnswerData(value=Decimal(2), citations=(services.CitationData(source=hidden),)),
        )
    assert f"S{hidden.pk}" in listed.value.message_dict["citations"][0]
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.answer_citation_add(user=user, assessment=assessment, question=j1, reference=f"S{constitution.pk}")
    event = AuditEvent.objects.get(action=Action.CITE, content_type__model="assessment", object_id=assessment.pk)
    assert event.after == {
        "question": "J1",
        "cites": f"S{constitution.pk}",
        "title": "Constitution",
        "locator": "art. 12, §2",
    }
    services.answer_citation_remove(user=member, citation=cited)
    assert not AnswerCitation.objects.exists()
    assert AuditEvent.objects.filter(action=Action.UNCITE, content_type__model="assessment").count() == 1


def test_one_click_cites_a_finding_with_its_sources_and_the_page_and_api_show_them(
    evidence_assessment: Assessment, member: User, viewer: User, outsider: User, other_organisation: Organisation
) -> None:
    assessment = evidence_assessment
    j1 = question(assessment, "J1")
    services.answer_save(user=member, assessment=assessment, question=j1, data=services.AnswerData(value=Decimal(2)))
    url = reverse("assessment-detail", args=[assessment.pk])
    html = page(client_of(member).get(url))
    form = html.select_one(f"#question-{j1.pk} .suggested-evidence form")
    key = form.select_one("input[name=key]")["value"]
    response = client_of(member).post(form["action"], {"key": key}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content
    cited = list(AnswerCitation.objects.filter(answer__assessment=assessment).order_by("id"))
    assert cited[0].finding_key == key
    assert cited[0].finding_title
    sources = {(citation.source.title, citation.locator) for citation in cited[1:]}
    assert sources
    assert sources <= {("Constitution", "art. 23"), ("Defence law", "§4")}
    row = page(response).select_one(f"#question-{j1.pk}")
    # Cited once: the suggestion says so rather than offering it again.
    assert row.select_one(".suggested-evidence .cited-already") is not None
    assert [item["data-cites"] for item in row.select(".answer-citations li")] == [c.reference for c in cited]
    assert client_of(member).post(form["action"], {"key": "no-such:finding"}).status_code == 400
    assert client_of(viewer).post(form["action"], {"key": key}).status_code == 403

    # A citation of a source the reader may not see does not name it.
    hidden = Source.objects.create(country="CF", title="Confidential memo", owner=other_organisation)
    AnswerCitation.objects.create(answer=cited[0].answer, source=hidden, locator="p. 3")
    html = page(client_of(viewer).get(url))
    items = html.select(f"#question-{j1.pk} .answer-citations li")
    assert "Confidential memo" not in html.text
    assert "a source of the map that you may not see" in items[-1].text
    assert "Constitution" in html.select_one(f"#question-{j1.pk} .answer-citations").text
    french = page(client_of(viewer).get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "une source de la carte que vous ne pouvez pas voir" in french.text

    detail = client_of(viewer).get(f"/api/v1/assessments/{assessment.pk}").json()
    (answer,) = detail["answers"]
    assert answer["citations"][0]["kind"] == "finding"
    assert answer["citations"][0]["reference"] == f"finding:{key}"
    assert answer["citations"][-1] == {
        "kind": "source",
        "visible": False,
        "reference": None,
        "title": None,
        "url": None,
        "locator": "",
    }
    assert {item["title"] for item in answer["citations"][1:-1]} <= {"Constitution", "Defence law"}


def test_the_questionnaire_carries_citations_both_ways(
    evidence_assessment: Assessment, member: User, other_organisation: Organisation
) -> None:
    assessment = evidence_assessment
    j1, o1 = question(assessment, "J1"), question(assessment, "O1")
    constitution = Source.objects.get(title="Constitution")
    law = Source.objects.get(title="Defence law")
    hidden = Source.objects.create(country="CF", title="Confidential memo", owner=other_organisation)
    services.answer_save(user=member, assessment=assessment, question=j1, data=services.AnswerData(value=Decimal(2)))
    services.answer_citation_add(
        user=member, assessment=assessment, question=j1, reference=f"S{constitution.pk}", locator="art. 12"
    )
    content = export_questionnaire(assessment, language="en", user=member)
    book = load_workbook(io.BytesIO(content))
    sheet = book["questions"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("citations")
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["J1"][column].value == f"S{constitution.pk} | art. 12"
    listed = {row[0].value: row[1].value for row in book["sources"].iter_rows(min_row=2)}
    assert listed[f"S{law.pk}"] == "Defence law"
    assert f"S{hidden.pk}" not in listed

    def with_cells(cells: dict[str, tuple[str | None, str | None]], *, format: str | None = "2") -> bytes:
        changed = load_workbook(io.BytesIO(content))
        for row in changed["questions"].iter_rows(min_row=2):
            if row[1].value in cells:
                answer, citations = cells[row[1].value]
                if answer is not None:
                    row[4].value = answer
                row[column].value = citations
        for row in changed["about"].iter_rows(min_row=2):
            if row[0].value == "format":
                row[1].value = format
        output = io.BytesIO()
        changed.save(output)
        return output.getvalue()

    def run(data: bytes) -> services.AnswersImported:
        return services.answers_import(user=member, assessment=assessment, data=data, filename="filled.xlsx")

    # Importing the file as exported changes nothing.
    assert run(content).answers_unchanged == 1
    # Faults are named by row and column, and nothing is written.
    bad = with_cells(
        {
            "J1": (None, f"S{constitution.pk} | art. 12\nS{hidden.pk}"),
            "O1": ("Partial", "Constitution art. 3"),
            "O2": (None, f"S{law.pk}"),
        }
    )
    with pytest.raises(ImportRejected) as caught:
        run(bad)
    assert sorted((problem.row, problem.column) for problem in caught.value.problems) == [
        (2, "citations"),
        (4, "citations"),
        (5, "answer"),
    ]
    assert any(f"S{hidden.pk}" in problem.message for problem in caught.value.problems)
    assert not AnswerCitation.objects.filter(answer__question=o1).exists()
    assert AnswerCitation.objects.filter(answer__assessment=assessment).count() == 1
    # Good citations replace the answer's, in the file's order.
    good = with_cells(
        {"J1": (None, f"S{law.pk} | §4\nS{constitution.pk} | art. 12"), "O1": ("Partial", f"S{constitution.pk}")}
    )
    report = run(good)
    assert (report.answers_created, report.answers_updated) == (1, 1)
    assert [
        (citation.answer.question.code, citation.reference, citation.locator)
        for citation in AnswerCitation.objects.filter(answer__assessment=assessment).order_by(
            "answer__question__order", "id"
        )
    ] == [
        ("J1", f"S{law.pk}", "§4"),
        ("J1", f"S{constitution.pk}", "art. 12"),
        ("O1", f"S{constitution.pk}", ""),
    ]
    assert run(good).answers_unchanged == 2
    # A file from before citations (no format 2) leaves them as they are.
    content = export_questionnaire(assessment, language="en", user=member)
    assert run(with_cells({"J1": (None, None)}, format=None)).answers_unchanged == 2
    assert AnswerCitation.objects.filter(answer__assessment=assessment).count() == 3
    # An emptied cell removes them.
    run(with_cells({"J1": (None, None)}))
    assert AnswerCitation.objects.filter(answer__question=j1).count() == 0


def test_a_citations_cell_is_read_line_by_line() -> None:
    pairs, faults = parse_citations(
        "S12 | p. 4, §2\n\n  s7\nfinding:judicial-independence:COURT+MOJ | the chain\nConstitution"
    )
    assert pairs == [("S12", "p. 4, §2"), ("s7", ""), ("finding:judicial-independence:COURT+MOJ", "the chain")]
    assert faults == ["Line 5: “Constitution” does not start with a reference (S12, or finding:key)."]
    assert parse_citations("S1 | " + "x" * 501)[1] == ["Line 1: the passage is longer than 500 characters."]
