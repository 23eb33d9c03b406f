"""One '+' record (channel "baseline") per row that exists when the audit trail is installed, so the first change
of any row afterwards has its old values to show. Set-wise, like an import's record; an empty database gets none.
"""

from django.db import migrations

# (history model, source table, SQL of the row's county, join)
SOURCES = [
    ("HistoricalSchool", "schools_school", "t.county_id", ""),
    ("HistoricalSchoolYear", "schools_schoolyear", "s.county_id", "JOIN schools_school s ON s.id = t.school_id"),
    ("HistoricalSchoolClass", "schools_schoolclass", "s.county_id", "JOIN schools_school s ON s.id = t.school_id"),
    ("HistoricalFunding", "schools_funding", "s.county_id", "JOIN schools_school s ON s.id = t.school_id"),
    ("HistoricalAchievement", "schools_achievement", "s.county_id", "JOIN schools_school s ON s.id = t.school_id"),
    ("HistoricalTeacher", "teachers_teacher", "s.county_id", "JOIN schools_school s ON s.id = t.school_id"),
    ("HistoricalCountyYear", "schools_countyyear", "t.county_id", ""),
    ("HistoricalMonitoring", "schools_monitoring", "t.county_id", ""),
    ("HistoricalDeclaration", "schools_declaration", "t.county_id", ""),
]


def baseline(apps, schema_editor):
    connection = schema_editor.connection
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model_name, table, county_sql, join in SOURCES:
            history = apps.get_model("audit", model_name)
            columns = [
                f.column
                for f in history._meta.concrete_fields
                if not f.name.startswith("history_") and f.name != "id"
            ]
            cursor.execute(
                f"INSERT INTO {q(history._meta.db_table)} (id, {', '.join(q(c) for c in columns)}, history_date, "
                f"history_type, history_user_id, history_channel, history_batch_id, history_county_id) "
                f"SELECT t.id, {', '.join('t.' + q(c) for c in columns)}, t.updated_at, '+', NULL, 'baseline', "
                f"NULL, {county_sql} FROM {q(table)} t {join}"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_history_tables_and_events"),
        ("schools", "0002_regions_and_imports_moved"),
        ("teachers", "0001_initial"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
