"""Members' meeting staff pages, mounted at staf/rat/ on a cooperative's host."""

from django.urls import path

from tenants.rat import views

app_name = "rat"
urlpatterns = [
    path("", views.index, name="index"),
    path("baru/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/buka/", views.meeting_state, {"action": "buka"}, name="meeting_open"),
    path("<int:pk>/tutup/", views.meeting_state, {"action": "tutup"}, name="meeting_close"),
    path("<int:pk>/agenda/", views.item_add, name="item_add"),
    path(
        "<int:pk>/agenda/<int:item_pk>/mulai/",
        views.item_state,
        {"action": "mulai"},
        name="voting_open",
    ),
    path(
        "<int:pk>/agenda/<int:item_pk>/putuskan/",
        views.item_state,
        {"action": "putuskan"},
        name="item_close",
    ),
    path("<int:pk>/agenda/<int:item_pk>/suara/", views.hall_vote, name="hall_vote"),
    path("<int:pk>/dokumen/", views.document_add, name="document_add"),
    path("<int:pk>/dokumen/<int:doc_pk>/", views.document, name="document"),
    path("<int:pk>/hadir/", views.attendance, name="attendance"),
    path("<int:pk>/kuorum/", views.quorum_view, name="quorum"),
    path("<int:pk>/paket.pdf", views.pack, name="pack"),
    path("<int:pk>/ods.xlsx", views.ods, name="ods"),
]
