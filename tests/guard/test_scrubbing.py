"""Personal data and secrets never reach a model; business words always do."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from generator.guard import GuardContext, guard_model
from generator.guard.policy import Policy
from generator.guard.scrubbing import PlaceholderTable, Scrubber
from tests.agent_runs import run_agent
from tests.conftest import SPECS
from tests.guard.conftest import Recorder, spec_turns

PHYSIO_TURNS = [text for turn_id, text in spec_turns() if turn_id.startswith("physio")]
PHYSIO_PII = [
    "Dana",
    "Whitfield",
    "dana.whitfield@example.org",
    "415 555 0134",
    "555 0134",
    "4242 4242 4242 4242",
    "4242424242424242",
]
BUSINESS_WORDS = [
    "Stripe",
    "Lyon",
    "Austin",
    "Denver",
    "Portland",
    "Northgate Physio",
    "Staff",
    "HIIT",
    "Adyen",
    "Canada",
    "CAD",
]


def test_physio_pii_never_reaches_the_inner_model(guarded: Any, recorder: Recorder) -> None:
    """Both physio turns, as one conversation: the provider sees placeholders only."""
    agent = Agent(guarded)
    first = run_agent(agent, PHYSIO_TURNS[0])
    run_agent(agent, PHYSIO_TURNS[1], message_history=first.all_messages())

    seen = recorder.seen_text()
    for value in PHYSIO_PII:
        assert value not in seen
    assert "<PERSON_1>" in seen and "<EMAIL_ADDRESS_1>" in seen
    assert "<PHONE_NUMBER_1>" in seen and "<CREDIT_CARD_1>" in seen
    assert "Northgate Physio" in seen and "45-minute" in seen and "$80" in seen


def test_physio_pii_never_reaches_the_model_when_streaming(context: GuardContext) -> None:
    """run_stream takes request_stream, which is guarded the same way."""
    from collections.abc import AsyncIterator

    seen: list[str] = []

    async def stream(messages: list[ModelMessage], _info: AgentInfo) -> AsyncIterator[str]:
        seen.append(str(messages))
        yield "noted"

    model = guard_model(FunctionModel(stream_function=stream), context=context)

    async def run() -> str:
        async with Agent(model).run_stream(PHYSIO_TURNS[0]) as result:
            return await result.get_output()

    import asyncio

    assert asyncio.run(run()) == "noted"
    assert seen and not any(value in seen[0] for value in PHYSIO_PII)


@pytest.mark.parametrize(("turn_id", "text"), spec_turns())
def test_business_words_survive_scrubbing(turn_id: str, text: str, policy: Policy) -> None:
    """Places, providers, company and class names are what the planner needs."""
    scrubbed = Scrubber(policy.pii).scrub(text).text
    for word in BUSINESS_WORDS:
        if word in text:
            assert word in scrubbed, (turn_id, word)
    if not turn_id.startswith("physio"):
        assert scrubbed == text, turn_id


def test_only_physio_has_personal_data_among_the_specs(policy: Policy) -> None:
    """Measured over all six specs: placeholders appear only where personal data was."""
    with_pii = {
        turn_id for turn_id, text in spec_turns() if Scrubber(policy.pii).scrub(text).entities
    }
    assert with_pii == {"physio-clinic-1", "physio-clinic-2"}
    assert (SPECS / "physio-clinic.md").exists()


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Pay to DE89 3704 0044 0532 0130 00 please", "IBAN_CODE"),
        ("the kiosk is at 192.168.10.24", "IP_ADDRESS"),
        ("card 4111 1111 1111 1111 for tests", "CREDIT_CARD"),
        ("send post to 221 Baker Street", "STREET_ADDRESS"),
        ("write to maria.lopez@example.com", "EMAIL_ADDRESS"),
        ("Hi, my name is Priya and I run the studio", "PERSON"),
    ],
)
def test_each_entity_kind_becomes_a_numbered_placeholder(
    text: str, entity: str, policy: Policy
) -> None:
    """Every configured entity is replaced by <ENTITY_n>."""
    scrubbed = Scrubber(policy.pii).scrub(text)
    assert f"<{entity}_1>" in scrubbed.text


@pytest.mark.parametrize(
    "secret",
    [
        "sk_live_51HqLyjWDarjtT1zdp7dcXYZ",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    ],
)
def test_secrets_are_masked_and_never_restored(secret: str, policy: Policy) -> None:
    """A key becomes <SECRET_n>; the table keeps only its hash, so it cannot come back."""
    table = PlaceholderTable()
    scrubbed = Scrubber(policy.pii, table).scrub(f"our key is {secret} ok")
    assert secret not in scrubbed.text and "<SECRET_1>" in scrubbed.text
    assert secret not in table.restore(scrubbed.text)


def test_password_phrase_masks_only_the_value(policy: Policy) -> None:
    """The sentence stays readable; the value goes."""
    scrubbed = Scrubber(policy.pii).scrub("admin password: hunter2!x").text
    assert scrubbed == "admin password: <SECRET_1>"


def test_reply_text_is_restored_but_tool_arguments_keep_placeholders(
    context: GuardContext,
) -> None:
    """The person reads their own data back; the manifest never receives it."""

    def reply(messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(
                parts=[
                    ToolCallPart(
                        "note_assumption",
                        {"field": "contact", "value": "<PERSON_1>", "reason": "given"},
                    )
                ]
            )
        return ModelResponse(parts=[TextPart("Thanks <PERSON_1>, noted.")])

    received: list[str] = []
    agent = Agent(guard_model(FunctionModel(reply), context=context))

    @agent.tool_plain
    def note_assumption(field: str, value: str, reason: str) -> str:
        received.append(value)
        return "ok"

    result = run_agent(agent, "Hi, I'm Dana Whitfield from Northgate Physio")
    assert result.output == "Thanks Dana Whitfield, noted."
    assert received == ["<PERSON_1>"]


def test_same_value_same_placeholder_within_a_run(policy: Policy) -> None:
    """Numbering is stable, so the model can refer to a person consistently."""
    scrubber = Scrubber(policy.pii)
    one = scrubber.scrub("mail a@example.org or b@example.org").text
    two = scrubber.scrub("again: b@example.org").text
    assert one == "mail <EMAIL_ADDRESS_1> or <EMAIL_ADDRESS_2>"
    assert two == "again: <EMAIL_ADDRESS_2>"
