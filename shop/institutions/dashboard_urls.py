from django.urls import path

from shop.institutions import dashboard_views as views

app_name = "institutions-dashboard"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation-create"),
    path("organisations/<int:pk>/", views.OrganisationUpdateView.as_view(), name="organisation"),
    path("organisations/<int:pk>/targets/", views.TargetCreateView.as_view(), name="target-save"),
    path("payments/", views.PaymentListView.as_view(), name="payments"),
    path("payments/<str:number>/", views.PaymentRecordView.as_view(), name="payment-record"),
    path("orders/<str:number>/refunds/", views.TransferRefundView.as_view(), name="transfer-refunds"),
    path("freeze/", views.FreezeYearView.as_view(), name="freeze"),
    path("impact/", views.ImpactView.as_view(), name="impact"),
]
