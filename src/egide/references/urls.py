from django.urls import path

from egide.references import feeds, views

urlpatterns = [
    path("references/frameworks/", views.framework_list, name="framework-list"),
    path("references/frameworks/new/", views.framework_create, name="framework-create"),
    path("references/frameworks/<int:pk>/", views.framework_detail, name="framework-detail"),
    path("references/frameworks/<int:pk>/edit/", views.framework_edit, name="framework-edit"),
    path("references/frameworks/<int:pk>/delete/", views.framework_delete, name="framework-delete"),
    path("references/missions/", views.mission_list, name="mission-list"),
    path("references/missions/new/", views.mission_create, name="mission-create"),
    path("references/missions/<int:pk>/", views.mission_detail, name="mission-detail"),
    path("references/missions/<int:pk>/edit/", views.mission_edit, name="mission-edit"),
    path("references/missions/<int:pk>/delete/", views.mission_delete, name="mission-delete"),
    path("references/documents/", views.document_list, name="document-list"),
    path("references/documents/new/", views.document_create, name="document-create"),
    path("references/documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("references/documents/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("references/documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("references/documents/<int:pk>/file/", views.document_file, name="document-file"),
    path("references/latest/", views.latest_developments, name="latest-developments"),
    path("references/latest/rss/", feeds.LatestDevelopmentsFeed(), name="latest-developments-rss"),
    path("references/latest/atom/", feeds.LatestDevelopmentsAtom(), name="latest-developments-atom"),
    path("countries/<str:code>/latest/", views.country_latest_developments, name="country-latest-developments"),
    path("countries/<str:code>/latest/rss/", feeds.LatestDevelopmentsFeed(), name="country-latest-developments-rss"),
    path("countries/<str:code>/latest/atom/", feeds.LatestDevelopmentsAtom(), name="country-latest-developments-atom"),
]
