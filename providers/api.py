"""The providers API. Paths are mounted under /api/."""

urlpatterns: list = []
