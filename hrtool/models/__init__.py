"""SQLAlchemy models, one module per aggregate. Import from here."""
from .accounts import LoginAttempt, Role, User, UserSession
from .audit import AuditEvent, FiguresGeneration
from .evaluation import (
    Convention,
    ConventionSet,
    EvaluationAppeal,
    EvaluationFactor,
    PanelMember,
    SchemeFactor,
    SchemeLevel,
    SchemeVersion,
    Situation,
)
from .grading import HarmonisationModel, IncrementRun, JobEvaluation
from .jobs import Job
from .letters import (
    ConsultationNote,
    Letter,
    LetterAcknowledgement,
    LetterBatch,
    LetterCounter,
    LetterJob,
    LetterTemplate,
    LetterTemplateVersion,
)
from .mail import OutboxMessage
from .org import Council, Service, ServiceLead, TradeUnion, UnionRecognition
from .pay import GradeBand, GradeConvention, PayAward, PaySpinePoint, Policy, RuleSetting, StatutoryLimit
from .people import Assignment, Employee, Employment, TermsRecord
from .posts import Post, PostGrade
from .privacy import RecordView
from .protection import Protection, ProtectionAdjustment, ProtectionMonthRow, ProtectionWarning
from .restructures import Appointment, JobMatch, Restructure, RouteDecision, StructurePost
from .transfers import ChecklistItem, Election, EmployeeCase, ProtectedTerms, TermsPackage, Transfer, TransferMember

__all__ = [
    "Appointment",
    "Assignment",
    "AuditEvent",
    "ChecklistItem",
    "ConsultationNote",
    "Convention",
    "ConventionSet",
    "Council",
    "Election",
    "Employee",
    "EmployeeCase",
    "Employment",
    "EvaluationAppeal",
    "EvaluationFactor",
    "FiguresGeneration",
    "GradeBand",
    "GradeConvention",
    "HarmonisationModel",
    "IncrementRun",
    "Job",
    "JobEvaluation",
    "JobMatch",
    "Letter",
    "LetterAcknowledgement",
    "LetterBatch",
    "LetterCounter",
    "LetterJob",
    "LetterTemplate",
    "LetterTemplateVersion",
    "LoginAttempt",
    "OutboxMessage",
    "PanelMember",
    "PayAward",
    "PaySpinePoint",
    "Policy",
    "Post",
    "PostGrade",
    "ProtectedTerms",
    "Protection",
    "ProtectionAdjustment",
    "ProtectionMonthRow",
    "ProtectionWarning",
    "RecordView",
    "Restructure",
    "Role",
    "RouteDecision",
    "RuleSetting",
    "SchemeFactor",
    "SchemeLevel",
    "SchemeVersion",
    "Service",
    "ServiceLead",
    "Situation",
    "StatutoryLimit",
    "StructurePost",
    "TermsPackage",
    "TermsRecord",
    "TradeUnion",
    "Transfer",
    "TransferMember",
    "UnionRecognition",
    "User",
    "UserSession",
]
