"""Fixed responses and redirects answered by the proxy itself; the backend sees none."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "Location": "nginx makes a relative redirect absolute (http://host:port/new); HAProxy and Caddy send it as written",
}


def traffic(t):
    r = t.request("/health")
    t.expect("/health", (r.status, r.body), (200, b"ok"), r)
    t.expect("/health reaches no backend", r.seen, None, r)
    r = t.request("/old")
    t.expect("/old status", r.status, 301, r)
    location = t.by_source(nginx=f"http://example.com:{t.port}/new", haproxy="/new", caddy="/new")
    t.expect("Location", r.header("location"), location, r)
    t.expect("/old reaches no backend", r.seen, None, r)
    r = t.request("/other")
    t.expect("the rest is proxied", r.backend, "a", r)
