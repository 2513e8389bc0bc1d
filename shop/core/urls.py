from django.urls import path

from shop.core import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.JobProgressView.as_view(), name="progress"),
    path("<int:pk>/progress.json", views.JobProgressJsonView.as_view(), name="progress-json"),
    path("<int:pk>/file/", views.JobFileView.as_view(), name="file"),
]
