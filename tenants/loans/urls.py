"""The staff loan pages, mounted at staf/pinjaman/ on a cooperative's host."""

from django.urls import path

from tenants.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.loan_list, name="list"),
    path("portofolio/", views.portfolio, name="portfolio"),
    path("baru/", views.application_member, name="application_member"),
    path("baru/<str:number>/", views.application_new, name="application_new"),
    path("<int:pk>/", views.loan_detail, name="detail"),
    path("<int:pk>/survei/", views.survey_add, name="survey"),
    path("<int:pk>/setujui/", views.approve, name="approve"),
    path("<int:pk>/tolak/", views.reject, name="reject"),
    path("<int:pk>/cairkan/", views.disburse, name="disburse"),
    path("<int:pk>/angsuran/", views.repay, name="repay"),
    path("<int:pk>/pelunasan/", views.payoff_quote, name="payoff"),
    path("<int:pk>/jadwal-ulang/", views.reschedule, name="reschedule"),
    path("kwitansi/<int:pk>/", views.receipt, name="receipt"),
    path("kwitansi/<int:pk>/<str:layout>.pdf", views.receipt_pdf_view, name="receipt_pdf"),
]
