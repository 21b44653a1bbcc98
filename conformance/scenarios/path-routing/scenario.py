"""Path routing: /v2/... to the new service, everything else to the old one; the path
reaches the backend unchanged."""
BACKENDS = {"a": "ok", "b": "ok"}
NAMED_DIFFERENCES = {
    "/v2": "nginx answers 301 to /v2/ for a proxied prefix location ending in a slash",
    "/V2/x": "Caddy's path matcher ignores letter case; nginx's locations and HAProxy's path_beg do not",
}


def traffic(t):
    for path, backend in [("/v2/users?id=7", "b"), ("/v2/", "b"), ("/v3/x", "a"), ("/", "a"), ("/api/v2/x", "a"),
                          ("/V2/x", t.by_source(nginx="a", haproxy="a", caddy="b"))]:
        r = t.request(path)
        t.expect(f"{path} goes to", r.backend, backend, r)
        t.expect(f"{path} arrives as", r.seen and r.seen["target"], path, r)
    r = t.request("/v2")
    if t.source == "nginx":
        t.expect("/v2", (r.status, t.location(r)), (301, f"http://example.com:{t.port}/v2/"), r)
    else:
        t.expect("/v2 goes to", r.backend, "a", r)
