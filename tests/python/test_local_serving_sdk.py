"""The built-in engine's serving through the official `openai` SDK: concurrent requests batched
together, the context cache (cached_tokens), and the per-model queue's 429."""
import concurrent.futures
import time

import openai
import pytest

from conftest import LOCAL_MODEL, _start_sluice

QUESTIONS = [
    "What is the capital of France?",
    "Name three colours.",
    "Write a haiku about rain.",
    "What is 2 + 2?",
    "Who wrote Hamlet?",
    "Give me a synonym for happy.",
    "What do bees make?",
    "Say hello in Spanish.",
]

# A long shared system prompt (a "document"), so that follow-up requests reuse its KV blocks.
DOCUMENT = " ".join(
    f"Clause {i}: the tenant shall keep the premises at number {i} in good repair and report damage within {i % 7 + 1} days."
    for i in range(1, 30)
)

EXTRA_MODELS = f"""
  - name: local-cold
    backend: local
    path: {LOCAL_MODEL}
    threads: 2
    local:
      prefix_cache: false
  - name: local-one
    backend: local
    path: {LOCAL_MODEL}
    threads: 1
    local:
      parallel: 1
      max_waiting: 0
      queue_timeout: 5
"""


@pytest.fixture(scope="module")
def server(fakes):
    base, process, _ = _start_sluice(fakes, extra_models=EXTRA_MODELS)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def client(server):
    return openai.OpenAI(base_url=server + "/v1", api_key="unused", max_retries=0, timeout=120)


def _answer(client, model, messages, max_tokens=24):
    completion = client.chat.completions.create(model=model, messages=messages, temperature=0, max_tokens=max_tokens)
    return completion.choices[0].message.content, completion.usage


def test_eight_concurrent_requests_answer_as_each_does_alone(client):
    alone = [_answer(client, "local", [{"role": "user", "content": q}])[0] for q in QUESTIONS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda q: _answer(client, "local", [{"role": "user", "content": q}])[0], QUESTIONS))
    assert together == alone
    assert len(set(alone)) > 4


def test_a_shared_prefix_is_reported_as_cached_tokens_and_changes_nothing(client):
    def messages(question):
        return [{"role": "system", "content": DOCUMENT}, {"role": "user", "content": question}]

    first_text, first_usage = _answer(client, "local", messages("Which clause mentions number 3?"))
    assert first_usage.prompt_tokens > 600
    second_text, second_usage = _answer(client, "local", messages("How many days for clause 5?"))
    cached = second_usage.prompt_tokens_details.cached_tokens
    # Everything up to the question is shared.
    assert 600 <= cached < second_usage.prompt_tokens
    cold_text, cold_usage = _answer(client, "local-cold", messages("How many days for clause 5?"))
    assert cold_usage.prompt_tokens_details.cached_tokens == 0
    assert second_text == cold_text

    # Streaming reports the same in its usage chunk.
    stream = client.chat.completions.create(
        model="local", messages=messages("How many days for clause 5?"), temperature=0, max_tokens=24, stream=True,
        stream_options={"include_usage": True})
    text, usage = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage:
            usage = chunk.usage
    assert text == cold_text
    # The same prompt again: all of it but the last token comes from the cache.
    assert usage.prompt_tokens_details.cached_tokens == usage.prompt_tokens - 1


def test_a_busy_model_with_no_queue_answers_429_and_a_closed_stream_frees_the_slot(client):
    stream = client.chat.completions.create(
        model="local-one", messages=[{"role": "user", "content": "Count from 1 to 500, one number per line."}],
        temperature=0, max_tokens=400, stream=True)
    iterator = iter(stream)
    next(iterator)  # the request is running
    with pytest.raises(openai.RateLimitError) as refused:
        client.chat.completions.create(
            model="local-one", messages=[{"role": "user", "content": "Hi"}], max_tokens=4)
    assert refused.value.status_code == 429
    assert refused.value.body["code"] == "engine_queue_full"
    assert refused.value.response.headers.get("retry-after") == "1"
    stream.close()

    # The slot frees as soon as the server sees the client gone.
    deadline = time.time() + 20
    while True:
        try:
            text, usage = _answer(client, "local-one", [{"role": "user", "content": "Hi"}], max_tokens=4)
            break
        except openai.RateLimitError:
            assert time.time() < deadline, "the closed stream kept its slot"
            time.sleep(0.1)
    assert usage.completion_tokens >= 1
