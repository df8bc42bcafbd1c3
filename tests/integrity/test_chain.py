"""The hash chains: built in id order, verified, broken by a row changed or deleted directly in the database (the
first broken link named with table, id, expected and found), erased documents not a break, sealing idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from integrity import chain, services
from integrity.models import AuditSeal, DocumentSeal, SealIsAppendOnly, Verification
from tests.integrity.conftest import POSTGRESQL, postgresql_only, run_verify, tamper
from wmr import audit
from wmr.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_pure_hash_is_canonical_and_depends_on_the_previous_link():
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    payload = {"b": 1, "a": {"y": [1, 2], "x": "ä"}, "at": at}
    assert chain.canonical(payload) == '{"a":{"x":"ä","y":[1,2]},"at":"2026-03-01T09:30:00.000000+00:00","b":1}'
    assert chain.link_hash(chain.GENESIS, payload) != chain.link_hash("1" * 64, payload)
    assert chain.link_hash(chain.GENESIS, payload) == chain.link_hash(chain.GENESIS, dict(reversed(payload.items())))


def test_the_chain_is_built_in_id_order_and_verifies(entries):
    count = AuditEntry.objects.count()
    assert services.seal_audit() == count

    seals = list(AuditSeal.objects.order_by("position"))
    assert [s.position for s in seals] == list(range(1, count + 1))
    assert [s.entry_id for s in seals] == sorted(AuditEntry.objects.values_list("pk", flat=True))
    assert seals[0].prev_hash == chain.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(seals, seals[1:], strict=False))

    ok, out = run_verify("--no-record")
    assert ok, out
    assert f"Audit chain: {count:,} entries sealed, intact; 0 not yet sealed" in out
    assert "Documents: 0 sealed, intact; 0 erased; 0 not yet sealed" in out


def test_sealing_is_idempotent_and_new_rows_count_as_not_yet_sealed_until_the_next_run(entries, stay):
    first = services.seal_audit()
    assert services.seal_audit() == 0
    audit.log(stay, "patients.stay.viewed", data={"later": True})
    audit.log(stay, "patients.stay.viewed", data={"later": True})

    ok, out = run_verify("--no-record")
    assert ok
    assert f"Audit chain: {first:,} entries sealed, intact; 2 not yet sealed" in out

    assert services.seal_audit() == 2
    ok, out = run_verify("--no-record")
    assert ok
    assert f"Audit chain: {first + 2:,} entries sealed, intact; 0 not yet sealed" in out


def test_a_row_changed_directly_in_the_database_is_reported_by_id_and_the_command_fails(entries):
    services.seal_audit()
    victim = entries[2]
    tamper("wmr_auditentry", "UPDATE wmr_auditentry SET data = %s WHERE id = %s", ['{"tab": 99}', victim.pk])

    ok, out = run_verify("--no-record")

    assert not ok
    assert "Audit chain: BROKEN (1 problem(s)" in out
    assert f"wmr_auditentry row {victim.pk} does not match its seal" in out
    seal = AuditSeal.objects.get(entry_id=victim.pk)
    assert f"expected: {seal.hash}" in out
    report = services.verify()
    assert [(p["code"], p["id"]) for p in report.audit.first] == [("altered", victim.pk)]
    assert report.documents.intact


def test_a_changed_time_or_user_is_reported_too(entries, other_team_clinician):
    services.seal_audit()
    tamper("wmr_auditentry", "UPDATE wmr_auditentry SET user_id = %s WHERE id = %s", [other_team_clinician.pk,
                                                                                       entries[0].pk])  # fmt: skip
    report = services.verify()
    assert [(p["code"], p["id"]) for p in report.audit.first] == [("altered", entries[0].pk)]


def test_a_row_deleted_in_the_middle_is_reported(entries):
    services.seal_audit()
    victim = entries[2]
    tamper("wmr_auditentry", "DELETE FROM wmr_auditentry WHERE id = %s", [victim.pk])

    ok, out = run_verify("--no-record")

    assert not ok
    assert f"wmr_auditentry row {victim.pk}, sealed at #" in out
    assert "is missing (deleted)" in out
    assert [(p["code"], p["id"]) for p in services.verify().audit.first] == [("deleted", victim.pk)]


def test_a_row_deleted_with_its_seal_breaks_the_next_link(entries):
    services.seal_audit()
    victim, after = entries[2], entries[3]
    tamper("wmr_auditentry", "DELETE FROM wmr_auditentry WHERE id = %s", [victim.pk])
    tamper("integrity_auditseal", "DELETE FROM integrity_auditseal WHERE entry_id = %s", [victim.pk])

    report = services.verify()

    assert [(p["code"], p["id"]) for p in report.audit.first] == [("gap", after.pk)]


def test_a_seal_rewritten_to_match_a_changed_row_breaks_the_next_link(entries):
    """The attacker recomputes the changed row's link; the next link still points at the old hash."""
    services.seal_audit()
    victim, after = entries[2], entries[3]
    tamper("wmr_auditentry", "UPDATE wmr_auditentry SET data = %s WHERE id = %s", ['{"tab": 99}', victim.pk])
    seal = AuditSeal.objects.get(entry_id=victim.pk)
    row = AuditEntry.objects.filter(pk=victim.pk).values(*chain.AUDIT_FIELDS).get()
    forged = chain.link_hash(seal.prev_hash, chain.audit_payload(row, position=seal.position, sealed_at=seal.sealed_at))
    tamper("integrity_auditseal", "UPDATE integrity_auditseal SET hash = %s WHERE id = %s", [forged, seal.pk])

    report = services.verify()

    assert [(p["code"], p["id"]) for p in report.audit.first] == [("link", after.pk)]


def test_a_cut_off_tail_is_reported_against_the_head_the_last_verification_saw(entries):
    services.seal_audit()
    services.record(services.verify(), trigger="test")
    last = AuditSeal.objects.order_by("-position").first()
    tamper("integrity_auditseal", "DELETE FROM integrity_auditseal WHERE id = %s", [last.pk])
    tamper("wmr_auditentry", "DELETE FROM wmr_auditentry WHERE id = %s", [last.entry_id])

    report = services.verify()

    assert [(p["code"], p["position"]) for p in report.audit.first] == [("truncated", last.position)]


def make_entry(pk: int) -> AuditEntry:
    """An audit row with a chosen id (as a transaction committing late leaves it); bulk_create, since save refuses
    a row with a primary key."""
    return AuditEntry.objects.bulk_create([AuditEntry(id=pk, action="patients.stay.viewed")])[0]


def test_a_late_committed_row_below_the_sealed_ids_is_sealed_later_and_the_full_sweep_finds_old_ones(
    entries, monkeypatch
):
    services.seal_audit()
    top = AuditSeal.objects.order_by("-entry_id").first().entry_id
    late = make_entry(top + 1000)
    services.seal_audit()
    # a row committed after later ones: an id below the highest sealed one
    gap_id = top + 500
    make_entry(gap_id)
    assert services.seal_audit() == 1
    assert AuditSeal.objects.order_by("-position").first().entry_id == gap_id  # chained after `late`

    monkeypatch.setattr(services, "AUDIT_LOOKBACK", 10)
    very_late = make_entry(top + 400)
    assert services.seal_audit() == 0  # outside the window of the minute job
    assert services.verify().audit.unsealed == 1
    assert services.seal_audit(full=True) == 1
    report = services.verify()
    assert report.intact and report.audit.unsealed == 0
    assert AuditSeal.objects.filter(entry_id__in=[late.pk, very_late.pk]).count() == 2


def test_sealing_in_small_batches_gives_the_same_chain(entries):
    count = AuditEntry.objects.count()
    assert services.seal_audit(batch=2) == count
    assert services.verify().intact
    assert AuditSeal.objects.count() == count


def test_seals_are_append_only(entries):
    services.seal_audit()
    seal = AuditSeal.objects.first()
    seal.hash = "0" * 64
    with pytest.raises(SealIsAppendOnly):
        seal.save()
    with pytest.raises(SealIsAppendOnly):
        seal.delete()
    with pytest.raises(SealIsAppendOnly):
        AuditSeal.objects.update(hash="x")
    with pytest.raises(SealIsAppendOnly):
        DocumentSeal.objects.all().delete()
    with pytest.raises(SealIsAppendOnly):
        Verification.objects.all().delete()


def test_a_second_link_after_the_same_head_is_refused_by_the_database(entries):
    """A sealer that read a stale head (no lock, SQLite) cannot fork the chain: position and prev_hash are unique."""
    services.seal_audit()
    head = AuditSeal.objects.order_by("-position").first()
    extra = AuditEntry.objects.create(action="patients.stay.viewed")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(position=head.position, entry_id=extra.pk, prev_hash=head.prev_hash, hash="f" * 64)


@postgresql_only
@pytest.mark.parametrize("table", ["integrity_auditseal", "integrity_documentseal", "integrity_verification"])
def test_postgresql_rejects_raw_updates_and_deletes_of_the_integrity_tables(table, entries, stay, store_document):
    from django.db import DatabaseError

    store_document(stay)
    services.seal_all()
    services.record(services.verify(), trigger="test")
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditSeal.objects.exists() and DocumentSeal.objects.exists() and Verification.objects.exists()


def test_the_request_path_writes_no_seal(stay, treating_psychologist, client_for):
    from django.urls import reverse

    client_for(treating_psychologist).get(reverse("cases:overview", args=[stay.pk]))
    assert AuditEntry.objects.filter(action="patients.stay.viewed").exists()
    assert not AuditSeal.objects.exists()
    assert not POSTGRESQL or connection.vendor == "postgresql"
