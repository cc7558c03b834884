"""Budgets pages. Included at the site root, so every path has its own prefix."""

from django.urls import path

from . import carer_views, family_views, import_views, review_views, views

app_name = "budgets"

urlpatterns = [
    path("people/", views.caseload_view, name="caseload"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_view, name="person"),
    path("people/<int:pk>/representatives/", views.representative_add, name="representative-add"),
    path("people/<int:pk>/assessments/new/", views.assessment_create, name="assessment-create"),
    path("people/<int:pk>/plan/", views.support_plan_view, name="support-plan"),
    path("people/<int:pk>/budgets/new/", views.budget_propose, name="budget-propose"),
    path("assessments/<int:pk>/", views.assessment_view, name="assessment"),
    path("people/<int:pk>/carers/new/", carer_views.carer_assessment_create, name="carer-assessment-create"),
    path("carer-assessments/<int:pk>/", carer_views.carer_assessment_view, name="carer-assessment"),
    path("plans/<int:pk>/agree/", views.support_plan_agree, name="support-plan-agree"),
    path("budgets/<int:pk>/", views.budget_view, name="budget"),
    path("budgets/<int:pk>/approve/", views.budget_approve, name="budget-approve"),
    path("budgets/<int:pk>/send-back/", views.budget_send_back, name="budget-send-back"),
    path("budgets/<int:pk>/withdraw/", views.budget_withdraw, name="budget-withdraw"),
    path("budgets/<int:pk>/review/", review_views.budget_review, name="budget-review"),
    path("reviews/<int:pk>/", review_views.review_view, name="review"),
    path("your-budget/reviews/<int:pk>/", review_views.your_review, name="your-review"),
    path("budgets/<int:pk>/history/", views.budget_history, name="budget-history"),
    path("approvals/", views.approval_queue_view, name="approval-queue"),
    path("reviews/", views.reviews_due_view, name="reviews-due"),
    path("your-budget/", family_views.your_budget, name="your-budget"),
    path("your-budget/<int:pk>/", family_views.your_budget_person, name="your-budget-person"),
    path("your-budget/<int:pk>/how-to-hold/", family_views.holding_choice, name="holding-choice"),
    path("imports/budgets/", import_views.import_upload, name="import-upload"),
    path("imports/batches/<int:pk>/", import_views.import_batch_view, name="import-batch"),
    path("imports/batches/<int:pk>/confirm/", import_views.import_batch_confirm, name="import-batch-confirm"),
    path("imports/batches/<int:pk>/reject/", import_views.import_batch_reject, name="import-batch-reject"),
]
