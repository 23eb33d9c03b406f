"""The built-in plans as data files (plans/data/) and their loader (plans/builtin.py): the files a migration loads
stay as it shipped them, a fresh database gets them, and a mistake in a data file is named by file and place."""

import importlib

import pytest
from django.apps import apps as current_apps

from plans import builtin
from plans.models import Plan, Project, Target, Task

migration = importlib.import_module("plans.migrations.0002_builtin_plans")


def test_the_files_migration_0002_loads_are_as_it_shipped_them():
    # Edit a shipped snapshot and fresh databases silently differ from migrated ones: add a new one instead.
    assert builtin.fingerprint(migration.SNAPSHOT) == migration.SNAPSHOT_SHA256


def test_every_snapshot_reads_cleanly():
    snapshots = [path.name for path in builtin.DATA_DIR.iterdir() if path.is_dir()]
    assert migration.SNAPSHOT in snapshots
    for snapshot in snapshots:
        plans = builtin.read_plans(snapshot)
        assert len({plan["slug"] for plan in plans}) == len(plans)


@pytest.mark.django_db
def test_a_fresh_database_holds_exactly_the_plans_of_the_data_files():
    expected = builtin.read_plans(migration.SNAPSHOT)
    assert set(Plan.objects.filter(built_in=True).values_list("slug", flat=True)) == {
        p["slug"] for p in expected
    }
    for spec in expected:
        plan = Plan.objects.get(slug=spec["slug"])
        assert plan.title == spec["title"]
        assert Task.objects.filter(plan=plan).count() == len(spec["tasks"])
        assert Project.objects.filter(plan=plan).count() == len(spec["projects"])
        assert Target.objects.filter(plan=plan).count() == len(spec["targets"])
        assert sorted(t.value for t in Target.objects.filter(plan=plan) if t.value is not None) == sorted(
            t["value"] for t in spec["targets"] if t.get("value") is not None
        )


@pytest.mark.django_db
def test_loading_again_adds_nothing_and_unloading_removes_only_built_in_plans():
    own = Plan.objects.create(slug="own-plan", title="本县规划", region_code="371302", region_name="兰山区")
    before = Plan.objects.count()
    builtin.load(current_apps, snapshot=migration.SNAPSHOT)
    assert Plan.objects.count() == before
    builtin.unload(current_apps, snapshot=migration.SNAPSHOT)
    assert list(Plan.objects.all()) == [own]


@pytest.mark.parametrize(
    "text, place",
    [
        ("slug: x\ntitle: t\nregion_code: '371300'\nregion_name: r\ntitel: typo\n", "titel"),
        (
            "slug: x\ntitle: t\nregion_code: '371300'\nregion_name: r\ntasks:\n- number: 1\n  titel: a\n",
            "tasks[1]",
        ),
        (
            "slug: x\ntitle: t\nregion_code: '371300'\nregion_name: r\ntargets:\n- value: lots\n",
            "targets[1].value",
        ),
        ("slug: x\ntitle: t\nregion_name: r\n", "region_code is missing"),
    ],
)
def test_a_mistake_in_a_data_file_is_named_by_file_and_place(tmp_path, monkeypatch, text, place):
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "01-plan.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(builtin, "DATA_DIR", tmp_path)
    with pytest.raises(builtin.BuiltinDataError, match=r"01-plan\.yaml") as error:
        builtin.read_plans("broken")
    assert place in str(error.value)
