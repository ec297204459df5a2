from django.urls import path

from egide.context import views

urlpatterns = [
    path("countries/<str:code>/context/", views.country_context_page, name="country-context"),
    path("context/", views.sources_page, name="context-sources"),
    path("context/indicators/<str:code>/", views.indicator_map_page, name="context-indicator-map"),
    path("context/series/new/", views.series_upload_page, name="context-series-upload"),
]
