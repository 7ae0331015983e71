"""A page of a list: its links (self, first, last, next, prev) as every list endpoint gives."""

from marshmallow import Schema, fields


class LinksSchema(Schema):
    self_ = fields.String(data_key="self", attribute="self", required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    next = fields.String(required=True, allow_none=True)
    prev = fields.String(required=True, allow_none=True)
