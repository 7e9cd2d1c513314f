"""A real browser for the UI tests: Debian's headless Chromium driven through chromedriver
(selenium). Each page load records what the page's scripts logged and every network request with
its status, so a test can assert that nothing failed, and saves screenshots."""
import json
import os
import shutil
import time

SCREENSHOTS = os.environ.get("SWIFTRACK_SCREENSHOT_DIR",
                             os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "screenshots"))


def available():
    return shutil.which("chromium") is not None and shutil.which("chromedriver") is not None


class Browser:
    """One headless Chromium. `open(url)` loads a page and waits until `ready` (a CSS selector, or
    a text) shows up; `problems()` lists failed requests and script errors since the last call."""

    def __init__(self, width=1400, height=900):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--metrics-recording-only"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        self.driver.set_page_load_timeout(60)
        self.requests = {}   # requestId -> {"url", "method", "status", "failed"}

    def close(self):
        self.driver.quit()

    def resize(self, width, height):
        self.driver.set_window_size(width, height)

    def open(self, url, ready=None, timeout=30):
        self.driver.get(url)
        if ready:
            self.wait_for(ready, timeout)
        return self

    def wait_for(self, ready, timeout=30):
        """Waits until the CSS selector matches, or (for `text:...`) the text is on the page."""
        from selenium.webdriver.common.by import By
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready.startswith("text:"):
                    if ready[5:] in self.driver.find_element(By.TAG_NAME, "body").text:
                        return
                elif self.driver.find_elements(By.CSS_SELECTOR, ready):
                    return
            except Exception:
                pass
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"{ready!r} did not appear on {self.driver.current_url} within {timeout} s; "
                                     f"page text: {self.text()[:2000]!r}; problems: {self.problems()}")
            time.sleep(0.1)

    def settle(self, quiet=1.0, timeout=10):
        """Waits until no request has been in flight for `quiet` seconds (at most `timeout`: a worker
        script may never report an answer)."""
        deadline = time.monotonic() + timeout
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            if self._drain():
                last_change = time.monotonic()
            pending = [r for r in self.requests.values() if r.get("status") is None and not r.get("failed")]
            if not pending and time.monotonic() - last_change >= quiet:
                return
            time.sleep(0.1)

    def text(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.TAG_NAME, "body").text

    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        self.driver.save_screenshot(path)
        return path

    def _drain(self):
        changed = False
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                request = params["request"]
                self.requests[params["requestId"]] = {"url": request["url"], "method": request["method"], "status": None,
                                                      "body": request.get("postData")}
                changed = True
            elif method == "Network.responseReceived":
                entry = self.requests.setdefault(params["requestId"], {"url": params["response"]["url"], "method": "?"})
                entry["status"] = params["response"]["status"]
                changed = True
            elif method == "Network.loadingFailed":
                entry = self.requests.setdefault(params["requestId"], {"url": "?", "method": "?", "status": None})
                if not params.get("canceled"):
                    entry["failed"] = params.get("errorText", "failed")
                else:
                    entry["status"] = entry.get("status") or "canceled"
                changed = True
        return changed

    def calls(self, prefix=""):
        """(method, path-with-query, status) of the requests seen so far whose URL contains `prefix`."""
        self._drain()
        from urllib.parse import urlsplit
        out = []
        for r in self.requests.values():
            if prefix in r["url"]:
                parts = urlsplit(r["url"])
                out.append((r["method"], parts.path + (("?" + parts.query) if parts.query else ""), r.get("status")))
        return out

    def problems(self, allow=()):
        """Failed requests (status >= 400 or a network error) and logged script errors, then forgets them."""
        self._drain()
        found = []
        for r in self.requests.values():
            if any(a in r["url"] for a in allow):
                continue
            status = r.get("status")
            if r.get("failed") or (isinstance(status, int) and status >= 400):
                found.append(f"{r['method']} {r['url']} -> {status or r.get('failed')}")
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and not any(a in entry["message"] for a in allow):
                found.append(f"console: {entry['message']}")
        self.requests = {}
        return found
