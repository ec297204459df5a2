from django.urls import path

from egide.programmes import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/delete/", views.programme_delete, name="programme-delete"),
    path("programmes/<int:pk>/share/", views.programme_share, name="programme-share"),
    path("programmes/<int:pk>/actors/", views.programme_actors, name="programme-actors"),
    path("programmes/<int:pk>/documents/", views.programme_documents, name="programme-documents"),
    path("programmes/<int:pk>/history/", views.programme_history, name="programme-history"),
    path("programme-documents/<int:pk>/file/", views.programme_document_file, name="programme-document-file"),
    path("programme-documents/<int:pk>/delete/", views.programme_document_delete, name="programme-document-delete"),
    path("programmes/import-template.xlsx", views.programmes_import_template, name="programmes-import-template"),
    path("countries/<str:code>/programmes/", views.country_programmes, name="country-programmes"),
    path("countries/<str:code>/programmes/import/", views.country_programmes_import, name="country-programmes-import"),
    path(
        "countries/<str:code>/programmes/export.<str:fmt>",
        views.country_programmes_export,
        name="country-programmes-export",
    ),
]
