"""Instrumented backends: HTTP/1.1 servers on 127.0.0.1 that record each request exactly
as received (method, target, version, every header line in order, body length and hash,
the connection it came on) and answer with their own name.

A backend's `mode` says how it answers, and can change while a scenario runs:
  ok              200, JSON {"backend": NAME, "path": TARGET}, keep-alive
  slow:SECONDS    the same, after SECONDS
  slow_path:S     the same, after S seconds when the target contains "slow"
  status:N        N with the JSON body
  close           answers, says Connection: close, closes
  reset           closes the connection without answering (RST)
  hang            reads the request, never answers
  mid_body        promises a body, sends half, closes
  big:N           200 with N bytes of body (chunked when N is negative: -N bytes)
  echo            200 with the request's body
  websocket       101 to an Upgrade request, then echoes every byte until closed
  refuse          not listening at all (the port stays reserved: see stop()/start())
`health_mode` answers requests to `health_path` the same way (default: ok), so a
backend can fail its health checks while serving traffic, or the other way round.
"""
import hashlib
import json
import socket
import threading
import time


class Backend:
    def __init__(self, name, port=0, mode="ok", health_path="/health"):
        self.name = name
        self.mode = mode
        self.health_mode = "ok"
        self.health_path = health_path
        self.requests = []      # what the scenario traffic sent (health checks excluded)
        self.health_requests = []
        self.connections = 0    # connections accepted so far
        self._lock = threading.Lock()
        self._sock = None
        self._threads = []
        self._conns = set()
        self.port = port
        self.start()

    # ---- listening --------------------------------------------------------------------

    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        self.port = s.getsockname()[1]
        s.listen(256)
        self._sock = s
        t = threading.Thread(target=self._accept, args=(s,), daemon=True)
        t.start()

    def stop(self):
        """Stops listening and drops open connections: new connections are refused."""
        if self._sock:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass

    close = stop

    def _accept(self, s):
        while True:
            try:
                conn, peer = s.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._conns.add(conn)
                conn_id = self.connections
            threading.Thread(target=self._serve, args=(conn, peer, conn_id), daemon=True).start()

    # ---- one connection -----------------------------------------------------------------

    def _serve(self, conn, peer, conn_id):
        buf = b""
        try:
            while True:
                req, buf = self._read_request(conn, buf)
                if req is None:
                    return
                req["connection"] = conn_id
                req["peer"] = peer
                health = req["target"].split("?")[0] == self.health_path
                with self._lock:
                    (self.health_requests if health else self.requests).append(req)
                mode = self.health_mode if health else self.mode
                if not self._answer(conn, req, mode, buf):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _recv(conn, buf):
        data = conn.recv(65536)
        if not data:
            raise EOFError
        return buf + data

    def _read_request(self, conn, buf):
        try:
            while b"\r\n\r\n" not in buf:
                buf = self._recv(conn, buf)
        except EOFError:
            return None, b""
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = (lines[0].split(" ") + ["", ""])[:3]
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        lower = {k.lower(): v for k, v in headers}
        body = b""
        try:
            if "chunked" in lower.get("transfer-encoding", "").lower():
                while True:
                    while b"\r\n" not in buf:
                        buf = self._recv(conn, buf)
                    size_line, buf = buf.split(b"\r\n", 1)
                    size = int(size_line.split(b";")[0], 16)
                    while len(buf) < size + 2:
                        buf = self._recv(conn, buf)
                    body += buf[:size]
                    buf = buf[size + 2:]
                    if size == 0:
                        break
            elif "content-length" in lower:
                n = int(lower["content-length"])
                while len(buf) < n:
                    buf = self._recv(conn, buf)
                body, buf = buf[:n], buf[n:]
        except EOFError:
            return None, b""
        req = {"method": method, "target": target, "version": version, "headers": headers,
               "body_length": len(body), "body_sha256": hashlib.sha256(body).hexdigest(), "body": body,
               "backend": self.name, "time": time.time()}
        return req, buf

    def _send(self, conn, status, body, extra=(), close=False, reason="OK"):
        head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Content-Type: application/json",
                f"X-Backend: {self.name}"]
        head += [f"{k}: {v}" for k, v in extra]
        if close:
            head.append("Connection: close")
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def _answer(self, conn, req, mode, pending):
        """Answers one request; False when the connection is to be closed."""
        body = json.dumps({"backend": self.name, "path": req["target"]}).encode()
        keep = req["version"] == "HTTP/1.1" and \
            "close" not in dict((k.lower(), v.lower()) for k, v in req["headers"]).get("connection", "")
        kind, _, arg = mode.partition(":")
        if kind == "slow":
            time.sleep(float(arg))
            kind = "ok"
        if kind == "slow_path":  # slow only for targets containing "slow"
            if "slow" in req["target"]:
                time.sleep(float(arg))
            kind = "ok"
        if kind == "ok":
            self._send(conn, 200, body, close=not keep)
            return keep
        if kind == "status":
            self._send(conn, int(arg), body, close=not keep, reason="Status")
            return keep
        if kind == "close":
            self._send(conn, 200, body, close=True)
            return False
        if kind == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return False
        if kind == "hang":
            time.sleep(3600)
            return False
        if kind == "mid_body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 500)
            return False
        if kind == "big":
            n = int(arg)
            data = bytes((i * 7) % 251 for i in range(abs(n)))
            if n >= 0:
                self._send(conn, 200, data, close=not keep)
            else:
                out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n"
                for i in range(0, len(data), 16384):
                    piece = data[i:i + 16384]
                    out += b"%x\r\n" % len(piece) + piece + b"\r\n"
                conn.sendall(out + b"0\r\n\r\n")
            return keep
        if kind == "echo":
            self._send(conn, 200, req["body"], close=not keep)
            return keep
        if kind == "websocket":
            self._tunnel(conn, req, pending)
            return False
        raise ValueError(f"unknown backend mode {mode}")

    def _tunnel(self, conn, req, pending):
        key = dict((k.lower(), v) for k, v in req["headers"]).get("sec-websocket-key", "")
        import base64
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        if pending:
            conn.sendall(pending)
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def reserved_port():
    """A port nothing listens on: a 'refusing' server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
