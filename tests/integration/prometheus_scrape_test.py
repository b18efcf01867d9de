"""A real Prometheus (Debian's package) scrapes tsforecastd's /metrics."""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, free_port, monthly_csv  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"


class PrometheusScrapeTest(unittest.TestCase):
    def setUp(self):
        self.server = TsfServer()
        self.server.tsfctl("write", "-", "--create-step", "1mo",
                           stdin=monthly_csv("exports", [100 + i for i in range(36)]))
        self.server.get("/api/tsf/v1/forecast?series=exports&horizon=3")
        target = self.server.http_url.replace("http://", "")
        config = os.path.join(self.server.tmp.name, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: tsforecast\n"
                    "    static_configs:\n      - targets: ['%s']\n" % target)
        self.prom_port = free_port()
        self.prometheus = subprocess.Popen(
            [PROMETHEUS, "--config.file=" + config,
             "--storage.tsdb.path=" + os.path.join(self.server.tmp.name, "prom"),
             "--web.listen-address=127.0.0.1:%d" % self.prom_port, "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def tearDown(self):
        self.prometheus.terminate()
        self.prometheus.wait(timeout=30)
        self.server.stop()

    def prom_query(self, query):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.prom_port, urllib.parse.urlencode({"query": query}))
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.load(r)["data"]["result"]

    def test_scrape_succeeds_and_our_series_arrive(self):
        deadline = time.time() + 60
        up, fits = [], []
        while time.time() < deadline:
            try:
                up = self.prom_query('up{job="tsforecast"}')
                fits = self.prom_query('tsf_forecast_fit_duration_seconds_count{model="auto"}')
            except OSError:
                pass  # Prometheus still starting
            if up and fits:
                break
            time.sleep(0.5)
        self.assertEqual(len(up), 1, "Prometheus never scraped the target")
        self.assertEqual(up[0]["value"][1], "1", "scrape failed: target is down")
        self.assertEqual(fits[0]["value"][1], "1")
        ingested = self.prom_query("tsf_points_ingested_total")
        self.assertEqual(ingested[0]["value"][1], "36")
        # A histogram Prometheus can compute quantiles from.
        q = self.prom_query('histogram_quantile(0.5, tsf_http_request_duration_seconds_bucket'
                            '{handler="tsf_forecast"})')
        self.assertEqual(len(q), 1)
        scrape_errors = self.prom_query('scrape_samples_post_metric_relabeling{job="tsforecast"}')
        self.assertGreater(float(scrape_errors[0]["value"][1]), 20)


if __name__ == "__main__":
    unittest.main()
