from django.urls import path

from egide.governance import views

urlpatterns = [
    path("countries/<str:code>/governance/", views.country_governance, name="country-governance"),
    path("countries/<str:code>/governance/decide/", views.finding_decide, name="governance-decide"),
    path("countries/<str:code>/governance/decide-many/", views.findings_decide, name="governance-decide-many"),
    path("countries/<str:code>/governance/reopen/", views.finding_reopen, name="governance-reopen"),
    path("countries/<str:code>/governance/compare/", views.country_compare, name="governance-compare"),
    path("countries/<str:code>/governance/rules/", views.rule_list, name="governance-rules"),
    path("countries/<str:code>/governance/rules/<str:rule>/", views.rule_setting, name="governance-rule-setting"),
]
