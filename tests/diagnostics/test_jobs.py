"""Job descriptions (rec 4.5): optional five-digit KldB 2010 code, source, earlier versions kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from diagnostics.models import JobDescription
from diagnostics.services.jobs import job_description_save
from wmr.models import AuditEntry

DATA = {
    "job_title": "Kundenberater/in",
    "kldb_code": "",
    "hours_per_week": Decimal("38.5"),
    "shift_work": "two_shifts",
    "main_tasks": "Kundentelefonie, Beschwerden bearbeiten",
    "physical_demands": "",
    "mental_demands": "hoher Zeitdruck",
    "source": "patient_interview",
    "source_note": "",
    "recorded_on": dt.date(2026, 11, 3),
}


def test_a_job_description_without_kldb_code_is_stored(stay, social_worker):
    job = job_description_save(by=social_worker, stay=stay, data=DATA)
    assert job.kldb_code == ""
    assert AuditEntry.objects.filter(action="diagnostics.job.created", object_id=str(job.pk)).exists()


@pytest.mark.parametrize("code", ["7132", "713201", "71a32"])
def test_a_kldb_code_must_have_exactly_five_digits(stay, social_worker, code):
    with pytest.raises(ValidationError) as refused:
        job_description_save(by=social_worker, stay=stay, data={**DATA, "kldb_code": code})
    assert "kldb_code" in refused.value.message_dict
    assert not JobDescription.objects.exists()


def test_a_five_digit_kldb_code_is_accepted(stay, social_worker):
    assert job_description_save(by=social_worker, stay=stay, data={**DATA, "kldb_code": "71402"}).kldb_code == "71402"


def test_changing_a_job_description_keeps_the_earlier_version(stay, social_worker, treating_psychologist):
    job = job_description_save(by=social_worker, stay=stay, data=DATA)
    job_description_save(by=treating_psychologist, stay=stay, job=job, data={**DATA, "source": "company"})
    versions = list(job.history.order_by("history_date"))
    assert [v.source for v in versions] == ["patient_interview", "company"]
    assert versions[-1].history_user == treating_psychologist
    assert AuditEntry.objects.get(action="diagnostics.job.changed").data == {"fields": ["source"]}


def test_a_job_description_of_another_stay_is_never_changed_under_this_stay(make_stay, social_worker):
    stay, other = make_stay(), make_stay()
    job = job_description_save(by=social_worker, stay=other, data=DATA)
    with pytest.raises(ValueError, match="another stay"):
        job_description_save(by=social_worker, stay=stay, job=job, data={**DATA, "job_title": "x"})
    job.refresh_from_db()
    assert job.job_title == "Kundenberater/in"
