from django.urls import path

from egide.portal import views

app_name = "portal"

urlpatterns = [
    path("public/", views.root, name="root"),
    path("public/sitemap.xml", views.public_sitemap, name="sitemap"),
    path("public/<str:language>/", views.home, name="home"),
    path("public/<str:language>/latest/", views.latest, name="latest"),
    path("public/<str:language>/countries/<str:code>/", views.country_page, name="country"),
    path("public/<str:language>/countries/<str:code>/data/programmes-iati.xml", views.iati, name="iati"),
    path("public/<str:language>/countries/<str:code>/brief.pdf", views.brief, name="brief"),
    path(
        "public/<str:language>/countries/<str:code>/data/<str:name>.<str:fmt>",
        views.dataset,
        name="dataset",
    ),
    path("organisations/<int:pk>/licence/", views.organisation_licence, name="organisation-licence"),
]
