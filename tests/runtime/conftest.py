"""Fixtures for running the real proxyglot binary against instrumented backends, on
loopback ports chosen at run time."""
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

BINARY = os.environ.get("PROXYGLOT_BINARY", os.path.join(os.path.dirname(__file__), "../../build/proxyglot"))


class Backend:
    """An HTTP/1.1 server on 127.0.0.1:0 that records every request it sees and
    answers with its name; `behaviour` may change the answer."""

    def __init__(self, name, behaviour=None):
        self.name = name
        self.requests = []
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                backend.requests.append(
                    {"method": self.command, "path": self.path, "headers": list(self.headers.items()), "body": body,
                     "peer": self.client_address}
                )
                if behaviour and behaviour(self):
                    return
                payload = json.dumps({"backend": backend.name, "path": self.path}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_one

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    """A port nothing listens on (bound, then released): for a 'dead' server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def refusing_port():
    """Ports that refuse connections, for dead servers: each held bound and never
    listening, so that no process started meanwhile (a proxy under test) is handed it.
    (A port merely released, free_port(), may come back as the proxy's own listener.)"""
    held = []

    def make():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        held.append(s)
        return s.getsockname()[1]

    yield make
    for s in held:
        s.close()


@pytest.fixture
def dead(refusing_port):
    """A backend-like object (.port) whose port refuses connections."""
    class Dead:
        port = refusing_port()

    return Dead


class Proxy:
    """proxyglot run on a temp copy of the config. Access logs go to self.access_log
    (run --access-log) unless keep_access_logs: the config's own destinations (say,
    nginx's default /var/log/nginx/access.log) are not the test's to write."""

    def __init__(self, config_text, name="nginx.conf", threads=1, keep_access_logs=False, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="pg-run-")
        self.path = os.path.join(self.dir, name)
        with open(self.path, "w") as f:
            f.write(config_text)
        # nginx "listen N;", Caddy "http://:N" and HAProxy "bind :N" listeners, served
        # on free loopback ports instead.
        listens = sorted(set(re.findall(r"listen\s+(\d+)\s*;", config_text))
                         | set(re.findall(r"http://:(\d+)", config_text))
                         | set(re.findall(r"bind\s+\*?:(\d+)", config_text)))
        args = [BINARY, "run", self.path, "--threads", str(threads), "--shutdown-timeout", "5000", *extra_args]
        self.access_log = os.path.join(self.dir, "access.log")
        if not keep_access_logs and "--access-log" not in extra_args:
            args += ["--access-log", self.access_log]
        for port in listens:
            args += ["--bind", f"0.0.0.0:{port}=127.0.0.1:0"]
        # stderr to a file: a pipe nobody reads would block the proxy once full.
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        self.ports = {}
        deadline = time.time() + 10
        while len(self.ports) < len(listens):
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait()
                raise RuntimeError("proxyglot exited: " + self.stderr())
            m = re.match(r"listening on 127\.0\.0\.1:(\d+) \(configured 0\.0\.0\.0:(\d+)\)", line)
            if m:
                self.ports[m.group(2)] = int(m.group(1))
            if time.time() > deadline:
                raise RuntimeError("proxyglot did not start")

        self.stdout_lines = []  # what comes after the listening lines (logs to stdout)
        threading.Thread(target=lambda: self.stdout_lines.extend(self.proc.stdout), daemon=True).start()

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def access_log_lines(self, count=1, timeout=5):
        """The access log's lines once it has `count` (lines are written after the response)."""
        deadline = time.time() + timeout
        while True:
            lines = open(self.access_log).read().splitlines() if os.path.exists(self.access_log) else []
            if len(lines) >= count or time.time() > deadline:
                return lines
            time.sleep(0.02)

    def port(self, configured="8080"):
        return self.ports[str(configured)]

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._stderr.close()


@pytest.fixture
def backends():
    made = []

    def make(name, behaviour=None):
        b = Backend(name, behaviour)
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()


@pytest.fixture
def proxy():
    made = []

    def start(config_text, **kw):
        p = Proxy(config_text, **kw)
        made.append(p)
        return p

    yield start
    for p in made:
        p.stop(signal.SIGKILL)
