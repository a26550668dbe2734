"""Chat to manifest: a conversation goes in, a validated manifest comes out.

The model (offline planner or a provider's) edits a draft only through the allowlisted tools
in :mod:`generator.agent.tools`; :func:`plan` validates the result and turns every failure
into one of our errors.
"""

from generator.agent.agent import OUTPUT_TOOL, PlanOutcome, PlanResult, plan
from generator.agent.conversation import Conversation, parse_spec, read_spec
from generator.agent.draft import ToolLogEntry
from generator.agent.models import build_model
from generator.agent.tools import ALLOWED_TOOLS

__all__ = [
    "ALLOWED_TOOLS",
    "OUTPUT_TOOL",
    "Conversation",
    "PlanOutcome",
    "PlanResult",
    "ToolLogEntry",
    "build_model",
    "parse_spec",
    "plan",
    "read_spec",
]
