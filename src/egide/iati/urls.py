from django.urls import path

from egide.iati import views

urlpatterns = [
    path("iati/import/", views.iati_import, name="iati-import"),
    path("iati/imports/<uuid:pk>/", views.iati_import_run, name="iati-import-run"),
    path("iati/imports/<uuid:pk>/status/", views.iati_import_run_status, name="iati-import-run-status"),
    path("iati/export/", views.iati_export_page, name="iati-export"),
]
