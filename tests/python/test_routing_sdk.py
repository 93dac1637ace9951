"""Routes, fallbacks, shedding and the trained discriminator through the official SDKs and the CLI."""
import json
import os
import subprocess
import tempfile
import threading
import time

import anthropic
import openai
import pytest

from conftest import BIN_DIR, _start_sluice

HI = [{"role": "user", "content": "hi"}]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}]

ROUTING = """
routing:
  trust_tier_header: true
  retries: {attempts: 1}
tiers:
  paid: {priority: 10, queue_timeout: 30}
  free: {priority: 0, queue_timeout: 0, on_overload: shed}
  trial: {priority: 0, queue_timeout: 0, on_overload: {downgrade: gemini}}
routes:
  - name: auto
    rules:
      - {name: tools, when: {tools: true}, use: gpt}
      - {name: long-free, when: {tier: free, conversation_tokens: ">2000"}, use: gemini}
    default: claude
    fallbacks: [gemini]
  - name: smart
    discriminator: {model: ROUTER_FILE, strong: claude, weak: gpt}
    default: gpt
"""


def extra_models(fakes):
    return f"""
  - name: dead
    backend: openai
    base_url: http://127.0.0.1:1/v1
    fallbacks: [gpt]
  - name: busy
    backend: openai
    model: fake-busy
    base_url: http://127.0.0.1:{fakes["openai"]}/v1
    api_key: env:FAKE_OPENAI_KEY
    capacity: 1
    max_queue: 0
"""


def sluice_cli(*args, check=True):
    result = subprocess.run([os.path.join(BIN_DIR, "sluice"), *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def trained_router():
    """A discriminator trained with the CLI on a synthetic labelled set."""
    directory = tempfile.mkdtemp(prefix="sluice-router-")
    data = os.path.join(directory, "labelled.jsonl")
    heldout = os.path.join(directory, "heldout.jsonl")
    model = os.path.join(directory, "router.json")
    sluice_cli("router", "synth", "--out", data, "--count", "4000")
    sluice_cli("router", "synth", "--out", heldout, "--count", "1000", "--seed", "99")
    trained = sluice_cli("router", "train", "--data", data, "--out", model, "--target-share", "0.4")
    assert "AUC" in trained.stdout
    return model, heldout


@pytest.fixture(scope="module")
def routed(fakes, trained_router):
    router_file, _ = trained_router
    base, process, _ = _start_sluice(
        fakes, extra=ROUTING.replace("ROUTER_FILE", router_file), with_local=False, extra_models=extra_models(fakes))
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_router_cli_evaluates_a_sweep(trained_router):
    model, heldout = trained_router
    result = sluice_cli("router", "eval", "--model", model, "--data", heldout)
    assert "AUC" in result.stdout
    assert "STRONG %" in result.stdout and "PGR %" in result.stdout
    auc = float(result.stdout.split("AUC:")[1].split()[0])
    assert auc >= 0.9
    bad = sluice_cli("router", "train", "--data", "/nonexistent.jsonl", "--out", model + ".x", check=False)
    assert bad.returncode != 0 and "nonexistent" in bad.stderr


def test_openai_sdk_falls_back_from_a_dead_upstream(routed):
    client = openai.OpenAI(base_url=routed + "/v1", api_key="unused", max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model="dead", messages=HI)
    assert raw.headers["x-sluice-model"] == "gpt"
    assert "fallback:gpt" in raw.headers["x-sluice-route-reason"]
    assert raw.parse().choices[0].message.content == "Echo: hi"
    # A stream that fails before its first byte falls back silently.
    text = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in client.chat.completions.create(model="dead", messages=HI, stream=True)
        if chunk.choices
    )
    assert text == "Echo: hi"


def test_rules_choose_the_model_and_say_why(routed):
    client = openai.OpenAI(base_url=routed + "/v1", api_key="unused", max_retries=0)
    tooled = client.chat.completions.with_raw_response.create(model="auto", messages=HI, tools=TOOLS)
    assert tooled.headers["x-sluice-model"] == "gpt"
    assert tooled.headers["x-sluice-route-reason"] == "rule:tools"
    long_chat = [{"role": "user", "content": "tell me more " * 800}]
    free = client.chat.completions.with_raw_response.create(
        model="auto", messages=long_chat, extra_headers={"x-sluice-tier": "free"})
    assert free.headers["x-sluice-model"] == "gemini"
    assert free.headers["x-sluice-route-reason"] == "rule:long-free"
    models = [model.id for model in client.models.list()]
    assert "auto" in models and "smart" in models


def test_anthropic_sdk_uses_routes(routed):
    client = anthropic.Anthropic(base_url=routed, api_key="unused", max_retries=0)
    raw = client.messages.with_raw_response.create(model="auto", max_tokens=64, messages=HI)
    assert raw.headers["x-sluice-model"] == "claude"
    assert raw.headers["x-sluice-route-reason"] == "default"
    assert raw.parse().content[0].text == "Echo: hi"


def test_the_discriminator_sends_hard_questions_to_the_strong_model(routed):
    client = openai.OpenAI(base_url=routed + "/v1", api_key="unused", max_retries=0)
    hard = [{"role": "user", "content": "Prove the theorem and derive the asymptotic complexity of this integral."}]
    strong = client.chat.completions.with_raw_response.create(model="smart", messages=hard)
    assert strong.headers["x-sluice-model"] == "claude"
    assert strong.headers["x-sluice-route-reason"].startswith("discriminator:strong")
    weak = client.chat.completions.with_raw_response.create(model="smart", messages=HI)
    assert weak.headers["x-sluice-model"] == "gpt"
    assert weak.headers["x-sluice-route-reason"].startswith("discriminator:weak")


def test_a_full_backend_sheds_free_and_downgrades_trial_but_serves_paid(routed):
    client = openai.OpenAI(base_url=routed + "/v1", api_key="unused", max_retries=0)
    # A paid stream holds busy's only slot for about four seconds (the fake's `slow:` scenario).
    holder_done = threading.Event()
    holder_text = []

    def hold():
        stream = client.chat.completions.create(
            model="busy", messages=[{"role": "user", "content": "slow: hold the slot"}], stream=True,
            extra_headers={"x-sluice-tier": "paid"})
        holder_text.extend(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
        holder_done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(1.0)
    with pytest.raises(openai.RateLimitError) as shed:
        client.chat.completions.create(model="busy", messages=HI, extra_headers={"x-sluice-tier": "free"})
    assert shed.value.code == "capacity_exceeded"
    assert int(shed.value.response.headers["retry-after"]) >= 1
    downgraded = client.chat.completions.with_raw_response.create(
        model="busy", messages=HI, extra_headers={"x-sluice-tier": "trial"})
    assert downgraded.headers["x-sluice-model"] == "gemini"
    assert downgraded.headers["x-sluice-downgraded"] == "busy"
    thread.join(timeout=60)
    assert holder_done.is_set() and "".join(holder_text)
    # The slot is free again: a free request is served.
    served = client.chat.completions.with_raw_response.create(
        model="busy", messages=HI, extra_headers={"x-sluice-tier": "free"})
    assert served.headers["x-sluice-model"] == "busy"
