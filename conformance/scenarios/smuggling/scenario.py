"""Request smuggling attempts: ambiguous framing is refused with 400 before anything
reaches the backend, and the backend never sees a request the client did not send."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "invalid chunk size": "Caddy answers 502: Go reads the body while forwarding and the proxy reports the error; "
                          "with buffer_requests (an nginx config translated: nginx buffers request bodies) Caddy "
                          "forwards the request with the body read before the bad chunk (none) and answers 200",
    "Content-Length with Transfer-Encoding": "nginx and proxyglot refuse it (400); HAProxy and Caddy "
                                             "(Go) drop the Content-Length and read the chunked body, as RFC 9112 "
                                             "6.3 allows. Framing belongs to what serves, not to the config.",
}


def traffic(t):
    allowed = 1  # the one request with both framings, where the product accepts it
    for label, raw in [
        ("differing Content-Length", b"POST /x HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n"
                                     b"Content-Length: 5\r\nConnection: close\r\n\r\nabcde"),
        ("invalid chunk size", b"POST /x HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n"
                               b"Connection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
    ]:
        r = t.request(raw=raw)
        if t.runner == "caddy" and label == "invalid chunk size":
            # Go reads a request body only while forwarding it: Caddy notices the bad chunk
            # then and answers 502. With buffer_requests (nginx's request buffering,
            # translated) it reads the body up to the bad chunk and forwards that.
            buffered = t.translated and t.source == "nginx"
            t.expect(f"{label}: status", r.status, 200 if buffered else 502, r)
            t.expect(f"{label}: what reaches the backend", r.seen and r.seen["body_length"], 0 if buffered else None, r)
            allowed += 1 if buffered else 0
            continue
        t.expect(f"{label}: status", r.status, 400, r)
        t.expect(f"{label}: nothing reaches the backend", r.seen, None, r)
    raw = (b"POST /x HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
           b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    r = t.request(raw=raw)
    t.expect("Content-Length with Transfer-Encoding", r.status, 400 if t.runner in ("nginx", "proxyglot") else 200, r)
    requests = t.backends["a"].requests
    for q in requests:
        names = {k.lower() for k, _ in q["headers"]}
        t.expect("the backend never sees both framings", {"content-length", "transfer-encoding"} <= names, False)
    t.expect("the backend saw no other request", len(requests) <= allowed, True)
