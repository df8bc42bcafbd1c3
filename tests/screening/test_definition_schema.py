"""Validation of instrument definitions (screening.md I-1 … I-5, T7): every wrong field is reported with its path and
a clear message, and every shipped DEMO definition is valid and marked as not official."""

import copy
import random

import pytest
from django.utils import translation

from screening.instruments import (
    DefinitionError,
    list_definitions,
    load_definition,
    score,
    validate_definition,
    validate_rule,
)


@pytest.fixture
def simbo():
    return load_definition("simbo_c_demo_1.json")


@pytest.fixture
def wuerzburg():
    return load_definition("wuerzburg_demo_1.json")


def errors_of(definition):
    """(path, message) of each error, with the English messages."""
    with translation.override("en"):
        return [(error.path, error.message) for error in validate_definition(definition)]


def paths_of(definition):
    return [error.path for error in validate_definition(definition)]


def item_index(definition, code):
    return next(index for index, item in enumerate(definition["items"]) if item["code"] == code)


# -- the shipped definitions ------------------------------------------------------------------------------------------


def test_the_three_demo_instruments_are_shipped():
    assert list_definitions() == ["sibar_demo_1.json", "simbo_c_demo_1.json", "wuerzburg_demo_1.json"]
    assert [load_definition(name)["code"] for name in list_definitions()] == ["sibar", "simbo_c", "wuerzburg"]


@pytest.mark.parametrize("name", list_definitions())
def test_every_shipped_definition_is_valid(name):
    assert validate_definition(load_definition(name)) == []


@pytest.mark.parametrize("name", list_definitions())
def test_every_shipped_definition_says_it_is_a_demo(name):
    definition = load_definition(name)

    assert definition["is_official"] is False
    assert definition["version"] == "DEMO-1"
    assert definition["name_de"].endswith("(DEMO – nicht offiziell)")
    assert definition["name_en"].endswith("(DEMO – not official)")
    assert "DEMO" in definition["licence_note"]
    assert "licensed" in definition["licence_note"]


@pytest.mark.parametrize("name", list_definitions())
def test_every_question_and_answer_has_a_german_and_an_english_label(name):
    for item in load_definition(name)["items"]:
        assert item["label_de"].strip() and item["label_en"].strip()
        for option in item.get("options", []):
            assert option["label_de"].strip() and option["label_en"].strip()


def test_the_simbo_c_demo_spans_0_to_100_with_its_cut_off_presets(simbo):
    assert (simbo["scales"][0]["code"], simbo["scales"][0]["min"], simbo["scales"][0]["max"]) == ("total", 0, 100)
    assert [preset["code"] for preset in simbo["cutoff_presets"]] == [
        "simbo_27",
        "simbo_32",
        "simbo_20_pre",
        "simbo_gt30",
    ]
    assert simbo["positivity_rule"] == {"preset": "simbo_27", "threshold": {"scale": "total", "op": ">=", "value": 27}}
    presets = {preset["code"]: preset for preset in simbo["cutoff_presets"]}
    assert presets["simbo_32"]["warn_de"] and presets["simbo_32"]["warn_en"]
    assert presets["simbo_gt30"]["note_de"] and presets["simbo_gt30"]["note_en"]


def test_the_wuerzburg_demo_is_the_clinic_variant_with_a_prognosis_scale_of_0_to_3(wuerzburg):
    assert wuerzburg["variant"] == "clinic"
    assert {scale["code"]: (scale["min"], scale["max"], len(scale["items"])) for scale in wuerzburg["scales"]} == {
        "prognosis": (0, 3, 3),
        "strain": (0, 3, 3),
        "interest": (0, 2, 2),
    }


def test_loading_gives_a_fresh_copy_and_only_shipped_files(simbo):
    simbo["items"].clear()

    assert load_definition("simbo_c_demo_1")["items"]
    with pytest.raises(FileNotFoundError):
        load_definition("../../settings.py")


# -- T7 and the reachable range (I-3) ---------------------------------------------------------------------------------


def test_t7_a_scale_whose_items_reach_only_95_of_a_declared_100_is_rejected(simbo):
    motivation = simbo["items"][item_index(simbo, "motivation")]
    motivation["options"][-1]["points"] = 5  # "yes" 10 → 5: the items now add up to at most 95

    assert errors_of(simbo) == [("scales[0].max", "The maximum is 100, but the items add up to at most 95.")]


def test_a_declared_minimum_the_items_cannot_reach_is_rejected(simbo):
    simbo["scales"][0]["min"] = 5

    assert errors_of(simbo) == [("scales[0].min", "The minimum is 5, but the items add up to at least 0.")]


def test_a_scale_may_not_list_an_unknown_item_or_one_item_twice(simbo):
    simbo["scales"][0]["items"] += ["height", "age"]

    assert errors_of(simbo) == [
        ("scales[0].items[7]", "Unknown item “height”."),
        ("scales[0].items[8]", "The item “age” is listed twice."),
    ]


# -- items and answer options (I-2) -----------------------------------------------------------------------------------


def test_duplicate_item_ids_are_rejected(simbo):
    simbo["items"].append(dict(simbo["items"][0]))

    assert errors_of(simbo) == [("items[7].code", "Duplicate item id “age”.")]


def test_an_answer_option_without_points_is_rejected_on_that_option(simbo):
    index = item_index(simbo, "employment_status")
    del simbo["items"][index]["options"][1]["points"]

    assert errors_of(simbo) == [(f"items[{index}].options[1].points", "This field is required.")]


@pytest.mark.parametrize("points", ["3", None, True, [3]])
def test_points_must_be_a_number(simbo, points):
    index = item_index(simbo, "employment_status")
    simbo["items"][index]["options"][1]["points"] = points

    assert errors_of(simbo) == [(f"items[{index}].options[1].points", "Must be a number.")]


def test_duplicate_answer_codes_are_rejected(simbo):
    index = item_index(simbo, "motivation")
    simbo["items"][index]["options"][2]["code"] = "no"

    assert (f"items[{index}].options[2].code", "Duplicate answer code “no”.") in errors_of(simbo)


def test_an_unknown_item_type_is_the_only_complaint_about_that_item(simbo):
    simbo["items"][1]["type"] = "multiple_choice"

    assert errors_of(simbo) == [("items[1].type", "Must be one of: choice, integer, yes_no.")]


def test_a_misspelt_field_is_reported_as_unknown(simbo):
    option = simbo["items"][1]["options"][0]
    option["point"] = option.pop("points")

    assert paths_of(simbo) == ["items[1].options[0].points", "items[1].options[0].point"]


def test_a_yes_no_item_needs_points_for_yes_and_for_no(simbo):
    index = item_index(simbo, "sick_leave_now")
    simbo["items"][index]["points"] = {"yes": 10}

    assert errors_of(simbo) == [(f"items[{index}].points.no", "This field is required.")]


def test_a_number_item_needs_a_range_and_either_bands_or_a_factor(simbo):
    index = item_index(simbo, "limitation")
    item = simbo["items"][index]
    item["bands"] = [{"min": 0, "max": 10, "points": 20}]

    assert errors_of(simbo) == [
        (f"items[{index}]", "Give either “bands” or a “factor” for the points of a number answer.")
    ]

    del item["bands"], item["factor"], item["max"]

    assert paths_of(simbo) == [f"items[{index}].max", f"items[{index}]"]


def test_age_bands_with_a_gap_are_rejected(simbo):
    simbo["items"][0]["bands"][1]["min"] = 41

    assert errors_of(simbo) == [("items[0].bands[1]", "No band covers 40 to 40.")]


def test_age_bands_that_overlap_are_rejected(simbo):
    simbo["items"][0]["bands"][1]["min"] = 39

    assert errors_of(simbo) == [("items[0].bands[1]", "This band overlaps another band.")]


def test_age_bands_must_reach_the_items_maximum_and_stay_within_its_range(simbo):
    simbo["items"][0]["bands"][3]["max"] = 90

    assert errors_of(simbo) == [("items[0].bands", "No band covers 91 to 100.")]

    simbo["items"][0]["bands"][0]["min"] = 0

    assert errors_of(simbo) == [("items[0].bands[0]", "The band must stay within the item's range 18 to 100.")]


# -- positivity rules and cut-off presets (I-4) -----------------------------------------------------------------------


def test_a_rule_that_reads_an_unknown_scale_is_rejected(simbo):
    simbo["positivity_rule"] = {"threshold": {"scale": "sum", "op": ">=", "value": 27}}

    assert errors_of(simbo) == [("positivity_rule.threshold.scale", "Unknown scale “sum”.")]


def test_a_rule_with_an_unknown_operator_or_a_text_value_is_rejected(simbo):
    simbo["positivity_rule"] = {"threshold": {"scale": "total", "op": "=>", "value": "27"}}

    assert errors_of(simbo) == [
        ("positivity_rule.threshold.op", "Must be one of: >=, >, <=, <, ==."),
        ("positivity_rule.threshold.value", "Must be a number."),
    ]


def test_item_in_must_name_answers_the_item_has(wuerzburg):
    branch = wuerzburg["positivity_rule"]["any"][1]["all"][0]
    branch["item_in"]["options"] = ["unemployed", "retired"]

    assert errors_of(wuerzburg) == [
        (
            "positivity_rule.any[1].all[0].item_in.options[1]",
            "“retired” is not an answer of the item “employment_status”.",
        ),
        ("positivity_rule", "The rule differs from the cut-off preset “wuerzburg_clinic_demo”."),
    ]


def test_item_in_cannot_name_an_unknown_item_or_a_number_item(simbo):
    rule = {"all": [{"item_in": {"item": "shoe_size", "options": ["42"]}}, {"item_in": {"item": "age", "options": []}}]}

    assert [error.path for error in validate_rule(simbo, rule)] == [
        "rule.all[0].item_in.item",
        "rule.all[1].item_in.item",
        "rule.all[1].item_in.options",
    ]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"all": []}, "rule.all"),
        ({"any": {"threshold": {}}}, "rule.any"),
        ({"not": [{"threshold": {"scale": "total", "op": ">", "value": 1}}]}, "rule.not"),
        ({}, "rule"),
        ({"all": [{"threshold": {"scale": "total", "op": ">", "value": 1}}], "any": []}, "rule"),
        ({"threshold": {"scale": "total", "op": ">", "value": 1}, "preset": 27}, "rule.preset"),
        ({"gte": {"scale": "total", "value": 27}}, "rule.gte"),
        ("total >= 27", "rule"),
    ],
)
def test_a_malformed_rule_node_is_rejected_at_its_path(simbo, rule, path):
    assert path in [error.path for error in validate_rule(simbo, rule)]


def test_a_rule_nested_too_deeply_is_rejected_not_crashed_on(simbo):
    rule = {"threshold": {"scale": "total", "op": ">=", "value": 27}}
    for _level in range(500):
        rule = {"not": rule}

    assert validate_rule(simbo, rule)


def test_a_facilitys_own_cut_off_validates_against_the_definition(simbo):
    assert validate_rule(simbo, {"preset": "own_25", "threshold": {"scale": "total", "op": ">=", "value": 25}}) == []


def test_a_positivity_rule_labelled_with_a_preset_must_be_that_preset(simbo):
    simbo["positivity_rule"]["threshold"]["value"] = 28

    assert errors_of(simbo) == [("positivity_rule", "The rule differs from the cut-off preset “simbo_27”.")]

    simbo["positivity_rule"]["preset"] = "simbo_28"

    assert errors_of(simbo) == [("positivity_rule.preset", "Unknown cut-off preset “simbo_28”.")]


def test_cut_off_presets_need_unique_codes_and_valid_rules(simbo):
    simbo["cutoff_presets"][1]["code"] = "simbo_27"
    simbo["cutoff_presets"][2]["rule"]["threshold"]["scale"] = "sum"
    del simbo["cutoff_presets"][3]["label_en"]

    assert errors_of(simbo) == [
        ("cutoff_presets[1].code", "Duplicate preset code “simbo_27”."),
        ("cutoff_presets[2].rule.threshold.scale", "Unknown scale “sum”."),
        ("cutoff_presets[3].label_en", "This field is required."),
    ]


# -- the definition as a whole (I-1, I-5) -----------------------------------------------------------------------------


def test_every_required_field_is_reported_when_missing():
    assert errors_of({}) == [
        (key, "This field is required.")
        for key in (
            "code",
            "version",
            "variant",
            "name_de",
            "name_en",
            "is_official",
            "licence_note",
            "items",
            "scales",
            "positivity_rule",
            "missing_rule",
        )
    ] + [
        ("items", "Must be a list."),
        ("scales", "Must be a list."),
    ]


def test_a_definition_must_be_a_mapping():
    assert errors_of(["simbo_c"]) == [("", "Must be a mapping of fields.")]


@pytest.mark.parametrize("value", ["false", 0, None])
def test_is_official_must_be_true_or_false(simbo, value):
    simbo["is_official"] = value

    assert errors_of(simbo) == [("is_official", "Must be true or false.")]


def test_a_demo_version_cannot_be_official(simbo):
    simbo["is_official"] = True

    assert errors_of(simbo) == [("is_official", "A DEMO version cannot be official.")]


def test_the_instrument_code_is_a_short_code(simbo):
    simbo["code"] = "SIMBO C"

    assert paths_of(simbo) == ["code"]

    simbo["code"] = "s" * 31

    assert errors_of(simbo) == [("code", "At most 30 characters.")]


def test_the_missing_answer_rule_is_invalid_or_prorate_with_a_limit(simbo):
    simbo["missing_rule"] = "ignore"

    assert errors_of(simbo) == [("missing_rule", "Must be one of: invalid, prorate.")]

    simbo["missing_rule"] = "prorate"

    assert paths_of(simbo) == ["max_missing"]

    simbo["max_missing"] = -1

    assert errors_of(simbo) == [("max_missing", "Must be at least 0.")]

    simbo["max_missing"] = 1

    assert validate_definition(simbo) == []

    simbo["missing_rule"] = "invalid"

    assert paths_of(simbo) == ["max_missing"]


def test_a_definition_error_is_a_value_with_a_readable_form():
    error = DefinitionError("scales[0].max", "The maximum is 100, but the items add up to at most 95.")

    assert error == DefinitionError("scales[0].max", "The maximum is 100, but the items add up to at most 95.")
    assert str(error) == "scales[0].max: The maximum is 100, but the items add up to at most 95."
    with pytest.raises(AttributeError):
        error.path = "scales"


# -- robustness: an import never ends in a server error ---------------------------------------------------------------

ODD_VALUES = [None, True, 0, -1, 2.5, float("nan"), float("inf"), "", "x", [], {}, [1], {"a": 1}, 10**30, [{}]]


def mangled(definition, rng):
    """``definition`` with one to four fields replaced by an odd value, deleted, or joined by an odd field."""
    definition = copy.deepcopy(definition)
    for _step in range(rng.randint(1, 4)):
        paths = list(field_paths(definition))
        *parents, key = rng.choice(paths)
        parent = definition
        for step in parents:
            parent = parent[step]
        action = rng.random()
        if action < 0.6:
            parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif action < 0.8:
            del parent[key]
        elif isinstance(parent, dict):
            parent[rng.choice(["preset", "factor", "bands", "options", "points", "zz"])] = rng.choice(ODD_VALUES)
        else:
            parent.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    return definition


def field_paths(data, prefix=()):
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in children:
        yield (*prefix, key)
        yield from field_paths(value, (*prefix, key))


@pytest.mark.parametrize("name", list_definitions())
def test_a_mangled_definition_gets_errors_never_an_exception_and_a_valid_one_scores(name):
    rng = random.Random(name)  # fixed seed per file: the same cases on every run
    shipped = load_definition(name)
    for _case in range(400):
        definition = mangled(shipped, rng)
        errors = validate_definition(definition)
        assert all(isinstance(error, DefinitionError) and error.message for error in errors)
        if not errors:  # still valid (e.g. an optional label changed): scoring must work
            assert score(definition, {}).status in ("incomplete", "negative", "positive")
