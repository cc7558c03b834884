from django.urls import path

from . import upload_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/pdf/", views.report_pdf, name="report-pdf"),
    path("questions/", views.council_questions, name="council-questions"),
    path("paper/", views.paper_new, name="paper-new"),
    path("answers/upload/", upload_views.responses_upload, name="upload-responses"),
    path("provider/", views.provider_self_assessment, name="provider-self-assessment"),
    path("yours/", views.my_surveys, name="my-surveys"),
    path("yours/<int:person_id>/<slug:slug>/", views.start, name="start"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/all/", views.whole_form, name="whole-form"),
    path("responses/<int:pk>/check/", views.check, name="check"),
    path("responses/<int:pk>/questions/<slug:code>/", views.question, name="question"),
]
