"""A page of a list: its items, how many in all, and its links (self, first, last, next, prev),
as every list endpoint gives (`lms.api.paging.page_of` fills it)."""

from marshmallow import Schema, fields


class LinksSchema(Schema):
    self_ = fields.String(data_key="self", attribute="self", required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    next = fields.String(required=True, allow_none=True)
    prev = fields.String(required=True, allow_none=True)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The schema of a page of `item`s, named `name` in the document."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "links": fields.Nested(LinksSchema, required=True),
        },
        name=name,
    )
