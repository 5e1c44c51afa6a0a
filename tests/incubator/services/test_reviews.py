"""review_create / review_update: REVIEW_WRITABLE; the score is computed, never written."""

from decimal import Decimal

import pytest

from incubator.models import Review
from incubator.services import review_create, review_update
from tests.factories import make_application, make_assignment, make_review


@pytest.mark.django_db
def test_a_review_takes_only_review_writable():
    application = make_application(state="submitted")
    reviewer = make_assignment(application).reviewer

    with pytest.raises(TypeError, match="score"):
        review_create(
            application=application,
            data={"scores": {}, "recommendation": "accept", "score": 100},
            actor=reviewer,
        )

    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_an_edit_of_the_scores_recomputes_the_review_and_the_application_score():
    application = make_application(state="submitted")
    team, market = application.program.criteria.order_by("order")
    review = make_review(application, scores={str(team.pk): 10})
    assert review.score == Decimal(100)

    with pytest.raises(TypeError, match="score"):
        review_update(review=review, data={"score": 1}, actor=review.reviewer)
    edited = review_update(
        review=review,
        data={"scores": {str(team.pk): 5, str(market.pk): None}, "comment": "Ổn"},
        actor=review.reviewer,
    )

    assert (edited.score, edited.comment) == (Decimal(50), "Ổn")
    assert edited.scores == {str(team.pk): 5, str(market.pk): None}
    application.refresh_from_db()
    assert application.score == Decimal(50)
