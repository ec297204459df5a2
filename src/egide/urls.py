from django.contrib import admin
from django.urls import include, path

from egide.api.assembly import api

urlpatterns = [
    path("", include("egide.actors.urls")),
    path("", include("egide.governance.urls")),
    path("", include("egide.programmes.timeline_urls")),
    path("", include("egide.maps.urls")),
    path("", include("egide.references.urls")),
    path("", include("egide.results.urls")),
    path("", include("egide.accounts.urls")),
    path("", include("egide.audit.urls")),
    path("", include("egide.imports.urls")),
    path("", include("egide.exports.urls")),
    path("", include("egide.programmes.urls")),
    path("", include("egide.money.urls")),
    path("", include("egide.assessments.urls")),
    path("", include("egide.iati.urls")),
    path("", include("egide.context.urls")),
    path("", include("egide.coordination.urls")),
    path("", include("egide.coordination.dashboard_urls")),
    path("", include("egide.duediligence.people_urls")),
    path("", include("egide.duediligence.incident_urls")),
    path("", include("egide.duediligence.diligence_urls")),
    path("", include("egide.reports.urls")),
    path("", include("egide.portal.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("egide.security.urls")),
    path("admin/", admin.site.urls),
    path("", include("egide.operations.urls")),
]
