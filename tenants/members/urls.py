"""The staff pages of the member registry, mounted at staf/anggota/ on a cooperative's host."""

from django.urls import path

from tenants.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("daftar/", views.member_new, name="new"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/terima/", views.member_admit, name="admit"),
    path("<int:pk>/keluar/", views.member_resign_view, name="resign"),
    path("<int:pk>/pengembalian/", views.member_settle, name="settle"),
    path("<int:pk>/meninggal/", views.member_death, name="death"),
    path("<int:pk>/berhentikan/", views.member_expel_view, name="expel"),
    path("<int:pk>/kontak/", views.member_contact, name="contact"),
    path("<int:pk>/ahli-waris/", views.member_heirs, name="heirs"),
]
