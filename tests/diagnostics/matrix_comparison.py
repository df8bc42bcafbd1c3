"""Permission-matrix rows of the profile comparison (collected by tests/test_permission_matrix.py).

The comparison page and its API are read by the care team; the PDF is created by the care team's clinicians
(``stay_write``). The rows give the stay the §9.1 profiles first, so the PDF row really stores a document.
"""

from diagnostics.models import ProfileInstrument
from tests.diagnostics.conftest import WORKED_D, WORKED_I, make_profile
from tests.permissions import API_TEAM, POST_ONLY_GET, TEAM_READ, TEAM_WRITE_POST, Row


def with_profiles(o):
    stay = o["stay"]
    if not stay.profiles.exists():
        instrument = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
        make_profile(stay, instrument, "capacity", WORKED_I)
        make_profile(stay, instrument, "demand", WORKED_D)
    return [stay.pk]


ROWS: list[Row] = [
    Row("diagnostics:comparison", "get", with_profiles, TEAM_READ),
    Row("diagnostics:comparison-pdf", "post", with_profiles, TEAM_WRITE_POST),
    Row("diagnostics:comparison-pdf", "get", with_profiles, POST_ONLY_GET),
    Row("api:stay-comparison", "get", with_profiles, API_TEAM),
]
