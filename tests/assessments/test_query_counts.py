"""The assessment page and the list read the same number of queries whatever the number of answers and rows."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.actors.models import Source
from egide.assessments import services
from egide.assessments.models import Assessment, FrameworkVersion, Question


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_reads_a_constant_number_of_queries(assessment: Assessment, member: User) -> None:
    client = Client()
    client.force_login(member)
    url = reverse("assessment-detail", args=[assessment.pk])
    questions = list(assessment.framework_version.questions.order_by("order"))
    services.answer_save(
        user=None, assessment=assessment, question=questions[0], data=services.AnswerData(value=Decimal(1))
    )
    queries(client, url)  # the country's governance findings (suggested evidence) computed once, then kept
    few = queries(client, url)
    for question in questions[1:]:
        services.answer_save(
            user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(2))
        )
    assert queries(client, url) == few


def test_the_list_reads_a_constant_number_of_queries(
    small_version: FrameworkVersion, organisation: Organisation, member: User
) -> None:
    client = Client()
    client.force_login(member)

    def add(count: int) -> None:
        for day in range(count):
            services.assessment_create(
                user=None,
                data=services.AssessmentData(
                    country="CF", framework_version=small_version, as_of=date(2024, 1, day + 1), owner=organisation
                ),
            )

    add(2)
    few = queries(client, reverse("assessment-list"))
    add(12)
    assert queries(client, reverse("assessment-list")) == few


def test_comments_and_citations_read_a_constant_number_of_queries(
    assessment: Assessment, member: User, reviewer: User, organisation: Organisation
) -> None:
    """Beside each question, its citations and its comments with their replies: a few queries for them all."""
    client = Client()
    client.force_login(member)
    url = reverse("assessment-detail", args=[assessment.pk])
    questions = list(assessment.framework_version.questions.order_by("order"))
    sources = [Source.objects.create(country="CF", title=f"Report {number}", owner=organisation) for number in range(4)]

    def cite(question: Question, source: Source) -> None:
        citations = (services.CitationData(source=source, locator="p. 3"),)
        data = services.AnswerData(value=Decimal(1), citations=citations)
        services.answer_save(user=None, assessment=assessment, question=question, data=data)

    def comment(question: Question) -> None:
        found = services.review_comment_add(user=reviewer, assessment=assessment, question=question, text="Why?")
        services.review_comment_reply(user=reviewer, comment=found, text="Because.")

    def status(value: str) -> None:  # the workflow's own steps are tested elsewhere
        Assessment.objects.filter(pk=assessment.pk).update(status=value)

    cite(questions[0], sources[0])
    status("in_review")
    comment(questions[0])
    queries(client, url)
    few = queries(client, url)
    status("draft")
    for question, source in zip(questions[1:], sources[1:], strict=True):
        cite(question, source)
    status("in_review")
    for question in questions[1:]:
        comment(question)
    assert queries(client, url) == few
