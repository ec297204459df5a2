"""The users of `load.py`: locust's simulated readers of the platform, anonymous and signed in.

Loaded by locust (`locust -f benchmarks/load_users.py`), never imported by Égide: what they ask for is in the plan
that `load.py` prepared for the database under test (the file named by $EGIDE_LOAD_PLAN, JSON): the countries, a
sample of actors each, search terms, and the session cookies of several demo users. Every user sends its next
request after a think time drawn evenly between the bounds that $EGIDE_LOAD_THINK_SECONDS gives (`2-8`, a mean, or
`0`: at once, so that a step measures what the server can serve, not how slowly people read; benchmarks/think.py).

The mix, by weight: the country page and its actors tab, the map API, the governance page, actor pages, searches
(the actors table's and the reference documents'), the findings API and the exports.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from think import think_range

PLAN: dict[str, Any] = json.loads(Path(os.environ["EGIDE_LOAD_PLAN"]).read_text(encoding="utf-8"))
THINK = think_range(os.environ.get("EGIDE_LOAD_THINK_SECONDS", "0"))


class Reader(HttpUser):
    """What every user reads; the anonymous and signed-in classes below differ only by their session."""

    abstract = True
    wait_time = between(*THINK) if THINK[1] else constant(0)

    def _country(self) -> str:
        return random.choice(PLAN["countries"])

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                # 0: no answer at all (the connection refused, reset or timed out), with the reason
                reason = f" ({response.error})" if not response.status_code else ""
                response.failure(f"{response.status_code} for {path}{reason}")

    @task(4)
    def country_page(self) -> None:
        self._get(f"/countries/{self._country()}/", "country page")

    @task(2)
    def country_actors(self) -> None:
        self._get(f"/countries/{self._country()}/actors/", "country actors tab")

    @task(3)
    def map_api(self) -> None:
        self._get(f"/api/v1/countries/{self._country()}/map", "map API")

    @task(2)
    def governance_page(self) -> None:
        self._get(f"/countries/{self._country()}/governance/", "governance page")

    @task(4)
    def actor_page(self) -> None:
        code = self._country()
        self._get(f"/actors/{random.choice(PLAN['actors'][code])}/", "actor page")

    @task(2)
    def actor_search(self) -> None:
        term = random.choice(PLAN["search_terms"])
        self._get(f"/countries/{self._country()}/actors/table/?q={term}", "actor search")

    @task(1)
    def document_search(self) -> None:
        self._get(f"/references/documents/?q={random.choice(PLAN['search_terms'])}", "document search")

    @task(1)
    def findings_api(self) -> None:
        self._get(f"/api/v1/countries/{self._country()}/findings", "findings API")

    @task(1)
    def export(self) -> None:
        self._get(f"/countries/{self._country()}/export.{random.choice(('csv', 'json'))}", "export")


class Anonymous(Reader):
    weight = 1


class SignedIn(Reader):
    """A demo user, signed in: the session cookie of one of them, chosen at random for each simulated user."""

    weight = 1

    def on_start(self) -> None:
        session = random.choice(PLAN["sessions"])
        # A header rather than the cookie jar, whose domain matching is unsure for a bare loopback address.
        self.client.headers["Cookie"] = f"{session['cookie']}={session['value']}"
