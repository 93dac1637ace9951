"""Starts the fake upstreams and a real `sluice serve` for the official SDK tests.

The binaries come from `swift build` (scripts/test builds them first); SLUICE_BIN_DIR overrides
where they are looked for.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN_DIR = os.environ.get("SLUICE_BIN_DIR", os.path.join(ROOT, ".build", "debug"))
LOCAL_MODEL = os.environ.get("SLUICE_TEST_MODEL") or os.path.join(
    os.environ.get("SLUICE_HOME") or os.path.expanduser("~/.cache/sluice"), "models", "SmolLM2-135M-Instruct.Q4_1.gguf"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sluice exited early with {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


@pytest.fixture(scope="session")
def fakes():
    process = subprocess.Popen(
        [os.path.join(BIN_DIR, "sluice-fakes")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"sluice-fakes did not start: {process.stderr.read()}")
    ports = json.loads(line)
    yield ports
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def sluice(fakes):
    """The base URL of a running `sluice serve` with models gpt, claude, and gemini on the fakes."""
    port = _free_port()
    config = f"""
server:
  host: 127.0.0.1
  port: {port}
models:
  - name: gpt
    backend: openai
    model: fake-gpt
    base_url: http://127.0.0.1:{fakes["openai"]}/v1
    api_key: env:FAKE_OPENAI_KEY
  - name: claude
    backend: anthropic
    model: claude-fake
    base_url: http://127.0.0.1:{fakes["anthropic"]}
    api_key: env:FAKE_ANTHROPIC_KEY
  - name: gemini
    backend: gemini
    model: gemini-fake
    base_url: http://127.0.0.1:{fakes["gemini"]}/v1beta
    api_key: env:FAKE_GEMINI_KEY
  - name: local
    backend: local
    path: {LOCAL_MODEL}
    threads: 2
"""
    if not os.path.exists(LOCAL_MODEL):
        raise RuntimeError(f"the default model is missing at {LOCAL_MODEL}: run `sluice models fetch` first")
    directory = tempfile.mkdtemp(prefix="sluice-sdk-")
    path = os.path.join(directory, "sluice.yaml")
    with open(path, "w") as handle:
        handle.write(config)
    env = dict(os.environ)
    env.update(
        FAKE_OPENAI_KEY="test-openai-key",
        FAKE_ANTHROPIC_KEY="test-anthropic-key",
        FAKE_GEMINI_KEY="test-gemini-key",
        SLUICE_LOG_LEVEL="warning",
    )
    process = subprocess.Popen(
        [os.path.join(BIN_DIR, "sluice"), "serve", "--config", path],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_ready(base + "/readyz", process)
    yield base
    process.terminate()
    process.wait(timeout=30)
