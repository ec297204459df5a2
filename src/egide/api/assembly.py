"""The JSON API, versioned under /api/v1/, with its OpenAPI document at /api/openapi.json.

Who may ask and change what, and when it is checked: egide.api.auth. The error answers: egide.api.errors.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from ninja import NinjaAPI, Swagger

from egide.actors.api import router as actors_router
from egide.api import errors
from egide.api.auth import SAFE_METHODS, writers
from egide.assessments.api import router as assessments_router
from egide.context.api import router as context_router
from egide.coordination.api import router as coordination_router
from egide.duediligence.diligence_api import router as diligence_router
from egide.duediligence.incident_api import router as incidents_router
from egide.duediligence.people_api import router as people_router
from egide.governance.api import router as governance_router
from egide.money.api import router as money_router
from egide.programmes.api import router as programmes_router
from egide.programmes.timeline_api import router as timeline_router
from egide.references.api import router as references_router
from egide.results.api import router as results_router

TRANSLATED_KEYS = frozenset({"summary", "description"})


def translated(node: Any, *, key: str = "") -> Any:
    """The OpenAPI document's summaries, descriptions and tags in the active language (the texts are in the catalogue
    through egide.api.texts); names, codes and examples are left as they are."""
    if isinstance(node, dict):
        return {name: translated(value, key=name) for name, value in node.items()}
    if isinstance(node, list):
        return [translated(item, key=key) for item in node]
    if isinstance(node, str) and (key in TRANSLATED_KEYS or key == "tags"):
        return gettext(node)
    return node


class EgideAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Mark reading as open to anonymous visitors (an empty security requirement makes credentials optional),
        and speak the reader's language: Accept-Language, or ?lang=fr or ?lang=en (egide.api.middleware)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method.upper() in SAFE_METHODS and "security" in operation and {} not in operation["security"]:
                    operation["security"].append({})
        schema = translated(schema)
        schema["info"]["title"] = gettext(schema["info"]["title"])
        for tag in schema.get("tags", []):
            tag["name"] = gettext(tag["name"])
        return schema


class DocsInLanguage(Swagger):
    """The documentation page asks for the document in the language of its own address (`/api/docs?lang=fr`), since
    the page's script cannot set Accept-Language."""

    def get_openapi_url(self, api: NinjaAPI, path_params: dict[str, Any]) -> str:
        url = super().get_openapi_url(api, path_params)
        language = translation.get_language()
        return f"{url}?lang={language}" if language else url

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """With the page's scripts and styles served by this site: django-ninja would fetch them from a CDN, since
        it is not an installed app (egide.settings adds its templates and static files)."""
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # The page's "try it out" sends the CSRF token when a session cookie may authenticate (egide.api.auth).
        methods = api.auth if isinstance(api.auth, list | tuple) else ()
        add_csrf = any(getattr(method, "csrf", False) for method in methods)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": add_csrf}
        return render(request, self.template, context)


api = EgideAPI(
    title="Égide API",
    version="1",
    description=(
        "The security system map of each country: actors, relationships and their sources.\n\n"
        "Authenticate with a personal API token in the `Authorization: Bearer egide_…` header (create one under "
        "Account → API tokens, or with `egide token create USERNAME`), or with the browser's session cookie (changes "
        "then need the `X-CSRFToken` header). Without credentials, GET requests read public records only; any "
        "change needs credentials, and an unknown or revoked token is refused with 401."
    ),
    auth=writers(),  # every change needs an editing role somewhere; operations refine it (egide.api.auth)
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=DocsInLanguage(),
)
api.add_router("/v1", actors_router)
api.add_router("/v1", governance_router)
api.add_router("/v1", references_router)
api.add_router("/v1", results_router)
api.add_router("/v1", programmes_router)
api.add_router("/v1", money_router)
api.add_router("/v1", timeline_router)
api.add_router("/v1", context_router)
api.add_router("/v1", assessments_router)
api.add_router("/v1", coordination_router)
api.add_router("/v1", people_router)
api.add_router("/v1", incidents_router)
api.add_router("/v1", diligence_router)
errors.install(api)
