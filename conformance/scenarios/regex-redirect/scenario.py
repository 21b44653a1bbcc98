"""A regex redirect with a capture: /old/X answers 301 to /new/X; other paths are proxied."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "Location": "nginx makes a relative redirect absolute (http://host:port/new/...); HAProxy and Caddy send it as written",
}


def traffic(t):
    r = t.request("/old/docs/page.html")
    t.expect("status", r.status, 301, r)
    prefix = f"http://example.com:{t.port}" if t.source == "nginx" else ""
    t.expect("Location", r.header("location"), prefix + "/new/docs/page.html", r)
    t.expect("nothing proxied", r.seen, None, r)
    r = t.request("/older")
    t.expect("/older is proxied", r.backend, "a", r)
