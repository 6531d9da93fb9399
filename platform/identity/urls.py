"""Account pages, at /akun/ on every host."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from identity import views

app_name = "identity"

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.otp_verify_view, name="otp_verify"),
    path("2fa/daftar/", views.otp_setup_view, name="otp_setup"),
    path(
        "sandi/lupa/",
        auth_views.PasswordResetView.as_view(
            template_name="identity/password_reset_form.html",
            email_template_name="identity/password_reset_email.txt",
            subject_template_name="identity/password_reset_subject.txt",
            success_url=reverse_lazy("identity:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="identity/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="identity/password_reset_confirm.html",
            success_url=reverse_lazy("identity:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="identity/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("undangan/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
