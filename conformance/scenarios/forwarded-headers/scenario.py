"""Forwarded headers: the client's address appended to an incoming X-Forwarded-For
chain, X-Real-IP, -Proto and -Host,
and the client's Host passed on."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "X-Forwarded-For": "Caddy 2.6.2 replaces an X-Forwarded-For from a client it does not trust (it has no "
                       "trusted_proxies yet) with the client's address; nginx's $proxy_add_x_forwarded_for and "
                       "HAProxy's option forwardfor append to it",
    "X-Forwarded-For lines": "HAProxy's option forwardfor adds its own line after the client's; nginx and "
                             "Caddy send one comma-joined line. The joined value is the same.",
}


def joined(seen, name):
    return ", ".join(v for k, v in seen["headers"] if k.lower() == name.lower()) if seen else None


def traffic(t):
    r = t.request("/x?y=1", headers=[("X-Forwarded-For", "203.0.113.7")])
    t.expect("status", r.status, 200, r)
    t.expect("X-Forwarded-For", joined(r.seen, "X-Forwarded-For"),
             t.by_source(nginx="203.0.113.7, 127.0.0.1", haproxy="203.0.113.7, 127.0.0.1", caddy="127.0.0.1"), r)
    t.expect("X-Real-IP", joined(r.seen, "X-Real-IP"), "127.0.0.1", r)
    t.expect("X-Forwarded-Proto", joined(r.seen, "X-Forwarded-Proto"), "http", r)
    t.expect("X-Forwarded-Host", joined(r.seen, "X-Forwarded-Host"), "example.com", r)
    t.expect("Host", joined(r.seen, "Host"), "example.com", r)
    r = t.request("/x")
    t.expect("X-Forwarded-For without a chain", joined(r.seen, "X-Forwarded-For"), "127.0.0.1", r)
