"""``cap setup --demo``: the stats committee's demo account reviews questionnaires."""

from cap.modules.reviews.demo import load_demo_reviewers


def test_the_demo_committee_account_reviews_questionnaires(app, db, location, schemas,
                                                          example):
    from invenio_access.permissions import authenticated_user
    from invenio_access.utils import get_identity
    from invenio_accounts.models import User

    from cap.modules.deposit.proxies import current_deposit_service
    from cap.modules.instance.fixtures import load_demo_users, load_roles
    from cap.modules.reviews.proxies import current_review_service

    load_roles()
    load_demo_users()
    assert load_demo_reviewers() == [("cms-stats-committee@cern.ch", "cms-stats-questionnaire")]
    assert load_demo_reviewers() == []  # idempotent

    def identity(email):
        found = get_identity(User.query.filter_by(email=email).one())
        found.provides.add(authenticated_user)
        return found

    owner, committee = identity("cms@inveniosoftware.org"), \
        identity("stats-committee@inveniosoftware.org")
    deposit = current_deposit_service.create(
        owner, {"$ana_type": "cms-stats-questionnaire", **example("cms-stats-questionnaire")})
    item = current_review_service.review(committee, "deposit", deposit.pid,
                                         {"type": "request_changes", "body": "Add the fit."})
    assert [r["type"] for r in item["_review"]] == ["request_changes"]
