from django.urls import path

from egide.imports import views

urlpatterns = [
    path("imports/<uuid:pk>/", views.import_job_detail, name="import-job"),
    path("imports/<uuid:pk>/status/", views.import_job_status, name="import-job-status"),
]
