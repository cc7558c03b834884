from django.urls import path


def broken(request):
    return 1 / 0


urlpatterns = [path("fail/", broken)]
handler500 = "organisations.views.server_error"
