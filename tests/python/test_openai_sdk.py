"""The official `openai` Python SDK against a live `sluice serve`, through every backend kind."""
import json

import openai
import pydantic
import pytest

MODELS = ["gpt", "claude", "gemini"]

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture
def client(sluice):
    return openai.OpenAI(base_url=sluice + "/v1", api_key="unused", max_retries=0)


@pytest.mark.parametrize("model", MODELS)
def test_chat(client, model):
    response = client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": "hello sdk"}]
    )
    assert response.headers["x-sluice-model"] == model
    assert response.headers["x-sluice-request-id"].startswith("req_")
    completion = response.parse()
    assert completion.choices[0].message.content == "Echo: hello sdk"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.completion_tokens == 7


@pytest.mark.parametrize("model", MODELS)
def test_streaming_with_usage(client, model):
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage is not None:
            usage = chunk.usage
    assert text == "Echo: stream please"
    assert usage is not None and usage.completion_tokens == 7 and usage.prompt_tokens >= 1


@pytest.mark.parametrize("model", MODELS)
def test_streamed_tool_calls_reassembled_by_sdk(client, model):
    with client.chat.completions.stream(
        model=model,
        messages=[{"role": "user", "content": "call: what is the weather in Paris"}],
        tools=[WEATHER_TOOL],
    ) as stream:
        for _ in stream:
            pass
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls
    assert len(calls) == 1
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "Paris", "unit": "celsius"}
    assert calls[0].id
    assert completion.choices[0].finish_reason == "tool_calls"


@pytest.mark.parametrize("model", MODELS)
def test_tool_result_round_trip(client, model):
    first = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "call: weather"}], tools=[WEATHER_TOOL]
    )
    call = first.choices[0].message.tool_calls[0]
    second = client.chat.completions.create(
        model=model,
        tools=[WEATHER_TOOL],
        messages=[
            {"role": "user", "content": "call: weather"},
            {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
            {"role": "tool", "tool_call_id": call.id, "content": '{"temp": 21}'},
            {"role": "user", "content": "thanks"},
        ],
    )
    assert second.choices[0].message.content == "Echo: thanks"


class Answer(pydantic.BaseModel):
    answer: int
    city: str
    tags: list[str]


@pytest.mark.parametrize("model", MODELS)
def test_response_format_json_schema(client, model):
    completion = client.chat.completions.parse(
        model=model, messages=[{"role": "user", "content": "json: the answer"}], response_format=Answer
    )
    parsed = completion.choices[0].message.parsed
    assert parsed == Answer(answer=42, city="Paris", tags=["a", "b"])


@pytest.mark.parametrize("model", MODELS)
def test_reasoning_stream(client, model):
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "think: 6 times 7"}],
        stream=True,
        reasoning_effort="high",
    )
    reasoning = ""
    content = ""
    for chunk in stream:
        if chunk.choices:
            delta = chunk.choices[0].delta
            reasoning += getattr(delta, "reasoning_content", None) or ""
            content += delta.content or ""
    assert reasoning == "Let me think step by step. 6 times 7 is 42."
    assert content == "The answer is 42."


def test_errors_raise_the_right_sdk_exceptions(client):
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    assert missing.value.body["code"] == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="gpt", messages=[{"role": "user", "content": "hi"}], temperature=7)
    assert bad.value.body["param"] == "temperature"
    with pytest.raises(openai.RateLimitError) as limited:
        client.chat.completions.create(model="gpt", messages=[{"role": "user", "content": "error:429"}])
    assert limited.value.response.headers["retry-after"] == "7"


def test_mid_stream_failure_raises(client):
    stream = client.chat.completions.create(
        model="gpt", messages=[{"role": "user", "content": "midfail: now"}], stream=True
    )
    with pytest.raises(openai.APIError):
        for _ in stream:
            pass


def test_models_list(client):
    assert [m.id for m in client.models.list()] == ["gpt", "claude", "gemini", "local"]
