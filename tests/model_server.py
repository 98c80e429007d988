"""A real OpenAI-compatible model server for tests: llama-cpp-python's own server
(`llama_cpp.server`) with the test model, on a free loopback port, in a child process.

Started as `python tests/model_server.py MODEL PORT` so that weight repacking is decided as a
kresearch run decides it (llm/repack.py: llama.cpp's AMX path crashes on some CPUs, and the
stock `python -m llama_cpp.server` has no switch for it).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from http_fixture import free_port


@contextlib.contextmanager
def model_server(model: Path, n_ctx: int = 4096, timeout: float = 180.0):
    """Yields the server's /v1 URL; stops the server afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, str(model), str(port), str(n_ctx)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the model server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the model server did not start in time")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _serve(model: str, port: int, n_ctx: int) -> None:
    import llama_cpp
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    from kresearch.llm import repack
    from kresearch.llm.llamacpp import _repacking, physical_cores

    threads = physical_cores()
    decision = repack.resolve(os.environ.get("KRESEARCH_REPACK", "auto"), Path(model), threads, None)
    with _repacking(llama_cpp, decision.repack):
        # interrupt_requests (default True) ends a streamed answer early when another request
        # arrives: sub-agents' sections would come back cut off
        app = create_app(server_settings=ServerSettings(host="127.0.0.1", port=port, interrupt_requests=False),
                         model_settings=[ModelSettings(model=model, model_alias="test-model", n_ctx=n_ctx,
                                                       n_threads=threads, n_threads_batch=threads, seed=0,
                                                       verbose=False)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
