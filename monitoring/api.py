"""The monitoring API. Paths are mounted under /api/."""

urlpatterns: list = []
