"""Every due-diligence page about the demo's fictional training country says, in English and in French, that
everything on it is invented: the lists of its people and incidents, a person, an incident, the assessment, the
programme's and the country's reports, the country's pages."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.selectors import PLATFORM
from egide.actors.models import Actor
from egide.demo.due_diligence import COUNTRY
from egide.demo.loader import demo_load
from egide.duediligence.models import DiligenceAssessment, Incident, Person

pytestmark = pytest.mark.django_db

NOTICE = {"en": "Fictional country for training.", "fr": "Pays fictif"}


def training_pages() -> list[str]:
    assessment = DiligenceAssessment.objects.get(country=COUNTRY)
    return [
        reverse("country-detail", kwargs={"code": COUNTRY}),
        reverse("country-actors", kwargs={"code": COUNTRY}),
        reverse("actor-detail", kwargs={"pk": Actor.objects.get(country=COUNTRY, reference="XT-BN1").pk}),
        reverse("people:list") + f"?country={COUNTRY}",
        reverse("people:detail", kwargs={"pk": Person.objects.filter(country=COUNTRY).first().pk}),  # type: ignore[union-attr]
        reverse("incidents:list") + f"?country={COUNTRY}",
        reverse("incidents:detail", kwargs={"pk": Incident.objects.filter(country=COUNTRY).first().pk}),  # type: ignore[union-attr]
        reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk}),
        reverse("diligence:programme-report", kwargs={"pk": assessment.programme_id}),
        reverse("diligence:country-report", kwargs={"code": COUNTRY}),
        reverse("programme-detail", kwargs={"pk": assessment.programme_id}),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_of_the_training_country_says_it_is_fictional_in_both_languages(language: str) -> None:
    demo_load(user=PLATFORM)
    client = Client()
    client.force_login(User.objects.get(username="meae-admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for address in training_pages():
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert 'id="training-notice"' in html, address
        assert NOTICE[language] in html, address
    assessment = DiligenceAssessment.objects.get(country=COUNTRY)
    heading = client.get(reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})).content.decode()
    assert {"en": "· Exercise country</p>", "fr": "· Pays d’exercice</p>"}[language] in heading
    elsewhere = client.get(reverse("people:list") + "?country=CF").content.decode()
    assert 'id="training-notice"' not in elsewhere
