#!/usr/bin/env python3
"""Faults under load (SPEC §9), on private PostgreSQL and Redis servers so the machine's own
services are never touched.

The service runs on PostgreSQL + Redis while guests post comments from several threads. Then:

1. Redis is stopped for a few seconds: comments keep posting (rate limits fall back to
   in-process, the outage is counted in `majlis_backend_errors_total{backend="redis"}`), and
   when Redis returns `/readyz` recovers without a restart.
2. PostgreSQL is stopped for a few seconds: posts answer `503` with `Retry-After` (never
   another 5xx), `/readyz` says so, and posting resumes when it returns.
3. SIGTERM: the service stops within its grace period with exit status 0, and flushes its
   batch of view beacons: every view answered `204` is in Redis or counted as lost in
   `majlis_views_lost_total` (only while Redis was down).
4. SIGKILL of a second instance under beacon load: the views lost are at most those of the
   last flush interval (250 ms) before the kill.

At the end every comment that was answered `201` must be in the database. Prints the figures
(requests tried, faults injected, 5xx seen, comments and views lost) and exits non-zero on any
failure.

Usage: python3 .ci/faults.py [path to the majlis binary] (default: the debug build).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTAGE_SECS = 4
THREADS = 4
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
FLUSH_INTERVAL = 0.25


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Postgres:
    """A throwaway cluster owned by the `postgres` user (initdb refuses root)."""

    def __init__(self, work):
        version = sorted(os.listdir("/usr/lib/postgresql"))[-1]
        self.bin = f"/usr/lib/postgresql/{version}/bin"
        self.dir = os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.dir)
        shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(work, 0o755)
        self.as_postgres(f"{self.bin}/initdb", "-D", self.dir, "-A", "trust", "-U", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def as_postgres(self, *cmd):
        return run("runuser", "-u", "postgres", "--", *cmd)

    def start(self):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self.as_postgres(f"{self.bin}/pg_ctl", "-D", self.dir, "-o", opts, "-w", "-l",
                         os.path.join(self.dir, "log"), "start")

    def stop(self):
        self.as_postgres(f"{self.bin}/pg_ctl", "-D", self.dir, "-m", "fast", "-w", "stop")

    def query(self, sql):
        # On stdin: the statement can be long (thousands of ids).
        out = run("psql", self.url, "-At", "-v", "ON_ERROR_STOP=1", input=sql)
        return out.stdout.strip()


class Redis:
    """A private server whose data survives its restarts (saved on shutdown into `dir`), so a
    stop models an outage, not the loss of everything recorded before it."""

    def __init__(self, work):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.dir = os.path.join(work, "redis")
        os.makedirs(self.dir)

    def start(self):
        run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", self.dir)
        deadline = time.time() + 10
        while time.time() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis did not start")

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "save"], capture_output=True)

    def views(self, site, article):
        """The all-time views Redis holds for an article (see src/popularity/redis.rs)."""
        out = subprocess.run(["redis-cli", "-p", str(self.port), "HGET", f"majlis:pop:{{{site}}}:total",
                              article], capture_output=True, text=True).stdout.strip()
        return int(out) if out else 0


def request(base, method, path, body=None, headers=None, timeout=10):
    """(status, headers, parsed body or None); status 0 when the connection failed."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            raw = res.read()
            return res.status, res.headers, (json.loads(raw) if raw[:1] in (b"{", b"[") else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return e.code, e.headers, parsed
    except (urllib.error.URLError, OSError):
        return 0, {}, None


class Load:
    """Guests posting distinct comments, and readers sending view beacons, until stopped;
    every answer is recorded."""

    def __init__(self, base, guests=THREADS, readers=1, views_article="faults-views"):
        self.base = base
        self.views_article = views_article
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = []  # (time, status, retry_after, comment id or None)
        self.beacons = []  # (time, status)
        self.threads = [threading.Thread(target=self.guest, args=(n,)) for n in range(guests)]
        self.threads += [threading.Thread(target=self.reader) for _ in range(readers)]

    def reader(self):
        path = f"/v1/sites/demo/articles/{self.views_article}/views"
        while not self.stop.is_set():
            body = {"visitor": uuid.uuid4().hex}
            status, _, _ = request(self.base, "POST", path, body, {"User-Agent": BROWSER})
            with self.lock:
                self.beacons.append((time.time(), status))

    def guest(self, n):
        token = None
        i = 0
        while not self.stop.is_set():
            i += 1
            body = {"body": f"تعليق رقم {i} من الزائر {n}: {uuid.uuid4().hex[:8]} عن المفاوضات"}
            headers = {}
            if token:
                headers["Authorization"] = f"Guest {token}"
            else:
                body["author_name"] = f"زائر {n}"
            status, hdrs, answer = request(self.base, "POST", "/v1/sites/demo/articles/faults/comments",
                                           body, headers)
            comment_id = None
            if status == 201 and isinstance(answer, dict):
                comment_id = answer.get("id")
                token = answer.get("guest_token") or token
            with self.lock:
                self.answers.append((time.time(), status, hdrs.get("Retry-After"), comment_id))
            if status in (0, 503):
                time.sleep(0.05)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def between(self, start, end):
        with self.lock:
            return [a for a in self.answers if start <= a[0] <= end]


def wait_until(predicate, secs, what):
    deadline = time.time() + secs
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def metric(base, name, label):
    status, _, text = request(base, "GET", "/metrics")
    if status != 200:
        return 0.0
    total = 0.0
    for line in text.decode().splitlines():
        if line.startswith(name) and label in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "majlis")
    binary = os.path.abspath(binary)
    work = tempfile.mkdtemp(prefix="majlis-faults-")
    pg, redis, service = Postgres(work), Redis(work), None
    failures, faults = [], 0
    try:
        pg.start()
        redis.start()
        port = free_port()
        env = dict(os.environ,
                   MAJLIS__SERVER__PORT=str(port), MAJLIS__DATABASE__URL=pg.url,
                   MAJLIS__REDIS__URL=redis.url, MAJLIS__LOG__LEVEL="warn",
                   MAJLIS__SERVER__SHUTDOWN_GRACE_SECS="10",
                   # The load is several guests on one address: lift the per-address limits.
                   MAJLIS__SITES__DEMO__COMMENT_PER_MINUTE="100000",
                   MAJLIS__SITES__DEMO__COMMENT_BURST="100000",
                   MAJLIS__SITES__DEMO__IP_PER_MINUTE="100000",
                   MAJLIS__SITES__DEMO__IP_BURST="100000")
        log = open(os.path.join(work, "service.log"), "w")
        service = subprocess.Popen([binary, "serve"], cwd=work, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: request(base, "GET", "/readyz")[0] == 200, 60, "the service to be ready")

        with Load(base) as load:
            time.sleep(2)

            # 1. Redis stops.
            faults += 1
            errors_before = metric(base, "majlis_backend_errors_total", 'backend="redis"')
            start = time.time()
            redis.stop()
            time.sleep(OUTAGE_SECS)
            during = load.between(start, time.time())
            redis.start()
            if not any(a[1] == 201 for a in during):
                failures.append("no comment was posted while Redis was down")
            if any(a[1] >= 500 for a in during):
                failures.append(f"5xx while Redis was down: {sorted({a[1] for a in during})}")
            wait_until(lambda: request(base, "GET", "/readyz")[0] == 200, 30, "readiness after Redis")
            if metric(base, "majlis_backend_errors_total", 'backend="redis"') <= errors_before:
                failures.append("the Redis outage was not counted in majlis_backend_errors_total")
            time.sleep(1)

            # 2. PostgreSQL stops.
            faults += 1
            start = time.time()
            pg.stop()
            ready_during = request(base, "GET", "/readyz")
            time.sleep(OUTAGE_SECS)
            during = load.between(start, time.time())
            pg.start()
            if ready_during[0] != 503:
                failures.append(f"/readyz answered {ready_during[0]} with the database down")
            unavailable = [a for a in during if a[1] == 503]
            if not unavailable:
                failures.append("no 503 while PostgreSQL was down")
            if any(a[2] is None for a in unavailable):
                failures.append("a 503 without Retry-After")
            if any(a[1] >= 500 and a[1] != 503 for a in during):
                failures.append(f"other 5xx while PostgreSQL was down: {sorted({a[1] for a in during})}")
            resumed = time.time()
            wait_until(lambda: any(a[1] == 201 for a in load.between(resumed, time.time())), 30,
                       "posting to resume after PostgreSQL returned")
            time.sleep(1)

        # 3. SIGTERM: a clean stop within the grace period, flushing the view batch.
        faults += 1
        views_lost = metric(base, "majlis_views_lost_total", 'site="demo"')
        service.send_signal(signal.SIGTERM)
        try:
            code = service.wait(timeout=20)
            if code != 0:
                failures.append(f"SIGTERM: exit status {code}")
        except subprocess.TimeoutExpired:
            failures.append("SIGTERM: still running after 20 s")
            service.kill()
        service = None
        views_sent = sum(1 for b in load.beacons if b[1] == 204)
        views_recorded = redis.views("demo", "faults-views")
        if views_recorded + views_lost != views_sent:
            failures.append(f"views: {views_sent} answered 204, {views_recorded} recorded, "
                            f"{views_lost:.0f} counted as lost")

        # 4. SIGKILL of a fresh instance under beacon load.
        faults += 1
        service = subprocess.Popen([binary, "serve"], cwd=work, env=env, stdout=log, stderr=log)
        wait_until(lambda: request(base, "GET", "/readyz")[0] == 200, 60, "the second start")
        with Load(base, guests=0, readers=2, views_article="faults-kill") as kill_load:
            time.sleep(2)
            service.send_signal(signal.SIGKILL)
            killed_at = time.time()
        service.wait()
        service = None
        answered = [b for b in kill_load.beacons if b[1] == 204 and b[0] <= killed_at]
        killed_lost = len(answered) - redis.views("demo", "faults-kill")
        last_interval = sum(1 for b in answered if b[0] > killed_at - 2 * FLUSH_INTERVAL)
        if killed_lost > last_interval:
            failures.append(f"SIGKILL lost {killed_lost} views, more than the {last_interval} "
                            f"answered in the last flush interval")

        # Every 201 is in the database.
        created = [a[3] for a in load.answers if a[1] == 201 and a[3]]
        ids = ",".join(f"'{i}'" for i in created)
        stored = int(pg.query(f"SELECT count(*) FROM comments WHERE id IN ({ids})")) if created else 0
        lost = len(created) - stored
        server_errors = sum(1 for a in load.answers if a[1] >= 500 and a[1] != 503)
        figures = {
            "requests": len(load.answers),
            "created_201": len(created),
            "unavailable_503": sum(1 for a in load.answers if a[1] == 503),
            "connection_errors": sum(1 for a in load.answers if a[1] == 0),
            "other_5xx": server_errors,
            "faults_injected": faults,
            "comments_lost": lost,
            "views_answered": views_sent,
            "views_lost_while_redis_was_down": int(views_lost),
            "views_lost_to_sigkill": killed_lost,
            "views_in_the_last_flush_interval_before_sigkill": last_interval,
        }
        print("faults:", json.dumps(figures))
        if lost:
            failures.append(f"{lost} comments answered 201 are not in the database")
        if server_errors:
            failures.append(f"{server_errors} 5xx answers other than 503")
        if not created:
            failures.append("nothing was posted at all")
    finally:
        if service is not None:
            service.kill()
        redis.stop()
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
        if failures:
            shutil.copy(os.path.join(work, "service.log"), "/tmp/majlis-faults-service.log")
            print("the service's log: /tmp/majlis-faults-service.log", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
