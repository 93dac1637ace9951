"""The official `anthropic` Python SDK against `POST /v1/messages` of a live `sluice serve`."""
import anthropic
import pytest

MODELS = ["gpt", "claude", "gemini"]

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture
def client(sluice):
    return anthropic.Anthropic(base_url=sluice, api_key="unused", max_retries=0)


@pytest.mark.parametrize("model", MODELS)
def test_message(client, model):
    message = client.messages.create(
        model=model, max_tokens=256, system="Be terse.", messages=[{"role": "user", "content": "hello claude sdk"}]
    )
    assert message.type == "message"
    assert message.content[0].type == "text"
    assert message.content[0].text == "Echo: hello claude sdk"
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens == 7


@pytest.mark.parametrize("model", MODELS)
def test_stream_text(client, model):
    with client.messages.stream(
        model=model, max_tokens=256, messages=[{"role": "user", "content": "stream it"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Echo: stream it"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 7


@pytest.mark.parametrize("model", MODELS)
def test_stream_tool_use(client, model):
    with client.messages.stream(
        model=model,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[{"role": "user", "content": "call: weather in Paris"}],
    ) as stream:
        final = stream.get_final_message()
    tool_uses = [block for block in final.content if block.type == "tool_use"]
    assert len(tool_uses) == 1
    assert tool_uses[0].name == "get_weather"
    assert tool_uses[0].input == {"city": "Paris", "unit": "celsius"}
    assert final.stop_reason == "tool_use"


@pytest.mark.parametrize("model", MODELS)
def test_tool_result_round_trip(client, model):
    first = client.messages.create(
        model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=[{"role": "user", "content": "call: weather"}]
    )
    tool_use = next(block for block in first.content if block.type == "tool_use")
    second = client.messages.create(
        model=model,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[
            {"role": "user", "content": "call: weather"},
            {"role": "assistant", "content": [block.model_dump() for block in first.content]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": tool_use.id, "content": "21 degrees"},
                    {"type": "text", "text": "thanks"},
                ],
            },
        ],
    )
    assert second.content[0].text == "Echo: thanks"


def test_errors(client):
    with pytest.raises(anthropic.NotFoundError):
        client.messages.create(model="nope", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(anthropic.RateLimitError):
        client.messages.create(model="gpt", max_tokens=10, messages=[{"role": "user", "content": "error:429"}])
