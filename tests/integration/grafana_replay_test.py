"""The calls Grafana's Prometheus data source (Grafana 9 and 10, from its
source: pkg/tsdb/prometheus and public/app/plugins/datasource/prometheus)
makes on "Save & test", in the query editor and when a panel loads, replayed
against tsforecastd with the methods, parameters and content types Grafana
uses, and the answers checked for the fields Grafana reads. Grafana itself
is not installable here. Run with and without access control (Grafana's
basic auth, password = token)."""
import base64
import json
import os
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, add_token  # noqa: E402


class GrafanaReplay:
    def __init__(self, test, server, auth=None):
        self.test, self.server, self.auth = test, server, auth

    def call(self, method, path, params):
        data = None
        url = self.server.http_url + path
        headers = {"Accept": "application/json, text/plain, */*",
                   "User-Agent": "Grafana/10.2.0"}
        if self.auth:
            headers["Authorization"] = "Basic " + base64.b64encode(
                ("grafana:" + self.auth).encode()).decode()
        body = urllib.parse.urlencode(params, doseq=True)
        if method == "POST":
            data = body.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body:
            url += "?" + body
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        answer = json.loads(text)
        return status, answer

    def ok(self, method, path, params=()):
        status, answer = self.call(method, path, dict(params))
        self.test.assertEqual(status, 200, "%s %s: %s" % (method, path, answer))
        self.test.assertEqual(answer["status"], "success", answer)
        return answer["data"]


class GrafanaReplayTest(unittest.TestCase):
    def setUp(self):
        self.tokens_dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.server.stop()
        self.tokens_dir.cleanup()

    def start(self, with_tokens):
        args, secret = [], None
        if with_tokens:
            tokens = os.path.join(self.tokens_dir.name, "tokens")
            secret = add_token(tokens, "grafana", "read")
            writer = add_token(tokens, "loader", "write")
            args = ["--tokens_file=" + tokens]
        self.server = TsfServer(extra_args=args, token=writer if with_tokens else None)
        csv = "".join("price_%s,2024-%02d-01,%d\n" % (metal, m, base + m)
                      for metal, base in (("tin", 25000), ("copper", 8000))
                      for m in range(1, 13))
        self.server.tsfctl("write", "-", "--create-step", "1mo", stdin=csv)
        for metal in ("tin", "copper"):
            self.server.tsfctl("series", "update", "price_" + metal,
                               "--label", "metal=" + metal, "--unit", "USD/t")
        return GrafanaReplay(self, self.server, secret)

    def replay(self, grafana):
        now = int(time.time())
        start, end = 1704067200, 1735689600  # 2024
        # Save & test: the build info (flavour and version), then 1+1 as
        # an instant query, POSTed (Grafana's default HTTP method).
        info = grafana.ok("GET", "/api/v1/status/buildinfo")
        self.assertRegex(info["version"], r"^2\.\d+\.\d+$")
        one = grafana.ok("POST", "/api/v1/query", {"query": "1+1", "time": now})
        self.assertEqual(one["resultType"], "scalar")
        self.assertEqual(one["result"][1], "2")
        # Query editor: metadata, metric names, labels of a metric, values.
        meta = grafana.ok("GET", "/api/v1/metadata")
        self.assertEqual(meta["price_tin"][0]["unit"], "USD/t")
        self.assertEqual(meta["price_tin"][0]["type"], "gauge")
        names = grafana.ok("GET", "/api/v1/label/__name__/values",
                           {"start": start, "end": end})
        self.assertEqual(names, ["price_copper", "price_tin"])
        labels = grafana.ok("GET", "/api/v1/labels",
                            {"match[]": "price_tin", "start": start, "end": end})
        self.assertEqual(labels, ["__name__", "metal"])
        values = grafana.ok("GET", "/api/v1/label/metal/values",
                            {"match[]": "price_tin", "start": start, "end": end})
        self.assertEqual(values, ["tin"])
        series = grafana.ok("GET", "/api/v1/series",
                            {"match[]": '{metal=~"t.*"}', "start": start, "end": end})
        self.assertEqual(series, [{"__name__": "price_tin", "metal": "tin"}])
        # A panel: the range query (float seconds, step in seconds) and the
        # exemplars Explore asks for beside it.
        panel = grafana.ok("POST", "/api/v1/query_range",
                           {"query": 'price_tin{metal="tin"}', "start": "%d.000" % start,
                            "end": "%d.000" % end, "step": "2592000"})
        self.assertEqual(panel["resultType"], "matrix")
        self.assertEqual(panel["result"][0]["metric"]["metal"], "tin")
        self.assertGreater(len(panel["result"][0]["values"]), 10)
        exemplars = grafana.ok("GET", "/api/v1/query_exemplars",
                               {"query": "price_tin", "start": start, "end": end})
        self.assertEqual(exemplars, [])
        # An unsupported query is an error Grafana can show.
        status, answer = grafana.call("POST", "/api/v1/query",
                                      {"query": "nosuchfunc(price_tin)", "time": now})
        self.assertEqual(status, 400)
        self.assertEqual(answer["status"], "error")
        self.assertTrue(answer["error"])

    def test_without_access_control(self):
        self.replay(self.start(with_tokens=False))

    def test_with_basic_auth_token(self):
        grafana = self.start(with_tokens=True)
        self.replay(grafana)
        # A wrong password: Prometheus' error shape, so Grafana shows why.
        grafana.auth = "tsf_wrong"
        status, answer = grafana.call("GET", "/api/v1/status/buildinfo", {})
        self.assertEqual(status, 401)
        self.assertEqual(answer["status"], "error")
        self.assertEqual(answer["errorType"], "unauthorized")
        self.assertTrue(answer["error"])


if __name__ == "__main__":
    unittest.main()
