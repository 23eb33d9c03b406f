from rest_framework import serializers

from .registry import AUDITED


class ChangeSerializer(serializers.Serializer):
    """One change of entered data: who, when, through which channel, which record, what changed from what."""

    user = serializers.CharField(
        help_text="username of who made the change; empty for a command or the system"
    )
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=["web", "api", "import", "admin", "command"])
    batch = serializers.IntegerField(allow_null=True, help_text="import batch id (channel import)")
    model = serializers.ChoiceField(choices=[a.kind for a in AUDITED], source="kind")
    key = serializers.CharField(
        help_text="natural key: school code [year …], teacher number and year, county code …"
    )
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(allow_null=True), min_length=2, max_length=2),
        help_text='{"field": [old, new]}; null is "not reported" (or no value before creation / after deletion)',
    )
