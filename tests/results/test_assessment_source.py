"""Indicators that take their baseline and actuals from assessment scores: the choice of assessments (pure), the
service that links, what each reader sees (owner, member, outsider), the pages, the API and the query count."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services as assessment_services
from egide.assessments.models import Assessment, Framework, FrameworkVersion, Question
from egide.programmes.models import Programme
from egide.results import selectors, services
from egide.results.assessment_values import Measured, baseline_of, period_value
from egide.results.data import IndicatorData, PeriodData, UpdateData
from egide.results.models import PERCENTAGE, AssessmentSource, Indicator, Period, Result
from egide.results.services import SourceData
from tests.assessments.helpers import SMALL

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
day = datetime.date

# --- the choice of assessments (pure) -------------------------------------------------------------------------------


def measured(pk: int, when: datetime.date, score: str = "50") -> Measured:
    return Measured(assessment=pk, as_of=when, score=Decimal(score), coverage=Decimal(100))


def test_the_baseline_is_the_latest_on_or_before_the_baseline_date() -> None:
    items = [measured(1, day(2020, 1, 1)), measured(2, day(2021, 1, 1)), measured(3, day(2022, 1, 1))]
    assert baseline_of(items, chosen=None, baseline_date=day(2021, 1, 1), first_start=None) == items[1]
    assert baseline_of(items, chosen=None, baseline_date=day(2021, 12, 31), first_start=None) == items[1]
    assert baseline_of(items, chosen=None, baseline_date=day(2019, 12, 31), first_start=None) is None


def test_the_baseline_without_a_date_is_the_latest_before_the_first_period() -> None:
    items = [measured(1, day(2020, 1, 1)), measured(2, day(2021, 1, 1))]
    assert baseline_of(items, chosen=None, baseline_date=None, first_start=day(2021, 1, 1)) == items[0]
    assert baseline_of(items, chosen=None, baseline_date=None, first_start=None) is None


def test_a_chosen_baseline_wins_and_is_none_when_not_among_those_seen() -> None:
    items = [measured(1, day(2020, 1, 1)), measured(2, day(2021, 1, 1))]
    assert baseline_of(items, chosen=1, baseline_date=day(2022, 1, 1), first_start=None) == items[0]
    assert baseline_of(items, chosen=9, baseline_date=day(2022, 1, 1), first_start=None) is None


def test_a_periods_value_is_the_latest_assessment_within_it_both_ends_included() -> None:
    items = [measured(5, day(2022, 1, 1)), measured(3, day(2022, 12, 31)), measured(4, day(2022, 12, 31))]
    assert period_value(items, start=day(2022, 1, 1), end=day(2022, 12, 31)) == items[2]
    assert period_value(items[:1], start=day(2022, 1, 1), end=day(2022, 1, 1)) == items[0]
    assert period_value(items, start=day(2023, 1, 1), end=day(2023, 12, 31)) is None


# --- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture
def version(db: None) -> FrameworkVersion:
    return assessment_services.framework_load(user=None, content=SMALL.read_bytes()).version


@pytest.fixture
def public_programme(organisation: Organisation) -> Programme:
    """A public programme: the outsider sees it, not the owner organisation's assessments."""
    return Programme.objects.create(
        country="CF",
        iati_identifier="FR-TEST-LINK",
        title_en="Justice reform",
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
    )


def published(
    version: FrameworkVersion,
    organisation: Organisation,
    as_of: datetime.date,
    values: dict[str, int],
    confidentiality: str = Confidentiality.ORGANISATION,
) -> Assessment:
    assessment = assessment_services.assessment_create(
        user=None,
        data=assessment_services.AssessmentData(
            country="CF",
            framework_version=version,
            as_of=as_of,
            owner=organisation,
            confidentiality=confidentiality,
            title=f"Review {as_of.year}",
        ),
    )
    for code, value in values.items():
        assessment_services.answer_save(
            user=None,
            assessment=assessment,
            question=Question.objects.get(version=version, code=code),
            data=assessment_services.AnswerData(value=Decimal(value)),
        )
    assessment_services.assessment_submit(user=None, assessment=assessment)
    return assessment_services.assessment_approve(user=None, assessment=assessment)


@pytest.fixture
def linked(public_programme: Programme, version: FrameworkVersion, organisation: Organisation) -> Indicator:
    """An indicator of the justice section's score, baseline at the end of 2020, a period for 2022, with a
    baseline assessment (2020: justice 3/3 on J1 only → 100 %, coverage 50 %) and one in 2022 (J1 1, J2 1 → 33.3 %,
    coverage 100 %); a draft of 2022 does not count."""
    result = services.result_create(
        user=None, programme=public_programme, data=services.ResultData(title_en="Fair courts", type="2")
    )
    indicator = services.indicator_create(
        user=None,
        result=result,
        data=IndicatorData(title_en="Justice score", measure="1", baseline_date=day(2020, 12, 31)),
    )
    services.period_create(
        user=None,
        indicator=indicator,
        data=PeriodData(start=day(2022, 1, 1), end=day(2022, 12, 31), target_value=Decimal(80)),
    )
    published(version, organisation, day(2020, 6, 30), {"J1": 3})
    published(version, organisation, day(2022, 6, 30), {"J1": 1, "J2": 1})
    services.indicator_source_set(
        user=None, indicator=indicator, data=SourceData(framework=version.framework, section_code="justice")
    )
    return indicator


def view_of(user: User | None, indicator: Indicator) -> selectors.IndicatorView:
    programme = indicator.result.programme
    framework = selectors.programme_framework(user=user, programme=programme, today=day(2023, 6, 1))
    return next(view for result in framework.results for view in result.indicators if view.indicator == indicator)


# --- the service and the values -----------------------------------------------------------------------------------


def test_a_linked_indicator_takes_its_baseline_and_actual_from_the_published_scores(
    linked: Indicator, owner: User
) -> None:
    linked.refresh_from_db()
    assert linked.measure == PERCENTAGE
    assert linked.baseline_value is None
    view = view_of(owner, linked)
    assert view.source is not None
    assert view.source.baseline is not None
    assert view.source.section_title == "Justice"
    assert view.source.baseline.measured.score == Decimal("100.0")
    assert view.source.baseline.measured.coverage == Decimal(50)
    assert view.source.baseline.assessment.as_of == day(2020, 6, 30)
    period = view.periods[0]
    assert period.derived is not None
    assert period.derived.assessment.as_of == day(2022, 6, 30)
    assert period.progress.actual == Decimal("33.3")
    assert period.derived.measured.coverage == Decimal(100)
    # (33.3 − 100) / (80 − 100): the score went down, away from a target below the baseline.
    assert period.progress.percent == 334


def test_the_overall_score_and_a_chosen_baseline_assessment(
    linked: Indicator, version: FrameworkVersion, owner: User
) -> None:
    later = Assessment.objects.get(as_of=day(2022, 6, 30))
    services.indicator_source_set(
        user=owner, indicator=linked, data=SourceData(framework=version.framework, baseline_assessment=later)
    )
    view = view_of(owner, linked)
    assert view.source is not None
    assert view.source.section_title == ""
    assert view.source.baseline is not None
    assert view.source.baseline.assessment == later
    # Overall: justice 33.3 (weight 2), oversight unanswered (no score) → 33.3.
    assert view.periods[0].progress.actual == Decimal("33.3")


def test_a_new_publication_changes_the_actual_without_any_other_write(
    linked: Indicator, version: FrameworkVersion, organisation: Organisation, owner: User
) -> None:
    published(version, organisation, day(2022, 11, 30), {"J1": 2, "J2": 2})
    assert view_of(owner, linked).periods[0].progress.actual == Decimal("66.7")


def test_the_link_is_refused_with_a_reason(
    linked: Indicator, version: FrameworkVersion, organisation: Organisation, member: User, outsider: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.indicator_source_set(
            user=member, indicator=linked, data=SourceData(framework=version.framework, section_code="nowhere")
        )
    assert "no section “nowhere”" in str(refused.value.message_dict["section"])
    draft = assessment_services.assessment_create(
        user=None,
        data=assessment_services.AssessmentData(
            country="CF", framework_version=version, as_of=day(2021, 1, 1), owner=organisation
        ),
    )
    with pytest.raises(ValidationError) as refused:
        services.indicator_source_set(
            user=member, indicator=linked, data=SourceData(framework=version.framework, baseline_assessment=draft)
        )
    assert "baseline_assessment" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.indicator_source_set(user=outsider, indicator=linked, data=SourceData(framework=version.framework))
    assert AssessmentSource.objects.get().section_code == "justice"


def test_a_chosen_baseline_must_be_one_the_user_may_see(
    linked: Indicator, version: FrameworkVersion, other_organisation: Organisation, member: User
) -> None:
    hidden = published(version, other_organisation, day(2020, 1, 1), {"J1": 0})
    with pytest.raises(ValidationError) as refused:
        services.indicator_source_set(
            user=member, indicator=linked, data=SourceData(framework=version.framework, baseline_assessment=hidden)
        )
    assert "baseline_assessment" in refused.value.message_dict


def test_an_indicator_with_values_is_not_linked_and_a_linked_one_takes_no_typed_values(
    linked: Indicator, version: FrameworkVersion, member: User
) -> None:
    period = Period.objects.get(indicator=linked)
    with pytest.raises(ValidationError, match="not reported by hand"):
        services.update_create(
            user=member, period=period, data=UpdateData(value=Decimal(5), value_date=day(2022, 3, 1))
        )
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(
            user=member,
            indicator=linked,
            data=IndicatorData(title_en="Justice score", measure="1", baseline_value=Decimal(3)),
        )
    assert set(refused.value.message_dict) == {"measure", "baseline_value"}
    services.indicator_source_remove(user=member, indicator=linked)
    update = services.update_create(
        user=member, period=period, data=UpdateData(value=Decimal(5), value_date=day(2022, 3, 1))
    )
    with pytest.raises(ValidationError, match="Values were reported"):
        services.indicator_source_set(user=member, indicator=linked, data=SourceData(framework=version.framework))
    assert update.pk
    assert not AssessmentSource.objects.exists()


# --- who sees what ------------------------------------------------------------------------------------------------


def test_owner_and_member_see_the_scores_the_outsider_sees_none(
    linked: Indicator, owner: User, member: User, outsider: User
) -> None:
    for reader in (owner, member):
        view = view_of(reader, linked)
        assert view.source is not None
        assert view.source.baseline is not None
        assert view.periods[0].progress.actual == Decimal("33.3")
    view = view_of(outsider, linked)
    assert view.source is not None
    assert view.source.baseline is None
    assert view.periods[0].derived is None
    assert view.periods[0].progress.actual is None


def test_the_outsider_sees_a_public_assessments_score_only(
    linked: Indicator, version: FrameworkVersion, organisation: Organisation, outsider: User
) -> None:
    public = published(version, organisation, day(2022, 3, 31), {"J1": 3, "J2": 3}, Confidentiality.PUBLIC)
    view = view_of(outsider, linked)
    assert view.periods[0].derived is not None
    assert view.periods[0].derived.assessment == public
    assert view.periods[0].progress.actual == Decimal("100.0")


def page(user: User | None, programme: Programme) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("programme-results", kwargs={"pk": programme.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_tab_marks_the_values_as_from_the_assessment_for_those_who_may_see_it(
    linked: Indicator, owner: User, member: User, outsider: User
) -> None:
    programme = linked.result.programme
    later = Assessment.objects.get(as_of=day(2022, 6, 30))
    for reader in (owner, member):
        html = page(reader, programme)
        assert "from assessment Review 2022 (2022-06-30)" in html
        assert reverse("assessment-detail", kwargs={"pk": later.pk}) in html
        assert "33.3" in html
        assert "coverage 100 %" in html
        assert "Values taken from the score of section “Justice”" in html
    for reader in (outsider, None):
        html = page(reader, programme)
        assert "Values taken from the score of section “Justice”" in html
        assert "Review 2022" not in html
        assert "Review 2020" not in html
        assert "33.3" not in html
        assert reverse("assessment-detail", kwargs={"pk": later.pk}) not in html
        assert "No published assessment gives a baseline yet." in html
        assert html.count("No published assessment in this period") == 1


def test_the_tab_in_french(linked: Indicator, member: User) -> None:
    client = Client()
    client.force_login(member)
    client.cookies["django_language"] = "fr"
    html = client.get(
        reverse("programme-results", kwargs={"pk": linked.result.programme.pk}), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "de l’évaluation Review 2022" in html
    assert "couverture 100 %" in html


def test_the_link_form_links_changes_and_unlinks(
    public_programme: Programme, version: FrameworkVersion, member: User, outsider: User
) -> None:
    result = services.result_create(
        user=None, programme=public_programme, data=services.ResultData(title_en="Oversight", type="2")
    )
    indicator = services.indicator_create(user=None, result=result, data=IndicatorData(title_en="Oversight score"))
    url = reverse("indicator-source", kwargs={"pk": indicator.pk})
    client = Client()
    client.force_login(member)
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert f'value="{version.framework.pk}:oversight"' in form.content.decode()
    response = client.post(url, {"score": f"{version.framework.pk}:oversight", "baseline_assessment": ""}, **HTMX)
    assert response.status_code == 204 or response.status_code == 200
    source = AssessmentSource.objects.get(indicator=indicator)
    assert (source.framework, source.section_code, source.baseline_assessment) == (version.framework, "oversight", None)
    refused = client.post(url, {"score": "999999:oversight"}, **HTMX)
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert outsider_client.get(url, **HTMX).status_code == 403
    assert outsider_client.post(reverse("indicator-source-remove", kwargs={"pk": indicator.pk})).status_code == 403
    client.post(reverse("indicator-source-remove", kwargs={"pk": indicator.pk}), **HTMX)
    assert not AssessmentSource.objects.exists()


def test_the_api_gives_the_source_and_values_to_those_who_may_see_them(
    linked: Indicator, owner: User, outsider: User
) -> None:
    url = f"/api/v1/programmes/{linked.result.programme.pk}/results"
    client = Client()
    client.force_login(owner)
    indicator = client.get(url).json()[0]["indicators"][0]
    assert indicator["assessment_source"]["framework"] == "small-review"
    assert indicator["assessment_source"]["section"] == "justice"
    assert indicator["assessment_source"]["baseline"]["score"] == "100.0"
    assert indicator["periods"][0]["assessment_value"]["score"] == "33.3"
    assert indicator["periods"][0]["assessment_value"]["coverage"] == "100"
    client.force_login(outsider)
    indicator = client.get(url).json()[0]["indicators"][0]
    assert indicator["assessment_source"]["baseline"] is None
    assert indicator["periods"][0]["assessment_value"] is None
    assert indicator["periods"][0]["progress"]["actual"] is None


def test_the_framework_reads_linked_indicators_in_a_fixed_number_of_queries(
    linked: Indicator, version: FrameworkVersion, organisation: Organisation, owner: User
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.programme_framework(user=owner, programme=linked.result.programme)
        return len(queries)

    count()  # the reader's memberships, read once and kept
    first = count()
    result = linked.result
    for number in range(3):
        other = services.indicator_create(user=None, result=result, data=IndicatorData(title_en=f"Score {number}"))
        services.period_create(
            user=None, indicator=other, data=PeriodData(start=day(2022, 1, 1), end=day(2022, 12, 31))
        )
        services.indicator_source_set(
            user=None, indicator=other, data=SourceData(framework=version.framework, section_code="oversight")
        )
        published(version, organisation, day(2021, 1, 1 + number), {"O1": 2})
    assert count() == first


def test_the_framework_of_an_assessment_in_use_is_kept(linked: Indicator) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Framework.objects.all().delete()
    assert isinstance(linked.result, Result)


def test_the_api_links_and_unlinks_for_editors_only(
    public_programme: Programme, version: FrameworkVersion, organisation: Organisation, member: User, outsider: User
) -> None:
    result = services.result_create(
        user=None, programme=public_programme, data=services.ResultData(title_en="Oversight", type="2")
    )
    indicator = services.indicator_create(
        user=None, result=result, data=IndicatorData(title_en="Oversight score", baseline_date=day(2021, 1, 1))
    )
    baseline = published(version, organisation, day(2020, 6, 30), {"O1": 3})
    url = f"/api/v1/indicators/{indicator.pk}/assessment-source"
    client = Client()
    client.force_login(outsider)
    body = {"framework": "small-review", "section": "oversight"}
    assert client.put(url, body, content_type="application/json").status_code == 403
    client.force_login(member)
    response = client.put(url, body | {"baseline_assessment": baseline.pk}, content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["framework"] == "small-review"
    assert answer["section"] == "oversight"
    assert answer["baseline_assessment"] == baseline.pk
    assert answer["baseline"]["score"] == "100.0"
    refused = client.put(url, {"framework": "nowhere"}, content_type="application/json")
    assert refused.status_code == 422
    assert "No such framework" in refused.content.decode()
    refused = client.put(url, body | {"baseline_assessment": 2**31 - 1}, content_type="application/json")
    assert refused.status_code == 422
    assert client.put(url, {"framework": "small\x00"}, content_type="application/json").status_code == 422
    assert AssessmentSource.objects.get(indicator=indicator).baseline_assessment == baseline
    client.force_login(outsider)
    assert client.delete(url).status_code == 403
    client.force_login(member)
    assert client.delete(url).status_code == 204
    assert not AssessmentSource.objects.exists()
