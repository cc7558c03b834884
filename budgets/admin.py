"""Admin: a council's resource allocation (questions, points, price, adjustments), to read only.

Councils change these on their own settings pages (/council/<code>/settings/allocation/), which are
scoped to the council and audited; the Django admin is for platform administrators and changes
nothing here, so nobody can change another council's settings by accident.
"""

from django.contrib import admin

from .models import AllocationAdjustment, AllocationOption, AllocationQuestion, AllocationQuestionnaire


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionInline(ReadOnly, admin.StackedInline):
    model = AllocationQuestion
    extra = 0
    show_change_link = True


class AdjustmentInline(ReadOnly, admin.TabularInline):
    model = AllocationAdjustment
    extra = 0


@admin.register(AllocationQuestionnaire)
class AllocationQuestionnaireAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["council", "price_per_point", "updated_at"]
    inlines = [QuestionInline, AdjustmentInline]


class OptionInline(ReadOnly, admin.TabularInline):
    model = AllocationOption
    extra = 0


@admin.register(AllocationQuestion)
class AllocationQuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["text", "questionnaire", "order"]
    inlines = [OptionInline]
