#!/usr/bin/env python3
"""End-to-end test of the rolecall console in headless Chromium.

Starts `rolecall serve` on a free loopback port with a temporary database and
a copy of config/rolecall.example.yaml, starts chromedriver, and drives the
console page over the W3C WebDriver HTTP protocol (standard library only: no
Selenium, no npm):

  1. ask "Who owns pricing?" and see the answer name the team's PM;
  2. post a request and see it routed to the PO;
  3. press Reassign and see the routing change to the PM, in place;
  4. log a decision and see it listed; see the digest panel filled.

Each assertion is on text the page shows; the routing change is also checked
against the API, i.e. the store.

Exit codes: 0 passed, 1 failed, 77 skipped (chromium or chromedriver absent;
CTest's SKIP_RETURN_CODE). Anything else that goes wrong is a failure.

  python3 tests/e2e/console_e2e.py --binary build/rolecall --source .
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMEDRIVER_CANDIDATES = ["/usr/bin/chromedriver"]


class Failure(Exception):
    pass


def log(message):
    print(f"[console_e2e] {message}", flush=True)


def find_program(candidates, name):
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return shutil.which(name)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=30):
    """Returns (status, parsed JSON or text). Never raises on HTTP errors."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def wait_until(what, predicate, timeout, interval=0.1):
    """Polls `predicate` until it returns a truthy value; raises Failure on timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, urllib.error.URLError) as e:  # not up yet; a Failure stops at once
            last_error = e
        except Failure as e:
            # The page re-renders a card when its data refreshes; an element
            # read across that is gone ("stale element reference"): not yet.
            if "stale element" not in str(e):
                raise
            last_error = e
        time.sleep(interval)
    raise Failure(f"timed out after {timeout}s waiting for {what}"
                  + (f" (last error: {last_error})" if last_error else ""))


class Process:
    """A child process whose output goes to a file, stopped politely at the end."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def running(self):
        return self.proc.poll() is None

    def output_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


class WebDriver:
    def __init__(self, base):
        self.base = base
        self.session = None

    def call(self, method, path, body=None):
        status, data = http(method, self.base + path, body)
        if status != 200:
            raise Failure(f"WebDriver {method} {path} -> {status}: {data}")
        return data.get("value") if isinstance(data, dict) else data

    def start(self, chromium, user_data_dir):
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                f"--user-data-dir={user_data_dir}"]
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}}}})
        self.session = value["sessionId"]
        self.call("POST", self.s("/timeouts"), {"implicit": 0, "pageLoad": 30000, "script": 30000})

    def s(self, path):
        return f"/session/{self.session}{path}"

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", self.s(""))
            except Exception as e:  # noqa: BLE001 - best effort at cleanup
                log(f"could not end the WebDriver session: {e}")
            self.session = None

    def go(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def find_all(self, css, within=None):
        path = self.s(f"/element/{within}/elements") if within else self.s("/elements")
        return [e[ELEMENT_KEY] for e in self.call("POST", path, {"using": "css selector",
                                                                 "value": css})]

    def find(self, css, within=None, timeout=10):
        return wait_until(f"element {css}", lambda: (self.find_all(css, within) or [None])[0],
                          timeout)

    def text(self, element):
        return self.call("GET", self.s(f"/element/{element}/text"))

    def attribute(self, element, name):
        return self.call("GET", self.s(f"/element/{element}/attribute/{name}"))

    def property(self, element, name):
        return self.call("GET", self.s(f"/element/{element}/property/{name}"))

    def click(self, element):
        self.call("POST", self.s(f"/element/{element}/click"), {})

    def type(self, element, text):
        self.call("POST", self.s(f"/element/{element}/clear"), {})
        self.call("POST", self.s(f"/element/{element}/value"), {"text": text})

    def screenshot(self, path):
        png = self.call("GET", self.s("/screenshot"))
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))


def check(condition, message):
    if not condition:
        raise Failure(message)


def write_config(source, directory):
    """A copy of the example config (and the taxonomy and classifier model
    next to it, where the config's relative taxonomy.path looks). The
    environment supplies the listen address and database."""
    example = os.path.join(source, "config", "rolecall.example.yaml")
    taxonomy = os.path.join(source, "config", "taxonomy.yaml")
    model = os.path.join(source, "config", "classifier-model.tsv")
    for path in (example, taxonomy, model):
        if not os.path.isfile(path):
            raise Failure(f"missing {path}")
    config = os.path.join(directory, "rolecall.yaml")
    shutil.copyfile(example, config)
    shutil.copyfile(taxonomy, os.path.join(directory, "taxonomy.yaml"))
    shutil.copyfile(model, os.path.join(directory, "classifier-model.tsv"))
    return config


def send_message(driver, text):
    before = len(driver.find_all("[data-testid=chat-log] .row"))
    driver.type(driver.find("[data-testid=message-input]"), text)
    driver.click(driver.find("[data-testid=send-button]"))
    # The user's bubble and rolecall's reply: two new rows, the last one
    # holding its final card. A row read while the page is still rendering
    # it can be replaced under us ("stale element reference", seen under
    # ASan on a loaded machine): such a read counts as "not yet".
    def settled():
        try:
            rows = driver.find_all("[data-testid=chat-log] .row")
            if len(rows) < before + 2:
                return False
            return bool(driver.find_all("[data-testid=answer-card], [data-testid=routing-card], "
                                        "[data-testid=error-message]", within=rows[-1]))
        except Failure as e:
            if "stale element" in str(e):
                return False
            raise
    wait_until(f"the reply to {text!r}", settled, 15)
    errors = driver.find_all("[data-testid=chat-log] [data-testid=error-message]")
    if errors:
        raise Failure(f"the console showed an error: {driver.text(errors[-1])}")
    rows = driver.find_all("[data-testid=chat-log] .row")
    return rows[-1]


def run(args, work):
    chromium = find_program(CHROMIUM_CANDIDATES, "chromium")
    chromedriver = find_program(CHROMEDRIVER_CANDIDATES, "chromedriver")
    if not chromium or not chromedriver:
        log("SKIP: chromium and chromedriver are needed "
            "(Debian packages chromium, chromium-driver; scripts/install-deps.sh --test)")
        return SKIP
    if not os.access(args.binary, os.X_OK):
        raise Failure(f"rolecall binary not found or not executable: {args.binary}")

    config = write_config(args.source, work)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in ("ROLECALL_CONFIG", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN",
                        "SLACK_API_URL", "TEAMS_WEBHOOK_SECRET")}
    env.update({"ROLECALL_LISTEN": f"127.0.0.1:{port}",
                "ROLECALL_DB": os.path.join(work, "data", "rolecall.db")})
    processes = []
    driver = None
    try:
        daemon = Process("rolecall", [args.binary, "serve", "--config", config, "--threads", "2"],
                         env, os.path.join(work, "rolecall.log"))
        processes.append(daemon)

        def daemon_up():
            if not daemon.running():
                raise Failure(f"rolecall exited with {daemon.proc.returncode}:\n"
                              + daemon.output_tail())
            try:
                return http("GET", base + "/healthz", timeout=2)[0] == 200
            except (OSError, urllib.error.URLError):
                return False

        try:
            wait_until("rolecall /healthz", daemon_up, 30)
        except Failure as e:
            raise Failure(f"{e}\nrolecall output:\n{daemon.output_tail()}") from None
        log(f"rolecall serves on {base}")

        # The people the config names, so the assertions follow the example config.
        status, teams = http("GET", base + "/console/api/teams")
        check(status == 200, f"GET /console/api/teams -> {status}: {teams}")
        team = next(t for t in teams["teams"] if t["id"] == teams["default_team"])
        check(team["product_managers"] and team["product_owners"],
              f"the default team needs a PM and a PO for this test: {team}")
        pm, po = team["product_managers"][0], team["product_owners"][0]
        log(f"default team {team['id']}: PM {pm}, PO {po}")

        driver_port = free_port()
        chromedriver_proc = Process("chromedriver", [chromedriver, f"--port={driver_port}"],
                                    env, os.path.join(work, "chromedriver.log"))
        processes.append(chromedriver_proc)
        driver = WebDriver(f"http://127.0.0.1:{driver_port}")

        def driver_ready():
            if not chromedriver_proc.running():
                raise Failure("chromedriver exited:\n" + chromedriver_proc.output_tail())
            status, data = http("GET", driver.base + "/status", timeout=2)
            return status == 200 and data["value"]["ready"]

        wait_until("chromedriver /status", driver_ready, 20)
        driver.start(chromium, os.path.join(work, "chromium-profile"))
        driver.go(base + "/")

        select = driver.find("[data-testid=team-select]")
        wait_until("the team list", lambda: driver.find_all("option", within=select), 10)
        selected = driver.property(select, "value")
        check(selected == team["id"], f"the default team should be selected, got {selected!r}")
        people = driver.text(driver.find("[data-testid=team-people]"))
        check(pm in people and po in people, f"team people line: {people!r}")

        # 1. A question: the answer names the PM.
        reply = send_message(driver, "Who owns pricing?")
        answer = driver.find("[data-testid=answer-card]", within=reply)
        answer_text = driver.text(answer)
        log(f"answer: {answer_text!r}")
        check(pm in answer_text, f"the answer should name the PM {pm}: {answer_text!r}")
        check("Product Manager" in answer_text, f"the answer should say Product Manager: "
                                                f"{answer_text!r}")
        check(driver.attribute(answer, "data-role") == "product_manager",
              f"answer role: {driver.attribute(answer, 'data-role')!r}")

        # 2. A request: routed to the PO.
        reply = send_message(driver, "Can we pull the login bug into this sprint?")
        card = driver.find("[data-testid=routing-card]", within=reply)
        card_text = driver.text(card)
        log(f"routing: {card_text!r}")
        check(po in card_text, f"the request should be routed to the PO {po}: {card_text!r}")
        check("Product Owner" in card_text, f"routing card: {card_text!r}")
        status_text = driver.text(driver.find("[data-testid=routing-status]", within=card))
        check(status_text == "open", f"a new routing is open, got {status_text!r}")
        routing_id = int(driver.attribute(card, "data-routing-id"))

        # 3. Reassign: the same card now shows the PM and the new status. The
        # page may re-render the card at any time, so it is found afresh by its
        # routing id for every read, with reads that never wait: a stale
        # element makes the whole read "not yet" and wait_until tries again.
        def card_now():
            cards = driver.find_all("[data-testid=chat-log] [data-testid=routing-card]"
                                    f"[data-routing-id=\"{routing_id}\"]")
            return cards[0] if cards else None

        def text_in(card, css):
            found = driver.find_all(css, within=card)
            return driver.text(found[0]) if found else None

        driver.click(driver.find("[data-testid=action-reassign]", within=card))

        def reassigned_card():
            c = card_now()
            if c is None or text_in(c, "[data-testid=routing-status]") != "reassigned":
                return None
            return (driver.text(c), text_in(c, "[data-testid=routing-role]") or "",
                    text_in(c, "[data-testid=routing-note]") or "",
                    bool(driver.find_all("[data-testid=action-reassign]", within=c)))

        card_text, role_line, note, offers_reassign = wait_until(
            "the routing card to show 'reassigned'", reassigned_card, 10)
        log(f"after reassign: {card_text!r}")
        check(pm in role_line and "Product Manager" in role_line,
              f"after Reassign the card should show the PM {pm}: {role_line!r}")
        check(note.startswith("Reassigned to the Product Manager"), f"note: {note!r}")
        check(offers_reassign, "the card should offer to reassign back")
        # What the page shows is what the store holds.
        status, routings = http("GET", base + "/console/api/routings?team=" + team["id"])
        check(status == 200, f"GET /console/api/routings -> {status}")
        stored = next((r for r in routings["routings"] if r["id"] == routing_id), None)
        check(stored is not None, f"routing {routing_id} not in the store: {routings}")
        check(stored["role"] == "product_manager" and stored["status"] == "reassigned",
              f"stored routing: {stored}")

        # 4. Side panels: log a decision; the digest panel has loaded.
        driver.type(driver.find("[data-testid=decision-input]"), "We ship SSO before audit logs")
        driver.click(driver.find("[data-testid=decision-button]"))
        wait_until("the decision in the list", lambda: any(
            "We ship SSO before audit logs" in driver.text(e)
            for e in driver.find_all("[data-testid=decision-item]")), 10)
        wait_until("the digest panel", lambda: driver.text(
            driver.find("[data-testid=digest-text]")) not in ("", "Loading…"), 10)
        log("digest panel: " + driver.text(driver.find("[data-testid=digest-text]"))[:80]
            .replace("\n", " | "))

        if args.screenshot:
            driver.screenshot(args.screenshot)
            log(f"screenshot: {args.screenshot}")
        log("PASS: answer names the PM, request routed to the PO, Reassign moved it to the PM")
        return 0
    except Failure:
        if driver and driver.session:
            shot = os.path.join(args.artifacts or tempfile.gettempdir(),
                                "console_e2e_failure.png")
            try:
                driver.screenshot(shot)
                log(f"failure screenshot: {shot}")
            except Exception as e:  # noqa: BLE001 - diagnostics only
                log(f"no screenshot: {e}")
        for p in processes:
            log(f"--- {p.name} output (tail)\n{p.output_tail()}")
        raise
    finally:
        if driver:
            driver.quit()
        for p in reversed(processes):
            p.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="path to the rolecall binary")
    parser.add_argument("--source", required=True, help="the source tree (for config/)")
    parser.add_argument("--screenshot", help="save a PNG of the page after the scenarios")
    parser.add_argument("--artifacts", help="directory kept for the failure screenshot")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="rolecall-e2e-")
    try:
        return run(args, work)
    except Failure as e:
        log(f"FAIL: {e}")
        return 1
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
