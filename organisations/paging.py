"""Long lists a page at a time (issue 14: a council of 20,000 people, a provider with hundreds of
funds, a ledger of thousands of entries). Shown with templates/includes/pagination.html."""

from django.core.paginator import Page, Paginator


def page_of(request, items, per_page: int, *, count: int | None = None, last_by_default=False) -> Page:
    """The page `?page=N` asks for (the first for anything that is not a number, the last past the
    end; with no `page` at all, the first, or the last when `last_by_default`), with `numbers` for the
    GOV.UK pagination links (1 … 4 5 6 … 20). `count`, when the caller
    knows it, saves the COUNT query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set it and no COUNT query is made
    asked = request.GET.get("page")
    page = paginator.get_page(paginator.num_pages if asked is None and last_by_default else asked)
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page
