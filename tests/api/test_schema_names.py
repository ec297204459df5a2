"""The OpenAPI document names each schema by its class name: two classes of one name would share one schema, and
the later would silently describe the earlier's answers (a governance comparison once read as an assessment's)."""

from collections import defaultdict

from ninja import Schema

from egide.api.assembly import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_schema_class_of_the_api_has_a_name_of_its_own() -> None:
    assert api is not None  # every router, hence every schema, imported
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("egide."):
            modules[cls.__name__].add(cls.__module__)
    assert "ContextIndicatorOut" in modules
    assert {name: sorted(places) for name, places in modules.items() if len(places) > 1} == {}
