"""The topic catalogue: every ``topic`` row of the practice recommendations (wmr/data/recommendations.csv), i.e. the
contents a counseling session, a work-related group or a workplace training should cover (5.4–5.12, 6.2–6.11,
7.4–7.11). Sessions store the topic ``code`` (the recommendation's measure key) in ``TherapySession.topics``.

Pure data and functions (no ORM, no clock). tests/therapy/test_topics.py checks this list against the CSV both ways.

Which session kinds offer which topics (PRODUCT CHOICE):
- counseling topics (section 5) for the three counseling kinds and for information sessions (an information session
  on LTA or severe disability is counseling content given to several patients at once);
- work-group topics (section 6) for work-related groups;
- workplace-training topics (section 7) for workplace training;
- "other therapy" offers no topics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COUNSELING = "counseling"
WORK_GROUPS = "work_groups"
WORKPLACE_TRAINING = "workplace_training"

# Session kinds (= diagnostics.models.TherapyKind values), written out so this module stays free of the ORM.
COUNSELING_KINDS = frozenset({"individual_counseling", "small_group_counseling", "group_counseling"})
KINDS_OF_SECTION: dict[str, frozenset[str]] = {
    COUNSELING: COUNSELING_KINDS | {"information"},
    WORK_GROUPS: frozenset({"work_group"}),
    WORKPLACE_TRAINING: frozenset({"workplace_training"}),
}


@dataclass(frozen=True)
class Topic:
    code: str  # the measure key of the recommendation
    recommendation: str  # e.g. "5.4"
    section: str  # counseling / work_groups / workplace_training
    grade: str  # shall / should
    label_de: str
    label_en: str

    @property
    def kinds(self) -> frozenset[str]:
        """The session kinds this topic is offered for."""
        return KINDS_OF_SECTION[self.section]

    @property
    def required(self) -> bool:
        """A "shall" recommendation: the topic must be covered (a "should" topic is recommended)."""
        return self.grade == "shall"

    def label(self, language: str | None = "de") -> str:
        return self.label_de if (language or "de").startswith("de") else self.label_en


TOPICS: tuple[Topic, ...] = (
    # --- psychosocial counseling (5.4–5.12) ---
    Topic("career_prospects", "5.4", COUNSELING, "shall", "Berufliche Perspektiven", "Career prospects"),
    Topic("workplace_conflicts", "5.5", COUNSELING, "shall", "Konflikte am Arbeitsplatz", "Workplace conflicts"),
    Topic("severe_disability", "5.6", COUNSELING, "shall", "Schwerbehinderung", "Severe disability"),
    Topic(
        "vocational_rehabilitation",
        "5.7",
        COUNSELING,
        "shall",
        "Leistungen zur Teilhabe am Arbeitsleben (LTA)",
        "Vocational rehabilitation (LTA)",
    ),
    Topic(
        "graded_return_to_work", "5.8", COUNSELING, "shall", "Stufenweise Wiedereingliederung", "Graded return to work"
    ),
    Topic("aftercare", "5.9", COUNSELING, "should", "Nachsorge (z. B. Psy-RENA)", "Aftercare (e.g. Psy-RENA)"),
    Topic(
        "consolidation",
        "5.10",
        COUNSELING,
        "should",
        "Verstetigung der Reha-Ergebnisse",
        "Consolidating the results of rehab",
    ),
    Topic("job_applications", "5.11", COUNSELING, "should", "Unterstützung bei Bewerbungen", "Job applications"),
    Topic(
        "employer_meeting_preparation",
        "5.12",
        COUNSELING,
        "shall",
        "Vorbereitung auf Gespräche mit Arbeitgeber oder Interessenvertretung",
        "Preparing talks with the employer or staff representatives",
    ),
    # --- work-related groups (6.2–6.11) ---
    Topic(
        "workplace_training_reflection",
        "6.2",
        WORK_GROUPS,
        "shall",
        "Reflexion der Arbeitsplatztrainings",
        "Reflecting on the workplace training",
    ),
    Topic(
        "stress_time_management",
        "6.3",
        WORK_GROUPS,
        "shall",
        "Umgang mit Stress und Zeit bei der Arbeit",
        "Handling stress and time at work",
    ),
    Topic(
        "illness_model",
        "6.4",
        WORK_GROUPS,
        "shall",
        "Krankheitsmodell: Erkrankung und Arbeitssituation",
        "Illness model: illness and job situation",
    ),
    Topic(
        "rtw_action_plan",
        "6.5",
        WORK_GROUPS,
        "shall",
        "Handlungsplan für die Rückkehr an den Arbeitsplatz",
        "Return-to-work action plan",
    ),
    Topic("job_anxiety", "6.6", WORK_GROUPS, "shall", "Arbeitsplatzbezogene Ängste", "Job-related anxiety"),
    Topic(
        "coping_strategies",
        "6.7",
        WORK_GROUPS,
        "shall",
        "Bewältigungsstrategien für den Arbeitsplatz",
        "Workplace coping strategies",
    ),
    Topic(
        "social_skills",
        "6.8",
        WORK_GROUPS,
        "shall",
        "Soziale Kompetenzen (z. B. Rollenspiel)",
        "Social skills (e.g. role play)",
    ),
    Topic(
        "psychoeducation",
        "6.9",
        WORK_GROUPS,
        "shall",
        "Psychoedukation: Symptome und Arbeitsbelastung",
        "Psychoeducation: symptoms and work stress",
    ),
    Topic(
        "conflict_resolution",
        "6.10",
        WORK_GROUPS,
        "shall",
        "Konfliktlösung am Arbeitsplatz",
        "Workplace conflict resolution",
    ),
    Topic(
        "self_efficacy",
        "6.11",
        WORK_GROUPS,
        "shall",
        "Berufliche Selbstwirksamkeit",
        "Work-related self-efficacy",
    ),
    # --- workplace training (7.4–7.11) ---
    Topic(
        "work_situations",
        "7.4",
        WORKPLACE_TRAINING,
        "shall",
        "Erprobung relevanter Arbeitssituationen",
        "Trying out relevant work situations",
    ),
    Topic(
        "stress_strategies_tested",
        "7.5",
        WORKPLACE_TRAINING,
        "should",
        "Erprobung der Stressbewältigungsstrategien aus den Gruppen",
        "Testing the stress strategies from the groups",
    ),
    Topic(
        "work_stress_handling",
        "7.6",
        WORKPLACE_TRAINING,
        "should",
        "Umgang mit arbeitsbezogenen Belastungen",
        "Handling work-related stress",
    ),
    Topic(
        "movement_posture",
        "7.9",
        WORKPLACE_TRAINING,
        "shall",
        "Bewegungsabläufe und Körperhaltungen",
        "Movement sequences and postures",
    ),
    Topic("cognitive_skills", "7.10", WORKPLACE_TRAINING, "shall", "Kognitive Fähigkeiten", "Cognitive skills"),
    Topic(
        "interaction_difficulties",
        "7.11",
        WORKPLACE_TRAINING,
        "shall",
        "Interaktionsschwierigkeiten (Gruppenaufgaben)",
        "Interaction difficulties (group tasks)",
    ),
)

BY_CODE: dict[str, Topic] = {topic.code: topic for topic in TOPICS}


def topic(code: str) -> Topic | None:
    return BY_CODE.get(code)


def topics_for_kind(kind: str) -> tuple[Topic, ...]:
    """The topics offered for a session kind, in catalogue order (empty for "other therapy")."""
    return tuple(t for t in TOPICS if kind in t.kinds)


def topics_of_section(section: str) -> tuple[Topic, ...]:
    return tuple(t for t in TOPICS if t.section == section)


def invalid_topics(codes: Iterable[str], kind: str) -> list[str]:
    """The codes of ``codes`` that are unknown or not offered for ``kind`` (in the order given)."""
    return [code for code in codes if code not in BY_CODE or kind not in BY_CODE[code].kinds]


def clean_topics(codes: Iterable[str]) -> list[str]:
    """The distinct codes in catalogue order (what a session stores)."""
    wanted = set(codes)
    return [t.code for t in TOPICS if t.code in wanted]
