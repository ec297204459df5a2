from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "egide.maps"
    label = "maps"
    verbose_name = "Reading the map"
