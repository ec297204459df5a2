from django.urls import path

from egide.assessments import views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_create, name="assessment-create"),
    path("assessments/frameworks/", views.framework_list, name="assessment-framework-list"),
    path("assessments/frameworks/schema.json", views.framework_schema, name="assessment-framework-schema"),
    path("assessments/frameworks/upload/", views.framework_upload, name="assessment-framework-upload"),
    path(
        "assessments/frameworks/<slug:identifier>/heatmap/",
        views.framework_heatmap,
        name="assessment-framework-heatmap",
    ),
    path("countries/<str:code>/assessments/", views.country_trend, name="country-assessments"),
    path("assessments/frameworks/<slug:identifier>/", views.framework_detail, name="assessment-framework"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/questions/<int:question>/answer/", views.answer_save, name="assessment-answer"),
    path("assessments/<int:pk>/questions/<int:question>/cite/", views.citation_add, name="assessment-cite"),
    path(
        "assessments/<int:pk>/questions/<int:question>/cite-finding/",
        views.finding_cite,
        name="assessment-cite-finding",
    ),
    path(
        "assessments/<int:pk>/citations/<int:citation>/remove/",
        views.citation_remove,
        name="assessment-citation-remove",
    ),
    path("assessments/<int:pk>/questions/<int:question>/comments/", views.comment_add, name="assessment-comment"),
    path("assessments/<int:pk>/comments/<int:comment>/reply/", views.comment_reply, name="assessment-comment-reply"),
    path(
        "assessments/<int:pk>/comments/<int:comment>/resolve/",
        views.comment_resolve,
        name="assessment-comment-resolve",
    ),
    path("assessments/<int:pk>/questionnaire.xlsx", views.questionnaire_download, name="assessment-questionnaire"),
    path("assessments/<int:pk>/import/", views.answers_import, name="assessment-import"),
    path("assessments/<int:pk>/compare/", views.assessment_compare, name="assessment-compare"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
    path("assessments/<int:pk>/return/", views.assessment_return, name="assessment-return"),
    path("assessments/<int:pk>/approve/", views.assessment_approve, name="assessment-approve"),
    path("assessments/<int:pk>/correct/", views.assessment_correct, name="assessment-correct"),
]
