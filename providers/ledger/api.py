"""The ISF ledger API. Paths are mounted under /api/."""

urlpatterns: list = []
