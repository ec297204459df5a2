from django.urls import path

from egide.accounts import views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/invitations/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation-revoke"),
    path("invitation/<str:secret>/", views.invitation_accept, name="invitation-accept"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("shares/<int:pk>/remove/", views.share_remove, name="share-remove"),
]
