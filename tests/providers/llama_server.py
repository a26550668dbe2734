"""Run llama.cpp's OpenAI-compatible server (xllamacpp) in its own process, for tests.

Usage: python -m tests.providers.llama_server MODEL.gguf. Prints ``LISTENING <url>`` once the
server is up and serves until SIGTERM. A separate process can be stopped mid-run, and its
native threads can never outlive the test session.
"""

from __future__ import annotations

import signal
import sys
import threading

import xllamacpp as xlc


def main(model_path: str) -> None:
    """Start the server on a free loopback port with a small context and two threads."""
    params = xlc.CommonParams()
    params.model.path = model_path
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # the server picks a free port and reports it in listening_address
    params.n_ctx = 2048
    params.n_parallel = 1
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.use_jinja = True
    params.warmup = False
    params.sampling.temp = 0.0
    params.sampling.seed = 7
    server = xlc.Server(params)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stop.set())
    print(f"LISTENING {server.listening_address}", flush=True)
    stop.wait()
    del server


if __name__ == "__main__":
    main(sys.argv[1])
