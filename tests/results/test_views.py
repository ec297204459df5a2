"""The Results tab and its forms, through the test client: what each reader sees, what each may change."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality
from egide.programmes.models import Programme
from egide.results import services
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import Part
from egide.results.models import Indicator, Period, Result, Update, UpdateStatus
from tests.results.conftest import submit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: User | None, programme: Programme) -> str:
    client = client_of(user) if user is not None else Client()
    response = client.get(reverse("programme-results", kwargs={"pk": programme.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_tab_shows_the_framework_with_progress_and_the_rule(period: Period, member: User, reviewer: User) -> None:
    services.update_approve(user=reviewer, update=submit(member, period, "95"))
    html = page(member, period.indicator.result.programme)
    assert "Courts work" in html
    assert "Judges trained" in html
    assert '<progress value="85" max="100"' in html
    assert "85 %" in html
    assert '<span class="rag rag-amber">Behind</span>' in html  # 85 % of a period that has ended
    assert "from 90 % of it, behind (amber) from 60 %" in html
    assert 'aria-current="page">Results</a>' in html


def test_a_hidden_programme_is_not_found(programme: Programme, outsider: User) -> None:
    response = client_of(outsider).get(reverse("programme-results", kwargs={"pk": programme.pk}))
    assert response.status_code == 404
    assert Client().get(reverse("programme-results", kwargs={"pk": programme.pk})).status_code == 404


def test_a_public_programme_is_read_by_anyone_without_buttons(programme: Programme, period: Period) -> None:
    programme.confidentiality = Confidentiality.PUBLIC
    programme.save()
    html = page(None, programme)
    assert "Judges trained" in html
    assert "Report a value" not in html
    assert "New result" not in html


def test_editors_get_the_forms_reviewers_the_queue(period: Period, member: User, reviewer: User) -> None:
    update = submit(member, period, "40")
    programme = period.indicator.result.programme
    as_member = page(member, programme)
    assert "New result" in as_member
    assert "Report a value" in as_member
    assert f"approve-{update.pk}" not in as_member
    assert "awaiting review" not in as_member
    as_reviewer = page(reviewer, programme)
    assert "1 value awaiting review" in as_reviewer
    assert f'id="approve-{update.pk}"' in as_reviewer
    assert "Report a value" not in as_reviewer


def test_creating_a_result_through_the_dialog(programme: Programme, member: User) -> None:
    client = client_of(member)
    url = reverse("result-create", kwargs={"pk": programme.pk})
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'hx-post="' in form.content.decode()
    refused = client.post(url, {"type": "1", "title_en": ""}, **HTMX)
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    done = client.post(url, {"type": "2", "title_en": "Prisons under civilian control"}, **HTMX)
    assert done.status_code == 204
    assert "egide:changed" in done["HX-Trigger"]
    assert Result.objects.get().title_en == "Prisons under civilian control"
    # Without HTMX, the same form is a page and a success is a redirection to the tab.
    assert client.get(url).status_code == 200
    plain = client.post(url, {"type": "1", "title_en": "Second"})
    assert plain.status_code == 302
    assert plain["Location"] == reverse("programme-results", kwargs={"pk": programme.pk})


def test_the_tab_refreshes_itself_as_a_fragment(period: Period, member: User) -> None:
    response = client_of(member).get(
        reverse("programme-results", kwargs={"pk": period.indicator.result.programme_id}), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith("<section")
    assert 'id="results-framework"' in html
    assert "<html" not in html


def test_indicator_period_and_value_forms(result: Result, member: User, reviewer: User, make_actor: object) -> None:
    actor = make_actor(name="High Court")  # type: ignore[operator]
    client = client_of(member)
    response = client.post(
        reverse("indicator-create", kwargs={"pk": result.pk}),
        {"title_en": "Cases heard", "measure": "1", "ascending": "1", "baseline_value": "100", "actor": actor.pk},
        **HTMX,
    )
    assert response.status_code == 204
    indicator = Indicator.objects.get()
    assert indicator.actor == actor
    assert indicator.baseline_value == 100
    response = client.post(
        reverse("period-create", kwargs={"pk": indicator.pk}),
        {
            "start": "2020-01-01",
            "end": "2020-12-31",
            "target_value": "300",
            "target_disaggregations": "sex / female = 150\nsex / male",
        },
        **HTMX,
    )
    assert "line 2 (“sex / male”): write “dimension / category = value”." in response.content.decode()
    response = client.post(
        reverse("period-create", kwargs={"pk": indicator.pk}),
        {
            "start": "2020-01-01",
            "end": "2020-12-31",
            "target_value": "300",
            "target_disaggregations": "sex / female = 150",
        },
        **HTMX,
    )
    assert response.status_code == 204
    period = Period.objects.get()
    response = client.post(
        reverse("update-create", kwargs={"pk": period.pk}),
        {
            "value": "120",
            "value_date": "2020-05-01",
            "comment": "Registry",
            "disaggregations": "sex / female = 70",
            "draft": "1",
        },
        **HTMX,
    )
    assert response.status_code == 204
    update = Update.objects.get()
    assert update.status == UpdateStatus.DRAFT
    assert update.disaggregations.get().value == 70
    assert client.post(reverse("update-submit", kwargs={"pk": update.pk}), **HTMX).status_code == 204
    assert client_of(reviewer).post(reverse("update-approve", kwargs={"pk": update.pk}), **HTMX).status_code == 204
    update.refresh_from_db()
    assert update.status == UpdateStatus.APPROVED
    html = page(member, result.programme)
    assert "High Court" in html
    assert "sex / female: 70" in html
    assert "sex / female: 150" in html


def test_returning_a_value_asks_for_a_reason(period: Period, member: User, reviewer: User) -> None:
    update = submit(member, period, "40")
    client = client_of(reviewer)
    url = reverse("update-return", kwargs={"pk": update.pk})
    assert client.get(url, **HTMX).status_code == 200
    assert "This field is required." in client.post(url, {"reason": ""}, **HTMX).content.decode()
    assert client.post(url, {"reason": "No evidence"}, **HTMX).status_code == 204
    update.refresh_from_db()
    assert update.status == UpdateStatus.RETURNED
    assert update.return_reason == "No evidence"
    assert "1 draft or returned" in page(member, period.indicator.result.programme)
    values = client_of(member).get(reverse("period-values", kwargs={"pk": period.pk}), **HTMX).content.decode()
    assert "Returned: No evidence" in values
    assert "Correct" in values
    assert "Approve" not in values
    # The editor may not return it (nor open the form).
    assert client_of(member).get(url, **HTMX).status_code == 403


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_approval_is_refused_to_others(period: Period, staff: User, who: str, request: pytest.FixtureRequest) -> None:
    update = submit(staff, period, "40")
    response = client_of(request.getfixturevalue(who)).post(reverse("update-approve", kwargs={"pk": update.pk}), **HTMX)
    assert response.status_code in (403, 404)
    assert Update.objects.get().status == UpdateStatus.SUBMITTED


@pytest.mark.parametrize("who", ["viewer", "outsider", "reviewer"])
def test_changes_are_refused_to_non_editors(period: Period, who: str, request: pytest.FixtureRequest) -> None:
    client = client_of(request.getfixturevalue(who))
    programme = period.indicator.result.programme
    assert client.post(
        reverse("result-create", kwargs={"pk": programme.pk}), {"type": "1", "title_en": "x"}, **HTMX
    ).status_code in (403, 404)
    assert client.post(reverse("period-delete", kwargs={"pk": period.pk}), **HTMX).status_code in (403, 404)
    assert Result.objects.count() == 1
    assert Period.objects.count() == 1


def test_a_periods_values_are_loaded_on_demand_for_its_readers(
    period: Period, member: User, reviewer: User, outsider: User
) -> None:
    update = submit(member, period, "40")
    url = reverse("period-values", kwargs={"pk": period.pk})
    as_reviewer = client_of(reviewer).get(url, **HTMX).content.decode()
    assert f'id="approve-{update.pk}"' in as_reviewer
    assert "Correct" not in as_reviewer
    as_member = client_of(member).get(url, **HTMX).content.decode()
    assert f'id="approve-{update.pk}"' not in as_member
    assert "Withdraw" in as_member
    assert client_of(outsider).get(url, **HTMX).status_code == 404


def test_deleting_from_the_tab(period: Period, member: User) -> None:
    client = client_of(member)
    assert client.post(reverse("period-delete", kwargs={"pk": period.pk}), **HTMX).status_code == 204
    assert client.post(reverse("indicator-delete", kwargs={"pk": period.indicator_id}), **HTMX).status_code == 204
    assert client.post(reverse("result-delete", kwargs={"pk": period.indicator.result_id}), **HTMX).status_code == 204
    assert not Result.objects.exists()


def test_the_evidence_document_is_served_to_readers_only(period: Period, member: User, outsider: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egide.results.data import UpdateData

    update = services.update_create(
        user=member,
        period=period,
        data=UpdateData(value=Decimal(3), value_date=datetime.date(2020, 3, 3)),
        document=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
    )
    url = reverse("update-evidence", kwargs={"pk": update.pk})
    response = client_of(member).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_of(outsider).get(url).status_code == 404


def _grow(programme: Programme, count: int) -> None:
    for number in range(count):
        result = services.result_create(user=None, programme=programme, data=ResultData(title_en=f"Result {number}"))
        indicator = services.indicator_create(
            user=None, result=result, data=IndicatorData(title_en=f"Indicator {number}")
        )
        for year in (2020, 2021):
            period = services.period_create(
                user=None,
                indicator=indicator,
                data=PeriodData(
                    start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), target_value=Decimal(10)
                ),
            )
            submit(None, period, "3") if year == 2020 else None


def test_the_number_of_queries_does_not_grow_with_the_framework(
    programme: Programme, member: User, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(member)
    url = reverse("programme-results", kwargs={"pk": programme.pk})
    _grow(programme, 2)
    client.get(url)  # warms the session and the content types
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(programme, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_actor_page_names_the_indicators_that_measure_it(
    result: Result, member: User, outsider: User, make_actor: object
) -> None:
    actor = make_actor(name="Prison service")  # type: ignore[operator]
    services.indicator_create(
        user=None, result=result, data=IndicatorData(title_en="Detainees held", actor_id=actor.pk)
    )
    url = reverse("actor-detail", kwargs={"pk": actor.pk})
    html = client_of(member).get(url).content.decode()
    assert "Measured by results indicators" in html
    assert "Detainees held" in html
    assert "Detainees held" not in client_of(outsider).get(url).content.decode()


def test_each_period_row_prints_its_figures_in_the_readers_language_and_its_own_addresses(
    indicator: Indicator, member: User, reviewer: User
) -> None:
    """The rows are written as text before the template (egide.results.presentation): the numbers as the
    template would localise them, and each period's buttons pointing at that period."""
    first, second = (
        services.period_create(
            user=None,
            indicator=indicator,
            data=PeriodData(
                start=datetime.date(year, 1, 1),
                end=datetime.date(year, 12, 31),
                target_value=Decimal(target),
                target_comment=f"Comment {year}",
                target_disaggregations=(Part("sex", "female", Decimal("6.50")),),
            ),
        )
        for year, target in ((2020, "12.50"), (2021, "30"))
    )
    services.update_approve(
        user=reviewer,
        update=services.update_create(
            user=member,
            period=first,
            data=UpdateData(
                value=Decimal("11.25"),
                value_date=datetime.date(2020, 6, 1),
                disaggregations=(Part("sex", "female", Decimal("4.25")),),
            ),
        ),
    )
    client = client_of(member)
    html = client.get(reverse("programme-results", kwargs={"pk": indicator.result.programme.pk})).content.decode()
    assert '<td data-label="Target">12.5<br><small>Comment 2020</small>' in html
    assert "<li>sex / female: 6.5</li>" in html
    assert "<li>sex / female: 4.25</li>" in html
    assert '<td data-label="Actual">11.25' in html
    for period in (first, second):
        assert f'<tr id="period-{period.pk}">' in html
        assert f'hx-get="{reverse("period-edit", kwargs={"pk": period.pk})}"' in html
        assert f'hx-post="{reverse("period-delete", kwargs={"pk": period.pk})}"' in html
        assert f'hx-get="{reverse("update-create", kwargs={"pk": period.pk})}"' in html
    assert f'hx-get="{reverse("period-values", kwargs={"pk": first.pk})}"' in html
    assert f'hx-get="{reverse("period-values", kwargs={"pk": second.pk})}"' not in html  # no value yet
    # (11.25 − 10) ÷ (12.5 − 10), the baseline being 10
    assert '<progress value="50" max="100" aria-label="Judges trained">50 %</progress>' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(reverse("programme-results", kwargs={"pk": indicator.result.programme.pk})).content.decode()
    assert "12,5<br>" in french
    assert "<li>sex / female: 6,5</li>" in french
    assert "11,25" in french
