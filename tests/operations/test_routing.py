"""The read replica's router: public reads of anonymous visitors and exports from the replica; writes, reads after a
write, and a client that wrote a moment ago, from the primary; migrations on the primary only.

Both aliases lead to the one test database (TEST MIRROR); what is checked is which connection each query took."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.urls import reverse

from egide.operations import routing
from egide.operations.routing import PIN_COOKIE, PRIMARY, REPLICA, ReplicaRouter, Routing

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on(settings: LazySettings) -> None:
    settings.DATABASE_ROUTERS = ["egide.operations.routing.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "egide.operations.routing.ReplicaMiddleware",
    )
    settings.MIDDLEWARE = middleware


@contextmanager
def queries() -> Iterator[list[tuple[str, str]]]:
    """Every query of the block, in order, with the alias of the connection that ran it."""
    ran: list[tuple[str, str]] = []

    def recorder(alias: str) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            ran.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in BOTH:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield ran


def on(ran: list[tuple[str, str]], alias: str) -> list[str]:
    return [sql for where, sql in ran if where == alias]


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


def test_the_rule() -> None:
    assert routing.reads_from_replica(method="GET", anonymous=True, view_name="home", pinned=False)
    assert routing.reads_from_replica(method="GET", anonymous=False, view_name="country-export", pinned=False)
    assert not routing.reads_from_replica(method="GET", anonymous=False, view_name="home", pinned=False)
    assert not routing.reads_from_replica(method="POST", anonymous=True, view_name="home", pinned=False)
    assert not routing.reads_from_replica(method="GET", anonymous=True, view_name="home", pinned=True)


def test_reads_after_a_write_in_a_request_go_to_the_primary() -> None:
    router = ReplicaRouter()
    state = Routing(replica=True)
    token = routing._current.set(state)
    try:
        assert router.db_for_read(User) == REPLICA
        assert router.db_for_write(User) == PRIMARY
        assert router.db_for_read(User) == PRIMARY
    finally:
        routing._current.reset(token)
    # Outside a request (commands, the worker): the primary.
    assert router.db_for_read(User) == PRIMARY


def test_migrations_run_on_the_primary_only() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "actors")
    assert not router.allow_migrate(REPLICA, "actors")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_anonymous_public_page_reads_from_the_replica(replica_on: None, small_map: object) -> None:
    with queries() as ran:
        answer = Client().get(reverse("home"))
    assert answer.status_code == 200
    assert on(ran, "replica")
    assert not on(ran, "default")
    assert PIN_COOKIE not in answer.cookies


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_logged_in_page_reads_from_the_primary(replica_on: None, member_client: Client) -> None:
    with queries() as ran:
        assert member_client.get(reverse("home")).status_code == 200
    assert on(ran, "default")
    assert not on(ran, "replica")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_export_reads_from_the_replica_until_it_writes_its_record(
    replica_on: None, member_client: Client, small_map: object
) -> None:
    with queries() as ran:
        answer = member_client.get(reverse("country-export", kwargs={"code": "CD", "fmt": "json"}))
    assert answer.status_code == 200
    first_write = next(index for index, (alias, sql) in enumerate(ran) if is_write(sql))
    before, after = ran[:first_write], ran[first_write:]
    assert on(before, "replica")  # the export's reads
    assert not [sql for sql in on(ran, "replica") if is_write(sql)]
    assert after
    assert not on(after, "replica")  # once the audit record is written, every read is the primary's
    assert answer.cookies[PIN_COOKIE]["max-age"] == 10


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_post_writes_and_reads_on_the_primary_and_pins_the_client(replica_on: None) -> None:
    client = Client()
    with queries() as ran:
        answer = client.post(reverse("login"), {"username": "nobody", "password": "wrong password"})
    assert answer.status_code == 200
    assert not on(ran, "replica")
    assert [sql for sql in on(ran, "default") if is_write(sql)]  # the failed attempt, for the throttle
    assert PIN_COOKIE in answer.cookies
    # The same visitor's next page, a moment later: from the primary, so that it sees what it wrote.
    with queries() as ran:
        assert client.get(reverse("home")).status_code == 200
    assert on(ran, "default")
    assert not on(ran, "replica")
