"""What a scenario's traffic function works with: the running target, its backends, a
client, and `expect`, which records every comparison and fails with the request and
what the client and the backend saw."""
import json
import socket
import time


class Response:
    def __init__(self, raw, request, seen):
        self.raw = raw
        self.request = request
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        self.headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name, value.strip()))
        if "chunked" in self.header("transfer-encoding").lower():
            self.body = dechunk(self.body)
        self.seen = seen  # the request as the backend received it, or None

    def header(self, name, default=""):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    @property
    def backend(self):
        """The backend that answered (its X-Backend field), or None."""
        return self.header("x-backend") or None

    def describe(self):
        seen = "nothing" if self.seen is None else \
            f"{self.seen['method']} {self.seen['target']} {self.seen['version']}\n" + \
            "".join(f"      {k}: {v}\n" for k, v in self.seen["headers"])
        return (f"    client sent: {self.request[:300]!r}\n"
                f"    client got: {self.status} " + " | ".join(f"{k}: {v}" for k, v in self.headers) +
                f"\n    body: {self.body[:200]!r}\n    backend saw: {seen}")


def dechunk(data):
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            return out
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return out


def build_request(method, path, host, headers, body, http10=False):
    lines = [f"{method} {path} HTTP/1.{0 if http10 else 1}"]
    if host is not None:
        lines.append(f"Host: {host}")
    for k, v in headers:
        lines.append(f"{k}: {v}")
    if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class Context:
    def __init__(self, target, running, backends):
        self.target = target
        self.running = running
        self.port = running.port
        self.backends = backends
        self.failures = []
        self.checked = 0

    # ---- who behaves how -----------------------------------------------------------------

    @property
    def source(self):
        """The dialect whose configuration this is: the behaviour to expect."""
        return self.target.source

    @property
    def runner(self):
        """What serves: proxyglot, or the real nginx, haproxy or caddy."""
        return self.target.runner

    @property
    def translated(self):
        """Whether this runs a translation of the scenario's config."""
        return self.target.translated

    def by_source(self, **values):
        return values[self.source]

    # ---- traffic -----------------------------------------------------------------------

    def all_requests(self):
        return sum((b.requests for b in self.backends.values()), [])

    def send(self, data, timeout=10, read_until_close=True, source_address=None):
        """Raw bytes on a new connection; returns what came back until close or timeout."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout,
                                      source_address=source_address) as s:
            s.sendall(data)
            chunks = []
            deadline = time.time() + timeout
            while time.time() < deadline:
                try:
                    c = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not c:
                    break
                chunks.append(c)
                if not read_until_close and complete(b"".join(chunks)):
                    break
            return b"".join(chunks)

    def request(self, path="/", method="GET", host="example.com", headers=(), body=None, http10=False,
                timeout=10, source_address=None, raw=None):
        """One request on its own connection (Connection: close unless given)."""
        hdrs = list(headers)
        if not http10 and not any(k.lower() == "connection" for k, _ in hdrs):
            hdrs.append(("Connection", "close"))
        data = raw if raw is not None else build_request(method, path, host, hdrs, body, http10)
        before = {n: len(b.requests) for n, b in self.backends.items()}
        got = self.send(data, timeout=timeout, source_address=source_address)
        seen = None
        for n, b in self.backends.items():
            if len(b.requests) > before[n]:
                seen = b.requests[-1]
        return Response(got, data.decode("latin-1"), seen)

    def keepalive(self, paths, host="example.com"):
        """Several requests on one client connection; returns the responses."""
        out = []
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            buf = b""
            for p in paths:
                data = build_request("GET", p, host, [], None)
                s.sendall(data)
                while not complete(buf):
                    c = s.recv(65536)
                    if not c:
                        break
                    buf += c
                n = message_length(buf)
                out.append(Response(buf[:n], data.decode(), None))
                buf = buf[n:]
        return out

    def backend_sequence(self, n, path="/", **kw):
        """The backend (X-Backend) that answered each of n requests, in order ('-' for none)."""
        return [self.request(path, **kw).backend or "-" for _ in range(n)]

    def location(self, response, host="example.com"):
        """The Location a client follows: resolved against the request's own URL (nginx
        sends absolute URLs, HAProxy and Caddy relative ones; a browser ends up at the
        same place)."""
        from urllib.parse import urljoin
        target = response.request.split(" ", 2)[1] if response.request else "/"
        return urljoin(f"http://{host}:{self.port}{target}", response.header("location"))

    # ---- expectations ------------------------------------------------------------------

    def expect(self, label, actual, expected, response=None):
        self.checked += 1
        if actual != expected:
            detail = f"  {label}: expected {expected!r}, got {actual!r}"
            if response is not None:
                detail += "\n" + response.describe()
            self.failures.append(detail)

    def expect_true(self, label, ok, response=None):
        self.expect(label, bool(ok), True, response)


def message_length(buf):
    """The length of the first complete HTTP response in buf (Content-Length or chunked)."""
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return len(buf)
    n = len(head) + 4
    lower = head.lower()
    if b"transfer-encoding: chunked" in lower:
        end = rest.find(b"\r\n0\r\n\r\n")
        if rest.startswith(b"0\r\n\r\n"):
            return n + 5
        return n + end + 7 if end >= 0 else len(buf)
    for line in lower.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return n + int(line.split(b":")[1])
    return n


def complete(buf):
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    return len(buf) >= message_length(buf) and (b"transfer-encoding: chunked" not in head.lower()
                                                or b"\r\n0\r\n\r\n" in b"\r\n" + rest)


def backend_of(response):
    try:
        return json.loads(response.body)["backend"]
    except (ValueError, KeyError, TypeError):
        return None
