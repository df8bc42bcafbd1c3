"""Instrument versions as data (I-1 … I-6, T7, T10), facility settings (F-3, R-4, T9) and the instrument pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from patients.models import DepartmentCode
from screening.errors import InstrumentLocked, InvalidDefinition
from screening.instruments.loader import load_definition
from screening.models import InstrumentVersion, ScreeningResult, ScreeningSetting
from screening.selectors import setting_for
from screening.services.instruments import (
    SettingRefused,
    UnofficialInstrumentRefused,
    instrument_import,
    instrument_update,
    setting_set,
)
from screening.services.results import result_record
from wmr.models import AuditEntry

T3 = {
    "age": 45,
    "employment_status": "part_time",
    "sick_leave_now": "yes",
    "sick_leave_12m": "none",
    "limitation": 5,
    "prognosis": "stay_in_job",
    "motivation": "no",
}


def simbo_demo() -> InstrumentVersion:
    return InstrumentVersion.objects.get(code="simbo_c", version="DEMO-1")


def new_version(name: str = "clinic entry 2026-01") -> dict:
    data = load_definition("simbo_c_demo_1")
    data["version"] = name
    return data


def paths(exc: InvalidDefinition) -> list[str]:
    return [path for path, _message in exc.errors]


@pytest.mark.django_db
def test_the_three_demo_definitions_ship_as_unofficial_instrument_versions():
    shipped = InstrumentVersion.objects.filter(version="DEMO-1")
    assert sorted(shipped.values_list("code", flat=True)) == ["sibar", "simbo_c", "wuerzburg"]
    assert not any(instrument.is_official for instrument in shipped)
    assert simbo_demo().definition == load_definition("simbo_c_demo_1")


@pytest.mark.django_db
def test_the_default_contraindications_are_seeded_in_german_and_english():
    from screening.models import Contraindication

    seeded = {c.code: c for c in Contraindication.objects.all()}
    assert {"unrealistic_rtw_prospect", "medical_instability", "other"} <= set(seeded)
    assert seeded["other"].needs_text
    assert seeded["medical_instability"].label_de == "Medizinische Instabilität"
    assert seeded["medical_instability"].label_en == "Medical instability"


def test_a_valid_definition_is_imported_with_an_audit_row(admin_user):
    instrument = instrument_import(by=admin_user, data=new_version())
    assert (instrument.code, instrument.version, instrument.is_official) == ("simbo_c", "clinic entry 2026-01", False)
    assert instrument.created_by == admin_user
    assert AuditEntry.objects.filter(action="screening.instrument.imported", object_id=str(instrument.pk)).exists()


def test_duplicate_item_ids_are_rejected_at_the_item_and_nothing_is_stored(admin_user):
    data = new_version()
    data["items"][1]["code"] = data["items"][0]["code"]
    before = InstrumentVersion.objects.count()
    with pytest.raises(InvalidDefinition) as exc:
        instrument_import(by=admin_user, data=data)
    assert "items[1].code" in paths(exc.value)
    assert InstrumentVersion.objects.count() == before


def test_missing_points_of_an_option_are_reported_with_their_path(admin_user):
    data = new_version()
    del data["items"][1]["options"][2]["points"]
    with pytest.raises(InvalidDefinition) as exc:
        instrument_import(by=admin_user, data=data)
    assert "items[1].options[2].points" in paths(exc.value)


def test_t7_a_scale_whose_items_cannot_reach_its_declared_maximum_is_rejected(admin_user):
    data = new_version()
    data["items"][-1]["options"][-1]["points"] = 5  # motivation "yes" 10 → 5: the items reach 95, max says 100
    with pytest.raises(InvalidDefinition) as exc:
        instrument_import(by=admin_user, data=data)
    assert "scales[0].max" in paths(exc.value)


def test_the_same_code_and_version_cannot_be_imported_twice(admin_user):
    with pytest.raises(InvalidDefinition) as exc:
        instrument_import(by=admin_user, data=load_definition("simbo_c_demo_1"))
    assert paths(exc.value) == ["version"]


def test_t10_a_version_with_results_is_immutable_and_a_new_version_is_accepted(admin_user, stay):
    instrument = simbo_demo()
    result_record(stay=stay, instrument=instrument, answers=T3, rule=None, preset_code="", channel="staff")
    changed = load_definition("simbo_c_demo_1")
    changed["items"][1]["options"][4]["points"] = 14
    with pytest.raises(InstrumentLocked):
        instrument_update(by=admin_user, instrument=instrument, data=changed)
    instrument.refresh_from_db()
    assert instrument.definition == load_definition("simbo_c_demo_1")
    assert AuditEntry.objects.filter(action="screening.instrument.change_refused").exists()

    changed["version"] = "DEMO-2"
    changed["items"][1]["options"][4]["points"] = 15  # keep the 0–100 span valid
    assert instrument_import(by=admin_user, data=changed).version == "DEMO-2"


def test_a_version_without_results_may_still_be_changed(admin_user):
    instrument = instrument_import(by=admin_user, data=new_version())
    changed = new_version()
    changed["name_en"] = "SIMBO-C (clinic entry)"
    instrument_update(by=admin_user, instrument=instrument, data=changed)
    instrument.refresh_from_db()
    assert instrument.name_en == "SIMBO-C (clinic entry)"
    assert AuditEntry.objects.filter(action="screening.instrument.changed", object_id=str(instrument.pk)).exists()


# --- settings ------------------------------------------------------------------------------------------------------


def _set(admin_user, facility, preset, day=dt.date(2026, 1, 1), **kwargs):
    return setting_set(
        by=admin_user,
        facility=facility,
        department_code=DepartmentCode.PSYCHOSOMATICS,
        instrument=simbo_demo(),
        preset_code=preset,
        effective_from=day,
        **kwargs,
    )


def test_a_setting_stores_a_frozen_copy_of_the_preset_rule_with_an_audit_row(admin_user, facility):
    saved = _set(admin_user, facility, "simbo_27")
    assert saved.setting.rule == {"preset": "simbo_27", "threshold": {"scale": "total", "op": ">=", "value": 27}}
    assert saved.warnings  # simbo_27's note (confirmed for mental disorders) is shown
    assert AuditEntry.objects.filter(action="screening.setting.changed", object_id=str(saved.setting.pk)).exists()


def test_simbo_32_warns_in_psychosomatics_but_is_stored(admin_user, facility):
    saved = _set(admin_user, facility, "simbo_32", language="en")
    assert saved.setting.pk
    assert any("psychosomatic" in warning for warning in saved.warnings)


@pytest.mark.parametrize("value", [19, 31, None])
def test_a_custom_simbo_cut_off_outside_20_to_30_is_refused(admin_user, facility, value):
    with pytest.raises(SettingRefused):
        _set(admin_user, facility, "simbo_custom_20_30", custom_value=value)
    assert not ScreeningSetting.objects.exists()


def test_a_custom_simbo_cut_off_becomes_total_at_least_x(admin_user, facility):
    rule = _set(admin_user, facility, "simbo_custom_20_30", custom_value=24).setting.rule
    assert rule == {"preset": "simbo_custom_20_30", "threshold": {"scale": "total", "op": ">=", "value": 24}}


def test_an_unknown_preset_is_refused(admin_user, facility):
    with pytest.raises(SettingRefused):
        _set(admin_user, facility, "simbo_99")


def test_a_production_installation_refuses_an_unofficial_instrument(admin_user, facility, settings):
    settings.PRODUCTION = True
    with pytest.raises(UnofficialInstrumentRefused):
        _set(admin_user, facility, "simbo_27")
    assert not ScreeningSetting.objects.exists()


def test_t9_a_stored_result_keeps_status_and_frozen_rule_when_the_facility_switches_preset(admin_user, stay):
    _set(admin_user, stay.facility, "simbo_27", day=dt.date(2026, 1, 1))
    setting = setting_for(stay, dt.date(2026, 11, 3))
    stored = result_record(
        stay=stay,
        instrument=setting.instrument,
        answers=T3,
        rule=setting.rule,
        preset_code=setting.preset_code,
        channel="staff",
        by=admin_user,
    )
    assert (stored.status, stored.total) == ("positive", 27)
    _set(admin_user, stay.facility, "simbo_gt30", day=dt.date(2026, 11, 4))
    assert setting_for(stay, dt.date(2026, 11, 5)).preset_code == "simbo_gt30"
    stored = ScreeningResult.objects.get(pk=stored.pk)
    assert stored.status == "positive"
    assert stored.preset_code == "simbo_27"
    assert stored.rule["threshold"] == {"scale": "total", "op": ">=", "value": 27}


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_detail_page_shows_points_rule_and_the_demo_banner(client_for, treating_psychologist):
    response = client_for(treating_psychologist).get(reverse("screening:instrument-detail", args=[simbo_demo().pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="demo-banner"' in page
    assert "total ≥ 27" in page
    assert "Ich bin arbeitslos. → 15" in page


def test_an_official_version_shows_no_demo_banner(client_for, admin_user, treating_psychologist):
    data = new_version("licensed 2026")
    data["is_official"] = True
    instrument = instrument_import(by=admin_user, data=data)
    response = client_for(treating_psychologist).get(reverse("screening:instrument-detail", args=[instrument.pk]))
    assert 'data-testid="demo-banner"' not in response.content.decode()


def test_the_import_page_takes_pasted_yaml(client_for, admin_user):
    import yaml

    text = yaml.safe_dump(new_version("yaml 2026"), allow_unicode=True)
    response = client_for(admin_user).post(reverse("screening:instrument-import"), {"text": text})
    assert response.status_code == 302
    assert InstrumentVersion.objects.filter(code="simbo_c", version="yaml 2026").exists()


def test_the_import_page_takes_an_uploaded_json_file(client_for, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("def.json", json.dumps(new_version("file 2026")).encode(), "application/json")
    response = client_for(admin_user).post(reverse("screening:instrument-import"), {"file": upload})
    assert response.status_code == 302
    assert InstrumentVersion.objects.filter(version="file 2026").exists()


def test_the_import_page_lists_each_wrong_field_keeps_the_text_and_stores_nothing(client_for, admin_user):
    data = new_version("broken")
    data["items"][1]["code"] = data["items"][0]["code"]
    del data["items"][2]["points"]
    text = json.dumps(data, ensure_ascii=False)
    before = InstrumentVersion.objects.count()
    response = client_for(admin_user).post(reverse("screening:instrument-import"), {"text": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert "items[1].code" in page and "items[2].points" in page
    assert response.context["form"]["text"].value() == text
    assert InstrumentVersion.objects.count() == before


def test_unreadable_text_gets_a_message_not_a_500(client_for, admin_user):
    response = client_for(admin_user).post(reverse("screening:instrument-import"), {"text": "{ not json"})
    assert response.status_code == 200
    assert "JSON" in response.content.decode()


def test_the_settings_page_saves_a_setting_warns_and_shows_the_history(client_for, admin_user, facility):
    client = client_for(admin_user)
    url = reverse("screening:setting-create", args=[facility.pk])
    data = {
        "department_code": "3100",
        "instrument": simbo_demo().pk,
        "preset_code": "simbo_32",
        "screening_due_day": 7,
        "effective_from": "2026-01-01",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]
    assert ScreeningSetting.objects.get(facility=facility).preset_code == "simbo_32"
    assert "total ≥ 32" in response.content.decode()


def test_the_settings_form_refuses_a_custom_cut_off_out_of_range_and_keeps_the_input(client_for, admin_user, facility):
    url = reverse("screening:setting-create", args=[facility.pk])
    data = {
        "department_code": "3197",
        "instrument": simbo_demo().pk,
        "preset_code": "simbo_custom_20_30",
        "custom_value": 35,
        "screening_due_day": 7,
        "effective_from": "2026-01-01",
    }
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["custom_value"]
    assert not ScreeningSetting.objects.exists()


def test_an_admin_cannot_set_another_facilitys_screening(client_for, admin_user, other_facility):
    url = reverse("screening:setting-create", args=[other_facility.pk])
    assert client_for(admin_user).get(url).status_code == 404
