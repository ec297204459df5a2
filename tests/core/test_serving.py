"""The platform as `make start` serves it: debug off, static files served by WhiteNoise whether or not they were
collected, the site's own pages for refusals (a stale form's CSRF token too), the right address in the log-in
hint, and each log line once."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egide.core.management.commands.setup import site_url
from tests.actors.html import element, text_of

SOURCE = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A French request leaves French active in this thread: later tests expect the default language."""
    yield
    translation.activate("en")


def _run(script: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """A script in a fresh process with the settings of `make start` (debug off, local use) on a new data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "EGIDE_LOCAL", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    env |= {
        "PYTHONPATH": str(SOURCE),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "EGIDE_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "EGIDE_LOCAL": "true",
    } | environment
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300, check=False
    )


PAGES = """
import re
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
assert not settings.DEBUG
call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="127.0.0.1")
for path in ("/", "/countries/CF/", "/login/", "/no/such/page/"):
    page = client.get(path)
    print(path, page.status_code)
    for link in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode()):
        served = client.get(link)
        content = b"".join(served.streaming_content) if served.streaming else served.content
        print(link, served.status_code, len(content) > 0)
"""


def test_with_debug_off_every_page_and_its_static_files_work_before_and_after_collecting(tmp_path: Path) -> None:
    fresh = _run(PAGES, tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    lines = fresh.stdout.splitlines()
    assert lines[0] == "/ 200"
    assert "/countries/CF/ 200" in lines
    assert "/no/such/page/ 404" in lines
    static = [line for line in lines if line.startswith("/static/")]
    assert "/static/egide/app.css 200 True" in static  # under its own name: nothing was collected
    assert all(line.endswith(" 200 True") for line in static), static

    setup = _run(
        "import sys; from egide.cli import main; "
        "sys.argv = ['egide', 'setup', '--no-demo', '--address', '8106']; main()",
        tmp_path,
    )
    assert setup.returncode == 0, setup.stderr
    assert "Static files collected." in setup.stdout
    assert "Log in at http://127.0.0.1:8106/ as “admin”" in setup.stdout
    collected = _run(PAGES, tmp_path)
    assert collected.returncode == 0, collected.stderr
    static = [line for line in collected.stdout.splitlines() if line.startswith("/static/")]
    hashed = [line for line in static if line.startswith("/static/egide/app.")]
    assert hashed
    assert hashed[0] != "/static/egide/app.css 200 True"
    assert all(line.endswith(" 200 True") for line in static), static


def test_a_log_line_is_written_once(tmp_path: Path) -> None:
    script = "import django, logging; django.setup(); logging.getLogger('django.request').warning('Not Found: /x/')"
    for debug in ("true", "false"):
        result = _run(script, tmp_path, DEBUG=debug)
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("Not Found: /x/") == 1, (debug, result.stderr)


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8106", "http://127.0.0.1:8106/"),
        ("8106", "http://127.0.0.1:8106/"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000/"),
        ("localhost", "http://localhost:8000/"),
        ("[::1]:8080", "http://[::1]:8080/"),
    ],
)
def test_the_log_in_hint_names_the_address_served(address: str, url: str) -> None:
    assert site_url(address) == url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("en", "The form has expired", "reload the page and send the form again"),
        ("fr", "Le formulaire a expiré", "rechargez la page et envoyez à nouveau le formulaire"),
    ],
)
def test_a_form_refused_for_its_csrf_token_gets_the_sites_page(language: str, heading: str, advice: str) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    response = client.post(reverse("login"), {"username": "someone", "password": "secret"})
    assert response.status_code == 403
    html = response.content.decode()
    assert text_of(element(html, "main h1")) == heading
    assert advice in text_of(element(html, "main"))
    assert element(html, "header.site-header a.brand")  # in the site's frame, not Django's technical page
    assert element(html, "html")["lang"] == language
