"""A request body over the configured limit (1 KiB) is refused with 413 and never reaches
the backend; one within it passes."""
BACKENDS = {"a": "echo"}
NAMED_DIFFERENCES = {
    "5000 bytes": "Caddy 2.6 answers 502: the body limit surfaces as a read error inside reverse_proxy "
                  "(proxyglot on the Caddyfile answers 413, the status the directive means)",
}


def traffic(t):
    r = t.request("/x", method="POST", body=b"a" * 1000)
    t.expect("1000 bytes pass", r.status, 200, r)
    r = t.request("/x", method="POST", body=b"a" * 5000)
    t.expect("5000 bytes: status", r.status, 502 if t.runner == "caddy" else 413, r)
    t.expect("5000 bytes never reach the backend", r.seen, None, r)
