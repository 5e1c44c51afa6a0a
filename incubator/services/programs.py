"""Programs and their rubric: create, update (the criteria replaced as a whole), delete."""

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InUse
from core.services import changed_fields, model_update, writable_data
from incubator.exceptions import InvalidProgram
from incubator.models import CRITERION_WRITABLE, PROGRAM_WRITABLE, Criterion, Program
from incubator.selectors import program_for_update
from incubator.services.reviews import refresh_program_scores
from park.models import UnitKind

PROGRAM_YEARS = (2000, 2100)


def program_check(program: Program) -> None:
    """The program's own rules (window, workspace kind, slug), on its values to be saved."""
    for field in ("opens_at", "closes_at"):
        # Far-off years are typos, and old ones have no fixed UTC offset (LMT) to print.
        if not PROGRAM_YEARS[0] <= getattr(program, field).year <= PROGRAM_YEARS[1]:
            raise InvalidProgram(
                _("Programs run between %(first)d and %(last)d.")
                % {"first": PROGRAM_YEARS[0], "last": PROGRAM_YEARS[1]},
                field=field,
                code="out_of_range",
            )
    if program.opens_at >= program.closes_at:
        raise InvalidProgram(_("A program must open before it closes."), field="closes_at")
    unit = program.workspace_unit
    if unit is not None and unit.kind != UnitKind.COWORKING:
        raise InvalidProgram(
            _("The workspace unit must be a coworking desk pool; %(code)s is not.")
            % {"code": unit.code},
            field="workspace_unit",
            code="not_coworking",
        )
    if Program.objects.filter(slug=program.slug).exclude(pk=program.pk).exists():
        raise InvalidProgram(
            _("Another program has the slug %(slug)s.") % {"slug": program.slug},
            field="slug",
            code="unique",
        )


def _replace_criteria(
    *, program: Program, criteria: Iterable[Mapping[str, Any]], actor: User | None
) -> None:
    """The program's rubric becomes exactly `criteria` (api.md: sending criteria replaces the
    whole list). An item that carries the `id` of a current criterion keeps it (and its
    scores); criteria left out are deleted. The caller holds the program's lock."""
    current = {criterion.pk: criterion for criterion in program.criteria.all()}
    kept = set()
    for item in criteria:
        item = dict(item)
        pk = item.pop("id", None)
        criterion = current.get(pk) if pk is not None else None
        if criterion is None:
            criterion = Criterion(program=program, **writable_data(CRITERION_WRITABLE, item))
            criterion.full_clean(validate_constraints=False)
            criterion._history_user = actor
            criterion.save()
        else:
            model_update(instance=criterion, fields=CRITERION_WRITABLE, data=item, actor=actor)
        kept.add(criterion.pk)
    for pk, criterion in current.items():
        if pk not in kept:
            criterion._history_user = actor
            criterion.delete()
    refresh_program_scores(program, actor=actor)


def program_create(
    *,
    data: Mapping[str, Any],
    criteria: Iterable[Mapping[str, Any]] = (),
    actor: User | None,
) -> Program:
    """A program (fields of PROGRAM_WRITABLE) with its rubric."""
    data = writable_data(PROGRAM_WRITABLE, data)
    with transaction.atomic():
        program = Program(**data)
        program_check(program)
        program.full_clean(validate_constraints=False, validate_unique=False)
        program._history_user = actor
        program.save()
        _replace_criteria(program=program, criteria=criteria, actor=actor)
    return program


def program_update(
    *,
    program: Program,
    data: Mapping[str, Any],
    criteria: Iterable[Mapping[str, Any]] | None = None,
    actor: User | None,
) -> Program:
    """Change the fields of PROGRAM_WRITABLE in `data` (the window, the workspace and the slug
    checked on the values to be saved); `criteria`, when given, replace the rubric."""
    data = writable_data(PROGRAM_WRITABLE, data)
    with transaction.atomic():
        program = program_for_update(program.pk)
        if changed_fields(program, data):
            candidate = copy.copy(program)  # the values to be saved, checked before saving
            for field, value in data.items():
                setattr(candidate, field, value)
            program_check(candidate)
        model_update(instance=program, fields=PROGRAM_WRITABLE, data=data, actor=actor)
        if criteria is not None:
            _replace_criteria(program=program, criteria=criteria, actor=actor)
    return program


def program_criteria_set(
    *, program: Program, criteria: Iterable[Mapping[str, Any]], actor: User | None
) -> Program:
    """Replace the rubric of `program` alone (the admin's criteria inline)."""
    with transaction.atomic():
        program = program_for_update(program.pk)
        _replace_criteria(program=program, criteria=criteria, actor=actor)
    return program


def program_delete(*, program: Program, actor: User | None) -> None:
    """Delete a program nobody applied to (else 409 in_use: unpublish it instead)."""
    with transaction.atomic():
        program = program_for_update(program.pk)
        if program.applications.exists():
            raise InUse(
                _("%(program)s has applications; unpublish it instead.") % {"program": program}
            )
        program._history_user = actor
        program.delete()
