"""The demo draft of ``cap setup --demo`` runs its workflow on the (fake) REANA."""

from invenio_accounts.models import User
from invenio_files_rest.models import ObjectVersion

from cap.modules.deposit.records.api import Deposit
from cap.modules.instance.fixtures import load_demo_users
from cap.modules.workflows.demo import OWNER, load_demo_workflow
from cap.modules.workflows.proxies import current_workflow_service as workflows


def test_demo_draft_creates_runs_and_reruns(env, reana, experiment_roles):
    load_demo_users()
    pid = load_demo_workflow()
    assert load_demo_workflow() == pid  # once only
    deposit = Deposit.get_by_pid(pid)
    keys = {o.key for o in ObjectVersion.get_by_bucket(deposit.bucket)}
    assert keys == {"reana.yaml", "code/fit.py", "data/events.csv"}
    from cap.modules.deposit.demo import _identity

    identity = _identity(User.query.filter_by(email=OWNER).one())
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
