from django.urls import path

from egide.exports import views

urlpatterns = [
    path("exports/<uuid:key>/", views.export_job, name="export-job"),
    path("exports/<uuid:key>/status/", views.export_job_status, name="export-job-status"),
    path("exports/<uuid:key>/download/", views.export_download, name="export-download"),
    path("exports/<slug:name>.<str:fmt>", views.platform_export, name="export-list"),
    path("countries/<str:code>/exports/<slug:name>.<str:fmt>", views.country_export, name="export-country-list"),
    path("programmes/<int:pk>/exports/<slug:name>.<str:fmt>", views.programme_export, name="export-programme-list"),
]
