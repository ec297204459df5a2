"""The lock holds whatever way the username is typed: the throttle and the log-in read one normalised name."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.security import throttle
from egide.security.models import LoginAttempt, Outcome
from tests.security.test_throttle import PASSWORD, fail, log_in, logged_in

VARIANTS = [" ef-editor", "ef-editor ", "ef-editor\t", "\tef-editor\n", "ｅｆ-editor", "ｅｆ－ｅｄｉｔｏｒ\u3000"]


@pytest.fixture
def ef_editor(db: None) -> User:
    return User.objects.create_user(username="ef-editor", password=PASSWORD)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_username_stays_locked_whatever_its_spelling(ef_editor: User, variant: str) -> None:
    fail("ef-editor", 5, ip="10.0.0.1")
    # Another address, so that only the username's lock can refuse it.
    client = Client()
    response = log_in(variant, PASSWORD, ip="10.0.0.99", client=client)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not logged_in(response)
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.order_by("-pk").first().outcome == Outcome.LOCKED  # type: ignore[union-attr]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_same_variant_logs_in_when_nothing_is_locked(ef_editor: User, variant: str) -> None:
    client = Client()
    response = log_in(variant, PASSWORD, client=client)
    assert logged_in(response)
    assert client.session["_auth_user_id"] == str(ef_editor.pk)
    assert LoginAttempt.objects.get().username == "ef-editor"


def test_failures_typed_in_different_ways_add_up_to_a_lock(ef_editor: User) -> None:
    for number, variant in enumerate(VARIANTS[:5]):
        log_in(variant, "not-the-password", ip=f"10.0.1.{number}")
    assert set(LoginAttempt.objects.values_list("username", flat=True)) == {"ef-editor"}
    response = log_in("ef-editor", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429


def test_letter_case_counts_towards_the_lock_but_logs_nobody_in(ef_editor: User) -> None:
    fail("EF-Editor", 5, ip="10.0.0.1")
    assert log_in("ef-editor", PASSWORD, ip="10.0.0.99").status_code == 429
    # The user model compares names exactly: another case is another (unknown) name.
    assert not logged_in(log_in("EF-EDITOR", PASSWORD, ip="10.0.3.1"))


def test_the_normalisation_is_nfkc_and_trims_every_kind_of_whitespace() -> None:
    assert throttle.normalise_username(" \t\u00a0ｅｆ-editor\u2003\r\n") == "ef-editor"
    assert throttle.normalise_username("ﬁle") == "file"
    assert throttle.normalise_username("Mixed Case") == "Mixed Case"
    assert throttle.normalise_username("x" * 200) == "x" * 150
