"""The IDP pages: my plan with its steps (`page`) and the editing of its goals and planned
activities (`editing`). Importing this package attaches their routes to the blueprint."""

from lms.plans.views import editing, page  # noqa: F401
