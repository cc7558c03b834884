from django.urls import path

from . import job_views

app_name = "imports"

urlpatterns = [
    path("<int:pk>/", job_views.job, name="job"),
    path("<int:pk>/problems.csv", job_views.job_errors_csv, name="job-errors-csv"),
]
