"""Whole problem bodies, as design/api.md fixes them."""


def validation_problem(field, code, message, instance, detail=None):
    return {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": detail or message,
        "code": "validation_error",
        "instance": instance,
        "errors": [{"field": field, "code": code, "message": message}],
    }


def problem(status, code, title, detail, instance, **extra):
    return {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        **extra,
    }
