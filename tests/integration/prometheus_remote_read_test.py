"""Debian's Prometheus with an empty store and `remote_read` pointed at
tsforecastd evaluates PromQL we do not evaluate natively (rate, sum by,
quantile_over_time) over series written through our gRPC API, with the
answers the data implies."""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, free_port  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"


@unittest.skipUnless(os.path.exists(PROMETHEUS), "no prometheus binary")
class RemoteReadTest(unittest.TestCase):
    def setUp(self):
        self.server = TsfServer()
        # An hour of minutes ending at the last whole minute: a counter
        # rising 60 a minute, prices 1..60, and three export series.
        now_min = int(time.time()) // 60 * 60
        self.t_end = now_min
        start = now_min - 59 * 60
        rows = []
        for i in range(60):
            t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60 * i))
            rows.append(("requests_total", t, 60 * i))
            rows.append(("price", t, i + 1))
            for name, value in (("exports_a_x", 10), ("exports_a_y", 20), ("exports_b_x", 5)):
                rows.append((name, t, value))
        for name, labels in (("requests_total", ["job=api"]), ("price", ["metal=tin"]),
                             ("exports_a_x", ["country=a", "product=x"]),
                             ("exports_a_y", ["country=a", "product=y"]),
                             ("exports_b_x", ["country=b", "product=x"])):
            args = ["series", "create", name, "--step", "1min"]
            for label in labels:
                args += ["--label", label]
            if name.startswith("exports"):
                args += ["--label", "family=exports"]
            self.server.tsfctl(*args)
        self.server.tsfctl("write", "-", stdin="".join(
            "%s,%s,%s\n" % r for r in rows))
        config = os.path.join(self.server.tmp.name, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1h\n"
                    "remote_read:\n  - url: %s/api/v1/read\n    read_recent: true\n"
                    % self.server.http_url)
        self.port = free_port()
        self.prometheus = subprocess.Popen(
            [PROMETHEUS, "--config.file=" + config,
             "--storage.tsdb.path=" + os.path.join(self.server.tmp.name, "prom"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def tearDown(self):
        self.prometheus.terminate()
        self.prometheus.wait(timeout=30)
        self.server.stop()

    def query(self, q):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.port, urllib.parse.urlencode({"query": q, "time": self.t_end}))
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    body = json.load(r)
                self.assertEqual(body["status"], "success", body)
                return body["data"]["result"]
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)  # Prometheus still starting

    def test_promql_over_our_data(self):
        rate = self.query('rate(requests_total{job="api"}[5m])')
        self.assertEqual(len(rate), 1)
        self.assertAlmostEqual(float(rate[0]["value"][1]), 1.0, places=9)
        sums = {r["metric"]["country"]: float(r["value"][1])
                for r in self.query('sum by (country) ({family="exports"})')}
        self.assertEqual(sums, {"a": 30.0, "b": 5.0})
        q = self.query('quantile_over_time(0.5, price{metal="tin"}[1h])')
        # Samples in (t_end - 1h, t_end]: prices 2..60 (the first is at
        # exactly t_end - 59 min, inside), so 1..60, median 30.5.
        self.assertAlmostEqual(float(q[0]["value"][1]), 30.5, places=9)
        raw = self.query('price{metal="tin"}')
        self.assertEqual(raw[0]["metric"], {"__name__": "price", "metal": "tin"})
        self.assertEqual(raw[0]["value"][1], "60")


if __name__ == "__main__":
    unittest.main()
