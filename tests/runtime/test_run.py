"""proxyglot run: the bundled HTTP/1.1 runtime serving nginx configurations, observed
at the client and at instrumented backends."""
import http.client
import json
import re
import signal
import socket
import threading
import time

import pytest

from client import raw, request


def test_generated_responses(proxy):
    p = proxy("""events {}
http { server { listen 8080; server_name example.com;
  location = /hello { default_type text/plain; return 200 "hello $host\\n"; }
  location /old { return 301 /new; }
  location /private/ { allow 10.0.0.0/8; deny all; return 200; }
  location /files/ { }
} }""")
    port = p.port()
    status, headers, body = request(port, path="/hello")
    assert (status, body, headers["Content-Type"]) == (200, b"hello example.com\n", "text/plain")
    status, headers, _ = request(port, path="/old")
    assert status == 301 and headers["Location"] == f"http://example.com:{port}/new"
    assert request(port, path="/private/x")[0] == 403
    assert request(port, path="/files/a")[0] == 404  # nginx would serve files; proxyglot does not
    assert request(port, path="/elsewhere")[0] == 404
    assert p.stop() == 0


def test_proxy_uri_headers_and_hop_by_hop(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; server_name example.com;
  location /api/ {{
    proxy_pass http://127.0.0.1:{b.port}/v1/;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  }}
}} }}""")
    status, headers, body = request(p.port(), path="/api/users?page=2",
                                    headers={"X-Forwarded-For": "203.0.113.1", "Connection": "X-Secret",
                                             "X-Secret": "1"})
    assert status == 200 and json.loads(body)["backend"] == "a"
    assert headers["Server"] == "proxyglot"
    seen = b.requests[-1]
    assert seen["path"] == "/v1/users?page=2"  # the URI part replaced the matched prefix
    h = {k.lower(): v for k, v in seen["headers"]}
    assert h["host"] == "example.com"
    assert h["x-real-ip"] == "127.0.0.1"
    assert h["x-forwarded-for"] == "203.0.113.1, 127.0.0.1"
    assert h["connection"] == "close"  # nginx's default to the upstream
    assert "x-secret" not in h  # named in Connection: hop-by-hop


def test_smooth_weighted_round_robin_and_backup(proxy, backends):
    a, b, c = backends("a"), backends("b"), backends("c")
    p = proxy(f"""events {{}}
http {{ upstream app {{ server 127.0.0.1:{a.port} weight=3; server 127.0.0.1:{b.port}; server 127.0.0.1:{c.port} backup; }}
  server {{ listen 8080; location / {{ proxy_pass http://app; }} }} }}""")
    order = [json.loads(request(p.port())[2])["backend"] for _ in range(8)]
    assert "".join(order) == "aabaaaba"
    assert c.requests == []  # a backup waits while primaries live


def test_failover_to_next_then_backup_then_502(proxy, backends, refusing_port):
    live = backends("backup")
    dead1, dead2 = refusing_port(), refusing_port()
    p = proxy(f"""events {{}}
http {{ upstream app {{ server 127.0.0.1:{dead1}; server 127.0.0.1:{dead2}; server 127.0.0.1:{live.port} backup; }}
  upstream gone {{ server 127.0.0.1:{dead1}; }}
  server {{ listen 8080; location / {{ proxy_pass http://app; }} location /none/ {{ proxy_pass http://gone; }} }} }}""")
    status, _, body = request(p.port())
    assert status == 200 and json.loads(body)["backend"] == "backup"
    assert request(p.port(), path="/none/")[0] == 502  # nginx's status when no server is left


def test_request_body_passed_and_limited(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ client_max_body_size 1k; server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""")
    status, _, _ = request(p.port(), method="POST", path="/upload", body=b"x" * 500)
    assert status == 200 and b.requests[-1]["body"] == b"x" * 500
    status, _, _ = request(p.port(), method="POST", path="/upload", body=b"x" * 2000)
    assert status == 413
    assert len(b.requests) == 1  # the backend never saw the oversized request


def test_streamed_chunked_response(proxy, backends):
    def chunked(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for part in (b"one ", b"two ", b"three"):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            handler.wfile.flush()
            time.sleep(0.05)
        handler.wfile.write(b"0\r\n\r\n")
        return True

    b = backends("stream", chunked)
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; proxy_buffering off; }} }} }}""")
    status, headers, body = request(p.port())
    assert status == 200 and body == b"one two three"
    assert headers.get("Transfer-Encoding") == "chunked"


def test_unbuffered_response_flushes_each_piece(proxy, backends):
    release = threading.Event()

    def slow(handler):  # server-sent events: one event, then a pause
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for part in (b"data: one\n\n", b"data: two\n\n"):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            handler.wfile.flush()
            release.wait(5)
        handler.wfile.write(b"0\r\n\r\n")
        return True

    b = backends("events", slow)
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; proxy_buffering off; }} }} }}""")
    with socket.create_connection(("127.0.0.1", p.port()), timeout=3) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        seen = b""
        while b"data: one" not in seen:
            seen += s.recv(4096)  # times out (fails) if the event waits for the rest
        assert b"data: two" not in seen
        release.set()


def test_bad_requests_get_400_and_never_reach_the_backend(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""")
    port = p.port()
    assert raw(port, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400")
    smuggle = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"0\r\n\r\n")
    assert raw(port, smuggle).startswith(b"HTTP/1.1 400")
    assert raw(port, b"GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert b.requests == []


def test_graceful_stop_finishes_requests_in_flight(proxy, backends):
    def slow(handler):
        time.sleep(1.0)
        return False

    b = backends("slow", slow)
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""")
    result = {}
    t = threading.Thread(target=lambda: result.update(r=request(p.port())))
    t.start()
    time.sleep(0.3)
    assert p.stop(signal.SIGTERM) == 0
    t.join()
    assert result["r"][0] == 200 and json.loads(result["r"][2])["backend"] == "slow"


@pytest.mark.parametrize("threads", [1, 2])
def test_a_second_signal_stops_at_once(proxy, backends, threads):
    """The first SIGTERM waits for the request in flight (here 5 s); a second one ends
    the process at once, whichever worker holds the request."""
    def slow(handler):
        time.sleep(5.0)
        return False

    b = backends("slow", slow)
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""", threads=threads)
    t = threading.Thread(target=lambda: raw(p.port(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), daemon=True)
    t.start()
    time.sleep(0.3)
    p.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert p.proc.poll() is None  # draining
    started = time.time()
    assert p.stop(signal.SIGTERM, timeout=3) == 0
    assert time.time() - started < 2


def test_config_errors_exit_1(tmp_path):
    import subprocess
    from conftest import BINARY

    bad = tmp_path / "nginx.conf"
    bad.write_text("events {}\nhttp { nope; }\n")
    r = subprocess.run([BINARY, "run", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "unknown directive \"nope\"" in r.stderr


def test_websocket_upgrade_tunnels_bytes_both_ways(proxy, backends):
    def upgrade(handler):
        if handler.headers.get("Upgrade", "").lower() != "websocket":
            return False
        handler.connection.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello:")
        while True:  # echo until the proxy closes
            data = handler.connection.recv(4096)
            if not data:
                break
            handler.connection.sendall(data.upper())
        handler.close_connection = True
        return True

    b = backends("ws", upgrade)
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080;
  location /ws/ {{
    proxy_pass http://127.0.0.1:{b.port};
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_read_timeout 2s;
  }}
  location /plain/ {{ proxy_pass http://127.0.0.1:{b.port}; }}
}} }}""")
    with socket.create_connection(("127.0.0.1", p.port()), timeout=5) as s:
        s.sendall(b"GET /ws/chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        data = b""
        while b"hello:" not in data:
            chunk = s.recv(4096)
            assert chunk, data
            data += chunk
        assert data.startswith(b"HTTP/1.1 101")
        s.sendall(b"ping")
        echoed = b""
        while len(echoed) < 4:
            echoed += s.recv(4096)
        assert echoed == b"PING"
    seen = {k.lower(): v for k, v in b.requests[-1]["headers"]}
    assert seen["upgrade"] == "websocket" and seen["connection"] == "upgrade"
    # Without proxy_http_version 1.1 and the Upgrade header, nginx does not pass the
    # upgrade: the backend sees a plain request.
    status, _, _ = request(p.port(), path="/plain/x", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert status == 200
    assert "upgrade" not in {k.lower() for k, _ in b.requests[-1]["headers"]}


def test_limits_head_and_dates(proxy):
    p = proxy("""events {}
http { keepalive_timeout 0; server { listen 8080; location / { return 200 "body"; } } }""")
    port = p.port()
    long_line = b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw(port, long_line).startswith(b"HTTP/1.1 414")
    huge_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n"
    assert raw(port, huge_header).startswith(b"HTTP/1.1 400")
    head = raw(port, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"Content-Length: 4" in head and not head.endswith(b"body")
    assert b"\r\nDate: " in head
    assert b"Connection: close" in head  # keepalive_timeout 0: no keepalive


def test_upstream_keepalive_reuses_connections(proxy, backends):
    kept, fresh = backends("kept"), backends("fresh")
    p = proxy(f"""events {{}}
http {{
  upstream kept {{ server 127.0.0.1:{kept.port}; keepalive 4; }}
  upstream fresh {{ server 127.0.0.1:{fresh.port}; keepalive 4; }}
  server {{ listen 8080;
    location /kept/ {{ proxy_pass http://kept; proxy_http_version 1.1; proxy_set_header Connection ""; }}
    location /fresh/ {{ proxy_pass http://fresh; }}
  }}
}}""")
    for _ in range(5):
        assert request(p.port(), path="/kept/x")[0] == 200
        assert request(p.port(), path="/fresh/x")[0] == 200
    assert len({r["peer"] for r in kept.requests}) == 1
    # nginx's default "Connection: close" to the upstream: a connection per request.
    assert len({r["peer"] for r in fresh.requests}) == 5


def test_error_page_redispatch(proxy, backends, refusing_port):
    fallback = backends("fallback")
    dead = refusing_port()
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080;
  location /a/ {{ proxy_pass http://127.0.0.1:{dead}; error_page 502 = @rescue; }}
  location /b/ {{ proxy_pass http://127.0.0.1:{dead}; error_page 502 /oops; }}
  location /c/ {{ proxy_pass http://127.0.0.1:{dead}; error_page 502 =200 /oops; }}
  location /d/ {{ error_page 404 https://example.org/missing; }}
  location = /oops {{ internal; default_type text/plain; return 503 "sorry\\n"; }}
  location @rescue {{ proxy_pass http://127.0.0.1:{fallback.port}; }}
}} }}""")
    status, _, body = request(p.port(), path="/a/x")
    assert status == 200 and json.loads(body)["backend"] == "fallback"  # "=": the handler's status
    status, _, body = request(p.port(), path="/b/x")
    assert (status, body) == (502, b"sorry\n")  # the original status, the handler's body
    assert request(p.port(), path="/c/x")[0] == 200
    status, headers, _ = request(p.port(), path="/d/x")
    assert status == 302 and headers["Location"] == "https://example.org/missing"
    assert request(p.port(), path="/oops")[0] == 404  # internal: not for clients


def test_haproxy_errorfile_when_no_server_answers(proxy, tmp_path, refusing_port):
    # An errorfile is the named route "errorfile 503 FILE": the error page's target is
    # that name exactly.
    page = tmp_path / "maintenance.http"
    page.write_bytes(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 11\r\nConnection: close\r\n\r\nmaintenance")
    dead = refusing_port()
    p = proxy(f"""defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    errorfile 503 {page}

frontend web
    bind :8080
    default_backend app

backend app
    server a 127.0.0.1:{dead}
""", name="haproxy.cfg")
    status, _, body = request(p.port(), path="/x")
    assert (status, body) == (503, b"maintenance")


def test_caddy_handle_errors(proxy, backends, refusing_port):
    # Caddy's error routes run for the proxy's own failures and `error`, with the
    # error's status in {err.status_code}; `respond` without a status keeps it.
    dead = refusing_port()
    p = proxy(f"""http://:8080 {{
	reverse_proxy /p* 127.0.0.1:{dead}
	error /e* 418
	respond /r 503
	handle_errors {{
		@gw expression {{err.status_code}} == 502
		header X-Err yes
		respond @gw "gw {{err.status_code}}"
		respond "other {{err.status_code}}" 599
	}}
}}
""", name="Caddyfile")
    status, headers, body = request(p.port(), path="/p")
    assert (status, body, headers["X-Err"]) == (502, b"gw 502", "yes")
    status, _, body = request(p.port(), path="/e")
    assert (status, body) == (599, b"other 418")
    status, _, body = request(p.port(), path="/r")
    assert (status, body) == (503, b"")  # respond is not an error


def test_caddyfile_on_the_runtime(proxy, backends):
    b = backends("caddy")
    p = proxy(f"""http://:8080 {{
	reverse_proxy 127.0.0.1:{b.port} {{
		header_up X-Test abc
		header_up User-Agent curl shell
	}}
}}
""", name="Caddyfile")
    status, _, body = request(p.port(), headers={"X-Forwarded-For": "6.6.6.6", "User-Agent": "curl/8"})
    assert status == 200 and json.loads(body)["backend"] == "caddy"
    h = {k.lower(): v for k, v in b.requests[-1]["headers"]}
    assert h["x-test"] == "abc"
    assert h["user-agent"] == "shell/8"  # header_up's replace form
    assert h["x-forwarded-for"] == "127.0.0.1"  # Caddy replaces untrusted forwarded values
    assert h["x-forwarded-proto"] == "http"


def test_unsupported_parts_are_refused_with_a_diagnostic(tmp_path):
    import subprocess
    from conftest import BINARY

    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp { server { listen 8443 ssl; ssl_certificate c.pem; ssl_certificate_key k.pem; } }\n")
    r = subprocess.run([BINARY, "run", str(conf)], capture_output=True, text=True, timeout=10)
    assert r.returncode == 1
    assert f"{conf}:2:24: error: listener 0.0.0.0:8443: TLS is not supported by the runtime yet" in r.stderr


def test_passive_health_counts_unhealthy_statuses(proxy, backends):
    def broken(handler):
        handler.send_response(500)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True

    bad, good = backends("bad", broken), backends("good")
    p = proxy(f"""http://:8080 {{
	reverse_proxy 127.0.0.1:{bad.port} 127.0.0.1:{good.port} {{
		lb_policy round_robin
		fail_duration 10s
		max_fails 1
		unhealthy_status 5xx
	}}
}}
""", name="Caddyfile")
    statuses = [request(p.port())[0] for _ in range(6)]
    # Caddy's round robin starts with the second upstream (side by side with real Caddy).
    assert statuses[:2] == [200, 500]  # the failing answer still reaches the client...
    assert statuses[2:] == [200] * 4  # ...and takes the server out for fail_duration
    assert len(bad.requests) == 1


def test_real_ip_from_trusted_proxies(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{
  set_real_ip_from 127.0.0.1;
  set_real_ip_from 10.0.0.0/8;
  real_ip_header X-Forwarded-For;
  server {{ listen 8080;
    real_ip_recursive on;
    location / {{ proxy_pass http://127.0.0.1:{b.port}; proxy_set_header X-Real-IP $remote_addr; }}
  }}
  server {{ listen 8081;
    location / {{ proxy_pass http://127.0.0.1:{b.port}; proxy_set_header X-Real-IP $remote_addr; }}
  }}
}}""")

    def real_ip(port, xff):
        request(port, headers={"X-Forwarded-For": xff})
        return {k.lower(): v for k, v in b.requests[-1]["headers"]}["x-real-ip"]

    # Recursive: the rightmost address that is not a trusted proxy, never the forgeable leftmost.
    assert real_ip(p.port(8080), "6.6.6.6, 1.2.3.4, 10.0.0.5") == "1.2.3.4"
    assert real_ip(p.port(8080), "10.1.1.1, 10.0.0.5") == "10.1.1.1"  # all trusted: the leftmost
    # Not recursive: the last hop.
    assert real_ip(p.port(8081), "6.6.6.6, 1.2.3.4, 10.0.0.5") == "10.0.0.5"
    assert real_ip(p.port(8081), "not-an-ip") == "127.0.0.1"


def test_haproxy_config_on_the_runtime(proxy, backends):
    api, web = backends("api"), backends("web")
    p = proxy(f"""defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    option forwardfor

frontend fe
    bind :8080
    acl is_api path_beg /api/
    use_backend api if is_api
    default_backend web

backend api
    server a 127.0.0.1:{api.port}

backend web
    server w 127.0.0.1:{web.port}
""", name="haproxy.cfg")
    status, _, body = request(p.port(), path="/api/users", headers={"X-Forwarded-For": "9.9.9.9"})
    assert status == 200 and json.loads(body)["backend"] == "api"
    xff = [v for k, v in api.requests[-1]["headers"] if k.lower() == "x-forwarded-for"]
    assert xff == ["9.9.9.9", "127.0.0.1"]  # HAProxy adds its own line
    status, _, body = request(p.port(), path="/index.html")
    assert status == 200 and json.loads(body)["backend"] == "web"


def test_expect_continue_header_lines_and_connection_limit(proxy, backends):
    b = backends("a")
    p = proxy(f"""worker_processes 1;
events {{ worker_connections 2; }}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""")
    port = p.port()
    # Expect: 100-continue gets its go-ahead before the body is sent.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(b"hello")
        reply = b""
        while b"backend" not in reply:
            reply += s.recv(4096)
        assert reply.startswith(b"HTTP/1.1 200")
    assert b.requests[-1]["body"] == b"hello"
    line = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"l" * 9000 + b"\r\n\r\n"
    assert raw(port, line).startswith(b"HTTP/1.1 400")
    # worker_connections 2: a third connection is dropped.
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
    time.sleep(0.2)
    third = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        third.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = third.recv(4096)
    except (ConnectionResetError, BrokenPipeError):
        answer = b""
    assert answer == b""  # closed without a response
    for s in held + [third]:
        s.close()


def test_next_upstream_on_http_502_only_for_idempotent_requests(proxy, backends):
    def bad_gateway(handler):
        handler.send_response(502)
        handler.send_header("Content-Length", "3")
        handler.end_headers()
        handler.wfile.write(b"bad")
        return True

    bad, good = backends("bad", bad_gateway), backends("good")
    p = proxy(f"""events {{}}
http {{ upstream app {{ server 127.0.0.1:{bad.port} max_fails=0; server 127.0.0.1:{good.port}; }}
  upstream only_bad {{ server 127.0.0.1:{bad.port} max_fails=0; }}
  server {{ listen 8080;
    location / {{ proxy_pass http://app; proxy_next_upstream error timeout http_502; }}
    location /plain/ {{ proxy_pass http://app; }}
    location /last/ {{ proxy_pass http://only_bad; proxy_next_upstream error timeout http_502; }}
  }} }}""")
    results = [request(p.port(), path="/x") for _ in range(4)]
    assert all(r[0] == 200 and json.loads(r[2])["backend"] == "good" for r in results)
    # POST is not idempotent: once sent, it is not passed on again.
    posts = [request(p.port(), method="POST", path="/x", body=b"1")[0] for _ in range(2)]
    assert 502 in posts
    # Without http_502 in the conditions, the 502 goes to the client.
    assert 502 in [request(p.port(), path="/plain/x")[0] for _ in range(2)]
    # No server left: the last answer is the client's.
    status, _, body = request(p.port(), path="/last/x")
    assert (status, body) == (502, b"bad")


def test_request_smuggling_attempts_are_refused(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port}; }} }} }}""")
    port = p.port()
    attempts = [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Bad : a\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Cr: a\rb\r\n\r\n",
    ]
    for attempt in attempts:
        answer = raw(port, attempt)
        assert answer.startswith(b"HTTP/1.1 400"), (attempt, answer[:60])
    assert b.requests == []  # the backend never saw a request the client did not send


def test_regex_captures_from_location_and_server_name(proxy, backends):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ server {{ listen 8080; server_name "~^(?<tenant>[a-z]+)\\.example\\.com$";
  location ~ ^/api/(?<ver>v[0-9])/(.*)$ {{
    proxy_pass http://127.0.0.1:{b.port}/$2?version=$ver;
    proxy_set_header X-Tenant $tenant;
  }}
}} }}""")
    status, _, _ = request(p.port(), path="/api/v2/users/7", host="acme.example.com")
    assert status == 200
    seen = b.requests[-1]
    assert seen["path"] == "/users/7?version=v2"
    assert {k.lower(): v for k, v in seen["headers"]}["x-tenant"] == "acme"


def test_no_server_status_follows_the_product(proxy, refusing_port):
    dead = refusing_port()
    h = proxy(f"""defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe
    bind :8080
    default_backend b

backend b
    server s 127.0.0.1:{dead} disabled
""", name="haproxy.cfg")
    assert request(h.port())[0] == 503  # HAProxy: no server available
    n = proxy(f"""events {{}}
http {{ upstream u {{ server 127.0.0.1:{dead} down; }} server {{ listen 8080; location / {{ proxy_pass http://u; }} }} }}""")
    assert request(n.port())[0] == 502  # nginx


def test_unfinished_request_gets_408(proxy, backends):
    b = backends("a")
    p = proxy(f"""defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 5s

frontend fe
    bind :8080
    default_backend b

backend b
    server s 127.0.0.1:{b.port}
""", name="haproxy.cfg")
    with socket.create_connection(("127.0.0.1", p.port()), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        started = time.time()
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:40]
        assert 0.8 < time.time() - started < 4
    with socket.create_connection(("127.0.0.1", p.port()), timeout=5) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")  # body cut short
        assert s.recv(4096).startswith(b"HTTP/1.1 408")
    assert b.requests == []


def test_upstream_read_timeout_is_504_and_retried_as_configured(proxy, backends):
    def hang(handler):
        time.sleep(3)
        return False

    slow, fast = backends("slow", hang), backends("fast")
    p = proxy(f"""events {{}}
http {{
  upstream only_slow {{ server 127.0.0.1:{slow.port}; }}
  upstream both {{ server 127.0.0.1:{slow.port}; server 127.0.0.1:{fast.port}; }}
  server {{ listen 8080;
    location /one/ {{ proxy_pass http://only_slow; proxy_read_timeout 500ms; }}
    location /two/ {{ proxy_pass http://both; proxy_read_timeout 500ms; proxy_next_upstream timeout; }}
  }}
}}""")
    started = time.time()
    assert request(p.port(), path="/one/x")[0] == 504
    assert 0.4 < time.time() - started < 2.0  # the deadline, not the backend's 3 s
    # Round robin starts with the slow server: its timeout sends the request on.
    status, _, body = request(p.port(), path="/two/x")
    assert status == 200 and json.loads(body)["backend"] == "fast"
    assert [r["path"] for r in slow.requests] == ["/one/x", "/two/x"]


def test_timings_in_templates_without_access_logs(proxy, backends):
    """No route logs, yet templates read timings: $msec in a proxied header and
    $upstream_header_time in a response header still get real values (requests are
    timed for the templates; without either, the precise clocks are not read)."""
    b = backends("a")
    p = proxy(f"""events {{}}
http {{ access_log off; server {{ listen 8080; location / {{ proxy_pass http://127.0.0.1:{b.port};
  proxy_set_header X-Start $msec; add_header X-Up $upstream_header_time; }} }} }}""", keep_access_logs=True)
    status, headers, _ = request(p.port())
    assert status == 200
    sent = {k.lower(): v for k, v in b.requests[-1]["headers"]}
    assert abs(float(sent["x-start"]) - time.time()) < 60
    assert re.fullmatch(r"\d+\.\d{3}", headers["X-Up"]), headers["X-Up"]
