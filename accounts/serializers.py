"""API representation of the signed-in user."""

from rest_framework import serializers


class WhoAmISerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    region_code = serializers.CharField(read_only=True, allow_null=True)
