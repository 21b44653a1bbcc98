"""Large and chunked bodies both ways: a 2 MB request body, a chunked request body, a
3 MB chunked response, each arriving whole (length and SHA-256 compared)."""
import hashlib

BACKENDS = {"a": "echo", "b": "big:-3000000"}


def traffic(t):
    body = bytes((i * 13) % 256 for i in range(2_000_000))
    r = t.request("/echo", method="POST", body=body, timeout=20)
    t.expect("2 MB request: status", r.status, 200, r)
    t.expect("2 MB request: the backend got it whole", r.seen and (r.seen["body_length"], r.seen["body_sha256"]),
             (len(body), hashlib.sha256(body).hexdigest()), r)
    t.expect("2 MB request: echoed back whole", hashlib.sha256(r.body).hexdigest(), hashlib.sha256(body).hexdigest())

    piece = b"x" * 10000
    chunked = b"".join(b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(10)) + b"0\r\n\r\n"
    raw = (b"POST /echo HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + chunked)
    r = t.request(raw=raw)
    t.expect("chunked request: status", r.status, 200, r)
    t.expect("chunked request: the backend got 100000 bytes", r.seen and r.seen["body_length"], 100000, r)

    r = t.request("/big", timeout=20)
    expected = bytes((i * 7) % 251 for i in range(3_000_000))
    t.expect("3 MB chunked response: status", r.status, 200, r)
    t.expect("3 MB chunked response: length", len(r.body), len(expected))
    t.expect("3 MB chunked response: content", hashlib.sha256(r.body).hexdigest(), hashlib.sha256(expected).hexdigest())
