"""The surveys API. Paths are mounted under /api/."""

urlpatterns: list = []
