"""The demo draft of ``cap setup --demo`` runs its workflow on the (fake) REANA."""

from invenio_accounts.models import User
from invenio_files_rest.models import ObjectVersion

from cap.modules.deposit.records.api import Deposit
from cap.modules.instance.fixtures import load_demo_users
from cap.modules.workflows.demo import DEMO_FILES, OWNER, load_demo_workflow
from cap.modules.workflows.proxies import current_workflow_service as workflows


def test_demo_draft_creates_runs_and_reruns(env, reana, experiment_roles):
    load_demo_users()
    pid = load_demo_workflow()
    assert load_demo_workflow() == pid  # once only
    deposit = Deposit.get_by_pid(pid)
    keys = {o.key for o in ObjectVersion.get_by_bucket(deposit.bucket)}
    assert keys == {"reana.yaml", "code/fit.py", "data/events.csv"}
    from cap.modules.deposit.demo import demo_identity

    identity = demo_identity(User.query.filter_by(email=OWNER).one())
    run = workflows.create(identity, pid, {})  # the draft's one workflow, from its file
    assert (run.name, run.engine, run.experiment) == ("higgs-fit", "serial", "cms")
    workflows.start(identity, run.id, {"mass": 126})
    for _ in range(3):
        run = workflows.refresh(identity, run.id)
    assert run.status == "finished"
    assert {o["key"] for o in run.outputs} == {"higgs-fit/run-1/results/table.json",
                                               "higgs-fit/run-1/results/summary.txt"}
    again = workflows.rerun(identity, run.id, {"width": 5})
    assert again.run_number == 2
    assert [w.run_number for w in workflows.list_for_deposit(identity, pid)] == [2, 1]


def test_a_restarted_demo_reana_keeps_the_runs_cap_follows(tmp_path):
    """``./scripts/run``'s REANA keeps its runs in a state file: a run started before a
    restart of the demo goes on after it, with its workspace and the next run number."""
    import io

    from fakes.reana_server import TOKENS, start_reana

    from cap.modules.workflows.client import ReanaClient
    from cap.modules.workflows.spec import parse

    state = tmp_path / "reana.json"
    specification = parse("reana.yaml", (DEMO_FILES / "reana.yaml").read_bytes())
    token = TOKENS["cms"]
    first = start_reana(state_file=state)
    try:
        client = ReanaClient(first.url, retries=0)
        created = client.create(token, "higgs-fit", specification)
        client.upload(token, created["workflow_id"], "code/fit.py", io.BytesIO(b"fit\n"))
        client.start(token, created["workflow_id"], {"mass": 126})
        assert client.status(token, created["workflow_id"])["status"] == "pending"
    finally:
        first.stop()

    again = start_reana(first.port, state_file=state)
    try:
        run = created["workflow_id"]
        assert [client.status(token, run)["status"] for _ in range(2)] == ["running",
                                                                           "finished"]
        assert client.download(token, run, "code/fit.py") == b"fit\n"
        assert b'"mass": 126' in client.download(token, run, "results/table.json")
        assert client.create(token, "higgs-fit", specification)["workflow_name"] == (
            "higgs-fit.2")
    finally:
        again.stop()

