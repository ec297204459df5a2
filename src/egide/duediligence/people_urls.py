from django.urls import path

from egide.duediligence import people_views as views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="list"),
    path("people/new/", views.person_create, name="create"),
    path("people/consultations/<int:pk>/", views.consultations, name="consultations"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("people/<int:pk>/names/new/", views.name_add, name="name-add"),
    path("people/<int:pk>/names/<int:name>/remove/", views.name_remove, name="name-remove"),
    path("people/<int:pk>/posts/new/", views.post_create, name="post-create"),
    path("people/<int:pk>/posts/<int:post>/edit/", views.post_edit, name="post-edit"),
    path("people/<int:pk>/posts/<int:post>/delete/", views.post_delete, name="post-delete"),
    path("people/<int:pk>/evidence/new/", views.evidence_add, name="evidence-add"),
    path("people/<int:pk>/evidence/<int:evidence>/remove/", views.evidence_remove, name="evidence-remove"),
    path("people/<int:pk>/share/", views.person_share, name="share"),
    path("people/<int:pk>/export.json", views.person_export_json, name="export-json"),
    path("people/<int:pk>/export.xlsx", views.person_export_xlsx, name="export-xlsx"),
    path("people/<int:pk>/erase/", views.person_erase, name="erase"),
]
