"""A prefix stripped on the way to the backend: nginx's proxy_pass with a URI part,
Caddy's handle_path, HAProxy's replace-path; the query string kept."""
BACKENDS = {"a": "ok", "b": "ok"}


def traffic(t):
    for path, backend, seen in [("/api/users?page=2", "a", "/users?page=2"), ("/api/", "a", "/"),
                                ("/api/a/b", "a", "/a/b"), ("/apix", "b", "/apix"), ("/", "b", "/")]:
        r = t.request(path)
        t.expect(f"{path} goes to", r.backend, backend, r)
        t.expect(f"{path} arrives as", r.seen and r.seen["target"], seen, r)
