"""Hop-by-hop fields on the client's hop: what reaches the backend of Keep-Alive, TE,
Proxy-Connection and a field the client's Connection names. RFC 9110 7.6.1 says a proxy
drops them all; proxyglot does, whichever dialect it runs. The real products differ, and
that belongs to what serves, not to the config: each is a named difference."""
BACKENDS = {"a": "ok"}
FIELDS = ("keep-alive", "te", "proxy-connection", "x-named")
PASSED_BY = {
    "proxyglot": set(),
    "nginx": {"proxy-connection", "x-named"},  # nginx clears only Connection, Keep-Alive, TE, Upgrade, Expect
    "caddy": {"te"},                           # Go keeps "TE: trailers", the one value RFC 9110 lets through
    "haproxy": set(FIELDS),                    # HAProxy 2.6 removes only the Connection tokens it acts on
}
NAMED_DIFFERENCES = {
    "nginx": "passes Proxy-Connection and the fields Connection names",
    "caddy": "passes TE: trailers",
    "haproxy": "passes Keep-Alive, TE, Proxy-Connection and the fields Connection names",
}


def traffic(t):
    r = t.request("/x", headers=[("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Proxy-Connection", "keep-alive"),
                                 ("X-Named", "1"), ("X-End-To-End", "yes"), ("Connection", "close, X-Named")])
    t.expect("status", r.status, 200, r)
    names = {k.lower() for k, _ in r.seen["headers"]} if r.seen else set()
    t.expect(f"hop-by-hop fields passed by {t.runner}", names & set(FIELDS), PASSED_BY[t.runner], r)
    t.expect("X-End-To-End passed", "x-end-to-end" in names, True, r)
