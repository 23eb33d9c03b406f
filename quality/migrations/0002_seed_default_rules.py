"""Seed the default validation rules (quality/defaults.py). An existing rule of the same code is left alone; going
back removes only the defaults nobody edited."""

from django.db import migrations

from quality.defaults import DEFAULT_RULES


def seed(apps, schema_editor):
    rule_model = apps.get_model("quality", "ValidationRule")
    for position, spec in enumerate(DEFAULT_RULES):
        rule_model.objects.get_or_create(code=spec["code"], defaults={**spec, "position": (position + 1) * 10})


def unseed(apps, schema_editor):
    rule_model = apps.get_model("quality", "ValidationRule")
    for spec in DEFAULT_RULES:
        rule_model.objects.filter(code=spec["code"], updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_validation_rules_and_checks")]

    operations = [migrations.RunPython(seed, unseed)]
