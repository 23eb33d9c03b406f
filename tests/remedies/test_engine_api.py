"""The planner's copy of the roster vocabulary agrees with what the engine's selectors count."""

from indicators import selectors
from remedies import engine_api
from schools.choices import Degree


def test_the_planners_degree_and_subject_lists_match_the_engines():
    assert set(engine_api.DEGREES) == {d.value for d in Degree}
    assert set(engine_api.ASSOCIATE_PLUS) == {str(d) for d in selectors.ASSOCIATE_PLUS}
    assert set(engine_api.BACHELOR_PLUS) == {str(d) for d in selectors.BACHELOR_PLUS}
    assert set(engine_api.PE_ART_SUBJECTS) == set(selectors.PE_ART)


def test_the_solver_modules_import_nothing_from_django():
    import ast
    from pathlib import Path

    root = Path(engine_api.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in ("django", "rest_framework")], path.name
