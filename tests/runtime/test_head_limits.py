"""The request head's limits as each product sets them: nginx's 8 KiB request line
(414) and header line (400) within 32 KiB, HAProxy's 15 KiB head and 101 headers
(400), Caddy's (Go's) 1 MiB head (431)."""
from client import raw


def get(target=b"/", headers=b""):
    return b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"


def status(port, data):
    """The status of the response to `data` on a connection closed right after."""
    return int(raw(port, data + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[9:12])


def lines(count, size):
    return b"".join(b"X-H%d: " % i + b"v" * size + b"\r\n" for i in range(count))


def test_nginx_head_limits(proxy):
    p = proxy("""events {}
http { server { listen 8080; location / { return 200 "ok"; } } }""")
    port = p.port()
    assert status(port, get(b"/" + b"a" * 8100)) == 200
    assert status(port, get(b"/" + b"a" * 9000)) == 414
    assert status(port, get(headers=b"X-A: " + b"v" * 8100 + b"\r\n")) == 200
    assert status(port, get(headers=b"X-A: " + b"v" * 8200 + b"\r\n")) == 400
    assert status(port, get(headers=lines(4, 7000))) == 200
    assert status(port, get(headers=lines(5, 7000))) == 400
    assert status(port, get(headers=lines(200, 10))) == 200  # no count limit


def test_haproxy_head_limits(proxy):
    p = proxy("""defaults
  mode http
  timeout client 5s
frontend web
  bind :8080
  http-request return status 200 content-type text/plain string ok
""", name="haproxy.cfg")
    port = p.port()
    assert status(port, get(b"/" + b"a" * 12000)) == 200  # no request-line limit of its own
    assert status(port, get(headers=b"X-A: " + b"v" * 15000 + b"\r\n")) == 200
    assert status(port, get(headers=b"X-A: " + b"v" * 15400 + b"\r\n")) == 400  # over bufsize - maxrewrite
    assert status(port, get(headers=lines(100, 10))) == 200  # with Host: 101 headers
    assert status(port, get(headers=lines(101, 10))) == 400


def test_caddy_head_limits(proxy):
    p = proxy("""http://:8080 {
  respond "ok"
}
""", name="Caddyfile")
    port = p.port()
    assert status(port, get(headers=b"X-A: " + b"v" * 40000 + b"\r\n")) == 200
    assert status(port, get(headers=lines(500, 10))) == 200
    assert status(port, get(headers=b"X-A: " + b"v" * (1 << 20) + b"\r\n")) == 431
    # Lines Go accepts but proxyglot's parser cannot hold (64 KiB): refused, never a crash.
    assert status(port, get(headers=b"X-A: " + b"v" * 70000 + b"\r\n")) == 431
    assert status(port, get(b"/" + b"a" * 70000)) == 414
    assert status(port, get()) == 200


def test_a_header_template_growing_past_the_clients_limits_is_sent_on_as_caddy_does(proxy, backends):
    """A template may make a field longer than any the client could send (here 80,000
    bytes from a 40,000-byte one): Caddy (Go) sends it on, and so does proxyglot. This
    backend (Python's http.server) refuses lines over 64 KiB with its own 431, which the
    client gets; the next request is served as usual."""
    b = backends("a")
    p = proxy(f"""http://:8080 {{
  reverse_proxy 127.0.0.1:{b.port} {{
    header_up X-Twice "{{http.request.header.X-A}}{{http.request.header.X-A}}"
  }}
}}
""", name="Caddyfile")
    port = p.port()
    assert status(port, get(headers=b"X-A: " + b"v" * 40000 + b"\r\n")) == 431
    assert status(port, get(headers=b"X-A: " + b"v" * 30000 + b"\r\n")) == 200
    assert dict(b.requests[-2]["headers"])["X-Twice"] == "v" * 60000  # [-1]: the closing request status() adds
    assert status(port, get(headers=b"X-A: short\r\n")) == 200
