"""A small client of Chromium's DevTools protocol, over a pipe (``--remote-debugging-pipe``).

Enough to open a page in Debian's headless ``chromium``, record its console errors and its
network requests, evaluate script, emulate a phone or print media, and take screenshots.
No browser download and no extra package: the protocol is JSON messages separated by NUL
bytes on file descriptors 3 (to the browser) and 4 (from it).

>>> with Browser() as b:                                   # doctest: +SKIP
...     page = b.new_page(width=1280)
...     page.goto("file:///tmp/page.html")
...     page.console_errors, page.requests
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional


def find_chromium() -> Optional[str]:
    """The Chromium (or Chrome) executable: ``$DANGJIAN_CHROMIUM``, else the first of
    ``chromium``, ``chromium-browser``, ``google-chrome`` on the path."""
    env = os.environ.get("DANGJIAN_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Browser:
    """A headless Chromium driven through its DevTools pipe."""

    def __init__(self, executable: Optional[str] = None, timeout: float = 60.0) -> None:
        exe = executable or find_chromium()
        if not exe:
            raise FileNotFoundError("no chromium on the path (Debian: apt-get install chromium)")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="dangjian-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # in the child: our pipes become its fds 3 and 4
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            exe,
            "--headless",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--metrics-recording-only",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        args.append("about:blank")
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire_fds,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: Dict[int, Dict[str, Any]] = {}
        self._events: Dict[Optional[str], List[Dict[str, Any]]] = {}
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- the pipe --------------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._closed = True
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw.decode("utf-8"))
                with self._cond:
                    if "id" in msg:
                        self._responses[msg["id"]] = msg
                    else:
                        self._events.setdefault(msg.get("sessionId"), []).append(msg)
                    self._cond.notify_all()

    def send(
        self,
        method: str,
        params: Optional[Dict[str, Any]] = None,
        session: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Sends a command and waits for its result."""
        with self._lock:
            self._next_id += 1
            mid = self._next_id
        msg: Dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while mid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise CDPError(f"no answer to {method}" + (" (the browser exited)" if self._closed else ""))
                self._cond.wait(left)
            resp = self._responses.pop(mid)
        if "error" in resp:
            raise CDPError(f"{method}: {resp['error']}")
        return resp.get("result", {})

    def events(self, session: Optional[str]) -> List[Dict[str, Any]]:
        """Every event received so far for a session."""
        with self._cond:
            return list(self._events.get(session, []))

    def wait_event(
        self, session: Optional[str], method: str, after: int = 0, timeout: Optional[float] = None
    ) -> Dict[str, Any]:
        """Waits for an event of ``method`` beyond the first ``after`` events of the session."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                for e in self._events.get(session, [])[after:]:
                    if e.get("method") == method:
                        return e
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise CDPError(f"no {method} event")
                self._cond.wait(left)

    # -- pages -----------------------------------------------------------------------------
    def new_page(self, width: int = 1280, height: int = 900, mobile: bool = False, scripts: bool = True) -> "Page":
        """A new tab of the given viewport, with console, log and network recording on."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        page.scripts = scripts
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        page.viewport(width, height, mobile)
        if not scripts:
            page.call("Emulation.setScriptExecutionDisabled", value=True)
        return page

    def close(self) -> None:
        """Closes the browser and removes its profile."""
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except CDPError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Page:
    """One tab."""

    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target
        self.width = 1280
        self.scripts = True

    def call(self, method: str, **params: Any) -> Dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def viewport(self, width: int, height: int = 900, mobile: bool = False) -> None:
        self.width = width
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)

    def goto(self, url: str) -> float:
        """Loads ``url`` and waits for its load event and two animation frames (the page laid
        out and painted); returns the seconds that took, as the page measured them."""
        start = len(self.browser.events(self.session))
        self.call("Page.navigate", url=url)
        self.browser.wait_event(self.session, "Page.loadEventFired", after=start)
        if not self.scripts:  # no animation-frame callback runs without scripts
            return float(self.evaluate("performance.now() / 1000"))
        return self.evaluate(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => {"
            " document.body.getBoundingClientRect(); r(performance.now() / 1000); })))",
            await_promise=True,
        )

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression (JSON-serialisable results only)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in r:
            raise CDPError(
                f"{expression}: {r['exceptionDetails'].get('text')} {r['exceptionDetails'].get('exception', {}).get('description', '')}"
            )
        return r.get("result", {}).get("value")

    @property
    def console_errors(self) -> List[str]:
        """Console errors, uncaught exceptions and browser log errors (a blocked request, a
        Content-Security-Policy violation, a failed load) seen so far."""
        out: List[str] = []
        for e in self.browser.events(self.session):
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                out.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out

    @property
    def requests(self) -> List[str]:
        """The URL of every request the page made (the page itself included)."""
        return [
            e["params"]["request"]["url"]
            for e in self.browser.events(self.session)
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, full_page: bool = True) -> bytes:
        """A PNG of the viewport, or of the whole page. For the whole page the viewport is
        made as tall as the page (until its height settles), so that content drawn only
        near the viewport (``content-visibility: auto``) is drawn too; then restored."""
        if not full_page:
            return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        width, height = self.width, 0
        metrics = self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False
        )
        del metrics
        for _ in range(8):
            m = self.call("Page.getLayoutMetrics")
            h = int((m.get("cssContentSize") or m["contentSize"])["height"])
            if h == height:
                break
            height = h
            self.call(
                "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
            )
            self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", await_promise=True)
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        self.viewport(width, 900)
        return png

    def pdf(self) -> bytes:
        """The page printed on A4 (the page's own @page rules win)."""
        r = self.call(
            "Page.printToPDF", paperWidth=8.27, paperHeight=11.69, preferCSSPageSize=True, printBackground=True
        )
        return base64.b64decode(r["data"])
