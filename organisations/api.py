"""API: who the caller is, and the councils and providers on the platform."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Council
from .selectors import councils_visible_to, roles_of


class CouncilSerializer(serializers.ModelSerializer):
    class Meta:
        model = Council
        fields = ["gss_code", "name"]


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    council_roles = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    provider_roles = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    platform_admin = serializers.BooleanField()


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="Who is signed in, and their roles")
    def get(self, request):
        roles = roles_of(user=request.user)
        from .models import Council, Provider

        council_codes = dict(Council.objects.filter(pk__in=roles.council_roles).values_list("pk", "gss_code"))
        provider_refs = dict(
            Provider.objects.filter(pk__in=roles.provider_roles).values_list("pk", "provider_ref")
        )
        data = {
            "email": request.user.email,
            "full_name": request.user.full_name,
            "council_roles": {council_codes[k]: sorted(v) for k, v in roles.council_roles.items()},
            "provider_roles": {provider_refs[k]: sorted(v) for k, v in roles.provider_roles.items()},
            "platform_admin": roles.platform_admin,
        }
        return Response(MeSerializer(data).data)


class CouncilList(ListAPIView):
    """Councils the caller works for (all of them, for a platform admin)."""

    serializer_class = CouncilSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return councils_visible_to(user=self.request.user)


urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("councils/", CouncilList.as_view(), name="api-councils"),
]
