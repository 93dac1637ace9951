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


ADMIN_KEY = "sdk-admin-key-0123456789"


def _start_sluice(fakes, extra: str = "", with_local: bool = True, env_extra=None, extra_models: str = ""):
    """Starts `sluice serve` on the fakes with its own SQLite ledger; returns (base URL, process, config path).

    `extra` is added at the top level of the config; `extra_models` at the end of the models list."""
    port = _free_port()
    directory = tempfile.mkdtemp(prefix="sluice-sdk-")
    local = f"""
  - name: local
    backend: local
    path: {LOCAL_MODEL}
    threads: 2
""" if with_local else ""
    config = f"""
server:
  host: 127.0.0.1
  port: {port}
ledger:
  path: {os.path.join(directory, "ledger.sqlite")}
{extra}
models:
  - name: gpt
    backend: openai
    model: fake-gpt
    base_url: http://127.0.0.1:{fakes["openai"]}/v1
    api_key: env:FAKE_OPENAI_KEY
    price: {{input: 1, cached_input: 0.5, output: 2, currency: USD}}
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
{local}{extra_models}"""
    if with_local and not os.path.exists(LOCAL_MODEL):
        raise RuntimeError(f"the default model is missing at {LOCAL_MODEL}: run `sluice models fetch` first")
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
    env.update(env_extra or {})
    process = subprocess.Popen(
        [os.path.join(BIN_DIR, "sluice"), "serve", "--config", path],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_ready(base + "/readyz", process)
    return base, process, path


@pytest.fixture(scope="session")
def sluice(fakes):
    """The base URL of a running `sluice serve` with models gpt, claude, gemini (on the fakes) and local."""
    base, process, _ = _start_sluice(fakes)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def sluice_keys(fakes):
    """A `sluice serve` that requires virtual keys (admin key ADMIN_KEY); yields (base URL, config path, env)."""
    env_extra = {"SLUICE_SDK_ADMIN_KEY": ADMIN_KEY}
    base, process, path = _start_sluice(
        fakes, extra="auth:\n  admin_key: env:SLUICE_SDK_ADMIN_KEY\n", with_local=False, env_extra=env_extra)
    yield base, path, env_extra
    process.terminate()
    process.wait(timeout=30)
