"""Scoring of the shipped DEMO definitions with the worked cases of screening.md §11 (T1–T9), every cut-off
boundary, missing answers and answer validation. The definitions are loaded as data; only answers and the expected
results of the specification are written here."""

import copy
from decimal import Decimal

import pytest
from django.utils import translation

from screening.instruments import (
    AnswerError,
    DefinitionRejected,
    answer_errors,
    load_definition,
    localized,
    preset_rule,
    rule_text,
    score,
    validate_answers,
)


@pytest.fixture
def simbo():
    return load_definition("simbo_c_demo_1.json")


@pytest.fixture
def wuerzburg():
    return load_definition("wuerzburg_demo_1.json")


@pytest.fixture
def sibar():
    return load_definition("sibar_demo_1.json")


def simbo_answers(**changes):
    """T1 of screening.md §11 (87 points), with ``changes``."""
    answers = {
        "age": 52,
        "employment_status": "unemployed",
        "sick_leave_now": "yes",
        "sick_leave_12m": "3_to_6_months",
        "limitation": 7,
        "prognosis": "unemployment_or_pension",
        "motivation": "yes",
    }
    return answers | changes


T2 = simbo_answers(
    age=35,
    employment_status="full_time",
    sick_leave_now="no",
    sick_leave_12m="under_3_weeks",
    limitation=3,
    prognosis="stay_in_job",
    motivation="partly",
)
T3 = simbo_answers(
    age=45,
    employment_status="part_time",
    sick_leave_now="yes",
    sick_leave_12m="none",
    limitation=5,
    prognosis="stay_in_job",
    motivation="no",
)
T4 = T3 | {"limitation": 7}


def total_with(definition, answers, preset):
    result = score(definition, answers, preset_rule(definition, preset))
    return result.total, result.status


# -- SIMBO-C DEMO-1 (T1–T7, F-3) --------------------------------------------------------------------------------------


def test_t1_every_answer_counts_and_87_points_are_positive_with_the_default_cut_off(simbo):
    result = score(simbo, simbo_answers())

    assert result.item_points == {
        "age": 8,
        "employment_status": 15,
        "sick_leave_now": 10,
        "sick_leave_12m": 15,
        "limitation": 14,
        "prognosis": 15,
        "motivation": 10,
    }
    assert result.total == Decimal("87.0")
    assert result.scales == {"total": Decimal("87.0")}
    assert result.status == "positive"
    assert result.missing == ()
    assert result.rule_applied == preset_rule(simbo, "simbo_27")


def test_t2_16_points_are_negative_with_cut_off_27_and_with_the_pre_admission_cut_off_20(simbo):
    assert total_with(simbo, T2, "simbo_27") == (Decimal("16.0"), "negative")
    assert total_with(simbo, T2, "simbo_20_pre") == (Decimal("16.0"), "negative")


def test_t3_27_points_are_positive_at_cut_off_27_and_negative_with_more_than_30_and_with_32(simbo):
    assert total_with(simbo, T3, "simbo_27") == (Decimal("27.0"), "positive")
    assert total_with(simbo, T3, "simbo_gt30") == (Decimal("27.0"), "negative")
    assert total_with(simbo, T3, "simbo_32") == (Decimal("27.0"), "negative")


def test_t4_31_points_are_positive_with_more_than_30_and_negative_with_32(simbo):
    assert total_with(simbo, T4, "simbo_gt30") == (Decimal("31.0"), "positive")
    assert total_with(simbo, T4, "simbo_32") == (Decimal("31.0"), "negative")


@pytest.mark.parametrize(
    ("preset", "below", "at", "above"),
    [
        # ≥ cut-off: the cut-off itself is positive, one point below is not.
        ("simbo_27", 26, 27, 28),
        ("simbo_32", 31, 32, 33),
        ("simbo_20_pre", 19, 20, 21),
        # > 30: 30 itself is negative, 31 is the first positive score.
        ("simbo_gt30", 29, 30, 31),
    ],
)
def test_every_cut_off_boundary_is_exact(simbo, preset, below, at, above):
    statuses = {}
    for points in (below, at, above):
        result = score(simbo, answers_worth(points), preset_rule(simbo, preset))
        assert result.total == Decimal(points)
        statuses[points] = result.status
    if preset == "simbo_gt30":
        assert statuses == {below: "negative", at: "negative", above: "positive"}
    else:
        assert statuses == {below: "negative", at: "positive", above: "positive"}


def answers_worth(points):
    """SIMBO-C DEMO-1 answers adding up to ``points`` (19 … 33): 3 points for part-time make an odd sum even, the
    sick-leave item adds 0, 10 or 20, the limitation rating (× 2) the rest; everything else scores 0."""
    rest = points - (3 if points % 2 else 0)
    sick_leave = next(code for code, extra in SICK_LEAVE_12M.items() if rest - extra <= 20)
    return {
        "age": 30,
        "employment_status": "part_time" if points % 2 else "full_time",
        "sick_leave_now": "no",
        "sick_leave_12m": sick_leave,
        "limitation": (rest - SICK_LEAVE_12M[sick_leave]) // 2,
        "prognosis": "stay_in_job",
        "motivation": "no",
    }


SICK_LEAVE_12M = {"none": 0, "3_weeks_to_3_months": 10, "over_6_months": 20}  # screening.md §9.1


@pytest.mark.parametrize(
    ("age", "points"),
    [(18, 0), (39, 0), (40, 4), (49, 4), (50, 8), (59, 8), (60, 10), (100, 10)],
)
def test_the_age_bands_include_both_of_their_limits(simbo, age, points):
    assert score(simbo, simbo_answers(age=age)).item_points["age"] == points


def test_t5_a_missing_limitation_makes_the_result_incomplete_without_a_score(simbo):
    answers = simbo_answers()
    del answers["limitation"]

    result = score(simbo, answers)

    assert result.status == "incomplete"
    assert result.total is None
    assert result.scales == {"total": None}
    assert result.missing == ("limitation",)
    assert "limitation" not in result.item_points


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_an_empty_answer_counts_as_missing(simbo, empty):
    result = score(simbo, simbo_answers(limitation=empty))

    assert (result.status, result.total, result.missing) == ("incomplete", None, ("limitation",))


def test_missing_answers_are_listed_in_the_order_of_the_questionnaire(simbo):
    result = score(simbo, {"limitation": 7, "age": 52})

    assert result.missing == ("employment_status", "sick_leave_now", "sick_leave_12m", "prognosis", "motivation")
    assert result.status == "incomplete"


def test_t6_a_limitation_of_11_is_refused_on_that_item(simbo):
    with translation.override("en"), pytest.raises(AnswerError) as excinfo:
        score(simbo, simbo_answers(limitation=11))

    assert excinfo.value.item == "limitation"
    assert excinfo.value.message == "Please enter a number from 0 to 10."


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("limitation", -1),
        ("limitation", 7.5),
        ("limitation", "7,5"),
        ("limitation", True),
        ("age", 17),
        ("age", 101),
        ("employment_status", "retired"),
        ("employment_status", 15),
        ("sick_leave_now", "maybe"),
        ("sick_leave_now", 1),
    ],
)
def test_an_answer_outside_the_options_or_range_is_refused_on_its_item(simbo, item, value):
    with pytest.raises(AnswerError) as excinfo:
        validate_answers(simbo, simbo_answers(**{item: value}))

    assert excinfo.value.item == item


def test_an_answer_to_a_question_the_instrument_does_not_have_is_refused(simbo):
    with pytest.raises(AnswerError) as excinfo:
        score(simbo, simbo_answers(shoe_size=42))

    assert excinfo.value.item == "shoe_size"


def test_all_wrong_answers_can_be_listed_at_once(simbo):
    errors = answer_errors(simbo, simbo_answers(limitation=11, motivation="maybe", shoe_size=42))

    assert [error.item for error in errors] == ["limitation", "motivation", "shoe_size"]


def test_answers_are_normalised_from_form_and_json_input(simbo):
    answers = simbo_answers(age=" 52 ", limitation=7.0, sick_leave_now="Yes")

    normalised = validate_answers(simbo, answers | {"motivation": None})

    assert normalised == {
        "age": 52,
        "employment_status": "unemployed",
        "sick_leave_now": True,
        "sick_leave_12m": "3_to_6_months",
        "limitation": 7,
        "prognosis": "unemployment_or_pension",
    }


def test_yes_and_no_may_be_given_as_booleans(simbo):
    assert score(simbo, simbo_answers(sick_leave_now=True)).item_points["sick_leave_now"] == 10
    assert score(simbo, simbo_answers(sick_leave_now=False)).item_points["sick_leave_now"] == 0
    assert score(simbo, simbo_answers(sick_leave_now="no")).item_points["sick_leave_now"] == 0


def test_t9_a_result_keeps_the_rule_it_was_scored_with(simbo):
    rule = preset_rule(simbo, "simbo_27")
    stored = score(simbo, T3, rule)

    rule["threshold"]["value"] = 99  # the facility's copy changes later …
    later = score(simbo, T3, preset_rule(simbo, "simbo_gt30"))  # … or it switches the preset

    assert stored.status == "positive"
    assert stored.rule_applied == {"preset": "simbo_27", "threshold": {"scale": "total", "op": ">=", "value": 27}}
    assert rule_text(stored.rule_applied, "en") == "total ≥ 27"
    assert later.status == "negative"


def test_without_a_rule_the_definitions_own_positivity_rule_decides(simbo):
    result = score(simbo, T3)

    assert result.rule_applied == simbo["positivity_rule"]
    result.rule_applied["threshold"]["value"] = 0
    assert simbo["positivity_rule"]["threshold"]["value"] == 27


def test_a_facilitys_own_cut_off_is_a_rule_like_any_other(simbo):
    custom = {"preset": "simbo_custom_20_30", "threshold": {"scale": "total", "op": ">=", "value": 25.5}}

    assert score(simbo, answers_worth(25), custom).status == "negative"
    assert score(simbo, answers_worth(26), custom).status == "positive"


def test_a_rule_that_reads_an_unknown_scale_is_refused_rather_than_guessed(simbo):
    with pytest.raises(DefinitionRejected) as excinfo:
        score(simbo, T3, {"threshold": {"scale": "sum", "op": ">=", "value": 27}})

    assert [error.path for error in excinfo.value.errors] == ["rule.threshold.scale"]


def test_a_faulty_definition_is_never_scored(simbo):
    simbo["scales"][0]["max"] = 90

    with pytest.raises(DefinitionRejected) as excinfo:
        score(simbo, simbo_answers())

    assert [error.path for error in excinfo.value.errors] == ["scales[0].max"]


# -- Würzburger Screening DEMO-1 (T8) ---------------------------------------------------------------------------------


def wuerzburg_answers(employment_status, prognosis, **changes):
    """``prognosis`` of the three prognosis questions answered yes, the supplementary scales all no."""
    answers = {
        "employment_status": employment_status,
        "prognosis_until_retirement": prognosis >= 1,
        "prognosis_capacity_at_risk": prognosis >= 2,
        "prognosis_pension_application": prognosis >= 3,
        "strain_physical": "no",
        "strain_mental": "no",
        "strain_conflicts": "no",
        "interest_work_topics": "no",
        "interest_return_planning": "no",
    }
    return answers | changes


@pytest.mark.parametrize(
    ("employment_status", "prognosis", "status"),
    [
        ("unemployed", 1, "positive"),  # T8
        ("employed", 1, "negative"),  # T8
        ("employed", 2, "positive"),  # T8
        ("unemployed", 0, "negative"),
        ("sick_leave_from_job", 1, "negative"),
        ("other", 3, "positive"),
    ],
)
def test_t8_wuerzburg_combines_the_employment_status_with_the_prognosis_scale(
    wuerzburg, employment_status, prognosis, status
):
    result = score(wuerzburg, wuerzburg_answers(employment_status, prognosis))

    assert result.status == status
    assert result.total == result.scales["prognosis"] == Decimal(prognosis)


def test_wuerzburg_supplementary_scales_are_stored_but_do_not_decide(wuerzburg):
    answers = wuerzburg_answers("employed", 2, strain_physical="yes", strain_mental="yes")
    del answers["interest_work_topics"]

    result = score(wuerzburg, answers)

    assert result.status == "positive"
    assert result.scales == {"prognosis": Decimal(2), "strain": Decimal(2), "interest": None}
    assert result.missing == ("interest_work_topics",)


def test_wuerzburg_without_the_employment_status_is_incomplete(wuerzburg):
    answers = wuerzburg_answers("employed", 2)
    del answers["employment_status"]

    result = score(wuerzburg, answers)

    assert (result.status, result.total, result.missing) == ("incomplete", None, ("employment_status",))


# -- SIBAR DEMO-1 (T8b) -----------------------------------------------------------------------------------------------


def sibar_answers(risk, strain, need):
    """The first ``risk`` / ``strain`` / ``need`` questions of each SIBAR DEMO-1 scale answered yes, the rest no."""
    scales = {scale["code"]: scale["items"] for scale in load_definition("sibar_demo_1.json")["scales"]}
    counts = {"sociomedical_risk": risk, "work_strain": strain, "subjective_need": need}
    return {item: index < counts[code] for code, items in scales.items() for index, item in enumerate(items)}


@pytest.mark.parametrize(
    ("risk", "strain", "need", "status"),
    [
        (2, 0, 0, "positive"),  # T8b
        (1, 3, 1, "positive"),  # T8b
        (1, 3, 0, "negative"),  # T8b
        (1, 2, 2, "negative"),
        (0, 4, 1, "positive"),
        (4, 4, 2, "positive"),
        (0, 0, 0, "negative"),
    ],
)
def test_t8b_sibar_is_positive_on_risk_or_on_strain_with_need(sibar, risk, strain, need, status):
    result = score(sibar, sibar_answers(risk, strain, need))

    assert result.status == status
    assert result.scales == {
        "sociomedical_risk": Decimal(risk),
        "work_strain": Decimal(strain),
        "subjective_need": Decimal(need),
    }
    assert result.total == Decimal(risk)  # no scale named "total": the first scale


def test_sibar_does_not_guess_a_missing_answer_even_when_the_other_branch_already_decides(sibar):
    answers = sibar_answers(2, 0, 0)
    del answers["strain_overload"]

    result = score(sibar, answers)

    assert result.status == "incomplete"
    assert result.scales["work_strain"] is None
    assert result.scales["sociomedical_risk"] == 2


# -- missing_rule "prorate" (I-5) -------------------------------------------------------------------------------------


@pytest.fixture
def prorating_simbo(simbo):
    return simbo | {"missing_rule": "prorate", "max_missing": 1}


def test_prorate_fills_one_missing_item_with_the_mean_of_the_answered_ones(prorating_simbo):
    answers = simbo_answers()
    del answers["limitation"]

    result = score(prorating_simbo, answers)

    # answered 8 + 15 + 10 + 15 + 15 + 10 = 73 points over 6 items; × 7 items = 85.1666… → 85.2
    assert result.total == Decimal("85.2")
    assert result.status == "positive"
    assert result.missing == ("limitation",)
    assert "limitation" not in result.item_points


def test_prorate_gives_up_beyond_max_missing(prorating_simbo):
    answers = simbo_answers()
    del answers["limitation"], answers["motivation"]

    result = score(prorating_simbo, answers)

    assert (result.status, result.total, result.scales) == ("incomplete", None, {"total": None})


def test_prorate_never_leaves_the_declared_range(simbo):
    definition = simbo | {"missing_rule": "prorate", "max_missing": 6}

    result = score(definition, {"sick_leave_12m": "over_6_months"})  # 20 points × 7 items would be 140

    assert result.total == Decimal("100.0")


def test_prorate_rounds_half_up_to_one_decimal():
    definition = {
        "code": "round",
        "version": "test",
        "variant": "",
        "name_de": "Runden",
        "name_en": "Rounding",
        "is_official": False,
        "licence_note": "",
        "items": [
            {"code": code, "label_de": code, "label_en": code, "type": "yes_no", "points": {"yes": 0.3, "no": 0}}
            for code in ("a", "b", "c")
        ],
        "scales": [{"code": "total", "items": ["a", "b", "c"], "min": 0, "max": 0.9}],
        "positivity_rule": {"threshold": {"scale": "total", "op": ">=", "value": 0.5}},
        "missing_rule": "prorate",
        "max_missing": 1,
    }

    result = score(definition, {"a": "yes", "b": "no"})

    # (0.3 + 0) / 2 × 3 = 0.45 → 0.5 (half up, not to even), which meets ≥ 0.5
    assert result.total == Decimal("0.5")
    assert result.status == "positive"


# -- rule_text and bilingual fields -----------------------------------------------------------------------------------


def test_rule_text_writes_a_cut_off_with_its_operator(simbo):
    assert rule_text(preset_rule(simbo, "simbo_27"), "en") == "total ≥ 27"
    assert rule_text(preset_rule(simbo, "simbo_gt30"), "en") == "total > 30"
    assert rule_text({"threshold": {"scale": "total", "op": "<=", "value": 27.5}}, "de") == "total ≤ 27,5"
    assert rule_text({"threshold": {"scale": "total", "op": "==", "value": 27.5}}, "en") == "total = 27.5"


def test_rule_text_writes_a_decision_algorithm_with_brackets(wuerzburg, sibar):
    assert (
        rule_text(wuerzburg["positivity_rule"], "en")
        == "prognosis ≥ 2 or (employment_status = unemployed and prognosis ≥ 1)"
    )
    assert (
        rule_text(sibar["positivity_rule"], "en")
        == "sociomedical_risk ≥ 2 or (work_strain ≥ 3 and subjective_need ≥ 1)"
    )
    assert (
        rule_text({"not": {"item_in": {"item": "employment_status", "options": ["employed", "other"]}}}, "en")
        == "not (employment_status is one of employed, other)"
    )


def test_localized_picks_the_language_and_falls_back_to_german(simbo):
    assert localized(simbo, "name", "en") == "SIMBO-C (DEMO – not official)"
    assert localized(simbo, "name", "de") == "SIMBO-C (DEMO – nicht offiziell)"
    assert localized(simbo, "name", "fr") == "SIMBO-C (DEMO – nicht offiziell)"
    assert localized(simbo["cutoff_presets"][0], "warn", "de") == ""


def test_preset_rule_is_a_copy_labelled_with_its_preset(simbo):
    rule = preset_rule(simbo, "simbo_gt30")
    rule["threshold"]["value"] = 0

    assert preset_rule(simbo, "simbo_gt30") == {
        "preset": "simbo_gt30",
        "threshold": {"scale": "total", "op": ">", "value": 30},
    }
    with pytest.raises(KeyError):
        preset_rule(simbo, "simbo_99")


def test_scoring_does_not_change_the_definition_or_the_answers(simbo):
    before, answers = copy.deepcopy(simbo), simbo_answers()

    score(simbo, answers, preset_rule(simbo, "simbo_32"))

    assert simbo == before
    assert answers == simbo_answers()
