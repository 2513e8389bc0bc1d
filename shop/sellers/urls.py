from django.urls import path

from shop.sellers import views

app_name = "sellers"

urlpatterns = [
    # Public
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/mine/", views.MyApplicationsView.as_view(), name="my-applications"),
    path("help-sell/", views.HelpSellListView.as_view(), name="help-sell"),
    # Sellers (fenced to their own partners)
    path("seller/", views.SellerHomeView.as_view(), name="seller-home"),
    path("seller/stock/", views.StockView.as_view(), name="stock"),
    path("seller/import/", views.ImportView.as_view(), name="import"),
    path("seller/import/apply/", views.ImportApplyView.as_view(), name="import-apply"),
    path(
        "seller/import/errors.<export_format:file_format>",
        views.ImportErrorsView.as_view(),
        name="import-errors",
    ),
    path(
        "seller/export/<int:partner_pk>.<export_format:file_format>",
        views.ExportView.as_view(),
        name="export",
    ),
    path(
        "seller/import/template/<int:partner_pk>.<export_format:file_format>",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("seller/certificates/", views.SellerCertificateListView.as_view(), name="certificates"),
    path("seller/certificates/new/", views.CertificateSubmitView.as_view(), name="certificate-submit"),
    path("seller/orders/", views.OrderLineListView.as_view(), name="order-lines"),
    path("seller/orders/<str:number>/ship/", views.ShipView.as_view(), name="ship"),
    path("seller/help-sell/", views.HelpSellFlagListView.as_view(), name="help-sell-flags"),
    path("seller/help-sell/new/", views.HelpSellFlagCreateView.as_view(), name="help-sell-flag-create"),
    path("seller/help-sell/<int:pk>/end/", views.HelpSellFlagEndView.as_view(), name="help-sell-flag-end"),
    path("seller/reports/sales/", views.SalesReportView.as_view(), name="sales-report"),
    # County officers
    path("county/applications/", views.CountyApplicationListView.as_view(), name="county-applications"),
    path(
        "county/applications/<int:pk>/",
        views.CountyApplicationDetailView.as_view(),
        name="county-application",
    ),
    path("county/sellers/", views.CountySellerListView.as_view(), name="county-sellers"),
    path("county/certificates/", views.CountyCertificateListView.as_view(), name="county-certificates"),
    path("county/sales/", views.CountySalesView.as_view(), name="county-sales"),
    path(
        "applications/<int:pk>/licence/", views.ApplicationLicenceView.as_view(), name="application-licence"
    ),
    path("certificates/<int:pk>/scan/", views.CertificateScanView.as_view(), name="certificate-scan"),
    # Platform staff
    path("review/applications/", views.StaffApplicationListView.as_view(), name="staff-applications"),
    path(
        "review/applications/<int:pk>/", views.StaffApplicationDetailView.as_view(), name="staff-application"
    ),
    path("review/certificates/", views.StaffCertificateQueueView.as_view(), name="staff-certificates"),
    path(
        "review/certificates/<int:pk>/", views.StaffCertificateReviewView.as_view(), name="staff-certificate"
    ),
]
