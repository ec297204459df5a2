from django.urls import path

from egide.coordination import views

urlpatterns = [
    path("countries/<str:code>/coordination/", views.country_coordination_page, name="country-coordination"),
    path(
        "countries/<str:code>/coordination/export.xlsx",
        views.country_coordination_export,
        name="country-coordination-export",
    ),
    path(
        "countries/<str:code>/coordination/flows.json",
        views.country_coordination_flows,
        name="country-coordination-flows",
    ),
]
