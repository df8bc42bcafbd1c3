"""The objects of the permission matrix, and the same set again for a stay the attacker must not reach (IDOR tests).

``object_set`` builds what every matrix row's ``args`` callable may take (tests/permissions.py): a stay with its
care team, a consent, an external contact, a stored document (without WeasyPrint: the matrix is about access), a
patient link and its token, and ``other_user``, a clinician of the same facility who is not on the team. The matrix
builds it for the shared stay; tests/test_idor.py builds it twice more: for a stay in another facility with that
facility's team, and for a stay of another team in the same facility.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from patients import services
from patients.models import ConsentKind, ContactKind, DocumentKind, ExternalContact, LinkPurpose, TeamFunction
from patients.services import RenderedDocument
from staff.models import Profession
from tests.factories import UserFactory


def object_set(*, stay, lead, social_worker, other_user) -> dict:
    """The shared objects of one stay (``lead`` and ``social_worker`` are on its care team)."""
    consent = services.consent_give(
        by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 11, 3)
    )
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    document = services.document_store(
        by=lead,
        stay=stay,
        kind=DocumentKind.INVITATION_LETTER,
        rendered=RenderedDocument(filename="einladung.pdf", content_type="application/pdf", content=b"%PDF-1.7\n"),
    )
    link, token = services.patient_link_create(by=lead, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
    return {
        "stay": stay,
        "membership": stay.care_team.get(user=social_worker),
        "consent": consent,
        "contact": contact,
        "document": document,
        "link": link,
        "token": token,
        "other_user": other_user,
    }


def team_of(facility, prefix: str) -> tuple:
    """A psychologist, a social worker and a physician of ``facility`` (usernames start with ``prefix``)."""
    lead = UserFactory(username=f"{prefix}-psych", profession=Profession.PSYCHOLOGIST, facilities=[facility])
    social = UserFactory(username=f"{prefix}-social", profession=Profession.SOCIAL_WORKER, facilities=[facility])
    physician = UserFactory(username=f"{prefix}-doc", profession=Profession.PHYSICIAN, facilities=[facility])
    return lead, social, physician


def stay_with_team(make_stay, *, facility, lead, social_worker):
    return make_stay(
        facility=facility,
        team=[(lead, TeamFunction.PRIMARY_THERAPIST), (social_worker, TeamFunction.SOCIAL_WORKER)],
    )


# Tables a refused request may touch without writing patient data: the session, the audit log (checked on its own),
# django-axes' login records and the two-factor device's last use.
NOT_PATIENT_DATA = {"sessions.session", "wmr.auditentry", "otp_totp.totpdevice", "otp_static.staticdevice"}


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def database_fingerprint() -> dict[str, list]:
    """Every row of every table holding app data, to show that a refused request wrote nothing."""
    fingerprint = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_PATIENT_DATA or model._meta.app_label == "axes" or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        fingerprint[label] = [tuple(_plain(value) for value in row) for row in rows]
    return fingerprint


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])
