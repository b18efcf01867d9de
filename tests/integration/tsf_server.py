"""Starts the real tsforecastd on loopback ephemeral ports for Python tests."""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

BUILD = os.environ.get("TSF_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))


def read_text(path):
    with open(path) as f:
        return f.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TsfServer:
    """tsforecastd with a temporary data dir; both ports ephemeral (the HTTP
    port off unless `http`)."""

    def __init__(self, http=True, extra_args=(), token=None):
        self.tmp = tempfile.TemporaryDirectory()
        self.token = token  # sent by tsfctl() as TSF_TOKEN
        port_file = os.path.join(self.tmp.name, "port")
        self.process = subprocess.Popen(
            [os.path.join(BUILD, "tsforecastd"), "--listen=127.0.0.1:0",
             "--http_port=0" if http else "--http_port=-1",
             "--data_dir=" + os.path.join(self.tmp.name, "data"),
             "--backup_root=" + os.path.join(self.tmp.name, "backups"),
             "--port_file=" + port_file, "--quiet", *extra_args])
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and read_text(port_file).count("\n") == 2):
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("tsforecastd did not start")
            time.sleep(0.02)
        grpc_port, http_port = read_text(port_file).split()
        self.grpc_address = "127.0.0.1:" + grpc_port
        self.http_url = "http://127.0.0.1:" + http_port if http else None

    def tsfctl(self, *args, stdin=""):
        env = dict(os.environ)
        if self.token:
            env["TSF_TOKEN"] = self.token
        result = subprocess.run([os.path.join(BUILD, "tsfctl"), "--server=" + self.grpc_address, *args],
                                input=stdin.encode(), capture_output=True, timeout=60, env=env)
        if result.returncode != 0:
            raise RuntimeError("tsfctl %s failed: %s" % (args, result.stderr.decode()))
        return result.stdout.decode()

    def get(self, path):
        headers = {"Authorization": "Bearer " + self.token} if self.token else {}
        req = urllib.request.Request(self.http_url + path, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.tmp.cleanup()


def add_token(tokens_file, name, role, selector=None):
    """A new token in `tokens_file` (tsfctl token add); returns its secret."""
    args = [os.path.join(BUILD, "tsfctl"), "token", "add", name, "--role", role,
            "--tokens_file", tokens_file]
    if selector:
        args += ["--selector", selector]
    out = subprocess.run(args, capture_output=True, check=True, timeout=30).stdout.decode()
    return out.strip().splitlines()[-1]


def monthly_csv(series, values, start_year=2020):
    lines = []
    for i, v in enumerate(values):
        lines.append("%s,%d-%02d-01,%s" % (series, start_year + i // 12, i % 12 + 1, v))
    return "\n".join(lines) + "\n"


def pushed_name(labels):
    """The stored name of a pushed series (service/ingest/pushed_series.h),
    computed independently: the metric name, ':' and FNV-1a 64 of the other
    labels as name=value\\0, sorted by name."""
    rest = sorted((k, v) for k, v in labels.items() if k != "__name__" and v)
    if not rest:
        return labels["__name__"]
    h = 0xcbf29ce484222325
    for k, v in rest:
        for c in (k + "=" + v + "\0").encode():
            h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%s:%016x" % (labels["__name__"], h)
