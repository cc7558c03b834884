"""The budgets API. Paths are mounted under /api/."""

urlpatterns: list = []
