"""Admin: how a council's resource allocation is configured (questions, points, price, adjustments).

People and budgets are not edited here: every change to them goes through a service, which audits it.
"""

from django.contrib import admin

from .models import AllocationAdjustment, AllocationOption, AllocationQuestion, AllocationQuestionnaire


class QuestionInline(admin.StackedInline):
    model = AllocationQuestion
    extra = 0
    show_change_link = True


class AdjustmentInline(admin.TabularInline):
    model = AllocationAdjustment
    extra = 0


@admin.register(AllocationQuestionnaire)
class AllocationQuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["council", "price_per_point", "updated_at"]
    inlines = [QuestionInline, AdjustmentInline]


class OptionInline(admin.TabularInline):
    model = AllocationOption
    extra = 0


@admin.register(AllocationQuestion)
class AllocationQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "order"]
    inlines = [OptionInline]
