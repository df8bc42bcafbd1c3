"""The beat jobs (sealing every minute, the nightly verification that notifies privacy officers and admins when a
chain is broken, with an audit row) and the page for privacy officers and admins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from integrity import services, tasks
from integrity.models import AuditSeal, Verification
from tests.conftest import login
from tests.integrity.conftest import postgresql_only, run_verify, tamper
from wmr import audit
from wmr.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def test_the_minute_job_seals_and_is_idempotent(entries):
    assert tasks.seal()["audit"] == AuditEntry.objects.count()
    assert tasks.seal() == {"audit": 0, "documents": 0}


def test_the_nightly_job_records_an_intact_chain_with_an_audit_row_and_notifies_nobody(entries, privacy_officer):
    result = tasks.verify_chains()
    verification = Verification.objects.get()
    assert result == {"intact": True, "verification": verification.pk}
    assert verification.trigger == "nightly"
    assert verification.audit_unsealed == 0
    row = AuditEntry.objects.get(action="integrity.chain.verified")
    assert row.object_id == str(verification.pk) and row.data["intact"] is True
    assert not Notification.objects.exists()


def test_a_broken_chain_notifies_privacy_officers_and_admins_once_a_day_with_an_audit_row(
    entries, privacy_officer, admin_user, treating_psychologist, manager
):
    services.seal_all()
    tamper("wmr_auditentry", "UPDATE wmr_auditentry SET action = %s WHERE id = %s", ["x.y.z", entries[1].pk])

    assert tasks.verify_chains()["intact"] is False
    tasks.verify_chains()

    notified = Notification.objects.filter(key__startswith="integrity-broken-")
    assert sorted(n.user.username for n in notified) == sorted([privacy_officer.username, admin_user.username])
    assert all(n.url == reverse("integrity:status") for n in notified)
    assert str(entries[1].pk) in notified.first().body
    broken = AuditEntry.objects.filter(action="integrity.chain.broken")
    assert broken.count() == 2
    assert broken.first().data["first"][0]["id"] == entries[1].pk
    assert Verification.objects.filter(intact=False).count() == 2


def test_the_command_records_its_result_and_repairs_nothing(entries):
    services.seal_all()
    tamper("wmr_auditentry", "UPDATE wmr_auditentry SET path = %s WHERE id = %s", ["/forged/", entries[0].pk])
    seals = list(AuditSeal.objects.values_list("hash", flat=True))

    ok, _out = run_verify()

    assert not ok
    assert list(AuditSeal.objects.values_list("hash", flat=True)) == seals
    assert AuditEntry.objects.get(pk=entries[0].pk).path == "/forged/"
    assert Verification.objects.get().intact is False


def test_the_page_shows_the_last_verification_to_the_privacy_officer_and_logs_the_read(entries, privacy_officer):
    services.seal_all()
    services.record(services.verify(), trigger="test")
    client = login(privacy_officer, "en")

    response = client.get(reverse("integrity:status"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="integrity-intact"' in html
    assert "Not yet sealed" in html
    assert AuditEntry.objects.filter(action="integrity.status.viewed", user=privacy_officer).count() == 1


def test_the_page_lists_the_broken_links(entries, admin_user):
    services.seal_all()
    tamper("wmr_auditentry", "DELETE FROM wmr_auditentry WHERE id = %s", [entries[3].pk])
    services.record(services.verify(), trigger="test")

    with translation.override("en"):
        html = login(admin_user, "en").get(reverse("integrity:status")).content.decode()

    assert 'data-testid="integrity-broken"' in html
    assert f"wmr_auditentry row {entries[3].pk}, sealed at #" in html


def test_the_page_before_any_verification(privacy_officer):
    html = login(privacy_officer, "en").get(reverse("integrity:status")).content.decode()
    assert 'data-testid="integrity-none"' in html


def test_verify_now_queues_the_nightly_task(privacy_officer, django_capture_on_commit_callbacks, monkeypatch):
    from wmr.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)  # the PostgreSQL run has a broker: run it here
    client = login(privacy_officer, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrity:verify"))
    assert response.status_code == 302
    assert Verification.objects.filter(trigger="nightly").count() == 1


def test_clinicians_and_management_get_404(treating_psychologist, manager):
    for user in (treating_psychologist, manager):
        assert login(user).get(reverse("integrity:status")).status_code == 404


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sealing_runs_at_once_take_turns_and_build_one_chain(stay, treating_psychologist):
    for n in range(300):
        audit.log(stay, "patients.stay.viewed", user=treating_psychologist, data={"n": n})
    results, errors = [], []

    def run():
        try:
            results.append(services.seal_audit(batch=50))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == AuditEntry.objects.count()
    assert AuditSeal.objects.count() == AuditEntry.objects.count()
    assert services.verify().intact
