"""The fictional training country of the demo: its map, people, incidents, a conditional decision and one alert;
loaded twice without change; its pages say it is fictional."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.selectors import PLATFORM
from egide.actors.models import Actor
from egide.core.reference import countries
from egide.demo.due_diligence import COUNTRY, due_diligence_demo_load
from egide.demo.loader import demo_load
from egide.duediligence import diligence_selectors as selectors
from egide.duediligence.models import Alert, Decision, DiligenceAssessment, Incident, Person, PersonName
from tests.demo.test_demo import _row_counts

pytestmark = pytest.mark.django_db


def test_the_training_country_is_a_country_named_fictional_in_both_languages() -> None:
    term = countries()[COUNTRY]
    assert (term.label_en, term.label_fr) == ("Exercise country", "Pays d’exercice")


def test_the_demo_shows_a_conditional_decision_and_one_alert_and_loads_twice_without_change() -> None:
    result = demo_load(user=PLATFORM)
    assert result.due_diligence is not None
    assert result.due_diligence.created
    assessment = DiligenceAssessment.objects.get(country=COUNTRY)
    assert assessment.decision == Decision.CONDITIONAL
    assert assessment.conditions
    assert assessment.decided_by == User.objects.get(username="meae-admin")
    assert Alert.objects.get().assessment == assessment
    assert Actor.objects.filter(country=COUNTRY).count() == 6
    assert all(
        "(fictional)" in name for name in PersonName.objects.filter(kind="primary").values_list("name", flat=True)
    )
    assert Person.objects.filter(country=COUNTRY).count() == 3
    assert Incident.objects.filter(country=COUNTRY).count() == 4
    listing = selectors.risk_for(user=PLATFORM, assessment=assessment)
    assert {row.incident.title_en for row in listing.rows} == {
        "Arbitrary detention of market traders (invented)",
        "Ill-treatment at a checkpoint (invented)",
        "Night raid on a village (invented)",
    }
    counts = _row_counts()
    again = due_diligence_demo_load(user=PLATFORM, organisations={"MEAE": assessment.owner})
    assert not again.created
    assert not again.map.changed
    after = _row_counts()
    assert {label: (counts[label], after[label]) for label in counts if after[label] != counts[label]} == {}


def test_every_page_of_the_training_country_says_it_is_fictional(member_client: Client) -> None:
    demo_load(user=PLATFORM)
    battalion = Actor.objects.get(country=COUNTRY, reference="XT-BN1")
    for address in (
        reverse("country-detail", kwargs={"code": COUNTRY}),
        reverse("country-actors", kwargs={"code": "xt"}),
        reverse("actor-detail", kwargs={"pk": battalion.pk}),
        reverse("diligence:country-report", kwargs={"code": COUNTRY}),
    ):
        html = member_client.get(address).content.decode()
        assert 'id="training-notice"' in html, address
    assert (
        'id="training-notice"'
        not in member_client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    )
