"""The demo incubator: every state, the founder and the reviewer, idempotent."""

import pytest

from accounts.demo import seed_accounts
from incubator.demo import seed_incubator
from incubator.models import Application, ApplicationState, Program, ReviewAssignment


@pytest.mark.django_db
def test_the_demo_incubator_is_built_once_in_every_state(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    from park.demo import seed_park
    from tenants.demo import seed_tenants

    admin = seed_accounts()
    seed_tenants(admin)
    seed_park(admin)
    seed_incubator(admin)
    seed_incubator(admin)

    open_program = Program.objects.get(name="Mekong Startup Incubation 2027")
    past = Program.objects.get(name="Mekong Startup Incubation 2025")
    assert open_program.status == "open"
    assert past.status == "closed"
    assert open_program.workspace_unit.kind == "coworking"
    assert open_program.criteria.count() == 4
    states = set(open_program.applications.values_list("state", flat=True))
    assert states == set(ApplicationState.values)
    assert set(past.applications.values_list("state", flat=True)) == {"graduated", "rejected"}
    founder = Application.objects.get(
        program=open_program, applicant__email="founder@softpark.local"
    )
    assert ReviewAssignment.objects.filter(
        application=founder, reviewer__email="reviewer@softpark.local"
    ).exists()
    assert Application.objects.count() == 14
    graduated = past.applications.filter(state="graduated").first()
    assert graduated.company.incubated is True


@pytest.mark.django_db
def test_without_the_park_demo_no_one_is_onboarded(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = seed_accounts()
    [open_program, _past] = seed_incubator(admin)
    assert open_program.workspace_unit is None
    assert not Application.objects.filter(state__in=["incubating", "graduated"]).exists()
    # accepted, and the three that would have been onboarded stay accepted
    assert open_program.applications.filter(state="accepted").count() == 4
