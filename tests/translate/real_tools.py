"""Checks a configuration with the real tool of its dialect: `nginx -t`, `haproxy -c`,
`caddy adapt` (and `caddy fmt`, which must leave a Caddyfile unchanged).

A translation names the same host names and certificate files as its source, which
this machine does not have (no DNS, no /etc/ssl/example.pem). The check therefore runs
in a private mount namespace (`unshare -m`, as root): /etc/hosts gets every host name
the configuration's pools name, mapped to 127.0.0.1, and every certificate path gets a
fresh self-signed certificate through an overlay on its nearest existing directory.
Nothing outside the namespace changes.

As a command: real_tools.py nginx|haproxy|caddy FILE [CWD]  (exit 0 when the tool accepts FILE).
"""
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.environ.get("PROXYGLOT_BINARY") or os.environ.get("PROXYGLOT_BIN") or \
    os.path.join(HERE, "../../build/proxyglot")
DIALECT_FILE = {"nginx": "nginx.conf", "haproxy": "haproxy.cfg", "caddy": "Caddyfile"}


def _is_ip(text):
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False


def needs(dialect, path):
    """(host names, certificate files) the configuration refers to, from its IR."""
    out = subprocess.run([BINARY, "compile", path, "--dialect", dialect], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"proxyglot compile {path} failed:\n{out.stderr}")
    ir = json.loads(out.stdout)
    hosts = set()
    for pool in ir["pools"]:
        for server in pool["servers"]:
            address = server["address"]
            if address and not address.startswith("unix:") and not _is_ip(address) and address != "localhost":
                hosts.add(address)
    certs = set()
    for vhost in ir["virtual_hosts"]:
        for cert in ((vhost.get("tls") or {}).get("certificates") or []):
            for key in ("certificate", "key"):
                if cert.get(key):
                    certs.add(cert[key])
    return sorted(hosts), sorted(certs)


def _self_signed(directory):
    """One PEM holding a certificate and its key: good as either file for every tool."""
    key, crt = os.path.join(directory, "k.pem"), os.path.join(directory, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=proxyglot.test", "-keyout", key, "-out", crt], check=True, capture_output=True)
    with open(crt) as c, open(key) as k:
        return c.read() + k.read()


def _inside(dialect, path, hosts, certs, work, cwd):
    """Runs in the namespace: provide hosts and certificates, then the real tool."""
    with open("/etc/hosts") as f:
        base = f.read()
    hosts_file = os.path.join(work, "hosts")
    with open(hosts_file, "w") as f:
        f.write(base + "".join(f"127.0.0.1 {h}\n" for h in hosts))
    subprocess.run(["mount", "--bind", hosts_file, "/etc/hosts"], check=True)
    pem = _self_signed(work) if certs else ""
    overlaid = []
    for cert in certs:
        # Relative paths: nginx reads them from the config's directory, HAProxy from where it runs.
        cert = os.path.abspath(os.path.join(cwd if dialect == "haproxy" else os.path.dirname(path), cert))
        if not any(cert.startswith(o + "/") for o in overlaid):
            existing = os.path.dirname(cert)
            while not os.path.isdir(existing):
                existing = os.path.dirname(existing)
            n = len(overlaid)
            upper, lower_work = os.path.join(work, f"up{n}"), os.path.join(work, f"wk{n}")
            os.makedirs(upper)
            os.makedirs(lower_work)
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            f"lowerdir={existing},upperdir={upper},workdir={lower_work}", existing], check=True)
            overlaid.append(existing.rstrip("/") or "")
        if cert.endswith("/"):
            os.makedirs(cert, exist_ok=True)
            cert = os.path.join(cert, "proxyglot.pem")
        os.makedirs(os.path.dirname(cert), exist_ok=True)
        with open(cert, "w") as f:
            f.write(pem)
    return run_tool(dialect, path, work, cwd)


def run_tool(dialect, path, work, cwd):
    """(accepted, what the tool printed)."""
    if dialect == "nginx":
        prefix = os.path.join(work, "prefix")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        out = subprocess.run(["nginx", "-t", "-p", prefix, "-c", os.path.abspath(path), "-e", "stderr"],
                             capture_output=True, text=True)
        return out.returncode == 0, out.stdout + out.stderr
    if dialect == "haproxy":
        out = subprocess.run(["haproxy", "-c", "-f", path], capture_output=True, text=True, cwd=cwd)
        return out.returncode == 0, out.stdout + out.stderr
    if dialect == "caddy":
        env = dict(os.environ, HOME=work, XDG_DATA_HOME=work, XDG_CONFIG_HOME=work)
        out = subprocess.run(["caddy", "adapt", "--config", path, "--adapter", "caddyfile"],
                             capture_output=True, text=True, env=env)
        if out.returncode != 0:
            return False, out.stderr
        fmt = subprocess.run(["caddy", "fmt", path], capture_output=True, text=True, env=env)
        with open(path) as f:
            text = f.read()
        if fmt.returncode != 0 or fmt.stdout != text:
            return False, "caddy fmt would change it:\n" + fmt.stdout + fmt.stderr
        return True, out.stderr
    raise ValueError(dialect)


def validate(dialect, path, cwd=None):
    """(accepted, output) of the real tool on `path`, in a private namespace. `cwd`: where
    the tool runs (HAProxy reads relative paths from there); the config's directory by default."""
    path = os.path.abspath(path)
    cwd = os.path.abspath(cwd or os.path.dirname(path))
    hosts, certs = needs(dialect, path)
    work = tempfile.mkdtemp(prefix="pg-realtool-")
    try:
        out = subprocess.run(["unshare", "-m", sys.executable, os.path.abspath(__file__), "--inside",
                              dialect, path, work, cwd, json.dumps([hosts, certs])], capture_output=True, text=True)
        return out.returncode == 0, out.stdout + out.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    if len(argv) == 7 and argv[1] == "--inside":
        dialect, path, work, cwd, needed = argv[2:]
        hosts, certs = json.loads(needed)
        ok, output = _inside(dialect, path, hosts, certs, work, cwd)
        sys.stdout.write(output)
        return 0 if ok else 1
    if len(argv) not in (3, 4) or argv[1] not in DIALECT_FILE:
        sys.stderr.write("usage: real_tools.py nginx|haproxy|caddy FILE [CWD]\n")
        return 2
    ok, output = validate(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
    sys.stdout.write(output)
    print("accepted" if ok else "REJECTED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
