"""Reviews: who may review, scores in range or null, one each, visibility, and the ranking."""

from decimal import Decimal

import pytest

from incubator.models import Review
from tests.factories import (
    make_application,
    make_assignment,
    make_program,
    make_review,
    make_reviewer,
)
from tests.incubator.helpers import client_for
from tests.tenants.helpers import problem

REVIEWS = "/api/v1/reviews/"


def scores_of(program, team, market):
    first, second = program.criteria.order_by("order")
    return {str(first.pk): team, str(second.pk): market}


@pytest.fixture
def application(program):
    return make_application(program=program, state="screening")


@pytest.fixture
def reviewer_client(reviewer_user, application):
    make_assignment(application, reviewer_user)
    return client_for(reviewer_user)


@pytest.mark.django_db
def test_an_assigned_reviewer_reviews_and_the_score_is_cached(
    reviewer_client, reviewer_user, application, program
):
    response = reviewer_client.post(
        REVIEWS,
        {
            "application": str(application.pk),
            "scores": scores_of(program, 8, 3),
            "comment": "Đội mạnh, thị trường hẹp.",
            "recommendation": "accept",
        },
    )

    assert response.status_code == 201
    review = Review.objects.get()
    # (2 * 8/10 + 1 * 3/5) / 3 * 100 = (1.6 + 0.6) / 3 * 100 = 73.33
    assert response.json() == {
        "id": str(review.pk),
        "application": str(application.pk),
        "reviewer": str(reviewer_user.pk),
        "scores": scores_of(program, 8, 3),
        "comment": "Đội mạnh, thị trường hẹp.",
        "recommendation": "accept",
        "score": 73.33,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    application.refresh_from_db()
    assert application.score == Decimal("73.33")


@pytest.mark.django_db
def test_a_null_score_is_left_out_of_the_mean_not_counted_as_zero(
    reviewer_client, application, program
):
    response = reviewer_client.post(
        REVIEWS,
        {
            "application": str(application.pk),
            "scores": scores_of(program, 7, None),
            "recommendation": "maybe",
        },
    )
    assert response.json()["score"] == 70.0  # only the first criterion counts
    first, _second = program.criteria.order_by("order")
    left_out = reviewer_client.patch(
        f"{REVIEWS}{response.json()['id']}/", {"scores": {str(first.pk): 9}}
    )
    assert left_out.json()["score"] == 90.0
    assert list(left_out.json()["scores"].values()) == [9, None]


@pytest.mark.django_db
@pytest.mark.parametrize(("team", "market"), [(11, 3), (-1, 3), (5, 6)])
def test_a_score_out_of_range_is_refused(reviewer_client, application, program, team, market):
    response = reviewer_client.post(
        REVIEWS,
        {
            "application": str(application.pk),
            "scores": scores_of(program, team, market),
            "recommendation": "maybe",
        },
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "out_of_range"
    assert error["field"].startswith("scores.")
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_criterion_or_a_non_number_is_refused(reviewer_client, application):
    unknown = reviewer_client.post(
        REVIEWS,
        {
            "application": str(application.pk),
            "scores": {"00000000-0000-0000-0000-000000000000": 1},
            "recommendation": "maybe",
        },
    )
    assert unknown.json()["errors"][0]["code"] == "unknown_criterion"
    text = reviewer_client.post(
        REVIEWS,
        {"application": str(application.pk), "scores": {"x": "lots"}, "recommendation": "maybe"},
    )
    assert text.status_code == 400
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_a_second_review_by_the_same_reviewer_is_a_409(reviewer_client, reviewer_user, application):
    make_review(application, reviewer_user)
    response = reviewer_client.post(
        REVIEWS, {"application": str(application.pk), "scores": {}, "recommendation": "reject"}
    )
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "duplicate_review",
        "Duplicate review",
        "You have already reviewed this application; edit it.",
        REVIEWS,
    )
    assert Review.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_review_even_past_the_service(reviewer_user, application):
    from django.db import IntegrityError, transaction

    make_review(application, reviewer_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            application=application, reviewer=reviewer_user, recommendation="accept"
        )


@pytest.mark.django_db
def test_a_declared_conflict_blocks_the_review(reviewer_client, reviewer_user, application):
    url = f"/api/v1/applications/{application.pk}/conflict/"
    declared = reviewer_client.post(url, {"reason": "Tôi là cố vấn của nhóm."})
    assert declared.status_code == 204

    response = reviewer_client.post(
        REVIEWS, {"application": str(application.pk), "scores": {}, "recommendation": "accept"}
    )

    assert response.status_code == 403
    assert response.json() == problem(
        403,
        "permission_denied",
        "Permission denied",
        "You declared a conflict of interest on this application.",
        REVIEWS,
    )
    assert Review.objects.count() == 0
    assignment = application.assignments.get()
    assert assignment.conflict_reason == "Tôi là cố vấn của nhóm."
    assert assignment.conflict_declared_at is not None


@pytest.mark.django_db
def test_only_an_assigned_reviewer_declares_a_conflict(manager_client, application):
    url = f"/api/v1/applications/{application.pk}/conflict/"
    assert manager_client.post(url, {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_reviewer_on_the_team_cannot_review(program):
    insider = make_reviewer(email="insider@example.vn")
    application = make_application(
        program=program,
        state="submitted",
        team=[{"name": "Người trong nhóm", "email": "Insider@Example.vn", "role": "CTO"}],
    )
    make_assignment(application, insider)
    response = client_for(insider).post(
        REVIEWS, {"application": str(application.pk), "scores": {}, "recommendation": "accept"}
    )
    assert response.status_code == 403
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_an_unassigned_manager_cannot_review(manager_client, application):
    response = manager_client.post(
        REVIEWS, {"application": str(application.pk), "scores": {}, "recommendation": "accept"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["accepted", "rejected", "withdrawn"])
def test_reviews_freeze_once_the_application_is_decided(reviewer_user, program, state):
    open_one = make_application(program=program, state="interview")
    review = make_review(open_one, reviewer_user, recommendation="maybe")
    decided = make_application(program=program, state=state)
    make_assignment(decided, reviewer_user)
    client = client_for(reviewer_user)

    created = client.post(
        REVIEWS, {"application": str(decided.pk), "scores": {}, "recommendation": "accept"}
    )
    assert created.status_code == 409
    assert created.json()["code"] == "invalid_transition"

    from incubator.services import application_transition
    from tests.factories import make_manager

    manager = make_manager()
    target = {"accepted": "accepted", "rejected": "rejected", "withdrawn": "withdrawn"}[state]
    actor = open_one.applicant if target == "withdrawn" else manager
    application_transition(application=open_one, to=target, actor=actor)
    edited = client.patch(f"{REVIEWS}{review.pk}/", {"comment": "Sửa muộn"})
    assert edited.status_code == 409
    review.refresh_from_db()
    assert review.comment == ""


@pytest.mark.django_db
def test_others_reviews_are_hidden_until_ones_own_is_in(program):
    application = make_application(program=program, state="interview")
    first, second = make_reviewer(), make_reviewer()
    make_assignment(application, second)
    theirs = make_review(application, first, recommendation="accept")
    client = client_for(second)

    assert client.get(REVIEWS).json()["results"] == []
    assert client.get(f"{REVIEWS}{theirs.pk}/").status_code == 404

    mine = make_review(application, second, recommendation="reject")
    rows = client.get(REVIEWS, {"application": str(application.pk)}).json()["results"]
    assert [row["id"] for row in rows] == [str(theirs.pk), str(mine.pk)]
    # Seeing it is not editing it.
    assert client.patch(f"{REVIEWS}{theirs.pk}/", {"comment": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_applicant_sees_no_reviews(program):
    application = make_application(program=program, state="interview")
    make_review(application, recommendation="accept")
    assert client_for(application.applicant).get(REVIEWS).json()["results"] == []


@pytest.mark.django_db
def test_the_ranking_is_the_mean_of_weighted_review_scores_computed_by_hand(manager_client):
    program = make_program(
        criteria=[
            {"name": "Team", "weight": 3, "max_score": 10, "order": 1},
            {"name": "Market", "weight": 1, "max_score": 4, "order": 2},
        ]
    )
    team, market = program.criteria.order_by("order")

    def scored(t, m):
        return {str(team.pk): t, str(market.pk): m}

    alpha = make_application(program=program, startup_name="Alpha", state="interview")
    beta = make_application(program=program, startup_name="Beta", state="screening")
    gamma = make_application(program=program, startup_name="Gamma", state="submitted")
    delta = make_application(program=program, startup_name="Delta", state="submitted")
    make_application(program=program, startup_name="Draft")  # never submitted: not ranked
    make_application(program=program, startup_name="Gone", state="withdrawn")
    # Alpha: (3*10/10 + 1*2/4)/4*100 = 3.5/4*100 = 87.5, and (3*6/10 + 1*4/4)/4*100 = 70.0
    make_review(alpha, scores=scored(10, 2))
    make_review(alpha, scores=scored(6, 4))
    # Beta: market alone (team null, left out): 3/4 * 100 = 75.0, and 3*5/10/3*100 = 50.0
    make_review(beta, scores=scored(None, 3))
    make_review(beta, scores=scored(5, None))
    # Gamma: (3*8/10 + 1*3/4)/4*100 = 3.15/4*100 = 78.75, Alpha's mean too: the tie goes to
    # the earlier submission (Alpha's)
    make_review(gamma, scores=scored(8, 3))

    response = manager_client.get(f"/api/v1/programs/{program.pk}/ranking/")

    assert response.json() == [
        {"application": str(alpha.pk), "startup_name": "Alpha", "score": 78.75, "reviews": 2},
        {"application": str(gamma.pk), "startup_name": "Gamma", "score": 78.75, "reviews": 1},
        {"application": str(beta.pk), "startup_name": "Beta", "score": 62.5, "reviews": 2},
        {"application": str(delta.pk), "startup_name": "Delta", "score": None, "reviews": 0},
    ]


@pytest.mark.django_db
def test_reviewers_are_assigned_listed_and_unassigned_by_managers(
    manager_client, application, user_client
):
    reviewer = make_reviewer(full_name="Phạm Minh Thư")
    url = f"/api/v1/applications/{application.pk}/reviewers/"

    assigned = manager_client.post(url, {"user": str(reviewer.pk)})
    assert assigned.status_code == 201
    listed = manager_client.get(url).json()
    assert listed == [
        {
            "user": str(reviewer.pk),
            "email": reviewer.email,
            "full_name": "Phạm Minh Thư",
            "conflict_reason": "",
            "conflict_declared_at": None,
            "created_at": listed[0]["created_at"],
        }
    ]
    again = manager_client.post(url, {"user": str(reviewer.pk)})
    assert again.json()["errors"][0]["code"] == "unique"
    not_a_reviewer = manager_client.post(url, {"user": str(application.applicant_id)})
    assert not_a_reviewer.status_code == 400
    assert client_for(reviewer).get(url).status_code == 403  # sees it, may not manage it
    assert manager_client.delete(f"{url}{reviewer.pk}/").status_code == 204
    assert manager_client.get(url).json() == []


@pytest.mark.django_db
def test_a_reviewer_who_reviewed_cannot_be_unassigned(manager_client, application):
    review = make_review(application)
    url = f"/api/v1/applications/{application.pk}/reviewers/{review.reviewer_id}/"
    assert manager_client.delete(url).json()["code"] == "in_use"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_review_lists_run_constant_queries(count, manager, django_assert_max_num_queries):
    program = make_program()
    reviewer = make_reviewer()
    for _ in range(count):
        make_review(make_application(program=program, state="submitted"), reviewer)
    for user in [manager, reviewer]:
        with django_assert_max_num_queries(10):
            response = client_for(user).get(REVIEWS, {"page_size": 100})
        assert len(response.json()["results"]) == count
    application = make_application(program=program, state="submitted")
    for _ in range(count):
        make_assignment(application)
    with django_assert_max_num_queries(10):
        response = client_for(manager).get(f"/api/v1/applications/{application.pk}/reviewers/")
    assert len(response.json()) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_ranking_runs_constant_queries(count, manager_client, django_assert_max_num_queries):
    program = make_program()
    for _ in range(count):
        make_application(program=program, state="submitted")
    with django_assert_max_num_queries(10):
        response = manager_client.get(f"/api/v1/programs/{program.pk}/ranking/")
    assert len(response.json()) == count


# --- who sees an application's score ----------------------------------------------------------


def score_seen_by(user, application):
    """The `score` of the application's detail and of its row in the list, as `user` sees it."""
    client = client_for(user)
    detail = client.get(f"/api/v1/applications/{application.pk}/").json()["score"]
    [row] = client.get("/api/v1/applications/").json()["results"]
    assert row["score"] == detail
    return detail


@pytest.mark.django_db
def test_the_score_is_the_managers_and_a_reviewers_only_once_their_own_review_is_in(
    manager, program
):
    application = make_application(program=program, state="interview")
    first, second = make_reviewer(), make_reviewer()
    make_assignment(application, second)
    make_review(application, first, scores=scores_of(program, 8, 3), recommendation="accept")

    assert score_seen_by(manager, application) == 73.33
    assert score_seen_by(first, application) == 73.33
    # Not yet reviewed: the others' mean would sway the review (and the applicant never sees it).
    assert score_seen_by(second, application) is None
    assert score_seen_by(application.applicant, application) is None

    make_review(application, second, scores=scores_of(program, 10, 5), recommendation="accept")

    assert score_seen_by(second, application) == 86.67
    assert score_seen_by(manager, application) == 86.67
    assert score_seen_by(application.applicant, application) is None


@pytest.mark.django_db
def test_the_applicant_sees_no_score_in_the_answers_of_their_own_moves(program):
    application = make_application(program=program, state="interview")
    make_review(application, scores=scores_of(program, 8, 3), recommendation="accept")
    client = client_for(application.applicant)

    response = client.post(f"/api/v1/applications/{application.pk}/withdraw/", {})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["score"]) == ("withdrawn", None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "refused"),
    [("score", "score"), ("-score", "-score"), ("submitted_at,-score", "-score")],
)
def test_only_managers_order_applications_by_score(manager, program, ordering, refused):
    low, high = (make_application(program=program, state="interview") for _ in range(2))
    reviewer = make_reviewer()
    make_review(low, reviewer, scores=scores_of(program, 1, 1), recommendation="reject")
    make_review(high, reviewer, scores=scores_of(program, 9, 4), recommendation="accept")
    applications = "/api/v1/applications/"

    by_manager = client_for(manager).get(applications, {"ordering": "-score"})
    assert [row["id"] for row in by_manager.json()["results"]] == [str(high.pk), str(low.pk)]

    # Ordering by score is the managers', even for a reviewer who has reviewed both.
    for caller in [reviewer, low.applicant]:
        response = client_for(caller).get(applications, {"ordering": ordering})
        assert response.status_code == 400
        message = f"Cannot order by {refused}; use one of: created_at, submitted_at."
        assert response.json() == problem(
            400,
            "validation_error",
            "Invalid request",
            f"ordering: {message}",
            applications,
            errors=[{"field": "ordering", "code": "invalid", "message": message}],
        )
