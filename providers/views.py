from django.shortcuts import render

from .selectors import directory_profiles


def directory(request):
    """The public directory of support providers."""
    return render(
        request, "providers/directory.html", {"providers": [p.provider for p in directory_profiles()]}
    )
