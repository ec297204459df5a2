from django.urls import path

from egide.audit import views

urlpatterns = [
    path("organisations/<int:pk>/audit/", views.organisation_audit, name="organisation-audit"),
]
