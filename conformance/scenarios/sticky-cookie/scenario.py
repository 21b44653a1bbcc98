"""Sticky sessions by a cookie the proxy sets: a new client gets a cookie naming its
server, and every request carrying it goes back to that server without a new one; a
cookie that names no server is replaced. Caddy signs the server's address into the
value (lb_policy cookie), HAProxy writes the server's own value (cookie ... insert)."""
BACKENDS = {"a": "ok", "b": "ok"}
NOT_IN_PRODUCT = {"nginx": "open-source nginx has no cookie stickiness (nginx Plus's sticky cookie)"}
# caddy>haproxy keeps it: HAProxy's inserted cookie gets Caddy's own values (each server's
# signed address), so Caddy's clients keep their servers on HAProxy too.
LOST_IN_TRANSLATION = {
    "haproxy>caddy": ("persistence cookie", "Caddy's cookie policy sets signed addresses of its own, not the "
                                             "values HAProxy's servers name: left out"),
}


def set_cookie(response):
    """The cookie a response sets, as "NAME=VALUE", or None."""
    value = response.header("set-cookie")
    return value.split(";", 1)[0].strip() if value else None


def traffic(t):
    # New clients: each gets a cookie naming the server that answered it.
    cookies = {}
    for _ in range(20):
        r = t.request("/x")
        t.expect_true("a new client is sent a cookie", set_cookie(r), r)
        if r.backend and set_cookie(r):
            cookies.setdefault(r.backend, set_cookie(r))
    t.expect("new clients reach both servers", sorted(cookies), ["a", "b"])
    # Returning clients: back to their server, nothing set again.
    for backend, cookie in sorted(cookies.items()):
        got = [t.request("/x", headers=[("Cookie", cookie)]) for _ in range(6)]
        t.expect(f"the cookie of {backend} keeps the client there", [r.backend for r in got], [backend] * 6)
        t.expect(f"the cookie of {backend} is not set again", [set_cookie(r) for r in got], [None] * 6)
    # A cookie naming no server is replaced by one that does.
    name = next(iter(cookies.values()), "x=").split("=", 1)[0]
    r = t.request("/x", headers=[("Cookie", f"{name}=nobody")])
    t.expect("a stale cookie is replaced", set_cookie(r), cookies.get(r.backend), r)
