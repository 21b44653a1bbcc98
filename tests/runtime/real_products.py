"""The real nginx, HAProxy and Caddy (the Debian packages), started as child processes
from temp directories on ports chosen at run time, never as system services: the
reference for what proxyglot run must do with the same configuration."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../conformance/harness"))
from targets import FILE_NAME, Child, product_command  # noqa: E402


class RealProduct:
    """One real proxy on `config` (already naming its port), until stop(). The command
    lines and the per-product config adjustments are the conformance suite's
    (conformance/harness/targets.py), so both suites run the products the same way."""

    def __init__(self, product, config, port):
        self.product, self.port = product, port
        self.dir = tempfile.mkdtemp(prefix=f"pg-real-{product.replace(':', '-')}-")
        if product.startswith("proxyglot:"):  # "proxyglot:FILENAME" names the dialect by file name
            runner, name = "proxyglot", product.split(":", 1)[1]
        else:
            runner, name = product, FILE_NAME[product]
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(config)
        args = product_command(runner, path, self.dir)
        if runner == "proxyglot":
            from conftest import BINARY
            args[0] = BINARY
        try:
            self.child = Child(args, self.dir, port, product)
        except Exception:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def stop(self):
        self.child.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def have(product):
    return shutil.which(product) is not None
