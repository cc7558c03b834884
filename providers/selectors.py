from django.db.models import QuerySet

from organisations.models import Provider


def providers_in_directory() -> QuerySet[Provider]:
    return Provider.objects.order_by("name")
