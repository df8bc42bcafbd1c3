"""Permission-matrix rows of this part of the screening app (collected by tests/test_permission_matrix.py).

Instrument versions are not patient data: every clinician, management and the admin read them; only the admin
imports versions and sets a facility's screening (the admin fixture works in the stay's facility).
"""

from screening.models import InstrumentVersion
from tests.permissions import Row, expect

READERS = expect(404, treating=200, social_worker=200, other_team=200, manager=200, admin=200, anonymous=302)
ADMIN_ONLY = expect(404, admin=200, anonymous=302)


def simbo(o):
    return [InstrumentVersion.objects.get(code="simbo_c", version="DEMO-1").pk]


ROWS: list[Row] = [
    Row("screening:instrument-list", "get", lambda o: [], READERS),
    Row("screening:instrument-detail", "get", simbo, READERS),
    Row("screening:instrument-import", "get", lambda o: [], ADMIN_ONLY),
    Row("screening:setting-list", "get", lambda o: [], ADMIN_ONLY),
    Row("screening:setting-create", "get", lambda o: [o["stay"].facility_id], ADMIN_ONLY),
]
