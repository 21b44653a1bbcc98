"""nginx's location precedence (exact, then ^~ prefix, then regexes in order, then the
longest prefix, nested locations included) as the one route table every dialect keeps:
HAProxy's ACLs in order, Caddy's route block."""
BACKENDS = {n: "ok" for n in "abcdef"}
NAMED_DIFFERENCES = {
    "/static": "nginx answers 301 to /static/ for a proxied prefix location ending in a slash",
}


def traffic(t):
    for path, backend in [("/exact", "a"), ("/exact/", "f"), ("/static/x.php", "b"), ("/a.php", "c"),
                          ("/app/x.php", "c"), ("/app/page", "d"), ("/app/admin/users", "e"), ("/other", "f"),
                          ]:
        r = t.request(path)
        t.expect(f"{path} goes to", r.backend, backend, r)
    r = t.request("/static")
    if t.source == "nginx":
        t.expect("/static", (r.status, t.location(r)), (301, f"http://example.com:{t.port}/static/"), r)
    else:
        t.expect("/static goes to", r.backend, "f", r)
