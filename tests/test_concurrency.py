"""Many users posting updates at once through a real multi-worker gunicorn on 127.0.0.1, with CSRF on
as in production: no server error, no "database is locked", every accepted update stored exactly
once, every refused one a version conflict shown to its user. Runs on SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set (the server then uses that database)."""
import os
import threading
from datetime import date, datetime

import pytest

from bench.loadtest import CONFLICT, SUCCESS, Browser, start_gunicorn, version_on
from tests.helpers import DEMO_PASSWORD, FAST_HASH, TEST_NOW, load_demo, make_app, reported_without_figures
from webapp.core.users import create_user
from webapp.db import database
from webapp.models import Assignment, Task, Update, User
from webapp.rules.deadlines import RECURRING

THREADS, POSTS = 16, 10
EXTRA_USERS = ["quaicang_2", "quaicang_3", "quaicang_4"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn (3 workers × 4 threads) on a database holding the demo, quaicang's unit given three
    more assignments and three more staff users; stopped at the end whatever happens."""
    tmp = tmp_path_factory.mktemp("concurrency")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'concurrency.db'}"
    make_app(tmp, DATABASE_URL=url)
    load_demo()
    reported_without_figures()  # the weekly report is submitted on its own form here, without figures
    quaicang = User.get(User.username == "quaicang")
    first = Assignment.select().where(Assignment.unit == quaicang.unit_id).order_by(Assignment.id).first()
    for n in (1, 2, 3):
        task = Task.create(directive=first.task.directive_id, text=f"Nhiệm vụ thêm cho kiểm thử đồng thời {n}",
                           number=f"9.{n}", deadline_kind="fixed", deadline_date=date(2030, 12, 31),
                           created_at=TEST_NOW)
        Assignment.create(task=task, unit=quaicang.unit_id, role="lead", due_at=datetime(2030, 12, 31, 23, 59, 59))
    for username in EXTRA_USERS:
        create_user(username, DEMO_PASSWORD, f"Cán bộ {username}", "staff", quaicang.unit_id, method=FAST_HASH,
                    now=TEST_NOW)
    # Progress updates go to one-off tasks; a recurring duty is reported per occurrence instead.
    assignment_ids = [a.id for a in Assignment.select().join(Task)
                      .where((Assignment.unit == quaicang.unit_id) & ~Task.deadline_kind.in_(sorted(RECURRING)))
                      .order_by(Assignment.id)]
    database.close()
    env = {"DATABASE_URL": url, "SECRET_KEY": "concurrency-secret-" + "c" * 32, "DB_DIR": str(tmp),
           "UPLOAD_DIR": str(tmp / "uploads"), "PASSWORD_METHOD": FAST_HASH}
    gunicorn = start_gunicorn(env, tmp / "gunicorn.log", workers=3, threads=4)
    try:
        gunicorn.assignment_ids = assignment_ids
        yield gunicorn
    finally:
        gunicorn.stop()
        if not database.is_closed():
            database.close()


def logged_in(server, username):
    browser = Browser(server.port, timeout=30)
    response = browser.log_in(username, DEMO_PASSWORD)
    assert response.status == 302, f"login as {username}: HTTP {response.status}"
    assert browser.get("/").status == 200  # the page after login carries the session's new CSRF token
    return browser


def outcome(response):
    if response.status == 302 or (response.status == 200 and SUCCESS in response.body):
        return "accepted"
    if response.status == 200 and CONFLICT in response.body:
        return "conflict"
    return f"HTTP {response.status}"


def versions(ids):
    return {a.id: a.version for a in Assignment.select().where(Assignment.id.in_(ids))}


def notes(prefix):
    return [u.note for u in Update.select().where(Update.note.startswith(prefix))]


def assert_server_log_clean(server):
    log = server.log()
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]


def test_many_simultaneous_updates_are_each_stored_once_or_shown_as_conflicts(server):
    ids = server.assignment_ids
    assert len(ids) == 4
    start_versions = versions(ids)
    database.close()
    users = ["quaicang", *EXTRA_USERS]
    browsers = [logged_in(server, users[t % len(users)]) for t in range(THREADS)]
    results, problems = [], []
    barrier = threading.Barrier(THREADS)

    def worker(t):
        browser = browsers[t]
        try:
            barrier.wait(timeout=30)
            for k in range(POSTS):
                assignment_id = ids[(t + k) % len(ids)]
                page = browser.get(f"/giao-viec/{assignment_id}")
                assert page.status == 200, f"GET HTTP {page.status}"
                note = f"conc-t{t:02d}-p{k:02d}"
                response = browser.post(f"/giao-viec/{assignment_id}",
                                        {"state": "in_progress", "percent": str(1 + (t * POSTS + k) % 99),
                                         "note": note, "version": version_on(page.body)}, htmx=k % 2 == 0)
                for r in (page, response):
                    if r.status >= 500 or "database is locked" in r.body:
                        problems.append(f"{note}: HTTP {r.status} {r.body[:300]}")
                results.append((assignment_id, note, outcome(response)))
        except Exception as exc:  # noqa: BLE001 - recorded, so that the main thread fails the test with it
            problems.append(f"thread {t}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=50)
    for browser in browsers:
        browser.close()
    assert not any(thread.is_alive() for thread in threads), "posts did not finish within 50 s"
    assert not problems, problems[:5]
    assert len(results) == THREADS * POSTS
    assert {o for _, _, o in results} <= {"accepted", "conflict"}, [r for r in results if r[2].startswith("HTTP")]
    accepted = sorted(note for _, note, o in results if o == "accepted")
    refused = {note for _, note, o in results if o == "conflict"}
    assert accepted, "no update was accepted"
    stored = notes("conc-")
    assert sorted(stored) == accepted  # each accepted update stored exactly once, no other
    assert not refused & set(stored)
    end_versions = versions(ids)
    for assignment_id in ids:
        taken = sum(1 for a, _, o in results if a == assignment_id and o == "accepted")
        assert end_versions[assignment_id] - start_versions[assignment_id] == taken
    assert_server_log_clean(server)


def test_two_users_posting_on_the_same_version_one_wins_the_other_sees_the_conflict(server):
    assignment_id = server.assignment_ids[0]
    first, second = logged_in(server, "quaicang"), logged_in(server, "quaicang_2")
    for round_ in range(5):
        pages = [b.get(f"/giao-viec/{assignment_id}") for b in (first, second)]
        seen = {version_on(p.body) for p in pages}
        assert len(seen) == 1, seen
        version = seen.pop()
        barrier = threading.Barrier(2)
        responses = [None, None]

        def post(i, browser, barrier=barrier, responses=responses, round_=round_, version=version):
            barrier.wait(timeout=10)
            responses[i] = browser.post(f"/giao-viec/{assignment_id}",
                                        {"state": "in_progress", "percent": str(10 + i + round_),
                                         "note": f"cung-phien-ban-r{round_}-u{i}", "version": version},
                                        htmx=(i + round_) % 2 == 0)

        threads = [threading.Thread(target=post, args=(i, b)) for i, b in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert all(r is not None for r in responses)
        outcomes = [outcome(r) for r in responses]
        assert sorted(outcomes) == ["accepted", "conflict"], outcomes
        loser = outcomes.index("conflict")
        assert f"cung-phien-ban-r{round_}-u{loser}" in responses[loser].body  # what they typed is kept
        assert notes(f"cung-phien-ban-r{round_}-") == [f"cung-phien-ban-r{round_}-u{1 - loser}"]
        assert Assignment.get_by_id(assignment_id).version == int(version) + 1
        database.close()
    first.close()
    second.close()
    assert_server_log_clean(server)


def test_two_confirmers_at_once_make_one_decision_and_the_other_is_told(server):
    """The assigning unit's people decide a reported completion at the same moment, through the real
    server: one decision is stored, the other person sees who decided first and when."""
    from webapp.core.assignments import post_update
    from webapp.models import Directive, Unit
    groups = (Assignment.select().join(Task).join(Directive).switch(Assignment).join(Unit)
              .where((Directive.number == "/BCĐĐA06") & (Task.number == "1.1") & (Assignment.state != "done")
                     & Unit.name.startswith("Tổ công tác"))
              .order_by(Assignment.id).limit(6))
    author = User.get(User.username == "quaicang")
    deciders = [logged_in(server, "tuangiao"), logged_in(server, "lanhdao")]
    for round_, a in enumerate(list(groups)):
        post_update(a, a.version, author.id, "done", None, f"bao-cao-{round_}", None, TEST_NOW)
        database.close()
        for browser in deciders:
            assert browser.get(f"/giao-viec/{a.id}").status == 200  # a fresh page, as a person would have open
        actions = [("xac-nhan", {"note": ""}), ("xac-nhan", {"note": ""})] if round_ % 2 == 0 else \
            [("xac-nhan", {"note": ""}), ("tra-lai", {"reason": "Thiếu biên bản."})]
        barrier = threading.Barrier(2)
        responses = [None, None]

        def decide(i, barrier=barrier, responses=responses, a=a, actions=actions):
            barrier.wait(timeout=10)
            path, fields = actions[i]
            responses[i] = deciders[i].post(f"/giao-viec/{a.id}/{path}", fields)

        threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        codes = sorted(r.status for r in responses)
        assert codes == [200, 302], [(r.status, r.body[:200]) for r in responses]
        loser = next(r for r in responses if r.status == 200)
        assert "không cần quyết định nữa" in loser.body and " lúc " in loser.body
        decisions = (Update.select().where((Update.assignment == a.id)
                                           & Update.kind.in_(["confirmed", "returned"])).count())
        assert decisions == 1
        assert Assignment.get_by_id(a.id).state in ("done", "in_progress")
        database.close()
    for browser in deciders:
        browser.close()
    assert_server_log_clean(server)


def test_two_people_submitting_one_report_at_once_the_second_is_told_and_keeps_the_text(server):
    """Issue 11: the losers used to get 200 with nothing saved and their notes dropped."""
    from webapp.models import Occurrence
    weekly = (Assignment.select().join(Task).where((Assignment.unit == User.get(User.username == "quaicang").unit_id)
                                                   & (Task.deadline_kind == "weekly")).get())
    people = [logged_in(server, "quaicang_3"), logged_in(server, "quaicang_4")]
    for browser in people:
        assert browser.get(f"/giao-viec/{weekly.id}").status == 200  # materialises the occurrences
    database.close()
    occurrence = (Occurrence.select().where((Occurrence.assignment == weekly.id) & Occurrence.submitted_at.is_null())
                  .order_by(Occurrence.due_at).first())
    database.close()
    barrier = threading.Barrier(2)
    responses = [None, None]

    def submit(i):
        barrier.wait(timeout=10)
        responses[i] = people[i].post(f"/giao-viec/{weekly.id}/ky-bao-cao/{occurrence.id}",
                                      {"note": f"bao-cao-cung-luc-{i}"}, htmx=i == 0)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    codes = sorted(r.status for r in responses)
    assert codes in ([200, 409], [302, 409]), [(r.status, r.body[:200]) for r in responses]
    loser = responses.index(next(r for r in responses if r.status == 409))
    body = responses[loser].body
    assert f"Kỳ này đã được Cán bộ quaicang_{4 - loser} nộp lúc" in body  # who and when
    assert f"bao-cao-cung-luc-{loser}" in body  # their text, kept for them
    assert Occurrence.get_by_id(occurrence.id).note == f"bao-cao-cung-luc-{1 - loser}"
    database.close()
    for browser in people:
        browser.close()
    assert_server_log_clean(server)
