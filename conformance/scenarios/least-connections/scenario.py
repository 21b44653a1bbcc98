"""Least connections under uneven request durations: while one server holds a slow
request, every quick request goes to the other."""
import threading

BACKENDS = {"a": "slow_path:1.5", "b": "slow_path:1.5"}


def traffic(t):
    slow = {}
    thread = threading.Thread(target=lambda: slow.update(r=t.request("/slow")))
    thread.start()
    # Wait until the slow request reached a server.
    import time
    deadline = time.time() + 3
    while not t.all_requests() and time.time() < deadline:
        time.sleep(0.01)
    busy = t.all_requests()[0]["backend"] if t.all_requests() else None
    quick = t.backend_sequence(4, "/quick")
    thread.join()
    other = {"a": "b", "b": "a"}.get(busy)
    t.expect("the slow request reached a server", busy in ("a", "b"), True)
    t.expect("quick requests while one server is busy", quick, [other] * 4)
    t.expect("the slow request answered", slow["r"].status, 200, slow["r"])
