"""The built-in dashboard in headless Chromium: it loads without console
errors, draws history, forecast and bands for a seeded series, and redraws
after new points are written."""
import os
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from tsf_server import TsfServer, add_token, monthly_csv  # noqa: E402


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class DashboardBrowserTest(unittest.TestCase):
    def setUp(self):
        self.server = TsfServer()
        values = [1000 + 10 * i + (50 if i % 12 == 11 else 0) for i in range(36)]
        self.server.tsfctl("write", "-", "--create-step", "1mo", "--create-label", "country=CN",
                           stdin=monthly_csv("exports_cn", values))
        self.profile = tempfile.TemporaryDirectory()
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-extensions",
                     "--no-first-run", "--user-data-dir=" + self.profile.name):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def tearDown(self):
        self.driver.quit()
        self.profile.cleanup()
        self.server.stop()

    def revision(self):
        return self.driver.execute_script("return document.body.dataset.revision || ''")

    def history_points(self):
        return self.driver.execute_script(
            "const h = document.getElementById('history');"
            "return h ? h.getAttribute('points').trim().split(' ').length : 0")

    def test_chart_draws_and_follows_new_points(self):
        self.driver.get(self.server.http_url + "/?series=exports_cn&horizon=6&refresh=0.3")
        first = wait_for(self.revision, what="the first forecast")
        chart = self.driver.find_element(By.ID, "chart")
        self.assertTrue(chart.find_elements(By.ID, "forecast-mean"))
        self.assertTrue(chart.find_elements(By.ID, "band-95"))
        self.assertTrue(chart.find_elements(By.ID, "band-80"))
        self.assertEqual(self.history_points(), 36)
        mean_points = self.driver.find_element(By.ID, "forecast-mean").get_attribute("points")
        self.assertEqual(len(mean_points.split()), 7)  # last actual + 6 ahead

        self.server.tsfctl("write", "-", stdin="exports_cn,2023-01-01,1500\n")
        wait_for(lambda: self.revision() != first, what="a redraw after the write")
        self.assertEqual(self.history_points(), 37)
        self.assertIn("revision", self.driver.find_element(By.ID, "status").text)

        # The backtest button fills the table and says what picked the best.
        self.driver.find_element(By.ID, "backtest-button").click()
        wait_for(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#backtest tr.best"),
                 what="backtest scores")
        self.assertIn("best by mase:",
                      self.driver.find_element(By.CSS_SELECTOR, "#backtest caption").text)

        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        self.assertEqual(errors, [], "console errors: %s" % errors)

    def text_of(self, css):
        return [e.get_attribute("textContent") for e in self.driver.find_elements(By.CSS_SELECTOR, css)]

    def test_chart_reads_at_a_glance(self):
        for width in (1400, 800):
            self.driver.set_window_size(width, 900)
            self.driver.get(self.server.http_url + "/?series=exports_cn&horizon=6&refresh=600")
            wait_for(self.revision, what="the forecast")
            # Legend, calendar ticks (36 months: years), the last observation.
            legend = " ".join(self.text_of("#legend text"))
            for entry in ("history", "forecast", "80%", "95%"):
                self.assertIn(entry, legend)
            self.assertEqual(self.text_of(".x-tick")[:3], ["2020", "2021", "2022"])
            self.assertIn("2022-12-01", " ".join(self.text_of("#last-observation text")))
            # The chart fills the page's width.
            chart = self.driver.find_element(By.ID, "chart")
            self.assertGreater(chart.size["width"], width * 0.8)
        # Hover shows the values at the nearest time.
        self.driver.execute_script(
            "const c = document.getElementById('chart'); const b = c.getBoundingClientRect();"
            "c.dispatchEvent(new MouseEvent('mousemove', {clientX: b.right - 5, clientY: b.top + 100}));")
        hover = self.driver.find_element(By.CSS_SELECTOR, "#hover text").get_attribute("textContent")
        self.assertIn("forecast", hover)
        self.assertIn("95%", hover)
        # The table view and the CSV download hold history and forecast.
        self.driver.find_element(By.ID, "table-button").click()
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#data-table tr")
        self.assertEqual(len(rows), 1 + 36 + 6)
        href = self.driver.find_element(By.ID, "download-csv").get_attribute("href")
        self.assertTrue(href.startswith("data:text/csv"))
        self.assertIn("timestamp%2Cvalue%2Cmean", href)
        # Fewer history points on request.
        self.driver.execute_script(
            "const s = document.getElementById('history-length'); s.value = '60';"
            "s.dispatchEvent(new Event('change'));")
        # A forecast that fails still shows the history, and why.
        self.driver.get(self.server.http_url + "/?series=exports_cn&horizon=6&refresh=600&model=snaive&history=60")
        self.driver.execute_script(
            "const h = document.getElementById('horizon'); h.value = '0';"
            "h.dispatchEvent(new Event('change'));")
        wait_for(lambda: "forecast failed" in self.driver.find_element(By.ID, "status").text,
                 what="the forecast error")
        self.assertIn("horizon", self.driver.find_element(By.ID, "status").text)
        self.assertEqual(self.history_points(), 36)
        errors = [e for e in self.driver.get_log("browser")
                  if e["level"] == "SEVERE" and "400" not in e["message"]]
        self.assertEqual(errors, [], "console errors: %s" % errors)

    def test_saved_forecasts_against_actuals_and_declared_decimals(self):
        # Two vintages made at the end of 2022, then 2023's first months.
        for model in ("naive", "snaive"):
            self.server.tsfctl("forecast", "exports_cn", "-H", "6", "-m", model, "--save-vintage")
        self.server.tsfctl("write", "-", stdin="exports_cn,2023-01-01,1362\nexports_cn,2023-02-01,1371\n")
        self.server.tsfctl("series", "update", "exports_cn", "--decimals", "2")
        for width in (1400, 800):
            self.driver.set_window_size(width, 900)
            self.driver.get(self.server.http_url + "/?series=exports_cn&horizon=6&refresh=600&vintages=1")
            wait_for(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#vintages tr td"),
                     what="the vintages table")
            rows = self.driver.find_elements(By.CSS_SELECTOR, "#vintages tr")
            self.assertEqual(len(rows), 1 + 2)
            cells = [c.text for c in rows[1].find_elements(By.TAG_NAME, "td")]
            # Newest first: snaive; 2 of 6 steps due, 4 pending, MAE with
            # the series' two decimals.
            self.assertEqual(cells[2], "snaive")
            self.assertEqual(cells[3:5], ["2", "4"])
            self.assertRegex(cells[5], r"^[0-9,]+\.[0-9]{2}$")
            self.assertIn("95%:", cells[7])
            # Both drawn on the chart, named in the legend.
            self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#chart polyline.vintage")), 2)
            self.assertIn("saved forecasts (2)", " ".join(self.text_of("#legend text")))
            # Declared decimals in the axis labels and the table.
            self.assertTrue(all(t.endswith(tuple("0123456789")) and "." in t
                                for t in self.text_of(".axis text:not(.x-tick)")
                                if t[0].isdigit()), self.text_of(".axis text"))
        self.driver.find_element(By.ID, "table-button").click()
        first = self.driver.find_elements(By.CSS_SELECTOR, "#data-table tr")[1]
        self.assertEqual(first.find_elements(By.TAG_NAME, "td")[1].text, "1,000.00")
        # A second click hides them again.
        self.driver.find_element(By.ID, "vintages-button").click()
        wait_for(lambda: not self.driver.find_elements(By.CSS_SELECTOR, "#chart polyline.vintage"),
                 what="the vintages to go")
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        self.assertEqual(errors, [], "console errors: %s" % errors)


class DashboardWithTokensTest(unittest.TestCase):
    """With access control on, the page asks for a token, keeps it in the
    tab's session (never the URL) and sends it as a header."""

    def setUp(self):
        self.tokens_dir = tempfile.TemporaryDirectory()
        tokens = os.path.join(self.tokens_dir.name, "tokens")
        self.reader = add_token(tokens, "dashboard", "read")
        writer = add_token(tokens, "ingest", "write")
        self.server = TsfServer(extra_args=["--tokens_file=" + tokens], token=writer)
        self.server.tsfctl("write", "-", "--create-step", "1mo",
                           stdin=monthly_csv("exports_cn", [1000 + 10 * i for i in range(36)]))
        self.profile = tempfile.TemporaryDirectory()
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--user-data-dir=" + self.profile.name):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def tearDown(self):
        self.driver.quit()
        self.profile.cleanup()
        self.server.stop()
        self.tokens_dir.cleanup()

    def test_asks_for_a_token_and_keeps_it_out_of_the_url(self):
        url = self.server.http_url + "/?series=exports_cn&horizon=6&refresh=600"
        self.driver.get(url)
        login = wait_for(lambda: self.driver.find_element(By.ID, "login").is_displayed() and
                         self.driver.find_element(By.ID, "login"), what="the token form")
        self.driver.find_element(By.ID, "token").send_keys(self.reader)
        login.find_element(By.TAG_NAME, "button").click()
        wait_for(lambda: self.driver.execute_script("return document.body.dataset.revision || ''"),
                 what="the forecast with the token")
        self.assertTrue(self.driver.find_elements(By.ID, "forecast-mean"))
        self.assertNotIn(self.reader, self.driver.current_url)
        self.assertEqual(self.driver.execute_script("return sessionStorage.getItem('tsf_token')"),
                         self.reader)


if __name__ == "__main__":
    unittest.main()
