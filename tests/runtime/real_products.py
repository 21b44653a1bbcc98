"""The real nginx, HAProxy and Caddy (the Debian packages), started as child processes
from temp directories on ports chosen at run time, never as system services: the
reference for what proxyglot run must do with the same configuration."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def wait_for_port(port, proc, what, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


class RealProduct:
    """One real proxy on `config` (already naming its port), until stop()."""

    def __init__(self, product, config, port):
        self.product, self.port = product, port
        self.dir = tempfile.mkdtemp(prefix=f"pg-real-{product}-")
        if product == "nginx":
            path = os.path.join(self.dir, "nginx.conf")
            # Paths in the temp directory; one process as the current user.
            config = (f"pid {self.dir}/nginx.pid;\nerror_log {self.dir}/error.log;\n"
                      + config.replace("http {", f"http {{\n client_body_temp_path {self.dir}/body;\n"
                                       f" proxy_temp_path {self.dir}/proxy;\n access_log off;\n", 1))
            args = ["nginx", "-p", self.dir, "-c", path, "-g", "daemon off; master_process off;"]
        elif product == "haproxy":
            path = os.path.join(self.dir, "haproxy.cfg")
            args = ["haproxy", "-f", path, "-db"]
        elif product.startswith("proxyglot:"):  # "proxyglot:FILENAME" names the dialect by file name
            from conftest import BINARY
            path = os.path.join(self.dir, product.split(":", 1)[1])
            args = [BINARY, "run", path, "--threads", "1", "--access-log", "off"]
        elif product == "caddy":
            path = os.path.join(self.dir, "Caddyfile")
            config = "{\n\tadmin off\n\tstorage file_system " + self.dir + "\n}\n" + config
            args = ["caddy", "run", "--adapter", "caddyfile", "--config", path]
        else:
            raise ValueError(product)
        with open(path, "w") as f:
            f.write(config)
        env = dict(os.environ, HOME=self.dir, XDG_DATA_HOME=self.dir, XDG_CONFIG_HOME=self.dir)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                                     cwd=self.dir)
        wait_for_port(port, self.proc, product)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def have(product):
    return shutil.which(product) is not None
