"""Every model, imported here so Alembic autogenerate and `create_all` see them all."""

from physio.models.assessment import Assessment, Kind, PsfsItem, Status
from physio.models.audit import AuditEvent
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.clinic import Clinic
from physio.models.patient import Patient, Sex
from physio.models.plan import PatientLink, PlanEdits, PlanExport
from physio.models.plan_log import PlanLogRun, PlanLogTick
from physio.models.questionnaire import Questionnaire, ReportedField
from physio.models.rate_limit import RateLimitCounter
from physio.models.user import Role, User

__all__ = [
    "Assessment",
    "AuditEvent",
    "Clinic",
    "ClinicOwned",
    "Kind",
    "Patient",
    "PatientLink",
    "PlanEdits",
    "PlanExport",
    "PlanLogRun",
    "PlanLogTick",
    "PsfsItem",
    "Questionnaire",
    "RateLimitCounter",
    "ReportedField",
    "Role",
    "Sex",
    "Status",
    "UTCDateTime",
    "User",
    "utcnow",
]
