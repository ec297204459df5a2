"""The API's documentation page is served with this site's own scripts and styles (django-ninja's, found by the
static files finders although it is not an installed app), never from a CDN."""

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_the_documentation_page_uses_this_site_s_files(db: None) -> None:
    page = Client().get("/api/docs").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', page)
    assert {"ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js"} <= set(assets)
    assert all(finders.find(asset) for asset in assets)
    assert "cdn" not in page.lower()
    # A session may authenticate the page's requests: they carry the CSRF token.
    assert 'data-api-csrf="true"' in page
    assert re.search(r'data-csrf-token="\w{20,}"', page)
