from django.urls import path

from shop.core import views

app_name = "jobs-dashboard"
urlpatterns = [
    path("", views.JobListView.as_view(), name="list"),
    path("start/", views.JobStartView.as_view(), name="start"),
    path("<int:pk>/retry/", views.JobRetryView.as_view(), name="retry"),
]
