"""The ways a scenario runs, each a child process from its own temp directory on a port
chosen at run time (never a system service):

  proxyglot:D        proxyglot run on the scenario's config in dialect D
  D                  the real product D (nginx, haproxy, caddy) on its own config
  S>D                the config in dialect S translated by `proxyglot translate --to D`,
                     run on the real product D
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../.."))
BINARY = os.environ.get("PROXYGLOT_BIN") or os.environ.get("PROXYGLOT_BINARY") or \
    os.path.join(ROOT, "build/proxyglot")
DIALECTS = ["nginx", "caddy", "haproxy"]
FILE_NAME = {"nginx": "nginx.conf", "caddy": "Caddyfile", "haproxy": "haproxy.cfg"}


class Target:
    def __init__(self, ident):
        self.id = ident
        if ident.startswith("proxyglot:"):
            self.source, self.runner, self.translated = ident.split(":")[1], "proxyglot", False
        elif ">" in ident:
            self.source, self.runner = ident.split(">")
            self.translated = True
        else:
            self.source = self.runner = ident
            self.translated = False

    def __repr__(self):
        return self.id


ALL_TARGETS = [Target(t) for t in
               ["proxyglot:nginx", "proxyglot:caddy", "proxyglot:haproxy", "nginx", "caddy", "haproxy"]
               + [f"{s}>{d}" for s in DIALECTS for d in DIALECTS if s != d]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what, log, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.03)
    raise RuntimeError(f"{what} did not listen on {port}:\n{log()}")


def product_command(product, path, work):
    """The command line that runs `product` in the foreground on the config at `path`,
    rewriting the config where the product needs paths of its own (returns args)."""
    with open(path) as f:
        text = f.read()
    if product == "nginx":
        # One process as the current user; pid, logs and temp files in the temp directory.
        text = re.sub(r"(?m)^\s*pid\s+[^;]*;\s*$", "", text)
        text = re.sub(r"(?m)^(\s*)daemon\s+[^;]*;\s*$", "", text)
        text = f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\n" + text.replace(
            "http {", f"http {{\n client_body_temp_path {work}/body;\n proxy_temp_path {work}/proxy;\n"
                      f" access_log off;\n", 1)
        with open(path, "w") as f:
            f.write(text)
        return ["nginx", "-p", work, "-c", path, "-g", "daemon off; master_process off;"]
    if product == "haproxy":
        return ["haproxy", "-f", path, "-db"]
    if product == "caddy":
        own = f"\tadmin off\n\tstorage file_system {work}/storage\n"
        if text.lstrip().startswith("{"):
            text = text.replace("{", "{\n" + own, 1)
        else:
            text = "{\n" + own + "}\n\n" + text
        with open(path, "w") as f:
            f.write(text)
        return ["caddy", "run", "--adapter", "caddyfile", "--config", path]
    if product == "proxyglot":
        return [BINARY, "run", path, "--threads", "1", "--access-log", "off", "--shutdown-timeout", "2000"]
    raise ValueError(product)


class Child:
    """A product in the foreground from its directory `work`, serving `port`, its output
    in work/output.log (a file: a pipe nobody reads would stall a chatty product), until
    stop(): SIGTERM, then SIGKILL after 5 s."""

    def __init__(self, args, work, port, what):
        env = dict(os.environ, HOME=work, XDG_DATA_HOME=work, XDG_CONFIG_HOME=work)
        self.log_path = os.path.join(work, "output.log")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=work)
        try:
            wait_for_port(port, self.proc, what, self.log)
        except Exception:
            self.stop()
            raise

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Running:
    """One target serving the scenario's config until stop()."""

    def __init__(self, target, configs, port):
        self.target = target
        self.port = port
        self.work = tempfile.mkdtemp(prefix=f"pg-conf-{target.id.replace(':', '-').replace('>', '-to-')}-")
        self.translation_warnings = []
        self.translation = None
        self.child = None
        try:
            path = self._config(configs)
            self.child = Child(product_command(target.runner, path, self.work), self.work, port, target.id)
        except Exception:
            self.stop()
            raise

    def _config(self, configs):
        """The config the runner reads: the scenario's, or its translation."""
        target = self.target
        src = os.path.join(self.work, "source-" + FILE_NAME[target.source])
        with open(src, "w") as f:
            f.write(configs[target.source])
        if not target.translated:
            return src
        path = os.path.join(self.work, FILE_NAME[target.runner])
        r = subprocess.run([BINARY, "translate", src, "--to", target.runner, "-o", path],
                           capture_output=True, text=True)
        self.translation_warnings = [l for l in r.stderr.splitlines() if ": warning: " in l]
        if r.returncode != 0:
            raise RuntimeError(f"proxyglot translate --to {target.runner} failed:\n{r.stderr}")
        with open(path) as f:
            self.translation = f.read()
        return path

    def stop(self):
        if self.child:
            self.child.stop()
        shutil.rmtree(self.work, ignore_errors=True)
