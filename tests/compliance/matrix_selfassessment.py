"""Permission-matrix rows of the facility self-assessment (collected by tests/test_permission_matrix.py).

Management of the stay's facility only (the ``manager`` persona); every other role gets 404. Rows that need an answer
make one through the service, by a manager of the facility created here (the shared objects have none)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions import POST_ONLY_GET, Row, expect

YEAR = 2026
MANAGEMENT_READ = expect(404, manager=200, anonymous=302)
MANAGEMENT_POST = expect(404, manager=302, anonymous=302)


def _answer(o, *, with_file: bool = False):
    from compliance.services_selfassessment import self_assessment_save
    from staff.models import Profession, Role
    from tests.factories import UserFactory

    facility = o["stay"].facility
    by = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[facility])
    upload = SimpleUploadedFile("konzept.pdf", b"%PDF-1.7\n%%EOF\n") if with_file else None
    return self_assessment_save(
        by=by, facility=facility, year=YEAR, recommendation="9.1", answer="yes", evidence_text="Konzept", file=upload
    )


def edit_args(o):
    return [o["stay"].facility_id, YEAR, "9.2"]


ROWS: list = [
    Row("compliance:self-assessment", "get", lambda o: [], MANAGEMENT_READ),
    Row("compliance:self-assessment-edit", "get", edit_args, MANAGEMENT_READ),
    Row("compliance:self-assessment-edit", "post", edit_args, MANAGEMENT_POST, data=lambda o: {"answer": "partly"}),
    Row(
        "compliance:self-assessment-copy",
        "post",
        lambda o: [],
        MANAGEMENT_POST,
        data=lambda o: {"facility": o["stay"].facility_id, "year": YEAR + 1},
    ),
    Row("compliance:self-assessment-copy", "get", lambda o: [], POST_ONLY_GET),
    Row("compliance:self-assessment-history", "get", lambda o: [_answer(o).pk], MANAGEMENT_READ),
    Row("compliance:self-assessment-file", "get", lambda o: [_answer(o, with_file=True).pk], MANAGEMENT_READ),
]
