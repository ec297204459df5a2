"""The include point of a programme's Overview tab for what other apps keep about a programme (its due-diligence
assessments). An app registers the dotted path of a callable, `(request, programme) -> SafeString`, from its
AppConfig.ready(); the page imports it when it is first shown. A path, not the callable: importing an app's views
while the apps load would load the whole web side into every command (`egide governance check` starts without it,
tests/governance/test_cli.py)."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

OVERVIEW_SECTIONS: list[str] = []


def overview_section_register(path: str) -> None:
    if path not in OVERVIEW_SECTIONS:
        OVERVIEW_SECTIONS.append(path)


def overview_sections() -> list[Callable[[HttpRequest, object], SafeString]]:
    return [import_string(path) for path in OVERVIEW_SECTIONS]
