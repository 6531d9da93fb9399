"""SHU staff pages, mounted at staf/shu/ on a cooperative's host."""

from django.urls import path

from tenants.shu import views

app_name = "shu"
urlpatterns = [
    path("", views.index, name="index"),
    path("pembagian/baru/", views.split_new, name="split_new"),
    path("pembagian/<int:pk>/ubah/", views.split_edit, name="split_edit"),
    path("simulasi/", views.simulate, name="simulate"),
    path("final/", views.final, name="final"),
    path("<int:year>/", views.run_detail, name="run"),
]
