"""A member's meeting page, mounted at /anggota/rat/ (tenants.memberweb.urls)."""

from django.urls import path

from tenants.rat import member_views

app_name = "rat"
urlpatterns = [
    path("", member_views.index, name="index"),
    path("suara/<int:item_pk>/", member_views.vote, name="vote"),
    path("dokumen/<int:doc_pk>/", member_views.document, name="document"),
]
