"""Real model providers: OpenAI and any OpenAI-compatible server.

``generator.agent.models.build_model`` is still the one place a model is built; this package
parses the ``--model`` value, builds the HTTP client, picks the structured-output strategy
and turns provider failures into our errors.
"""

from __future__ import annotations

from generator.agent.providers.choice import (
    OutputStrategy,
    ProviderChoice,
    ProviderOptions,
    base_url,
    openai_key,
    output_strategy,
    parse_model,
)
from generator.agent.providers.failures import PROVIDER_FAILURES, ReplyBudget, provider_error
from generator.agent.providers.transport import http_client, openai_client

__all__ = [
    "PROVIDER_FAILURES",
    "OutputStrategy",
    "ProviderChoice",
    "ProviderOptions",
    "ReplyBudget",
    "base_url",
    "http_client",
    "openai_client",
    "openai_key",
    "output_strategy",
    "parse_model",
    "provider_error",
]
