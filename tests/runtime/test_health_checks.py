"""Active health checks on the runtime: Caddy's health_uri and HAProxy's check, with
servers failing and coming back, observed at the client and in the log."""
import json
import time

from client import request


def failing_health(state):
    """A backend behaviour: /health answers 503 while state["bad"], else 200."""
    def behave(handler):
        if handler.path != "/health":
            return False
        status = 503 if state["bad"] else 200
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True
    return behave


def answered_by(port, n, path="/x"):
    return [json.loads(request(port, path=path)[2])["backend"] for _ in range(n)]


def wait_until(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_caddy_health_uri_takes_a_server_out_and_back(proxy, backends):
    state = {"bad": False}
    a, b = backends("a", failing_health(state)), backends("b", failing_health({"bad": False}))
    p = proxy(f"""http://:8080 {{
  reverse_proxy 127.0.0.1:{a.port} 127.0.0.1:{b.port} {{
    lb_policy round_robin
    health_uri /health
    health_interval 200ms
    health_timeout 1s
  }}
}}
""", name="Caddyfile")
    port = p.port()
    assert sorted(answered_by(port, 4)) == ["a", "a", "b", "b"]
    assert wait_until(lambda: any(r["path"] == "/health" for r in a.requests))  # checks run
    state["bad"] = True
    assert wait_until(lambda: "is DOWN (status 503)" in p.stderr())
    assert answered_by(port, 4) == ["b"] * 4
    state["bad"] = False
    assert wait_until(lambda: "is UP" in p.stderr())
    assert sorted(answered_by(port, 4)) == ["a", "a", "b", "b"]
    check = next(r for r in a.requests if r["path"] == "/health")
    assert check["method"] == "GET" and dict(check["headers"])["Host"] == f"127.0.0.1:{a.port}"


def test_haproxy_httpchk_fall_and_rise(proxy, backends):
    state = {"bad": False}
    a, b = backends("a", failing_health(state)), backends("b")
    p = proxy(f"""defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind :8080
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /health
  server a 127.0.0.1:{a.port} check inter 150 fall 2 rise 2
  server b 127.0.0.1:{b.port} check inter 150 fall 2 rise 2
""", name="haproxy.cfg")
    port = p.port()
    state["bad"] = True
    assert wait_until(lambda: "pool app server a (127.0.0.1:" in p.stderr() and "is DOWN" in p.stderr())
    # fall 2: two failed checks in a row, at 150 ms apart, before it went down.
    assert sum(r["path"] == "/health" for r in a.requests) >= 2
    assert answered_by(port, 3) == ["b"] * 3
    state["bad"] = False
    assert wait_until(lambda: "server a (127.0.0.1:" in p.stderr() and "is UP" in p.stderr())
    assert "a" in answered_by(port, 4)


def test_haproxy_layer4_check_and_no_server_left(proxy, backends, refusing_port):
    b = backends("b")
    dead = refusing_port()
    p = proxy(f"""defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind :8080
  default_backend app
backend app
  balance roundrobin
  server gone 127.0.0.1:{dead} check inter 100 fall 1
  server b 127.0.0.1:{b.port} check inter 100 fall 1
""", name="haproxy.cfg")
    port = p.port()
    assert wait_until(lambda: "server gone" in p.stderr() and "is DOWN (connection failed" in p.stderr())
    before = len(b.requests)
    assert answered_by(port, 4) == ["b"] * 4  # never tried the dead server once it is down
    assert len(b.requests) == before + 4
    b.close()
    assert wait_until(lambda: "server b (127.0.0.1:" in p.stderr() and p.stderr().count("is DOWN") == 2)
    assert request(port)[0] == 503  # HAProxy's answer with no server up
