from django.urls import path

from egide.duediligence import diligence_views as views

app_name = "diligence"

urlpatterns = [
    path("due-diligence/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("due-diligence/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("due-diligence/<int:pk>/decide/", views.assessment_decide, name="assessment-decide"),
    path("due-diligence/<int:pk>/share/", views.assessment_share, name="assessment-share"),
    path("due-diligence/alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path(
        "due-diligence/programmes/<int:pk>/supports/<int:support>/new/",
        views.assessment_create,
        name="assessment-create",
    ),
    path("due-diligence/programmes/<int:pk>/", views.programme_report_page, name="programme-report"),
    path(
        "due-diligence/programmes/<int:pk>/report.xlsx", views.programme_report_export, name="programme-report-export"
    ),
    path("due-diligence/countries/<str:code>/", views.country_report_page, name="country-report"),
    path("due-diligence/countries/<str:code>/report.xlsx", views.country_report_export, name="country-report-export"),
]
