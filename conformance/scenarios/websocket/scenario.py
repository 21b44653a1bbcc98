"""WebSocket: the upgrade passes through (101), then bytes flow both ways until the
client closes."""
import base64
import os
import socket

BACKENDS = {"a": "websocket"}


def traffic(t):
    key = base64.b64encode(os.urandom(16)).decode()
    handshake = (f"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", t.port), timeout=5) as s:
        s.sendall(handshake)
        head = b""
        while b"\r\n\r\n" not in head:
            c = s.recv(4096)
            if not c:
                break
            head += c
        status = head.split(b" ")[1] if head.startswith(b"HTTP/") else head[:40]
        t.expect("handshake status", status, b"101")
        seen = t.backends["a"].requests[-1] if t.backends["a"].requests else None
        headers = {k.lower(): v for k, v in seen["headers"]} if seen else {}
        t.expect("the backend saw the upgrade", (headers.get("upgrade", "").lower(),
                                                 "upgrade" in headers.get("connection", "").lower()), ("websocket", True))
        rest = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""
        echoed = []
        for message in (b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", os.urandom(3000)):
            s.sendall(message)
            got = rest
            rest = b""
            while len(got) < len(message):
                c = s.recv(65536)
                if not c:
                    break
                got += c
            echoed.append(got == message)
        t.expect("bytes echoed through the tunnel", echoed, [True, True])
