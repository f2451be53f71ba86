#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
standard library only, no driver) to check a newsgraph page as a person uses it.

usage: browser.py CHROMIUM report URL SCREENSHOT   real mouse clicks at the middle of every
                                                   clickable edge, in every view
       browser.py CHROMIUM page URL SCREENSHOT     load, screenshot, console errors

Prints one JSON object: the console errors and exceptions, and for `report` per view the
edges clicked and those whose click did not open their own evidence. Exits 0 when it could
drive the browser (the caller judges the result), 3 when it could not."""
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # The protocol pipe: the browser reads commands on fd 3 and writes on fd 4. Copies
            # first, as either end may already be fd 3 or 4, and dup2 onto itself would leave
            # it closed on exec.
            r, w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--remote-debugging-pipe", "--hide-scrollbars",
             f"--user-data-dir={self.profile.name}", "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def wait_event(self, name, timeout=30):
        for i, e in enumerate(self.events):
            if e.get("method") == name:
                return self.events.pop(i)
        deadline = time.time() + timeout
        while time.time() < deadline:
            e = self.read()
            if e.get("method") == name:
                return e
            self.events.append(e)
        raise TimeoutError(name)

    def open(self, url, width, height):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def eval(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:60]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def click(self, x, y):
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path):
        import base64
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def errors(self):
        out = []
        for e in self.events:
            m = e.get("method")
            if m == "Runtime.exceptionThrown":
                out.append(e["params"]["exceptionDetails"].get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]))
        return out

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        self.proc.kill()
        self.proc.wait()


# The middle of each clickable edge of the visible view, in page pixels.
MIDDLES = """
(function () {
  var view = Array.prototype.find.call(document.querySelectorAll('.view'), function (v) { return !v.hidden; });
  return Array.prototype.map.call(view.querySelectorAll('g.edge.clickable'), function (g) {
    var p = g.querySelector('path:not(.hit)'), n = p.getTotalLength(), m = p.getPointAtLength(n / 2), c = p.getScreenCTM();
    return { id: g.id, x: c.a * m.x + c.c * m.y + c.e, y: c.b * m.x + c.d * m.y + c.f };
  });
})()
"""


# The "also here" buttons of the panel, in page pixels.
BUTTONS = """
Array.prototype.map.call(document.querySelectorAll('#panel-also button'), function (x) {
  var r = x.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
})
"""


def report(b, url, shot):
    b.open(url, 1400, 1000)
    result = {"views": {}}
    buttons = b.eval("Array.prototype.map.call(document.querySelectorAll('.view-button'), function (e) {"
                     " var r = e.getBoundingClientRect(); return {view: e.getAttribute('data-view'), x: r.left + r.width / 2, y: r.top + r.height / 2}; })")
    for i, button in enumerate(buttons):
        b.click(button["x"], button["y"])
        shown = b.eval("document.querySelector('.view:not([hidden])').getAttribute('data-view')")
        if shown != button["view"]:
            result.setdefault("toggle_failed", []).append(button["view"])
            continue
        edges = b.eval(MIDDLES)
        failed = []
        for e in edges:
            b.click(e["x"], e["y"])
            opened = b.eval("document.getElementById('panel').getAttribute('data-edge')")
            title = b.eval("document.getElementById('panel-title').textContent")
            items = b.eval("document.querySelectorAll('#panel-list li').length")
            if opened != e["id"] or not title or items == 0:
                # Edges crossing at the point: the panel offers the others as buttons; a click
                # on the right one is a second way to the edge.
                buttons = b.eval(BUTTONS)
                reached = False
                for i_button in range(len(buttons)):
                    bt = b.eval(BUTTONS)[i_button]
                    b.click(bt["x"], bt["y"])
                    if b.eval("document.getElementById('panel').getAttribute('data-edge')") == e["id"]:
                        reached = True
                        break
                    b.click(e["x"], e["y"])
                failed.append({"edge": e["id"], "opened": opened, "x": e["x"], "y": e["y"], "offered": len(buttons), "reached_by_button": reached})
        result["views"][button["view"]] = {"edges": len(edges), "failed": failed}
        if i == 0 and edges:
            # The page as a reader sees it: the heaviest edge's evidence open.
            heaviest = max(edges, key=lambda e: b.eval(f"document.getElementById({json.dumps(e['id'])}).querySelector('path').getAttribute('stroke-width') || '1'"))
            b.click(heaviest["x"], heaviest["y"])
            b.screenshot(shot)
    # Rule ids come on demand.
    result["rules_hidden"] = b.eval("getComputedStyle(document.querySelector('#panel-list .rule')).display") == "none"
    box = b.eval("(function () { var r = document.getElementById('show-rules').getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()")
    b.click(box["x"], box["y"])
    result["rules_shown"] = b.eval("getComputedStyle(document.querySelector('#panel-list .rule')).display") != "none"
    # Zoom changes the diagram's viewBox.
    before = b.eval("document.querySelector('.view:not([hidden]) svg').getAttribute('viewBox')")
    z = b.eval("(function () { var r = document.getElementById('zoom-in').getBoundingClientRect(); return {x: r.left + 4, y: r.top + 4}; })()")
    b.click(z["x"], z["y"])
    result["zoomed"] = b.eval("document.querySelector('.view:not([hidden]) svg').getAttribute('viewBox')") != before
    return result


def page(b, url, shot):
    b.open(url, 1200, 900)
    b.screenshot(shot)
    marks = b.eval("Array.prototype.filter.call(document.querySelectorAll('circle.mark'), function (c) { var r = c.getBoundingClientRect(); return r.width > 0; }).length")
    return {"title": b.eval("document.title"), "marks": marks}


def main():
    if len(sys.argv) != 5 or sys.argv[2] not in ("report", "page"):
        print(__doc__)
        sys.exit(2)
    binary, what, url, shot = sys.argv[1:]
    try:
        b = Browser(binary)
    except OSError as e:
        print(json.dumps({"error": str(e)}))
        sys.exit(3)
    try:
        result = (report if what == "report" else page)(b, url, shot)
        result["errors"] = b.errors()
    finally:
        b.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
