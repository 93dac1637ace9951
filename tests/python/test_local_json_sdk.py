"""Guaranteed JSON from the built-in engine (SmolLM2-135M Q4_1) through the official OpenAI SDK.

Every answer must parse, and json_schema answers must validate; the validator below is independent of
the engine's schema compiler.
"""
import json

import openai
import pytest

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "hobbies": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "status": {"enum": ["active", "retired"]},
    },
    "required": ["name", "age", "hobbies", "status"],
    "additionalProperties": False,
}


@pytest.fixture
def client(sluice):
    return openai.OpenAI(base_url=sluice + "/v1", api_key="unused", max_retries=0)


def validate(value, schema):
    """A minimal validator for the keywords used here; raises AssertionError on a violation."""
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), value
        for key in schema.get("required", []):
            assert key in value, key
        for key, member in value.items():
            assert key in schema["properties"] or schema.get("additionalProperties", True) is not False, key
            if key in schema["properties"]:
                validate(member, schema["properties"][key])
    elif kind == "array":
        assert isinstance(value, list), value
        assert len(value) <= schema.get("maxItems", len(value))
        for item in value:
            validate(item, schema["items"])
    elif kind == "string":
        assert isinstance(value, str), value
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), value
    if "enum" in schema:
        assert value in schema["enum"], value


def json_schema_format(schema, name="person"):
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


def test_json_object(client):
    completion = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "Describe a cat as a JSON object."}],
        response_format={"type": "json_object"},
        temperature=0,
        max_tokens=60,
    )
    assert isinstance(json.loads(completion.choices[0].message.content), dict)
    assert completion.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("temperature", [0, 1.0])
def test_json_schema(client, temperature):
    completion = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "Make up a person as JSON."}],
        response_format=json_schema_format(PERSON),
        temperature=temperature,
        seed=7,
        max_tokens=100,
    )
    validate(json.loads(completion.choices[0].message.content), PERSON)


def test_json_schema_streamed(client):
    stream = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "Make up a person as JSON."}],
        response_format=json_schema_format(PERSON),
        temperature=0,
        max_tokens=100,
        stream=True,
    )
    text, finish = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    validate(json.loads(text), PERSON)
    assert finish == "stop"


def test_json_object_streamed_with_small_budget(client):
    stream = client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "Write a long JSON object about the history of Rome."}],
        response_format={"type": "json_object"},
        temperature=0,
        max_tokens=12,
        stream=True,
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert isinstance(json.loads(text), dict)


def test_unsupported_keyword_is_a_400(client):
    schema = {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}, "required": ["zip"]}
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="local",
            messages=[{"role": "user", "content": "A zip code."}],
            response_format=json_schema_format(schema, "zip"),
        )
    assert "'pattern'" in str(raised.value) and "/properties/zip" in str(raised.value)
    assert raised.value.body["param"] == "response_format.json_schema.schema"
