"""The API's marshmallow schemas: what goes in and out of each endpoint, and from them the
OpenAPI document. They describe the services' plain objects and dicts; models never carry one."""
