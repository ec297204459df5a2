from django.urls import path

from egide.actors import views

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("countries/<str:code>/actors/", views.country_actors, name="country-actors"),
    path("countries/<str:code>/relationships/", views.country_relationships, name="country-relationships"),
    path("countries/<str:code>/sources/", views.country_sources, name="country-sources"),
    path("countries/<str:code>/counts/", views.country_counts, name="country-counts"),
    path("countries/<str:code>/actors/table/", views.country_actors_table, name="country-actors-table"),
    path(
        "countries/<str:code>/relationships/table/",
        views.country_relationships_table,
        name="country-relationships-table",
    ),
    path("countries/<str:code>/actors/new/", views.actor_create, name="actor-create"),
    path("countries/<str:code>/relationships/new/", views.relationship_create, name="relationship-create"),
    path("countries/<str:code>/import/", views.country_import, name="country-import"),
    path("countries/<str:code>/export.<str:fmt>", views.country_export, name="country-export"),
    path("import-template.<str:fmt>", views.import_template, name="import-template"),
    path("actors/<int:pk>/", views.actor_detail, name="actor-detail"),
    path("actors/<int:pk>/edit/", views.actor_edit, name="actor-edit"),
    path("actors/<int:pk>/delete/", views.actor_delete, name="actor-delete"),
    path("actors/<int:pk>/share/", views.actor_share, name="actor-share"),
    path("relationships/<int:pk>/", views.relationship_detail, name="relationship-detail"),
    path("relationships/<int:pk>/edit/", views.relationship_edit, name="relationship-edit"),
    path("relationships/<int:pk>/delete/", views.relationship_delete, name="relationship-delete"),
    path("citations/<int:pk>/delete/", views.citation_delete, name="citation-delete"),
    path("sources/<int:pk>/document/", views.source_document, name="source-document"),
]
