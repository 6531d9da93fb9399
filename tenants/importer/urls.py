"""Members import and export, under staf/impor/ on a cooperative's host."""

from django.urls import path

from tenants.importer import views

app_name = "importer"
urlpatterns = [
    path("", views.index, name="index"),
    path("periksa/", views.check, name="check"),
    path("jalankan/", views.run, name="run"),
    path("status/<str:digest>/", views.status, name="status"),
    path("ekspor/", views.export, name="export"),
]
