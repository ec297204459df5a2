"""The incidents' pages, under /incidents/ (egide.duediligence.incident_views)."""

from django.urls import path

from egide.duediligence import incident_views as views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/<str:code>/", views.incident_create, name="create"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="edit"),
    path("incidents/<int:pk>/delete/", views.incident_delete, name="delete"),
    path("incidents/<int:pk>/share/", views.incident_share, name="share"),
    path("incidents/<int:pk>/responsibilities/new/", views.responsibility_create, name="responsibility-create"),
    path("incidents/<int:pk>/evidence/new/", views.evidence_create, name="evidence-create"),
    path("incidents/responsibilities/<int:pk>/edit/", views.responsibility_edit, name="responsibility-edit"),
    path("incidents/responsibilities/<int:pk>/delete/", views.responsibility_delete, name="responsibility-delete"),
    path(
        "incidents/responsibilities/<int:pk>/evidence/new/",
        views.responsibility_evidence_create,
        name="responsibility-evidence-create",
    ),
    path("incidents/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
]
