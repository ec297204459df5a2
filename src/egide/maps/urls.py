from django.urls import path

from egide.maps import views

urlpatterns = [
    path("map/preferences/", views.map_preferences, name="map-preferences"),
    path("countries/<str:code>/command-tree/", views.command_tree, name="country-command-tree"),
]
