"""proxyglot run against the real products on the very same configuration: the same
requests through each, and what the client and the backend saw compared. Differences
that are real and documented are named; any other one fails with both sides shown."""
import json
import re
import socket
import time

import pytest

from client import raw
from conftest import free_port
from real_products import RealProduct

# Fields that differ by nature: the proxy's own name and the time.
VARYING = {"date", "server"}
# Generated pages name the product that wrote them.
SIGNATURE = re.compile(rb"<hr><center>(nginx/[0-9.]+|proxyglot)</center>")


def haproxy_web(rest, server_timeout="5s"):
    """A haproxy.cfg with these tests' defaults and a frontend `web` on @PORT@, then `rest`."""
    return ("defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n"
            f"  timeout server {server_timeout}\nfrontend web\n  bind 127.0.0.1:@PORT@\n" + rest)


def run_both(product, config, backends, names, tmp_name):
    """Starts the real product and proxyglot on `config` (@PORT@ and @B1@... filled in)."""
    started = []
    try:
        for who in (product, f"proxyglot:{tmp_name}"):
            port = free_port()
            text = config.replace("@PORT@", str(port))
            for name, b in zip(names, backends):
                text = text.replace(f"@{name}@", str(b.port))
            started.append(RealProduct(who, text, port))
        return started
    except Exception:
        for s in started:
            s.stop()
        raise


def exchange(port, request_bytes, backend, ignored=()):
    """The response (status line and selected fields) and what the backend saw."""
    before = len(backend.requests)
    response = raw(port, request_bytes.replace(b"@PORT@", str(port).encode()))
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    body = response.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in response else b""
    fields = [tuple(x.split(": ", 1)) for x in head[1:] if ": " in x]
    status = head[0].split(" ")[1] if head and head[0].startswith("HTTP/") else head[0]
    seen = backend.requests[before:]
    observed = {
        "status": status,
        "location": next((v.replace(str(port), "PORT") for k, v in fields if k.lower() == "location"), None),
        # The response's own fields (not the length: the product's name in pages differs).
        "fields": sorted((k.lower(), v) for k, v in fields
                         if k.lower() not in VARYING | {"content-length", "location"}),
        "body": SIGNATURE.sub(b"<hr><center>PRODUCT</center>", body) if status != "200" or not seen else None,
        # Fields by name, lines of one name in order: the order of different names carries
        # no meaning (RFC 9110 5.3).
        "backend": [(r["method"], r["path"],
                     sorted(((k.lower(), v.replace(str(port), "PORT")) for k, v in r["headers"]
                             if k.lower() not in VARYING and k.lower() not in ignored), key=lambda kv: kv[0]))
                    for r in seen],
    }
    return observed


def compare(product, config, backends, names, requests, tmp_name, expected_differences=None, ignored_fields=None):
    """Every request must be observed the same way through both, except those named in
    expected_differences (label: why), which must really differ; ignored_fields (name:
    why) are fields one product adds to every request and the other does not."""
    ignored = tuple((ignored_fields or {}).keys())
    expected_differences = expected_differences or {}
    real, ours = run_both(product, config, backends, names, tmp_name)
    try:
        failures = []
        before = len(backends[0].requests)
        for label, req in requests:
            a = exchange(real.port, req, backends[0], ignored)
            b = exchange(ours.port, req, backends[0], ignored)
            if label in expected_differences:
                if a == b:
                    failures.append(f"{label}: expected to differ ({expected_differences[label]}), but did not")
            elif a != b:
                failures.append(f"{label}: {req!r}\n  {product}:   {a}\n  proxyglot: {b}")
        # An ignored field must really be one the product adds.
        for name in ignored:
            sent = [r for r in backends[0].requests[before:] if any(k.lower() == name for k, _ in r["headers"])]
            if not sent:
                failures.append(f"{name}: named as added by {product}, but no request carried it")
        assert not failures, "\n".join(failures)
    finally:
        real.stop()
        ours.stop()


def get(path, host="example.com", extra=b""):
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\n" + extra + b"Connection: close\r\n\r\n"


def test_nginx_forwarding_rewriting_and_generated_answers(backends):
    b = backends("a")
    config = """events {}
http {
  upstream app { server 127.0.0.1:@B1@; }
  server {
    listen 127.0.0.1:@PORT@;
    server_name example.com;
    location / {
      proxy_pass http://app;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    location /api/ { proxy_pass http://app/v1/; }
    location = /hello { default_type text/plain; return 200 "hi $host\\n"; }
    location /old { return 301 /new; }
  }
}
"""
    compare("nginx", config, [b], ["B1"], [
        ("forwarded headers", get("/x?y=1", extra=b"X-Forwarded-For: 203.0.113.7\r\nUser-Agent: t\r\n")),
        ("proxy_pass URI and default Host", get("/api/users?page=2", extra=b"Accept: */*\r\n")),
        ("hop-by-hop removed", get("/x", extra=b"Keep-Alive: 5\r\nTE: trailers\r\nX-Named: 1\r\nConnection: X-Named\r\n")),
        ("return with a variable", get("/hello")),
        ("relative redirect made absolute", get("/old")),
        ("slash redirect of a proxied prefix", get("/api")),
        ("unknown host goes to the default server", get("/x", host="other.test")),
        ("HTTP/1.0 without Host", b"GET /x HTTP/1.0\r\n\r\n"),
        ("space before the colon", b"GET /x HTTP/1.1\r\nHost : example.com\r\n\r\n"),
        ("request line over 8 KiB", get("/" + "a" * 9000)),
        ("header line over 8 KiB", get("/x", extra=b"X-Big: " + b"v" * 8200 + b"\r\n")),
        ("obs-fold", b"GET /x HTTP/1.1\r\nHost: example.com\r\nX-A: a\r\n b\r\n\r\n"),
        ("Content-Length with Transfer-Encoding", b"POST /x HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n"
                                                   b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ], "nginx.conf", expected_differences={
        "hop-by-hop removed": "nginx passes fields that Connection names (X-Named); proxyglot drops them, as "
                              "RFC 9110 7.6.1 says and docs/runtime.md states",
        "header line over 8 KiB": "nginx's 400 page for a too large header says so in its title; proxyglot's "
                                  "400 page is the same for every bad request",
    })


def test_haproxy_acls_rules_and_forwarding(backends):
    b = backends("a")
    config = r"""global
  maxconn 100
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  option forwardfor
frontend web
  bind 127.0.0.1:@PORT@
  acl api path_beg /api/
  acl admin path_beg /admin
  http-request deny if admin
  http-request set-header X-Front web
  http-request return status 200 content-type text/plain string hello if { path /hello }
  http-request redirect location /new code 301 if { path /old }
  use_backend api if api
  default_backend app
backend app
  server a 127.0.0.1:@B1@
backend api
  http-request replace-path /api(/.*) \1
  server a 127.0.0.1:@B1@
"""
    compare("haproxy", config, [b], ["B1"], [
        ("forwardfor and set-header", get("/x?y=1", extra=b"X-Forwarded-For: 203.0.113.7\r\nUser-Agent: t\r\n")),
        ("replace-path in the backend", get("/api/users?page=2")),
        ("deny", get("/admin/x")),
        ("return", get("/hello")),
        ("redirect", get("/old")),
        ("HTTP/1.0 without Host", b"GET /x HTTP/1.0\r\n\r\n"),
        ("space before the colon", b"GET /x HTTP/1.1\r\nHost : example.com\r\n\r\n"),
        ("a 12 KiB request line is within HAProxy's buffer", get("/" + "a" * 12000)),
        ("a head over 15 KiB", get("/x", extra=b"X-Big: " + b"v" * 15400 + b"\r\n")),
        ("101 header fields", get("/x", extra=b"".join(b"X-%d: v\r\n" % i for i in range(100)))),
    ], "haproxy.cfg", expected_differences={
        "HTTP/1.0 without Host": "HAProxy forwards an HTTP/1.0 request as HTTP/1.0 with Connection: keep-alive; "
                                 "proxyglot sends HTTP/1.1, kept alive by default",
    })


def test_caddy_handles_forwarding_and_answers(backends):
    b = backends("a")
    config = """http://:@PORT@ {
	handle_path /api/* {
		reverse_proxy 127.0.0.1:@B1@ {
			header_up X-Test abc
		}
	}
	redir /old /new 301
	respond /hello "hi" 200
	handle {
		reverse_proxy 127.0.0.1:@B1@
	}
}
"""
    compare("caddy", config, [b], ["B1"], [
        ("forwarded headers", get("/x?y=1", extra=b"X-Forwarded-For: 203.0.113.7\r\nUser-Agent: t\r\n")),
        ("handle_path strips the prefix", get("/api/users?page=2")),
        ("hop-by-hop removed", get("/x", extra=b"Keep-Alive: 5\r\nX-Named: 1\r\nConnection: X-Named\r\n")),
        ("respond after a catch-all handle: handle comes first in Caddy's order", get("/hello")),
        ("redir", get("/old")),
    ], "Caddyfile", ignored_fields={
        "accept-encoding": "Go's HTTP transport under Caddy asks for gzip when the client did not, and "
                           "decompresses the answer; proxyglot passes the request's own (none)",
    })


def sequence(port, n):
    """Which backend answered each of n requests, in order."""
    out = []
    for _ in range(n):
        response = raw(port, get("/x"))
        out.append(json.loads(response.split(b"\r\n\r\n", 1)[1])["backend"] if b" 200 " in response[:15] else "-")
    return out


@pytest.mark.parametrize("product,config,name", [
    ("nginx", """events {}
http {
  upstream app { server 127.0.0.1:@B1@ weight=3; server 127.0.0.1:@B2@; server 127.0.0.1:@B3@ backup; }
  server { listen 127.0.0.1:@PORT@; location / { proxy_pass http://app; } }
}
""", "nginx.conf"),
    ("haproxy", haproxy_web("""  default_backend app
backend app
  balance roundrobin
  server a 127.0.0.1:@B1@ weight 3
  server b 127.0.0.1:@B2@ weight 1
  server c 127.0.0.1:@B3@ backup
"""), "haproxy.cfg"),
])
def test_weighted_round_robin_sequence_and_backup(backends, product, config, name, dead):
    a, b, c = backends("a"), backends("b"), backends("c")
    real, ours = run_both(product, config, [a, b, c], ["B1", "B2", "B3"], name)
    try:
        assert sequence(ours.port, 8) == sequence(real.port, 8)
    finally:
        real.stop()
        ours.stop()

    # Every primary refusing connections: nginx moves on to the backup; HAProxy, without
    # health checks, never marks them down and answers 503 itself.
    real, ours = run_both(product, config, [dead, dead, c], ["B1", "B2", "B3"], name)
    try:
        got = sequence(ours.port, 3)
        assert got == sequence(real.port, 3)
        assert got == (["c"] * 3 if product == "nginx" else ["-"] * 3)
    finally:
        real.stop()
        ours.stop()


def test_nginx_rewrites_error_pages_and_real_ip(backends, dead):
    b = backends("a")
    config = """events {}
http {
  upstream app { server 127.0.0.1:@B1@; }
  upstream gone { server 127.0.0.1:@B2@; }
  set_real_ip_from 127.0.0.0/8;
  real_ip_header X-Forwarded-For;
  real_ip_recursive on;
  server {
    listen 127.0.0.1:@PORT@;
    server_name example.com;
    rewrite ^/legacy/(.*)$ /new/$1 last;
    location /new/ { proxy_pass http://app; proxy_set_header X-Real-IP $remote_addr; }
    location /broken/ { proxy_pass http://gone; error_page 502 = @fallback; }
    location @fallback { proxy_pass http://app; proxy_set_header X-Fallback yes; }
    location /moved { rewrite ^ /elsewhere?from=moved redirect; }
    location /teapot { error_page 418 =200 /new/tea; return 418; }
    location /headers { add_header X-Added yes; add_header X-Always yes always; return 404; }
  }
}
"""


    compare("nginx", config, [b, dead], ["B1", "B2"], [
        ("rewrite ... last into a proxied location", get("/legacy/item?q=1")),
        ("real IP from trusted proxies, rightmost untrusted", get("/new/x", extra=b"X-Forwarded-For: 198.51.100.9, 10.0.0.1\r\n")),
        ("error_page to a named location", get("/broken/x")),
        ("rewrite redirect keeps the new query", get("/moved?x=1")),
        ("error_page with a status to an internal redirect", get("/teapot")),
        ("add_header always on an error", get("/headers")),
    ], "nginx.conf")


@pytest.mark.parametrize("product,config,name", [
    ("nginx", """events {}
http {
  upstream app { server 127.0.0.1:@B1@; server 127.0.0.1:@B2@; }
  upstream strict { server 127.0.0.1:@B1@; server 127.0.0.1:@B2@; }
  server { listen 127.0.0.1:@PORT@;
    location / { proxy_pass http://app; }
    location /strict/ { proxy_pass http://strict; proxy_next_upstream off; }
  }
}
""", "nginx.conf"),
    ("haproxy", haproxy_web("""  use_backend strict if { path_beg /strict/ }
  default_backend app
backend app
  option redispatch
  retries 1
  server dead 127.0.0.1:@B1@
  server live 127.0.0.1:@B2@
backend strict
  retries 1
  server dead 127.0.0.1:@B1@
  server live 127.0.0.1:@B2@
"""), "haproxy.cfg"),
    ("caddy", """http://:@PORT@ {
	handle /strict/* {
		reverse_proxy 127.0.0.1:@B1@ 127.0.0.1:@B2@ {
			lb_policy round_robin
		}
	}
	handle {
		reverse_proxy 127.0.0.1:@B1@ 127.0.0.1:@B2@ {
			lb_policy round_robin
			lb_try_duration 1s
		}
	}
}
""", "Caddyfile"),
])
def test_failover_from_a_refusing_server(backends, product, config, name, dead):
    live = backends("live")


    real, ours = run_both(product, config, [dead, live], ["B1", "B2"], name)
    try:
        def statuses(port, path, n):
            out = []
            for _ in range(n):
                response = raw(port, get(path))
                out.append(response[9:12].decode() + ":" + (
                    json.loads(response.split(b"\r\n\r\n", 1)[1])["backend"] if response[9:12] == b"200" else "-"))
            return out
        # nginx: the refused server is passed over (proxy_next_upstream error) and rests
        # for fail_timeout; HAProxy: redispatch after the retry; Caddy: retries within
        # lb_try_duration; without these, the product's error.
        assert statuses(ours.port, "/x", 4) == statuses(real.port, "/x", 4)
        assert statuses(ours.port, "/strict/x", 4) == statuses(real.port, "/strict/x", 4)
    finally:
        real.stop()
        ours.stop()


@pytest.mark.parametrize("product,config,name", [
    ("nginx", """events {}
http {
  upstream app { server 127.0.0.1:@B1@; }
  server { listen 127.0.0.1:@PORT@; location / { proxy_pass http://app; proxy_read_timeout 300ms; } }
}
""", "nginx.conf"),
    ("haproxy", haproxy_web("""  default_backend app
backend app
  server slow 127.0.0.1:@B1@
""", server_timeout="300ms"), "haproxy.cfg"),
])
def test_a_backend_too_slow_to_answer(backends, product, config, name):
    def hang(handler):
        time.sleep(1.5)
        return False

    slow = backends("slow", hang)
    real, ours = run_both(product, config, [slow], ["B1"], name)
    try:
        for port in (real.port, ours.port):
            started = time.time()
            assert raw(port, get("/x"))[9:12] == b"504", port
            assert time.time() - started < 1.2  # the read timeout, not the backend, ended it
    finally:
        real.stop()
        ours.stop()


@pytest.mark.parametrize("product,config,name", [
    ("haproxy", haproxy_web("""  default_backend app
backend app
  option httpchk GET /health
  server dead 127.0.0.1:@B1@ check inter 200ms fall 1 rise 1
"""), "haproxy.cfg"),
    ("caddy", """{
	admin off
	auto_https off
}
http://:@PORT@ {
	reverse_proxy 127.0.0.1:@B1@ {
		health_uri /health
		health_interval 200ms
		health_timeout 100ms
	}
}
""", "Caddyfile"),
])
def test_every_server_taken_out_by_health_checks(backends, product, config, name, dead):
    """No upstream left to pick: HAProxy answers 503, and so does Caddy ("no upstreams
    available"; a failed dial would be its 502)."""

    real, ours = run_both(product, config, [dead], ["B1"], name)
    try:
        time.sleep(1.5)  # several check intervals: the server is down everywhere
        for port in (real.port, ours.port):
            assert raw(port, get("/x"))[9:12] == b"503", port
    finally:
        real.stop()
        ours.stop()


@pytest.mark.parametrize("policy,cookie", [("lb_policy cookie", "lb"), ("lb_policy cookie sess s3cret", "sess")])
def test_caddy_cookie_stickiness(backends, policy, cookie, dead):
    """Caddy's cookie policy: a client without the cookie gets a random upstream and the
    cookie naming it (HMAC-SHA256 of its address, keyed with the secret); with it, that
    upstream and no new cookie; a failed answer carries the cookie too."""
    a, b = backends("a"), backends("b")
    config = ("{\n\tadmin off\n\tauto_https off\n}\nhttp://:@PORT@ {\n"
              "\treverse_proxy 127.0.0.1:@B1@ 127.0.0.1:@B2@ {\n\t\t" + policy + "\n\t}\n}\n")

    def answer(port, extra=b""):
        """(status, the backend that answered or "-", the Set-Cookie values)."""
        response = raw(port, get("/x", extra=extra))
        head, _, body = response.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        cookies = [line.split(": ", 1)[1] for line in lines[1:] if line.lower().startswith("set-cookie:")]
        status = lines[0].split(" ")[1]
        return status, json.loads(body)["backend"] if status == "200" else "-", cookies

    def signatures(port):
        """Which cookie value each backend got: every answer without a cookie sets one."""
        named = {}
        for _ in range(30):
            status, who, cookies = answer(port)
            assert status == "200" and len(cookies) == 1, (status, cookies)
            name, _, rest = cookies[0].partition("=")
            value, _, attributes = rest.partition("; ")
            assert name == cookie and attributes == "Path=/" and re.fullmatch(r"[0-9a-f]{64}", value), cookies
            assert named.setdefault(who, value) == value  # one value per backend
        return named

    real, ours = run_both("caddy", config, [a, b], ["B1", "B2"], "Caddyfile")
    try:
        named = signatures(real.port)
        assert set(named) == {"a", "b"}
        assert signatures(ours.port) == named
        for port in (real.port, ours.port):
            for who, value in named.items():
                for quoted in (value, f'"{value}"'):
                    sent = f"Cookie: other=1; {cookie}={quoted}\r\n".encode()
                    assert answer(port, sent) == ("200", who, []), (port, who)
            status, _, cookies = answer(port, f"Cookie: {cookie}=unknown\r\n".encode())
            assert status == "200" and len(cookies) == 1
    finally:
        real.stop()
        ours.stop()

    # One server that refuses connections: Caddy's 502 still sets the cookie.
    real, ours = run_both("caddy", config.replace(" 127.0.0.1:@B2@", ""), [dead], ["B1"], "Caddyfile")
    try:
        got = answer(ours.port)
        assert got == answer(real.port)
        assert got[0] == "502" and len(got[2]) == 1
    finally:
        real.stop()
        ours.stop()


def test_caddy_hash_policies_choose_as_caddy(backends):
    """uri_hash and header: Caddy 2.6 hashes with highest random weight (FNV-1a of the
    key and each upstream's address), so each key lands on the upstream real Caddy
    picks; a header policy without its field picks at random."""
    a, b, c = backends("a"), backends("b"), backends("c")
    config = """{
	admin off
	auto_https off
}
http://:@PORT@ {
	reverse_proxy /h* 127.0.0.1:@B1@ 127.0.0.1:@B2@ 127.0.0.1:@B3@ {
		lb_policy header X-Key
	}
	reverse_proxy 127.0.0.1:@B1@ 127.0.0.1:@B2@ 127.0.0.1:@B3@ {
		lb_policy uri_hash
	}
}
"""

    def who(port, path, extra=b""):
        response = raw(port, get(path, extra=extra))
        assert response[9:12] == b"200", response[:200]
        return json.loads(response.split(b"\r\n\r\n", 1)[1])["backend"]

    paths = [f"/p{i}?q={i * 7}" for i in range(24)] + ["/", "/a/b/", "/%41"]
    keys = [f"user-{i}" for i in range(24)]
    real, ours = run_both("caddy", config, [a, b, c], ["B1", "B2", "B3"], "Caddyfile")
    try:
        chosen = [who(real.port, p) for p in paths]
        assert len(set(chosen)) == 3  # the keys spread over every upstream
        assert [who(ours.port, p) for p in paths] == chosen
        by_header = [who(real.port, "/h", f"X-Key: {k}\r\n".encode()) for k in keys]
        assert [who(ours.port, "/h", f"X-Key: {k}\r\n".encode()) for k in keys] == by_header
        assert len({who(ours.port, "/h") for _ in range(40)}) == 3  # no field: random
    finally:
        real.stop()
        ours.stop()


def test_haproxy_cookie_persistence(backends):
    """cookie NAME insert: a request with a server's cookie goes to it and gets no new
    one; any other is balanced and the answer sets the chosen server's cookie (an
    expired empty one for a server without a value), after the server's own fields;
    a server's own cookie of that name is dropped; indirect keeps the cookie from the
    server; nocache marks a cacheable answer private."""
    def cacheable(handler):
        if "/cache" not in handler.path:
            return False
        payload = json.dumps({"backend": handler.server.backend_name}).encode()
        handler.send_response(200)
        handler.send_header("Cache-Control", "max-age=60")
        handler.send_header("Set-Cookie", "app=1")
        handler.send_header("Set-Cookie", "SRV=own; path=/x")  # HAProxy's insert mode drops it
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        return True

    a, b = backends("a", cacheable), backends("b", cacheable)
    for backend in (a, b):
        backend.server.backend_name = backend.name
    config = haproxy_web("""  use_backend ind if { path_beg /ind }
  default_backend plain
backend plain
  cookie SRV insert
  server a 127.0.0.1:@B1@ cookie sa
  server b 127.0.0.1:@B2@ cookie sb
backend ind
  cookie SRV insert indirect nocache httponly secure domain .example.com
  server a 127.0.0.1:@B1@ cookie sa
  server b 127.0.0.1:@B2@
""")
    requests = [("/x", ""), ("/x", ""), ("/x", "SRV=sb"), ("/x", "x=1; SRV=sa; y=2"), ("/x", "SRV=zz"),
                ("/cache", ""), ("/cache", "SRV=sa"),
                ("/ind", ""), ("/ind", ""), ("/ind", "x=1; SRV=sa; y=2"), ("/ind", "SRV=sa"), ("/ind", "SRV=zz"),
                ("/ind/cache", ""), ("/ind/cache", ""), ("/ind/cache", "SRV=sa"), ("/ind/cache", "")]

    def observe(port):
        out = []
        for path, cookie in requests:
            before = {x.name: len(x.requests) for x in (a, b)}
            response = raw(port, get(path, extra=f"Cookie: {cookie}\r\n".encode() if cookie else b""))
            head, _, body = response.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = [tuple(line.split(": ", 1)) for line in lines[1:] if ": " in line]
            seen = [r for x in (a, b) for r in x.requests[before[x.name]:]]
            out.append({
                "request": (path, cookie),
                "status": lines[0].split(" ")[1],
                "backend": json.loads(body)["backend"],
                # Set-Cookie and Cache-Control lines in order: the inserted ones come last.
                "fields": [(k.lower(), v) for k, v in fields if k.lower() in ("set-cookie", "cache-control")],
                "server saw": [v for r in seen for k, v in r["headers"] if k.lower() == "cookie"],
            })
        return out

    real, ours = run_both("haproxy", config, [a, b], ["B1", "B2"], "haproxy.cfg")
    try:
        expected = observe(real.port)
        got = observe(ours.port)
        assert got == expected, "\n".join(f"haproxy:   {e}\nproxyglot: {g}" for e, g in zip(expected, got) if e != g)
        # What the comparison rests on: the cases really happened.
        assert any(("set-cookie", "SRV=sa; path=/") in o["fields"] for o in expected)
        assert any(("cache-control", "private") in o["fields"] for o in expected)
        assert any(o["fields"] and o["fields"][-1][1].startswith("SRV=; Expires=") for o in expected)
    finally:
        real.stop()
        ours.stop()


def test_haproxy_cookie_on_a_websocket_upgrade(backends):
    """HAProxy sets its persistence cookie on a 101 answer too (after the server's fields)."""
    def upgrade(handler):
        handler.connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                   b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
        handler.close_connection = True
        return True

    b = backends("ws", upgrade)
    config = haproxy_web("  default_backend ws\nbackend ws\n  cookie SRV insert\n  server a 127.0.0.1:@B1@ cookie sa\n")

    def answer(port, extra=b""):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        return lines[0].split(" ")[1], [x.split(": ", 1)[1] for x in lines[1:] if x.lower().startswith("set-cookie:")]

    real, ours = run_both("haproxy", config, [b], ["B1"], "haproxy.cfg")
    try:
        for extra in (b"", b"Cookie: SRV=sa\r\n", b"Cookie: SRV=other\r\n"):
            assert answer(ours.port, extra) == answer(real.port, extra), extra
        assert answer(real.port) == ("101", ["SRV=sa; path=/"])
    finally:
        real.stop()
        ours.stop()
