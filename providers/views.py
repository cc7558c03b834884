from django.shortcuts import render

from .selectors import providers_in_directory


def directory(request):
    """The public directory of support providers."""
    return render(request, "providers/directory.html", {"providers": providers_in_directory()})
