from django.urls import path

from egide.results import views

urlpatterns = [
    path("programmes/<int:pk>/results/", views.programme_results, name="programme-results"),
    path("programmes/<int:pk>/results/new/", views.result_create, name="result-create"),
    path("results/<int:pk>/edit/", views.result_edit, name="result-edit"),
    path("results/<int:pk>/delete/", views.result_delete, name="result-delete"),
    path("results/<int:pk>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator-delete"),
    path("indicators/<int:pk>/assessment/", views.indicator_source, name="indicator-source"),
    path("indicators/<int:pk>/assessment/remove/", views.indicator_source_remove, name="indicator-source-remove"),
    path("indicators/<int:pk>/periods/new/", views.period_create, name="period-create"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period-edit"),
    path("periods/<int:pk>/delete/", views.period_delete, name="period-delete"),
    path("periods/<int:pk>/values/", views.period_values, name="period-values"),
    path("periods/<int:pk>/values/new/", views.update_create, name="update-create"),
    path("values/<int:pk>/edit/", views.update_edit, name="update-edit"),
    path("values/<int:pk>/submit/", views.update_submit, name="update-submit"),
    path("values/<int:pk>/approve/", views.update_approve, name="update-approve"),
    path("values/<int:pk>/return/", views.update_return, name="update-return"),
    path("values/<int:pk>/delete/", views.update_delete, name="update-delete"),
    path("values/<int:pk>/evidence/", views.update_evidence, name="update-evidence"),
    path("countries/<str:code>/results/export/<str:fmt>/", views.country_results_export, name="country-results-export"),
    path("countries/<str:code>/results/import/", views.country_results_import, name="country-results-import"),
]
