"""Surveys in the Django admin, for platform administrators: read what is shipped and answered.

Councils add their own questions on their page (/surveys/questions/), which gives the question a
stable code; the admin does not change codes or answers, so reports keep adding up.
"""

from django.contrib import admin

from .models import Option, Question, Response, Survey, SurveyVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OptionInline(admin.TabularInline):
    model = Option
    fields = ["order", "code", "label"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title", "audience"]


@admin.register(SurveyVersion)
class SurveyVersionAdmin(ReadOnlyAdmin):
    list_display = ["survey", "number", "created_at"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "text", "kind", "section", "council", "version"]
    list_filter = ["version__survey", "section", "council"]
    search_fields = ["code", "text"]
    inlines = [OptionInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "survey", "status", "channel", "council", "respondent_ref", "submitted_at"]
    list_filter = ["survey", "status", "channel", "council"]
    search_fields = ["respondent_ref", "person__person_ref", "provider__provider_ref"]
