"""The head office's console: cooperatives, users and roles (public schema, bare domain)."""

from django.urls import path

from headoffice import views

app_name = "headoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("koperasi/", views.cooperative_list, name="cooperative_list"),
    path("koperasi/baru/", views.cooperative_new, name="cooperative_new"),
    path("koperasi/<slug:slug>/", views.cooperative_detail, name="cooperative_detail"),
    path(
        "koperasi/<slug:slug>/tangguhkan/",
        views.cooperative_suspend_view,
        name="cooperative_suspend",
    ),
    path(
        "koperasi/<slug:slug>/aktifkan/",
        views.cooperative_reactivate_view,
        name="cooperative_reactivate",
    ),
    path(
        "koperasi/<slug:slug>/arsipkan/",
        views.cooperative_archive_view,
        name="cooperative_archive",
    ),
    path("pengguna/", views.user_list, name="user_list"),
    path("pengguna/undang/", views.user_invite_view, name="user_invite"),
    path("pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/peran-pusat/", views.user_head_office_role, name="user_ho_role"),
    path("pengguna/<int:pk>/peran/", views.user_role_grant, name="user_role_grant"),
    path(
        "pengguna/<int:pk>/peran/<int:role_pk>/cabut/",
        views.user_role_revoke,
        name="user_role_revoke",
    ),
    path("audit/", views.audit_log, name="audit_log"),
]
