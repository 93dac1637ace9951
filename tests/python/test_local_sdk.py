"""The official SDKs against the built-in engine (SmolLM2-135M Q4_1) behind `sluice serve`."""
import anthropic
import openai
import pytest

# llama.cpp's greedy completion of this prompt (shared/fixtures), 24 tokens.
PROMPT = "What is the capital of France?"
REFERENCE = "L'Étoile, la Marseillaise, la femme au martyre, la femme au mart"


@pytest.fixture
def client(sluice):
    return openai.OpenAI(base_url=sluice + "/v1", api_key="unused", max_retries=0)


def test_greedy_chat_matches_llama_cpp(client):
    completion = client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": PROMPT}], temperature=0, max_tokens=24
    )
    assert completion.choices[0].message.content == REFERENCE
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.prompt_tokens == 37
    assert completion.usage.completion_tokens == 24


def test_streaming_with_usage(client):
    stream = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": PROMPT}],
        temperature=0,
        max_tokens=24,
        stream=True,
        stream_options={"include_usage": True},
    )
    text, usage, finish = "", None, None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert text == REFERENCE
    assert finish == "length"
    assert usage.completion_tokens == 24


def test_stop_sequence_and_logprobs(client):
    completion = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": PROMPT}],
        temperature=0,
        stop=["Marseillaise"],
        logprobs=True,
        top_logprobs=2,
    )
    assert completion.choices[0].message.content == "L'Étoile, la "
    assert completion.choices[0].finish_reason == "stop"
    first = completion.choices[0].logprobs.content[0]
    assert first.token == "L" and abs(first.logprob - -1.9186) < 0.1
    assert len(first.top_logprobs) == 2


def test_anthropic_sdk_on_local(sluice):
    client = anthropic.Anthropic(base_url=sluice, api_key="unused", max_retries=0)
    message = client.messages.create(
        model="local", max_tokens=24, messages=[{"role": "user", "content": PROMPT}],
        extra_body={"temperature": 0},  # this SDK version no longer takes temperature as an argument
    )
    assert message.content[0].text == REFERENCE
    assert message.stop_reason == "max_tokens"
