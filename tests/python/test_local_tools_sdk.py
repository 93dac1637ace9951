"""Tool calls and thinking on the built-in engine (SmolLM2-135M Q4_1), through the official `openai` SDK.

`local` is the model with its own template (no tools support: Sluice writes Qwen2.5's tools block).
`local-think` is the same model behind a `local.chat_template` whose generation prompt opens the
thought (`<think>\\n`, as DeepSeek-R1-Distill's does), so everything before `</think>` is reasoning.
"""
import json

import openai
import pytest

from conftest import LOCAL_MODEL, _start_sluice

THINKING_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n' }}{% endif %}"
)

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
            "required": ["city"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Current time in a time zone.",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]},
    },
}
TOOLS = {"get_weather": WEATHER, "get_time": TIME}


@pytest.fixture(scope="module")
def client(fakes):
    extra_models = f"""  - name: local-think
    backend: local
    path: {LOCAL_MODEL}
    threads: 2
    local:
      chat_template: {json.dumps(THINKING_TEMPLATE)}
"""
    base, process, _ = _start_sluice(fakes, extra_models=extra_models)
    yield openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
    process.terminate()
    process.wait(timeout=30)


def assert_matches_schema(value, schema):
    """The subset of JSON Schema the test tools use: object/string types, properties, required, enum."""
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), value
        for key in schema.get("required", []):
            assert key in value, f"missing {key} in {value}"
        for key, item in value.items():
            assert key in schema.get("properties", {}), f"unexpected {key}"
            assert_matches_schema(item, schema["properties"][key])
    elif kind == "string":
        assert isinstance(value, str), value
    if "enum" in schema:
        assert value in schema["enum"], value


def assert_valid_call(call, names):
    assert call.id.startswith("call_") and len(call.id) > 10
    assert call.type == "function"
    assert call.function.name in names
    arguments = json.loads(call.function.arguments)
    assert_matches_schema(arguments, TOOLS[call.function.name]["function"]["parameters"])
    return arguments


def collect_stream(stream):
    """Folds a stream: content, reasoning, tool calls by index, finish reason, usage."""
    content, reasoning, calls, finish, usage = "", "", {}, None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        delta = choice.delta
        content += delta.content or ""
        reasoning += getattr(delta, "reasoning_content", None) or ""
        for part in delta.tool_calls or []:
            if part.index not in calls:
                assert part.id and part.type == "function" and part.function.name, "the first delta names the call"
                calls[part.index] = {"id": part.id, "name": part.function.name, "arguments": ""}
            else:
                assert part.id is None, "later deltas carry only arguments"
            calls[part.index]["arguments"] += part.function.arguments or ""
        finish = choice.finish_reason or finish
    return content, reasoning, calls, finish, usage


def test_tool_choice_required(client):
    completion = client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "What is the weather like in Paris?"}],
        tools=[WEATHER, TIME], tool_choice="required", temperature=0, max_tokens=60,
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert len(choice.message.tool_calls) == 1
    assert_valid_call(choice.message.tool_calls[0], {"get_weather", "get_time"})


def test_named_tool_choice_streamed(client):
    stream = client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "What time is it in Tokyo?"}],
        tools=[WEATHER, TIME], tool_choice={"type": "function", "function": {"name": "get_time"}},
        temperature=0, max_tokens=60, stream=True,
    )
    content, _, calls, finish, _ = collect_stream(stream)
    assert finish == "tool_calls"
    assert content == ""
    assert list(calls) == [0]
    assert calls[0]["name"] == "get_time" and calls[0]["id"].startswith("call_")
    assert "zone" in json.loads(calls[0]["arguments"])


def test_named_tool_choice_not_streamed_and_round_trip(client):
    messages = [{"role": "user", "content": "What is the weather like in Rome?"}]
    first = client.chat.completions.create(
        model="local", messages=messages, tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}}, temperature=0, max_tokens=60,
    )
    call = first.choices[0].message.tool_calls[0]
    arguments = assert_valid_call(call, {"get_weather"})
    # Send the call and its result back: the model answers.
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"city": arguments["city"], "temp_c": 21})})
    second = client.chat.completions.create(
        model="local", messages=messages, tools=[WEATHER], temperature=0, max_tokens=40,
    )
    message = second.choices[0].message
    assert message.content or message.tool_calls
    assert second.choices[0].finish_reason in ("stop", "length", "tool_calls")
    # Streamed, the same round trip gives the same answer.
    content, _, calls, _, _ = collect_stream(client.chat.completions.create(
        model="local", messages=messages, tools=[WEATHER], temperature=0, max_tokens=40, stream=True,
    ))
    assert content == (message.content or "")
    assert len(calls) == len(message.tool_calls or [])


def test_bad_tool_choice_is_a_400(client):
    with pytest.raises(openai.BadRequestError) as error:
        client.chat.completions.create(
            model="local", messages=[{"role": "user", "content": "hi"}], tools=[WEATHER],
            tool_choice={"type": "function", "function": {"name": "nope"}},
        )
    assert error.value.body["param"] == "tool_choice"


def test_thinking_with_budget(client):
    # Greedy SmolLM2 ends its thought after 7 tokens: a budget of 4 closes it first.
    completion = client.chat.completions.create(
        model="local-think", messages=[{"role": "user", "content": "What is 12 times 7?"}],
        temperature=0, max_tokens=30, extra_body={"thinking_budget": 4},
    )
    message = completion.choices[0].message
    reasoning = message.model_extra.get("reasoning_content")
    assert reasoning and "</think>" not in reasoning
    assert message.content and "</think>" not in message.content
    assert completion.usage.completion_tokens_details.reasoning_tokens == 4
    stream = client.chat.completions.create(
        model="local-think", messages=[{"role": "user", "content": "What is 12 times 7?"}],
        temperature=0, max_tokens=30, extra_body={"thinking_budget": 4}, stream=True,
        stream_options={"include_usage": True},
    )
    content, streamed_reasoning, calls, finish, usage = collect_stream(stream)
    assert streamed_reasoning == reasoning
    assert content == message.content
    assert not calls
    assert finish == completion.choices[0].finish_reason
    assert usage.completion_tokens_details.reasoning_tokens == 4


@pytest.mark.parametrize("switch", [{"reasoning_effort": "none"}, {"extra_body": {"enable_thinking": False}}])
def test_thinking_off(client, switch):
    arguments = dict(model="local-think", messages=[{"role": "user", "content": "What is 12 times 7?"}], temperature=0, max_tokens=30)
    completion = client.chat.completions.create(**arguments, **switch)
    message = completion.choices[0].message
    assert message.model_extra.get("reasoning_content") is None
    assert message.content
    assert completion.usage.completion_tokens_details.reasoning_tokens == 0
    content, reasoning, _, _, usage = collect_stream(client.chat.completions.create(
        **arguments, **switch, stream=True, stream_options={"include_usage": True}))
    assert reasoning == ""
    assert content == message.content
    assert usage.completion_tokens_details.reasoning_tokens == 0


def test_thinking_then_required_tool_call(client):
    completion = client.chat.completions.create(
        model="local-think", messages=[{"role": "user", "content": "What is the weather in Rome?"}],
        tools=[WEATHER], tool_choice="required", temperature=0, max_tokens=80, extra_body={"thinking_budget": 6},
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.model_extra.get("reasoning_content")
    assert completion.usage.completion_tokens_details.reasoning_tokens == 6
    assert_valid_call(choice.message.tool_calls[0], {"get_weather"})
