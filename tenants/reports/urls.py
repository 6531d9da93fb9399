"""Financial statements, under staf/laporan/ on a cooperative's host."""

from django.urls import path

from tenants.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.statement, name="statement"),
]
