"""The head office's PPOB console, mounted at kantor/ppob/ on the bare domain
(federation.urls_public)."""

from django.urls import path

from ppob import views_headoffice as views

app_name = "ppob_headoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/sinkron/", views.catalogue_sync_view, name="catalogue_sync"),
    path("katalog/<int:pk>/", views.product, name="product"),
    path("katalog/<int:pk>/jual/", views.product_enable_view, name="product_enable"),
    path("margin/", views.margins, name="margins"),
    path("margin/<int:pk>/hapus/", views.margin_delete, name="margin_delete"),
    path("harga/", views.price_history, name="prices"),
    path("transaksi/", views.purchases, name="purchases"),
    path("transaksi/<str:reference>/", views.purchase, name="purchase"),
    path("tertunda/", views.pending, name="pending"),
    path("tinjauan/", views.reviews, name="reviews"),
    path("tinjauan/<int:pk>/", views.review, name="review"),
    path("deposit/", views.deposit, name="deposit"),
    path("deposit/perbarui/", views.deposit_refresh_view, name="deposit_refresh"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("penjualan/", views.sales, name="sales"),
]
