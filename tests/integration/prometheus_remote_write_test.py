"""Real remote-write senders push to tsforecastd's /api/v1/write: Debian's
Prometheus (scraping our own /metrics) and VictoriaMetrics' vmagent
(forwarding a file of samples). Every sample arrives, once, with its value."""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, free_port, pushed_name  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
VMAGENT = "/usr/bin/vmagent"


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


class RemoteWriteTest(unittest.TestCase):
    def setUp(self):
        self.server = TsfServer()
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.terminate()
            p.wait(timeout=60)
        self.server.stop()

    def our_points(self, labels):
        body = json.loads(self.server.get(
            "/api/tsf/v1/points?last=100000&series=" +
            urllib.parse.quote(pushed_name(labels))))
        return dict(zip(body["timestamps_ms"], body["values"]))

    def wait_for(self, what, check, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if check():
                    return
            except (OSError, KeyError, ValueError):
                pass  # not there yet
            time.sleep(0.5)
        self.fail("timed out waiting for " + what)

    @unittest.skipUnless(os.path.exists(PROMETHEUS), "no prometheus binary")
    def test_prometheus_remote_writes_every_sample_once(self):
        target = self.server.http_url.replace("http://", "")
        config = os.path.join(self.server.tmp.name, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: tsf\n"
                    "    static_configs:\n      - targets: ['%s']\n"
                    "remote_write:\n  - url: %s/api/v1/write\n"
                    "    queue_config:\n      batch_send_deadline: 1s\n"
                    "    metadata_config:\n      send_interval: 1s\n"
                    % (target, self.server.http_url))
        prom_port = free_port()
        self.procs.append(subprocess.Popen(
            [PROMETHEUS, "--config.file=" + config,
             "--storage.tsdb.path=" + os.path.join(self.server.tmp.name, "prom"),
             "--web.listen-address=127.0.0.1:%d" % prom_port, "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        prom = "http://127.0.0.1:%d/api/v1/query?" % prom_port

        def prom_samples(query):
            result = get_json(prom + urllib.parse.urlencode({"query": query}))
            return {json.dumps(s["metric"], sort_keys=True):
                    {int(round(float(t) * 1000)): float(v) for t, v in s["values"]}
                    for s in result["data"]["result"]}

        up = {"__name__": "up", "instance": target, "job": "tsf"}
        self.wait_for("5 scrapes in Prometheus",
                      lambda: len(prom_samples('up{job="tsf"}[1h]')[
                          json.dumps(up, sort_keys=True)]) >= 5)
        # Every sample Prometheus holds of three metrics reaches us.
        queries = ['up{job="tsf"}[1h]', 'scrape_samples_scraped{job="tsf"}[1h]',
                   'tsf_points_ingested_total{job="tsf"}[1h]']
        held = {}
        for q in queries:
            for metric, samples in prom_samples(q).items():
                held[metric] = samples
        self.assertEqual(len(held), 3)

        def all_arrived():
            for metric, samples in held.items():
                ours = self.our_points(json.loads(metric))
                if any(t not in ours for t in samples):
                    return False
            return True
        self.wait_for("Prometheus' samples at tsforecastd", all_arrived)
        for metric, samples in held.items():
            ours = self.our_points(json.loads(metric))
            for t, v in samples.items():
                self.assertEqual(ours[t], v, metric)
            # Nothing we hold is unknown to Prometheus (asked again, later).
            later = prom_samples(json.loads(metric)["__name__"] + '{job="tsf"}[1h]')
            known = later[metric]
            self.assertTrue(set(ours) <= set(known),
                            "%s: samples Prometheus never had" % metric)
        # PromQL over the pushed series selects them by metric name.
        answer = json.loads(self.server.get(
            '/api/v1/query?query=' + urllib.parse.quote('up{job="tsf"}')))
        self.assertEqual(answer["data"]["result"][0]["metric"], up)
        # Prometheus sends metadata too; /api/v1/metadata serves it.
        self.wait_for("metadata", lambda: json.loads(self.server.get(
            "/api/v1/metadata?metric=tsf_points_ingested_total"))["data"][
                "tsf_points_ingested_total"][0]["type"] == "counter")

    @unittest.skipUnless(os.path.exists(VMAGENT), "no vmagent binary")
    def test_vmagent_forwards_a_file_of_samples(self):
        port = free_port()
        self.procs.append(subprocess.Popen(
            [VMAGENT, "-httpListenAddr=127.0.0.1:%d" % port,
             "-remoteWrite.url=%s/api/v1/write" % self.server.http_url,
             "-remoteWrite.tmpDataPath=" + os.path.join(self.server.tmp.name, "vmagent"),
             "-remoteWrite.flushInterval=200ms", "-loggerLevel=ERROR"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        # 3 countries x 24 months of export tonnage, in Prometheus' text
        # format with timestamps (ms).
        lines, expected = [], {}
        for c, country in enumerate(["cn", "vn", "my"]):
            labels = {"__name__": "exports_tonnes", "country": country,
                      "product": "ndpr_oxide"}
            expected[pushed_name(labels)] = {}
            for m in range(24):
                t = 1577836800000 + m * 2629746000  # about a month apart
                v = 1000.5 * (c + 1) + m
                lines.append('exports_tonnes{country="%s",product="ndpr_oxide"} %s %d'
                             % (country, v, t))
                expected[pushed_name(labels)][t] = v
        body = ("\n".join(lines) + "\n").encode()

        def post():
            req = urllib.request.Request(
                "http://127.0.0.1:%d/api/v1/import/prometheus" % port, data=body)
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        self.wait_for("vmagent to start", lambda: post() == 204)

        def arrived():
            for name, samples in expected.items():
                body = json.loads(self.server.get(
                    "/api/tsf/v1/points?last=1000&series=" + urllib.parse.quote(name)))
                if dict(zip(body["timestamps_ms"], body["values"])) != samples:
                    return False
            return True
        self.wait_for("vmagent's samples at tsforecastd", arrived)
        answer = json.loads(self.server.get(
            "/api/v1/series?" + urllib.parse.urlencode({"match[]": "exports_tonnes"})))
        self.assertEqual(sorted(s["country"] for s in answer["data"]), ["cn", "my", "vn"])


if __name__ == "__main__":
    unittest.main()
