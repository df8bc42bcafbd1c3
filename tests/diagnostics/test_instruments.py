"""Profile instruments as data (mini_icf_app.md §8, D-1 … D-7; S-4 rating checks; E5, E7, E13)."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from diagnostics.instruments import (
    DEMO_MARK,
    SHIPPED,
    DefinitionRejected,
    RatingInvalid,
    definition_from_dict,
    load_shipped,
    validate_definition,
    validate_rating,
)
from diagnostics.models import ProfileInstrument
from diagnostics.services.instruments import (
    InstrumentLocked,
    InstrumentNotUsable,
    instrument_change,
    instrument_import,
    instrument_require_usable,
    instrument_usable,
)
from tests.diagnostics.conftest import make_profile
from wmr.models import AuditEntry


@pytest.fixture
def mini_data():
    return load_shipped(SHIPPED[0])


@pytest.fixture
def mini(mini_data):
    return definition_from_dict(mini_data)


@pytest.fixture
def melba():
    return definition_from_dict(load_shipped(SHIPPED[1]))


def errors_en(data):
    with translation.override("en"):
        return validate_definition(data)


# -- the shipped definitions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_definition_is_valid(path):
    assert validate_definition(load_shipped(path)) == []


def test_mini_icf_app_has_the_13_published_dimensions_in_order(mini):
    assert [d.number for d in mini.dimensions] == list(range(1, 14))
    assert mini.dimension_codes[:3] == ("rules_routines", "planning", "flexibility")
    assert mini.dimension_codes[-1] == "mobility"
    assert mini.dimension("endurance").name("de") == "Widerstands- und Durchhaltefähigkeit"
    assert mini.dimension("endurance").name("en") == "endurance and resilience"


def test_mini_icf_app_rates_impairment_0_to_4_with_the_generic_labels_and_empty_anchors(mini):
    scale = mini.scale("capacity")
    assert (scale.min, scale.max, mini.direction) == (0, 4, "impairment")
    assert scale.labels("en")[0] == (0, "no impairment")
    assert scale.labels("de")[4] == (4, "vollständige Beeinträchtigung")
    assert scale.anchors("planning") == {0: "", 1: "", 2: "", 3: "", 4: ""}


def test_the_demand_scale_is_the_product_scale_and_never_called_mini_icf_app_w(mini_data, mini):
    assert mini.demand.name("en") == "WMR app demand scale"
    assert mini.demand.name("de") == "WMR-App-Anforderungsskala"
    assert mini.demand.not_relevant_value == 0
    assert "Mini-ICF-APP-W" not in str(mini_data)


def test_mini_icf_app_is_official_with_a_licence_note_about_the_manual(mini):
    assert mini.is_official
    assert "manual" in mini.licence_note and "Manual" in mini.licence_note
    assert (mini.underload_min_reserve, mini.rule_version) == (2, "WMR app comparison rule v1")


def test_the_melba_demo_has_29_placeholder_items_rated_1_to_5_as_ability_without_not_relevant(melba):
    assert len(melba.dimensions) == 29
    assert {d.group for d in melba.dimensions} == {"demo"}
    assert melba.dimension("item_01").name("de") == "Merkmal 1"
    assert melba.dimensions[-1].name("de") == "Merkmal 29"
    assert (melba.capacity.min, melba.capacity.max, melba.demand.min, melba.demand.max) == (1, 5, 1, 5)
    assert melba.direction == "ability" and melba.demand.not_relevant_value is None
    assert not melba.is_official


def test_the_imba_demo_has_70_items_in_the_9_published_group_sizes():
    imba = definition_from_dict(load_shipped(SHIPPED[2]))
    sizes = {}
    for dimension in imba.dimensions:
        sizes[dimension.group] = sizes.get(dimension.group, 0) + 1
    assert list(sizes.values()) == [6, 3, 5, 10, 6, 7, 2, 7, 24]
    assert len(imba.dimensions) == 70 and not imba.is_official


@pytest.mark.parametrize("path", SHIPPED[1:], ids=lambda p: p.name)
def test_every_demo_definition_says_so_in_every_display_name(path):
    data = load_shipped(path)
    assert DEMO_MARK in data["name_de"] and DEMO_MARK in data["name_en"]


def test_the_data_migration_created_the_three_instrument_versions(db):
    rows = {(i.code, i.version, i.is_official) for i in ProfileInstrument.objects.all()}
    assert {("mini_icf_app", "1", True), ("melba", "DEMO-1", False), ("imba", "DEMO-1", False)} <= rows
    stored = ProfileInstrument.objects.get(code="mini_icf_app")
    assert stored.definition == load_shipped(SHIPPED[0])
    assert stored.name_en == "Mini-ICF-APP" and "Manual" in stored.licence_note


# -- normalisation (D-2, K-1) ---------------------------------------------------------------------------------------


def test_capacity_level_inverts_an_impairment_rating(mini):
    assert [mini.capacity_level(i) for i in range(5)] == [4, 3, 2, 1, 0]


def test_capacity_level_keeps_an_ability_rating(melba):
    assert [melba.capacity_level(r) for r in range(1, 6)] == [1, 2, 3, 4, 5]


def test_scales_with_a_different_number_of_levels_are_rejected_without_a_mapping(mini_data):
    data = copy.deepcopy(mini_data)
    data["demand_scale"]["max"] = 5
    data["demand_scale"]["levels"].append({"value": 5, "label_de": "x", "label_en": "x"})
    assert any(error.startswith("level_mapping:") for error in errors_en(data))


def test_scales_with_a_different_number_of_levels_work_with_an_explicit_mapping(mini_data):
    data = copy.deepcopy(mini_data)
    data["demand_scale"]["max"] = 5
    data["demand_scale"]["levels"].append({"value": 5, "label_de": "x", "label_en": "x"})
    data["level_mapping"] = {"0": 5, "1": 4, "2": 2, "3": 1, "4": 0}
    assert errors_en(data) == []
    assert definition_from_dict(data).capacity_level(2) == 2
    assert definition_from_dict(data).capacity_level(0) == 5


def test_a_mapping_must_cover_every_capacity_rating_and_land_on_the_demand_scale(mini_data):
    data = copy.deepcopy(mini_data)
    data["level_mapping"] = {"0": 4, "1": 9}
    errors = errors_en(data)
    assert "level_mapping: Must map every capacity rating to a level of the demand scale." in errors
    assert "level_mapping.1: Must be a level of the demand scale." in errors


# -- schema errors ---------------------------------------------------------------------------------------------------


def test_the_schema_reports_every_wrong_field_with_its_path(mini_data):
    data = copy.deepcopy(mini_data)
    data["direction"] = "sideways"
    data["dimensions"][1]["number"] = 7
    data["dimensions"][2]["code"] = "planning"
    data["dimensions"][3]["group"] = "nowhere"
    data["capacity_scale"]["levels"].pop()
    data["comparison"]["underload_min_reserve"] = 0
    data["typo"] = 1
    errors = errors_en(data)
    assert "direction: Must be one of: impairment, ability." in errors
    assert "dimensions[1].number: Dimensions are numbered 1, 2, 3 … in order; expected 2." in errors
    assert "dimensions[2].code: Code “planning” is used twice." in errors
    assert "dimensions[3].group: Unknown group “nowhere”." in errors
    assert "capacity_scale.levels: Give one level for every value from 0 to 4, in order." in errors
    assert "comparison.underload_min_reserve: Must be at least 1." in errors
    assert "typo: Unknown field." in errors


def test_an_unofficial_definition_without_the_demo_mark_is_rejected(mini_data):
    data = copy.deepcopy(mini_data)
    data["is_official"] = False
    assert any(error.startswith("name_de:") for error in errors_en(data))


def test_a_demo_version_cannot_be_official():
    data = load_shipped(SHIPPED[1])
    data["is_official"] = True
    assert "is_official: A DEMO version cannot be official." in errors_en(data)


def test_not_a_mapping_is_one_clear_error():
    assert errors_en([1, 2]) == ["Must be a mapping of fields."]


def test_definition_from_dict_refuses_an_invalid_definition(mini_data):
    data = copy.deepcopy(mini_data)
    del data["dimensions"]
    with pytest.raises(DefinitionRejected) as refused:
        definition_from_dict(data)
    assert refused.value.errors


# -- one rating (S-3, S-4, E5, E7) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 4, "3", " 2 ", 2.0])
def test_a_whole_number_on_the_scale_is_accepted(mini, value):
    assert validate_rating(mini, "capacity", "planning", value) == int(float(value))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "planning and structuring of tasks: the rating must lie between 0 and 4."),
        (-1, "planning and structuring of tasks: the rating must lie between 0 and 4."),
        (2.5, "planning and structuring of tasks: the rating must be a whole number."),
        ("2,5", "planning and structuring of tasks: the rating must be a whole number."),
        ("abc", "planning and structuring of tasks: the rating must be a whole number."),
        (True, "planning and structuring of tasks: the rating must be a whole number."),
    ],
)
def test_a_rating_off_the_scale_is_rejected_naming_the_dimension(mini, value, message):
    with translation.override("en"), pytest.raises(RatingInvalid) as refused:
        validate_rating(mini, "capacity", "planning", value)
    assert refused.value.message == message
    assert refused.value.dimension == "planning"


def test_the_message_names_the_dimension_in_the_users_language(mini):
    with translation.override("de"), pytest.raises(RatingInvalid) as refused:
        validate_rating(mini, "capacity", "planning", 5)
    assert "Planung und Strukturierung von Aufgaben" in refused.value.message


def test_null_without_a_reason_is_rejected(mini):
    with translation.override("en"), pytest.raises(RatingInvalid) as refused:
        validate_rating(mini, "capacity", "contact", None)
    assert refused.value.message.startswith("conversation and contact with others: enter a rating")


def test_not_assessable_needs_a_reason(mini):
    with translation.override("en"), pytest.raises(RatingInvalid) as refused:
        validate_rating(mini, "capacity", "contact", None, not_assessable=True, reason="  ")
    assert "give a reason" in refused.value.message


def test_not_assessable_with_a_reason_is_accepted_as_no_value(mini):
    assert validate_rating(mini, "capacity", "contact", "", not_assessable=True, reason="no observation") is None


def test_not_assessable_together_with_a_value_is_rejected(mini):
    with pytest.raises(RatingInvalid):
        validate_rating(mini, "capacity", "contact", 2, not_assessable=True, reason="why")


def test_an_unknown_dimension_is_rejected(mini):
    with pytest.raises(RatingInvalid):
        validate_rating(mini, "capacity", "juggling", 1)


def test_the_demand_scale_of_melba_starts_at_1(melba):
    with pytest.raises(RatingInvalid):
        validate_rating(melba, "demand", "item_01", 0)
    assert validate_rating(melba, "demand", "item_01", 5) == 5


# -- services (D-3, E13, D-7) ---------------------------------------------------------------------------------------


def test_a_new_version_is_imported_with_an_audit_row(db, treating_psychologist, mini_data):
    data = copy.deepcopy(mini_data)
    data["version"] = "2"
    data["dimensions"][0]["anchors"]["0"] = "Hält sich an Regeln"
    instrument = instrument_import(by=treating_psychologist, definition=data)
    assert (instrument.code, instrument.version, instrument.is_official) == ("mini_icf_app", "2", True)
    assert AuditEntry.objects.filter(action="diagnostics.instrument.imported").count() == 1


def test_an_existing_version_cannot_be_imported_again(db, mini_data):
    with translation.override("en"), pytest.raises(DefinitionRejected) as refused:
        instrument_import(by=None, definition=mini_data)
    assert refused.value.errors == [
        "version: Version “1” of “mini_icf_app” exists already; give the new version another name."
    ]


def test_an_invalid_definition_stores_nothing(db, mini_data):
    data = copy.deepcopy(mini_data)
    data["version"] = "3"
    data["direction"] = "up"
    with pytest.raises(DefinitionRejected):
        instrument_import(by=None, definition=data)
    assert not ProfileInstrument.objects.filter(code="mini_icf_app", version="3").exists()


def test_an_unused_version_can_be_changed(db, mini_data):
    data = copy.deepcopy(mini_data)
    data["version"] = "2"
    instrument = instrument_import(by=None, definition=data)
    data["dimensions"][0]["anchors"]["1"] = "leicht"
    changed = instrument_change(by=None, instrument=instrument, definition=data)
    assert changed.definition["dimensions"][0]["anchors"]["1"] == "leicht"


def test_a_version_used_by_a_profile_cannot_be_changed(stay, mini_icf, mini_data, treating_psychologist):
    make_profile(stay, mini_icf, "capacity", {"planning": 2})
    data = copy.deepcopy(mini_data)
    data["dimensions"][0]["anchors"]["1"] = "leicht"
    with pytest.raises(InstrumentLocked):
        instrument_change(by=treating_psychologist, instrument=mini_icf, definition=data)
    mini_icf.refresh_from_db()
    assert mini_icf.definition == mini_data
    assert AuditEntry.objects.filter(action="diagnostics.instrument.change_refused").count() == 1


def test_demo_definitions_cannot_be_used_in_production(settings, melba_demo, mini_icf):
    settings.PRODUCTION = True
    assert not instrument_usable(melba_demo)
    assert instrument_usable(mini_icf)
    with pytest.raises(InstrumentNotUsable):
        instrument_require_usable(melba_demo)


def test_demo_definitions_can_be_used_outside_production(settings, melba_demo):
    settings.PRODUCTION = False
    assert instrument_usable(melba_demo)
    instrument_require_usable(melba_demo)
