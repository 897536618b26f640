"""Workforce records, one module per topic; every row belongs to a vendor (``tenant``)."""

from steward.workforce.models.checklists import Checklist, ChecklistItem, ChecklistKind
from steward.workforce.models.policies import Policy, PolicyAcceptance, PolicyVersion
from steward.workforce.models.reviews import (
    AccessReviewCampaign,
    AccessReviewDecision,
    AccessReviewItem,
    ReviewDecision,
)
from steward.workforce.models.scenarios import (
    Scenario,
    ScenarioAttempt,
    ScenarioChoice,
    ScenarioStep,
    ScenarioVariant,
)
from steward.workforce.models.screening import (
    Adjudication,
    ScreeningCheck,
    ScreeningEvidence,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
)
from steward.workforce.models.training import (
    Course,
    CourseCategory,
    CourseVersion,
    Lesson,
    Question,
    QuizAttempt,
    TrainingAssignment,
)

__all__ = [
    "AccessReviewCampaign",
    "AccessReviewDecision",
    "AccessReviewItem",
    "Adjudication",
    "Checklist",
    "ChecklistItem",
    "ChecklistKind",
    "Course",
    "CourseCategory",
    "CourseVersion",
    "Lesson",
    "Policy",
    "PolicyAcceptance",
    "PolicyVersion",
    "Question",
    "QuizAttempt",
    "ReviewDecision",
    "Scenario",
    "ScenarioAttempt",
    "ScenarioChoice",
    "ScenarioStep",
    "ScenarioVariant",
    "ScreeningCheck",
    "ScreeningEvidence",
    "ScreeningKind",
    "ScreeningRequirement",
    "ScreeningStatus",
    "TrainingAssignment",
]
