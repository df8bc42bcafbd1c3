"""Domain errors of compliance (messages are shown to the user as they are). One block per part."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patients.errors import DomainError


class ComplianceRefused(DomainError):
    """A rule of the compliance app refused the action; the message names the rule."""


# --- Facility self-assessment (compliance/services_selfassessment.py) -------------------------------------------------


class SelfAssessmentRefused(ComplianceRefused):
    """The self-assessment refused an answer or a copy; nothing was stored."""


class SelfAssessmentNotAllowed(SelfAssessmentRefused):
    default_message = _("Only the management of this facility answers its self-assessment.")


class NotASelfAssessmentRow(SelfAssessmentRefused):
    def __init__(self, recommendation_id: str):
        self.recommendation_id = recommendation_id
        super().__init__(
            str(
                _("Recommendation %(id)s is not one the facility answers in its self-assessment.")
                % {"id": recommendation_id}
            )
        )


class SelfAssessmentYearInvalid(SelfAssessmentRefused):
    default_message = _("The year must lie between 2000 and 2100.")


class EvidenceUrlInvalid(SelfAssessmentRefused):
    default_message = _("The link is not a valid web address. Please give it in full, starting with https://.")


class EvidenceFileTooLarge(SelfAssessmentRefused):
    default_message = _("The file is larger than 5 MB. Please upload a smaller file.")


class EvidenceFileType(SelfAssessmentRefused):
    default_message = _(
        "Only PDF, PNG, JPEG or Word (DOCX) files are accepted, and this file's content is none of them."
    )


class NothingToCopy(SelfAssessmentRefused):
    default_message = _("There are no answers of an earlier year to copy.")
