"""SQLAlchemy models, one module per aggregate. Import from here."""
from .accounts import LoginAttempt, Role, User, UserSession
from .audit import AuditEvent
from .grading import HarmonisationModel, IncrementRun, JobEvaluation
from .org import Council, Service, ServiceLead, TradeUnion, UnionRecognition
from .pay import GradeBand, GradeConvention, PayAward, PaySpinePoint, Policy, RuleSetting, StatutoryLimit
from .letters import (
    ConsultationNote, Letter, LetterAcknowledgement, LetterBatch, LetterJob, LetterTemplate, LetterTemplateVersion,
)
from .people import Assignment, Employee, Employment, TermsRecord
from .protection import Protection, ProtectionMonthRow, ProtectionWarning
from .privacy import RecordView
from .restructures import Appointment, JobMatch, Restructure, RouteDecision, StructurePost
from .posts import Post
from .transfers import ChecklistItem, Election, EmployeeCase, ProtectedTerms, TermsPackage, Transfer, TransferMember

__all__ = [
    "Assignment", "AuditEvent", "Council", "Employee", "Employment", "GradeBand", "GradeConvention",
    "HarmonisationModel", "IncrementRun", "JobEvaluation",
    "LoginAttempt", "PayAward", "PaySpinePoint", "Policy", "Post", "Role", "RuleSetting", "Service",
    "ServiceLead", "StatutoryLimit", "TermsRecord", "TradeUnion", "Transfer", "UnionRecognition",
    "User", "UserSession", "ChecklistItem", "Election", "EmployeeCase", "ProtectedTerms", "TermsPackage",
    "TransferMember", "ConsultationNote", "Letter", "LetterAcknowledgement", "LetterBatch", "LetterJob", "LetterTemplate", "LetterTemplateVersion",
    "Protection", "ProtectionMonthRow", "ProtectionWarning", "Appointment", "JobMatch", "Restructure",
    "RouteDecision", "StructurePost", "RecordView",
]
