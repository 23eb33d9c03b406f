"""The planner's copy of the roster vocabulary agrees with what the engine's selectors count."""

from indicators import inputs
from remedies import engine_api
from schools.choices import Degree


def test_the_planners_degree_and_subject_lists_match_the_engines():
    assert set(engine_api.DEGREES) == {d.value for d in Degree}
    assert set(engine_api.ASSOCIATE_PLUS) == {str(d) for d in inputs.ASSOCIATE_PLUS}
    assert set(engine_api.BACHELOR_PLUS) == {str(d) for d in inputs.BACHELOR_PLUS}
    assert set(engine_api.PE_ART_SUBJECTS) == set(inputs.PE_ART)
