#!/usr/bin/python3
"""Measuring half of bench/proxy_runtime.sh (which starts and stops the processes).

usage: proxy_runtime.py ports N          N free loopback ports, one a line
       proxy_runtime.py wait NAME=PORT...  until each port accepts connections (10 s)
       proxy_runtime.py bench ROUNDS SECONDS CONNS direct=PORT:PID nginx=PORT:PID
                                         haproxy=PORT:PID proxyglot=PORT:PID
bench prints markdown: the results table, a details table and the verdicts.
"""
import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"


def free_ports(n):
    # Hold every socket until all are chosen, so the N ports differ.
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_for(name, port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"proxy_runtime: {name} did not start: nothing listens on port {port}")
            time.sleep(0.1)


def tree(pid):
    """pid and its descendants: nginx with a master process or anything that forks."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu(pid):
    """(user, sys) seconds of the process tree; /proc/PID/stat covers all threads."""
    user = system = 0
    for p in tree(pid):
        fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        user += int(fields[11])
        system += int(fields[12])
    return user / TICK, system / TICK


def rss_mb(pid):
    total = 0
    for p in tree(pid):
        m = re.search(r"VmRSS:\s+(\d+) kB", open(f"/proc/{p}/status").read())
        total += int(m.group(1)) if m else 0
    return total / 1024.0


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, seconds):
    out = subprocess.run(["wrk", "-t1", "-c50", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = to_ms(*re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups())
    m = re.search(r"Socket errors:(.*)", out)  # only printed when there were some
    failed = sum(int(n) for n in re.findall(r"\d+", m.group(1))) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed += int(m.group(1)) if m else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return requests, rps, p99, failed


def response_done(buf):
    """True once buf holds a whole response (Content-Length or chunked)."""
    head, sep, body = bytes(buf).partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if m:
        return len(body) >= int(m.group(1))
    return body.endswith(b"0\r\n\r\n")


def hold_connections(port, n, in_flight=100):
    """Opens n keepalive connections, one request each (at most in_flight at a time, as
    clients arriving over a while would, so the backend is not flooded), and returns
    the sockets that got a 200 and stayed open."""
    sel = selectors.DefaultSelector()
    held, opened, buffers = [], 0, {}
    while opened < n or buffers:
        while opened < n and len(buffers) < in_flight:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            sel.register(s, selectors.EVENT_WRITE)
            buffers[s] = bytearray()
            opened += 1
        events = sel.select(timeout=10)
        if not events:
            break  # the stragglers count as failures
        for key, mask in events:
            s, done = key.fileobj, False
            try:
                if mask & selectors.EVENT_WRITE:
                    s.send(REQUEST)  # connected; a tiny request fits the send buffer
                    sel.modify(s, selectors.EVENT_READ)
                    continue
                data = s.recv(65536)
                buffers[s] += data
                done = not data or response_done(buffers[s])
            except OSError:
                done = True
            if done:
                head = bytes(buffers.pop(s)).split(b"\r\n\r\n", 1)[0]
                sel.unregister(s)
                if head.startswith(b"HTTP/1.1 200") and not re.search(rb"(?im)^connection:\s*close", head):
                    held.append(s)
                else:
                    s.close()
    for s in buffers:
        s.close()
    return held


def still_open(socks):
    n = 0
    for s in socks:
        try:
            n += s.recv(1, socket.MSG_PEEK) != b""  # b"": the proxy closed it
        except BlockingIOError:
            n += 1  # nothing to read: open and idle
        except OSError:
            pass
    return n


def bench(rounds, seconds, conns, targets):
    names = list(targets)
    backend_pid = targets["direct"][1]
    for name in names:  # warm-up: caches, allocator pools, upstream keepalive pools
        wrk(targets[name][0], 2)
    runs = {name: [] for name in names}
    for r in range(rounds):
        # Rotate the order so that no target always runs first or after the same one.
        for name in names[r % len(names):] + names[:r % len(names)]:
            port, pid = targets[name]
            before, backend_before = cpu(pid), cpu(backend_pid)
            requests, rps, p99, failed = wrk(port, seconds)
            after, backend_after = cpu(pid), cpu(backend_pid)
            per = lambda a, b: (a - b) * 1e6 / requests
            runs[name].append(dict(rps=rps, p99=p99, failed=failed,
                                   user=per(after[0], before[0]), sys=per(after[1], before[1]),
                                   backend=per(sum(backend_after), sum(backend_before))))
            print(f"round {r + 1} {name}: {rps:.0f} req/s, p99 {p99:.2f} ms, failed {failed}, "
                  f"CPU {runs[name][-1]['user'] + runs[name][-1]['sys']:.1f} us/req", file=sys.stderr)
    res = {}
    for name in names:
        med = lambda k: statistics.median(run[k] for run in runs[name])
        res[name] = dict(rps=med("rps"), p99=med("p99"), failed=sum(run["failed"] for run in runs[name]),
                         cpu=statistics.median(run["user"] + run["sys"] for run in runs[name]),
                         user=med("user"), sys=med("sys"), backend=med("backend"))
    for name in names[1:]:
        pid = targets[name][1]
        res[name]["rss_idle"] = rss_mb(pid)
        held = hold_connections(targets[name][0], conns)
        time.sleep(1)  # let the proxy settle: buffers released, upstream exchanges done
        res[name]["rss_conns"] = rss_mb(pid)
        res[name]["held"] = len(held), still_open(held)
        for s in held:
            s.close()
        print(f"{name}: {len(held)}/{conns} connections answered 200, RSS "
              f"{res[name]['rss_idle']:.1f} -> {res[name]['rss_conns']:.1f} MB", file=sys.stderr)
        time.sleep(2)  # the proxy closes its side before the next one is measured
    report(res, rounds, conns)


def report(res, rounds, conns):
    dash = "—"
    print(f"| target | req/s | p99 ms | failed | CPU µs/req | RSS idle MB | RSS with {conns // 1000}k conns MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in res.items():
        mem = (f"{r['rss_idle']:.1f} | {r['rss_conns']:.1f}" if "rss_idle" in r else f"{dash} | {dash}")
        print(f"| {name} | {r['rps']:.0f} | {r['p99']:.2f} | {r['failed']} | {r['cpu']:.1f} | {mem} |")
    print()
    print("| target | user µs/req | sys µs/req | backend CPU µs/req | idle conns answered 200 / still open |")
    print("|---|---|---|---|---|")
    for name, r in res.items():
        held = f"{r['held'][0]} / {r['held'][1]} of {conns}" if "held" in r else dash
        print(f"| {name} | {r['user']:.1f} | {r['sys']:.1f} | {r['backend']:.1f} | {held} |")
    print()
    pg, ng, ha = res["proxyglot"], res["nginx"], res["haproxy"]
    verdict = lambda ok: "PASS" if ok else "FAIL"
    best_cpu = min(("nginx", ng["cpu"]), ("haproxy", ha["cpu"]), key=lambda t: t[1])
    best_rps = max(("nginx", ng["rps"]), ("haproxy", ha["rps"]), key=lambda t: t[1])
    best_p99 = min(("nginx", ng["p99"]), ("haproxy", ha["p99"]), key=lambda t: t[1])
    lines = [
        ("CPU per request", pg["cpu"] <= best_cpu[1],
         f"proxyglot {pg['cpu']:.1f} µs, best {best_cpu[1]:.1f} µs ({best_cpu[0]})"),
        ("throughput", pg["rps"] >= best_rps[1],
         f"proxyglot {pg['rps']:.0f} req/s, best {best_rps[1]:.0f} req/s ({best_rps[0]})"),
        ("p99 latency", pg["p99"] <= best_p99[1],
         f"proxyglot {pg['p99']:.2f} ms, best {best_p99[1]:.2f} ms ({best_p99[0]}); "
         f"worse of the two {max(ng['p99'], ha['p99']):.2f} ms"),
        ("no failed requests", pg["failed"] == 0 and pg["held"][0] == conns,
         f"{pg['failed']} failed under wrk, {pg['held'][0]}/{conns} idle connections answered 200"),
        ("memory", pg["rss_conns"] <= ng["rss_conns"],
         f"proxyglot {pg['rss_conns']:.1f} MB, nginx {ng['rss_conns']:.1f} MB with {conns} idle connections"),
    ]
    for what, ok, detail in lines:
        print(f"- {what}: {verdict(ok)} ({detail})")


def main():
    # SIGTERM from the script's cleanup: exit through Python, so that subprocess.run
    # kills the wrk it is waiting for.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ports":
        print("\n".join(map(str, free_ports(int(args[0])))))
    elif cmd == "wait":
        for arg in args:
            name, port = arg.split("=")
            wait_for(name, int(port))
    elif cmd == "bench":
        targets = {}
        for arg in args[3:]:
            name, rest = arg.split("=", 1)
            port, pid = rest.split(":")
            targets[name] = (int(port), int(pid))
        bench(int(args[0]), int(args[1]), int(args[2]), targets)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
