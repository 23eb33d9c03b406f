from rest_framework import serializers

from .models import Action, State


class ApprovalEventSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)
    from_state = serializers.ChoiceField(choices=State.choices)
    to_state = serializers.ChoiceField(choices=State.choices)
    by = serializers.CharField(allow_null=True, help_text="username of who took the step")
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    open_violations = serializers.IntegerField(help_text="open validation violations when it was submitted")


class ApprovalSerializer(serializers.Serializer):
    county = serializers.CharField(help_text="county code")
    year = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    by = serializers.CharField(
        allow_null=True, help_text="username of who took the last step (null: a draft)"
    )
    at = serializers.DateTimeField(allow_null=True)
    locked = serializers.BooleanField(help_text="the county's data for the year refuses changes (409)")
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=Action.choices), help_text="the steps you may take now"
    )
    history = ApprovalEventSerializer(many=True, help_text="newest first")


class ViolationSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class SubmittedSerializer(ApprovalSerializer):
    violations = ViolationSerializer(
        many=True, help_text="open validation violations at submission (a warning)"
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, help_text="why the data goes back to the county (required)"
    )
