"""The line-protocol doors against the real thing: the same requests to
Debian's InfluxDB 1.6 and to tsforecastd give the same refusals and the
same points (in our mapping: <measurement>_<field> with the tags as labels);
the real clients (python3-influxdb, the influx CLI's -import) write to us."""
import json
import os
import tempfile
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, add_token, free_port, pushed_name  # noqa: E402

INFLUXD = "/usr/bin/influxd"
INFLUX = "/usr/bin/influx"

# One line per request, each with its own measurement (InfluxDB refuses a
# field whose type changes within a measurement; we have no types). From
# the line-protocol specification's escaping rules and its error cases.
CORPUS = [
    "basic,host=a v=1 1000",
    "floats a=1,b=-1.5e3,c=.5,d=1.,e=-0 1000",
    "ints a=7i,b=-7i 1000",
    "bools a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE 1000",
    'strings v=1,s="a, b=c \\"d\\"" 1000',
    "esc\\ measure\\,ment v=1 1000",
    "escm=eq v=1 1000",
    "esctags,t\\ k=v\\ 1,t\\=k2=v\\=2,t\\,k3=v\\,3 v=1 1000",
    "escfield f\\ k=1,f\\=k2=2,f\\,k3=3 1000",
    'quote,t=a"b v=1 1000',
    "dupfield v=1,v=2 1000",
    "negtime v=1 -1000",
    "spaces  v=1  1000",
    "trailing v=1 1000 ",
    "#comment line",
    "multi v=1 1000\nmulti v=2 2000\nmulti2 w=3 3000",
    # Refused by both.
    "duptags,t=1,t=2 v=1 1000",
    "inf v=inf 1000",
    "nan v=nan 1000",
    "plus v=+1 1000",
    "big v=1e400 1000",
    "badnum v=1-2 1000",
    "emptytag,t= v=1 1000",
    ",t=1 v=1 1000",
    "nofields 1000",
    "badtime v=1 abc",
    "extra v=1 1000 x",
    "crlf v=1 1000\r",
    "bigint v=9223372036854775808i 1000",
]


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=body.encode(), headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def sanitized(text, colon=True):
    out = "_" if text[:1].isdigit() else ""
    for c in text:
        ok = c.isascii() and (c.isalnum() or c == "_" or (colon and c == ":"))
        out += c if ok else "_"
    return out


class InfluxTest(unittest.TestCase):
    def start_influxd(self):
        self.influx_port = free_port()
        root = os.path.join(self.server.tmp.name, "influx")
        os.makedirs(root)
        config = os.path.join(root, "influxdb.conf")
        with open(config, "w") as f:
            f.write('reporting-disabled = true\nbind-address = "127.0.0.1:%d"\n'
                    '[meta]\n  dir = "%s/meta"\n[data]\n  dir = "%s/data"\n'
                    '  wal-dir = "%s/wal"\n  query-log-enabled = false\n'
                    '[monitor]\n  store-enabled = false\n'
                    '[http]\n  bind-address = "127.0.0.1:%d"\n  log-enabled = false\n'
                    % (free_port(), root, root, root, self.influx_port))
        self.influxd = subprocess.Popen([INFLUXD, "-config", config],
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/ping" % self.influx_port,
                                       timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        post("http://127.0.0.1:%d/query" % self.influx_port,
             urllib.parse.urlencode({"q": "CREATE DATABASE lp"}),
             {"Content-Type": "application/x-www-form-urlencoded"})

    def tearDown(self):
        if getattr(self, "influxd", None):
            self.influxd.terminate()
            self.influxd.wait(timeout=30)
        self.server.stop()

    def influx_query(self, q):
        url = "http://127.0.0.1:%d/query?%s" % (self.influx_port, urllib.parse.urlencode(
            {"db": "lp", "epoch": "ms", "q": q}))
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)["results"][0].get("series", [])

    def our_points(self, labels):
        body = json.loads(self.server.get(
            "/api/tsf/v1/points?last=1000&series=" +
            urllib.parse.quote(pushed_name(labels))))
        return dict(zip(body["timestamps_ms"], body["values"]))

    @unittest.skipUnless(os.path.exists(INFLUXD), "no influxd binary")
    def test_same_refusals_and_points_as_influxdb(self):
        self.server = TsfServer()
        self.start_influxd()
        for body in CORPUS:
            theirs, their_text = post(
                "http://127.0.0.1:%d/write?db=lp&precision=ms" % self.influx_port, body)
            ours, our_text = post(self.server.http_url + "/write?db=lp&precision=ms", body)
            self.assertEqual(ours, theirs, "%r: InfluxDB %s, we %s" % (body, their_text, our_text))
        # Every field InfluxDB stored, as our series.
        expected = {}
        for m in self.influx_query("SHOW MEASUREMENTS")[0]["values"]:
            measurement = m[0]
            tag_keys = {t[0] for s in self.influx_query(
                'SHOW TAG KEYS FROM "%s"' % measurement.replace("\\", "\\\\"))
                for t in s["values"]}
            for s in self.influx_query(
                    'SELECT * FROM "%s"' % measurement.replace("\\", "\\\\")):
                cols = s["columns"]
                for row in s["values"]:
                    tags = {sanitized(k, False): row[cols.index(k)]
                            for k in tag_keys if row[cols.index(k)]}
                    for i, col in enumerate(cols):
                        value = row[i]
                        if col == "time" or col in tag_keys or value is None \
                                or isinstance(value, str):
                            continue
                        labels = dict(tags, db="lp")
                        labels["__name__"] = sanitized(measurement) + "_" + sanitized(col)
                        expected.setdefault(json.dumps(labels, sort_keys=True), {})[
                            row[0]] = float(value)
        self.assertGreater(len(expected), 30)
        for labels, points in expected.items():
            self.assertEqual(self.our_points(json.loads(labels)), points, labels)
        ours = json.loads(self.server.get(
            "/api/v1/series?" + urllib.parse.urlencode({"match[]": '{db="lp"}'})))
        self.assertEqual(len(ours["data"]), len(expected))

    def test_python_client_with_a_token_in_u_and_p(self):
        self.tokens_dir = tempfile.TemporaryDirectory()
        tokens = os.path.join(self.tokens_dir.name, "tokens")
        secret = add_token(tokens, "telegraf", "write")
        self.server = TsfServer(extra_args=["--tokens_file=" + tokens])
        from influxdb import InfluxDBClient
        from influxdb.exceptions import InfluxDBClientError
        port = int(self.server.http_url.rsplit(":", 1)[1])
        client = InfluxDBClient("127.0.0.1", port, "telegraf", secret, "metals")
        self.assertTrue(client.ping())
        points = [{"measurement": "price", "tags": {"metal": m},
                   "time": 1700000000000 + d * 86400000,
                   "fields": {"usd": 8000.25 + d, "note": "spot"}}
                  for m in ("copper", "tin") for d in range(30)]
        self.assertTrue(client.write_points(points, time_precision="ms"))
        self.server.token = secret
        self.assertEqual(
            self.our_points({"__name__": "price_usd", "metal": "tin", "db": "metals"}),
            {1700000000000 + d * 86400000: 8000.25 + d for d in range(30)})
        wrong = InfluxDBClient("127.0.0.1", port, "telegraf", "tsf_wrong", "metals")
        with self.assertRaises(InfluxDBClientError) as refused:
            wrong.write_points(points[:1], time_precision="ms")
        self.assertEqual(refused.exception.code, 401)

    @unittest.skipUnless(os.path.exists(INFLUX), "no influx CLI")
    def test_influx_cli_imports_a_file(self):
        self.server = TsfServer()
        path = os.path.join(self.server.tmp.name, "exports.lp")
        with open(path, "w") as f:
            f.write("# DML\n# CONTEXT-DATABASE: trade\n")
            for m in range(24):
                for country, base in (("CN", 1000), ("VN", 200)):
                    f.write("exports,country=%s tonnes=%d %d\n"
                            % (country, base + m, 1577836800000 + m * 2629746000))
        port = self.server.http_url.rsplit(":", 1)[1]
        out = subprocess.run([INFLUX, "-host", "127.0.0.1", "-port", port, "-import",
                              "-path=" + path, "-precision=ms"],
                             capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        log = out.stdout.decode() + out.stderr.decode()
        self.assertIn("Processed 48 inserts", log)
        self.assertIn("Failed 0 inserts", log)
        got = self.our_points({"__name__": "exports_tonnes", "country": "VN", "db": "trade"})
        self.assertEqual(len(got), 24)
        self.assertEqual(got[1577836800000], 200)


if __name__ == "__main__":
    unittest.main()
