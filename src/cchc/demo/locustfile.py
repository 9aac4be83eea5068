"""The people of `make load` (locust), as `cchc.demo.load` starts them.

Focal officers open their unit's queue and tasks and post progress, half of the time with
an evidence file; office users read the dashboard, a period's board, the overdue list, the
XLSX export of open tasks and the consolidated report (page and API figures); the leader
reads the dashboard and the consolidated report. Every request is named by its kind, so
the summary has one row per kind.

Who logs in and what they may touch comes from the JSON plan named by `CCHC_LOAD_PLAN`
(written by `load.py` from the database). Each update the server accepted (302 to the
task) is appended to `CCHC_LOAD_RECORD`, one JSON line with its unique note and its files'
SHA-256, for the check afterwards. Not imported by the application: locust monkey-patches
the standard library with gevent.
"""

import hashlib
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["CCHC_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
RECORD = os.environ["CCHC_LOAD_RECORD"]
WAIT = [float(x) for x in os.environ.get("CCHC_LOAD_WAIT", "5-15").split("-")]
PROGRESS = re.compile(r'<input[^>]*\bname="progress"[^>]*>', re.S)


def record(entry: dict) -> None:
    # One process, one greenlet at a time between writes: a line is never interleaved.
    with open(RECORD, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Person(HttpUser):
    abstract = True
    # Reading a page, typing an update: seconds between one person's requests.
    wait_time = between(*WAIT)
    role = ""

    def on_start(self) -> None:
        self.me = random.choice(PLAN[self.role])
        self.client.get("/login/", name="login page")
        with self.client.post(
            "/login/",
            {"username": self.me["username"], "password": PLAN["password"]} | self.csrf(),
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: HTTP {response.status_code}")

    def csrf(self) -> dict:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/login/" in response.url:
                response.failure("sent to the login page")

    def api(self, path: str, name: str) -> None:
        headers = {"Authorization": f"Bearer {self.me['token']}"}
        self.client.get(path, name=name, headers=headers)


class FocalOfficer(Person):
    weight = 6
    role = "focal"

    @task(3)
    def queue(self) -> None:
        self.page("/tasks/mine/", "focal: unit's task queue")

    @task(2)
    def task_page(self) -> None:
        self.page(f"/tasks/{random.choice(self.me['tasks'])}/", "focal: task page")

    @task(1)
    def dashboard(self) -> None:
        self.page("/dashboard/", "focal: dashboard")

    @task(3)
    def post_update(self) -> None:
        pk = random.choice(self.me["tasks"])
        form = self.client.get(f"/tasks/{pk}/update/", name="focal: update form")
        if form.status_code != 200:
            return
        progress = _current_progress(form.text)
        note = f"Tải thử {uuid.uuid4()}"
        data = {
            "note": note,
            "reported_on": PLAN["today"],
            "effective_on": PLAN["today"],
            "submission_key": str(uuid.uuid4()),
        } | self.csrf()
        # Only the lead unit's people see (and may move) status and progress.
        if progress is not None:
            data |= {"status": "in_progress", "progress": str(min(progress + 5, 95))}
        files, sent = {}, []
        if random.random() < 0.5:
            content = f"Biên bản {note}\n".encode() + os.urandom(random.randint(2_000, 60_000))
            name = f"bien-ban-{uuid.uuid4().hex[:12]}.pdf"
            files = {"files": (name, content, "application/pdf")}
            sent.append(
                {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
        kind = "focal: post update + file" if files else "focal: post update"
        with self.client.post(
            f"/tasks/{pk}/update/",
            data,
            files=files or None,
            name=kind,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == f"/tasks/{pk}/":
                record({"task": pk, "note": note, "files": sent})
            else:
                response.failure(f"not saved: HTTP {response.status_code}")


def _current_progress(html: str) -> int | None:
    """The progress the form shows, or None when it has no progress field."""
    tag = PROGRESS.search(html)
    if tag is None:
        return None
    value = re.search(r'value="(\d+)"', tag.group(0))
    return int(value.group(1)) if value else 0


class OfficeUser(Person):
    weight = 3
    role = "office"

    @task(4)
    def dashboard(self) -> None:
        self.page("/dashboard/", "office: dashboard")

    @task(2)
    def board(self) -> None:
        self.page(f"/reporting/periods/{random.choice(PLAN['periods'])}/", "office: board")

    @task(2)
    def overdue(self) -> None:
        self.page("/tasks/?timeliness=overdue", "office: overdue tasks")

    @task(1)
    def export(self) -> None:
        self.page("/tasks/export.xlsx?status=open", "office: XLSX export of open tasks")

    @task(1)
    def consolidated(self) -> None:
        period = random.choice(PLAN["periods"])
        self.page(f"/reporting/periods/{period}/consolidated/", "office: consolidated report")

    @task(1)
    def figures(self) -> None:
        period = random.choice(PLAN["periods"])
        self.api(f"/api/v1/periods/{period}/consolidated", "API: consolidated figures")


class Leader(Person):
    weight = 1
    role = "leader"

    @task(3)
    def dashboard(self) -> None:
        self.page("/dashboard/", "leader: dashboard")

    @task(1)
    def consolidated(self) -> None:
        period = random.choice(PLAN["periods"])
        self.page(f"/reporting/periods/{period}/consolidated/", "leader: consolidated report")
