"""Pages of a list: `total`, `page`, `per_page` and the links of section 6 ("pagination with
links"), for any endpoint and its query."""

from flask import url_for


def page_of(
    items: list,
    total: int,
    page: int,
    per_page: int,
    endpoint: str,
    *,
    sized: bool = True,
    **args,
) -> dict:
    """The body of a page: the items, how many in all, and the links to this page, the first,
    the last, and the next and previous ones where there are (null where not). `sized`: the
    client chose the page's size (the links carry it)."""
    last = max(1, -(-total // per_page))

    def link(number: int) -> str:
        size = {"per_page": per_page} if sized else {}
        return url_for(endpoint, page=number, **size, **args)

    return {
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
        "links": {
            "self": link(page),
            "first": link(1),
            "last": link(last),
            "next": link(page + 1) if page < last else None,
            "prev": link(page - 1) if page > 1 else None,
        },
    }
