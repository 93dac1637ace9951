"""Virtual keys, budgets and costs through the official SDKs and the `sluice keys`/`sluice usage` CLI."""
import json
import os
import subprocess
import time
import urllib.request

import anthropic
import openai
import pytest

from conftest import ADMIN_KEY, BIN_DIR

# "hello there": the fake reports 2 prompt and 7 completion tokens; at $1/$2 per 1M that is $0.000016.
HELLO = [{"role": "user", "content": "hello there"}]


def admin(base, path, body=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path, data=data, method=method or ("POST" if data else "GET"),
        headers={"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def create_key(base, **fields):
    status, body = admin(base, "/admin/keys", {"owner": "sdk", **fields})
    assert status == 201
    assert body["key"].startswith("sk-sluice-")
    return body["id"], body["key"]


def test_openai_sdk_with_a_virtual_key_sees_the_cost(sluice_keys):
    base, _, _ = sluice_keys
    _, secret = create_key(base)
    client = openai.OpenAI(base_url=base + "/v1", api_key=secret)
    raw = client.chat.completions.with_raw_response.create(model="gpt", messages=HELLO)
    assert raw.headers["x-sluice-cost"] == "0.000016 USD"
    assert raw.parse().choices[0].message.content == "Echo: hello there"
    stream = client.chat.completions.create(
        model="gpt", messages=HELLO, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: hello there"
    assert chunks[-1].usage.completion_tokens == 7


def test_wrong_and_missing_keys_raise_authentication_errors(sluice_keys):
    base, _, _ = sluice_keys
    with pytest.raises(openai.AuthenticationError) as wrong:
        openai.OpenAI(base_url=base + "/v1", api_key="sk-sluice-wrong").chat.completions.create(model="gpt", messages=HELLO)
    assert wrong.value.code == "invalid_api_key"
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=base, api_key="wrong").messages.create(
            model="gpt", max_tokens=20, messages=HELLO)


def test_anthropic_sdk_with_a_virtual_key(sluice_keys):
    base, _, _ = sluice_keys
    _, secret = create_key(base)
    client = anthropic.Anthropic(base_url=base, api_key=secret)
    raw = client.messages.with_raw_response.create(model="gpt", max_tokens=20, messages=HELLO)
    assert raw.headers["x-sluice-cost"] == "0.000016 USD"
    assert raw.parse().content[0].text == "Echo: hello there"


def test_exhausted_budget_is_a_rate_limit_error_with_insufficient_quota(sluice_keys):
    base, _, _ = sluice_keys
    # Two requests' worth; each reserves 59 × 1,000 + 7 × 2,000 = 73,000 nanos, so after two are
    # settled (32,000) the 0.00008 budget cannot cover a third's ceiling.
    key_id, secret = create_key(base, budget={"amount": "0.00008", "currency": "USD", "period": "total"})
    client = openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0)
    client.chat.completions.create(model="gpt", messages=HELLO, max_tokens=7)
    with pytest.raises(openai.RateLimitError) as refused:
        for _ in range(5):
            client.chat.completions.create(model="gpt", messages=HELLO, max_tokens=7)
    assert refused.value.code == "insufficient_quota"
    _, detail = admin(base, f"/admin/keys/{key_id}")
    assert float(detail["spend"]["spent"]) <= 0.00008


def test_cli_creates_lists_and_revokes_keys_and_reports_usage(sluice_keys):
    base, config, env_extra = sluice_keys
    env = dict(os.environ, **env_extra)
    sluice = os.path.join(BIN_DIR, "sluice")
    created = subprocess.run(
        [sluice, "keys", "create", "--config", config, "--owner", "cli-team", "--tier", "paid", "--budget", "5 USD/month",
         "--rpm", "100"], env=env, capture_output=True, text=True, check=True)
    secret = created.stdout.strip()
    assert secret.startswith("sk-sluice-") and "created key_" in created.stderr
    listing = subprocess.run([sluice, "keys", "list", "--config", config], env=env, capture_output=True, text=True, check=True)
    assert "cli-team" in listing.stdout and secret not in listing.stdout
    key_id = next(line.split()[0] for line in listing.stdout.splitlines() if "cli-team" in line)

    client = openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0)
    assert client.chat.completions.create(model="gpt", messages=HELLO).choices[0].message.content == "Echo: hello there"

    usage = subprocess.run(
        [sluice, "usage", "--config", config, "--group-by", "owner", "--json"], env=env, capture_output=True, text=True, check=True)
    rows = {row["group"]: row for row in json.loads(usage.stdout)}
    assert rows["cli-team"]["requests"] == 1
    assert rows["cli-team"]["cost"]["nanos"] == 16000

    subprocess.run([sluice, "keys", "revoke", "--config", config, key_id], env=env, capture_output=True, text=True, check=True)
    # The running gateway trusts a looked-up key for at most 5 s.
    deadline = time.time() + 15
    while True:
        try:
            client.chat.completions.create(model="gpt", messages=HELLO)
        except openai.AuthenticationError as error:
            assert error.code == "revoked_api_key"
            break
        assert time.time() < deadline, "the revoked key still works"
        time.sleep(0.5)
