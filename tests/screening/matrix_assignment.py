"""Permission-matrix rows of the WMR assignment workflow (collected by tests/test_permission_matrix.py).

The form pages are the care team's clinicians'; the contraindication check is a physician's only, and no persona of
the matrix is a physician on the stay's team (the other-team physician is on another team), so all get 404 there.
tests/screening/test_assignment_views.py shows a physician on the team reaching it.
"""

from django.utils import timezone

from tests.permissions import TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, expect, stay

PHYSICIAN_ON_TEAM_ONLY = expect(404, anonymous=302)


def _today() -> str:
    return timezone.localdate().isoformat()


ROWS: list[Row] = [
    Row("screening:assignment-need", "get", stay, TEAM_WRITE_FORM),
    Row("screening:assignment-motivation", "get", stay, TEAM_WRITE_FORM),
    Row(
        "screening:assignment-motivation",
        "post",
        stay,
        TEAM_WRITE_POST,
        data=lambda o: {"motivation": "motivated", "recorded_on": _today(), "note": ""},
    ),
    Row("screening:assignment-contraindications", "get", stay, PHYSICIAN_ON_TEAM_ONLY),
    Row("screening:assignment-contraindications", "post", stay, PHYSICIAN_ON_TEAM_ONLY),
    Row("screening:assignment-decision", "get", stay, TEAM_WRITE_FORM),
    Row(
        "screening:assignment-decision",
        "post",
        stay,
        TEAM_WRITE_POST,
        data=lambda o: {"decision": "not_assign", "decided_on": _today(), "participants": "", "reason": ""},
    ),
    Row("screening:assignment-code", "get", stay, TEAM_WRITE_FORM),
]
