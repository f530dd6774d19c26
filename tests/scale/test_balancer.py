"""Three web instances behind HAProxy: sessions and rate limits hold across
instances (they live in Redis), and a killed instance costs only the requests
it had in flight; it rejoins when it is back."""

import re
import threading
import time

import requests
from flask_security.utils import hash_password
from invenio_db import db

PASSWORD = "scale-secret-123"


def test_a_session_started_on_one_instance_holds_on_every_instance(
        balanced, create_user, all_instances):
    url, _ = balanced
    member = create_user("scale-session@cern.ch", roles=["cms-members@cern.ch"])
    member.user.password = hash_password(PASSWORD)
    db.session.commit()

    browser = requests.Session()
    form = browser.get(f"{url}/login/", timeout=10)
    fields = dict(re.findall(r'name="(csrf_token|next)"[^>]*value="([^"]*)"', form.text))
    login = browser.post(f"{url}/login/", timeout=10, allow_redirects=False, data={
        **fields, "email": "scale-session@cern.ch", "password": PASSWORD})
    assert login.status_code == 302, login.text[:500]
    logged_in_at = login.headers["X-CAP-Backend"]

    served_by = set()
    for _ in range(2 * len(all_instances)):
        me = browser.get(f"{url}/api/me", timeout=10)
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "scale-session@cern.ch"
        served_by.add(me.headers["X-CAP-Backend"])
    assert served_by == all_instances, f"logged in on {logged_in_at}"


def test_the_rate_limit_is_counted_once_for_all_instances(balanced, all_instances):
    url, _ = balanced
    answers = [requests.get(f"{url}/api/jsonschemas/", timeout=10) for _ in range(15)]
    statuses = [answer.status_code for answer in answers]
    # 12 per minute for a guest, wherever the requests land: not 12 per instance.
    assert 429 not in statuses[:12] and statuses[12:] == [429, 429, 429], statuses
    assert {answer.headers["X-CAP-Backend"] for answer in answers[:12]} == all_instances
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert answers[-1].json()["status"] == 429


def test_a_killed_instance_fails_only_its_in_flight_requests(
        balanced, web, create_user, all_instances, states):
    url, state_dir = balanced
    owner = create_user("scale-traffic@cern.ch", roles=["cms-members@cern.ch"])
    results = []  # (started, finished, status or exception name, backend, depid)
    stop = threading.Event()

    def client(number):
        session = requests.Session()
        session.trust_env = False  # no proxy look-ups in os.environ, which pytest changes
        session.headers.update(owner.headers)
        count = 0
        while not stop.is_set():
            count += 1
            started = time.monotonic()
            backend = depid = None
            try:
                if count % 3:
                    answer = session.get(f"{url}/api/deposits/?size=5", timeout=30)
                else:
                    answer = session.post(f"{url}/api/deposits/", timeout=30, json={
                        "$ana_type": "cms-analysis",
                        "general_title": f"Balanced {number}-{count}"})
                    if answer.status_code == 201:
                        depid = answer.json()["id"]
                status = answer.status_code
                backend = answer.headers.get("X-CAP-Backend")
            except requests.RequestException as error:
                status = type(error).__name__
            results.append((started, time.monotonic(), status, backend, depid))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in clients:
        thread.start()
    time.sleep(3)
    victim = web[1]
    victim.kill()
    killed_at = time.monotonic()  # the instance is gone (killing it takes a moment)
    time.sleep(4)
    victim.start()
    states(state_dir, {"web2": "UP"})
    rejoined_at = time.monotonic()
    time.sleep(3)
    stop.set()
    for thread in clients:
        thread.join(60)

    failed = [r for r in results if r[2] not in (200, 201)]
    # Only requests already running on the killed instance may fail: at most
    # one per client, all started before the kill.
    assert len(failed) <= len(clients), failed
    assert all(started <= killed_at for started, *_ in failed), (killed_at, failed)
    after_kill = [r for r in results if r[0] > killed_at + 0.1]
    assert len(after_kill) > 20 and all(r[2] in (200, 201) for r in after_kill)
    # While it was away the others served; once back, it serves again.
    away = {r[3] for r in results if killed_at + 1 < r[0] < rejoined_at - 1}
    assert away == all_instances - {"web2"}
    assert "web2" in {r[3] for r in results if r[0] > rejoined_at}

    # Nothing a client was told was created is missing.
    created = {r[4] for r in results if r[4]}
    assert created
    for depid in created:
        answer = requests.get(f"{url}/api/deposits/{depid}", headers=owner.headers, timeout=10)
        assert answer.status_code == 200, (depid, answer.text)
