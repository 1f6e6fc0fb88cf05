from abc import abstractmethod
from collections.abc import Callable, Collection, Iterator, Sequence
from copy import copy
from functools import cache
from typing import Any, NamedTuple, cast, overload
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import DetailView, ListView, TemplateView, View

from addresses.models import FormerAddress
from addresses.views import AnswersAtFormerAddresses, moved_permanently
from legislation.models import Law
from legislation.views import TrackedLaws
from lib.dates import date_format
from operations import fragments
from operations.pages import lenient_page_number, never_cached, page_number, public_page
from organisations.models import Organisation, PressContact

from . import structured_data
from .forms import SearchForm, StatementFilterForm
from .models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Demand,
    Signature,
    Statement,
    StatementQuerySet,
)
from .public import public_organisations
from .search import Result, Search
from .social_cards import CardText, card_png


def statement_list_queryset() -> QuerySet[Statement]:
    """Published statements as lists show them: newest issued first, with campaign and issuer."""
    return (
        Statement.objects.published()
        .select_related("campaign", "lead_organisation")
        .order_by(*Statement.PUBLIC_ORDER)
    )


@public_page
class HomeView(TemplateView):
    template_name = "campaigns/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            campaigns=Campaign.objects.filter(status=Campaign.Status.ACTIVE)
            .select_related("coalition")
            .order_by("-started_on", "title"),
            statements=statement_list_queryset()[: self.latest_count],
            world=TrackedLaws().map(),
            structured_data=structured_data.website(self.request),
            **kwargs,
        )


# How a paginator has what it reads: given its name, and how to read it.
type Keep = Callable[[str, Callable[[], Any]], Any]


def made(_name: str, make: Callable[[], Any]) -> Any:
    return make()


class StatementListPaginator(Paginator):
    """Pages of at most the first `depth` statements of a list, each read by its ids first.

    Counting a million public statements, or skipping half a million to reach a page,
    would read them all. A list stops at `depth` (the count says "more than"; filters
    narrow it, and every statement stays reachable through its campaign, organisations,
    laws, search, the feeds, the sitemap and the API), and a page first reads only the
    ids of its rows along the partial index in the public lists' own order
    (statement_public_order_idx), then those rows with what they join: the rows skipped
    are never joined.
    """

    depth = 10_000

    def __init__(self, *args: Any, keep: Keep = made, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What it reads (its count; a search's ranking), each by name: read, or kept by
        # the view for as long as it stays true (operations.fragments).
        self.keep = keep

    @cached_property
    def statements(self) -> QuerySet[Statement]:
        return cast("QuerySet[Statement]", self.object_list)

    @cached_property
    def counted(self) -> int:
        """How many there are, counting no further than one past the depth."""
        return cast(int, self.keep("count", lambda: self.statements[: self.depth + 1].count()))

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.depth)

    @property
    def more_than_listed(self) -> bool:
        return self.counted > self.depth

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        listed = list(self.statements.values_list("pk", "version")[bottom:top])
        return Page(ListedStatements(self.statements, listed), number, self)

    def page_of(self, ids: list[int], number: int) -> Page:
        """The page of these statements, in this order, each read with what it joins."""
        rows = {row.pk: row for row in self.statements.filter(pk__in=ids).order_by()}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


class StatementsReadWhenAsked[Known](Sequence[Statement]):
    """A page's statements, known by id and one thing more each (`listed`) before any
    is read, and read in full (`read`) only when a row is asked for: the page counts
    them without reading them, and a statement `read` no longer finds is left out of
    its rows."""

    listed: list[tuple[int, Known]]

    @abstractmethod
    def read(self, ids: Collection[int]) -> dict[int, Statement]:
        """These statements, by id."""

    @cached_property
    def rows(self) -> list[Statement]:
        read = self.read({pk for pk, _known in self.listed})
        return [read[pk] for pk, _known in self.listed if pk in read]

    def __len__(self) -> int:
        return len(self.listed)

    def __bool__(self) -> bool:
        return bool(self.listed)

    @overload
    def __getitem__(self, index: int) -> Statement: ...
    @overload
    def __getitem__(self, index: slice) -> list[Statement]: ...
    def __getitem__(self, index: int | slice) -> Statement | list[Statement]:
        return self.rows[index]

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.rows)


class ListedStatements(StatementsReadWhenAsked[int]):
    """A page's statements, known by id and version (`listed`), each read in full, with
    what it joins, only when asked for: `{% statement_items %}` reads only those whose
    rows it does not find kept (operations.fragments), so a list built afresh after its
    rows were shown under the same content version reads none of them."""

    def __init__(self, statements: QuerySet[Statement], listed: list[tuple[int, int]]) -> None:
        self.statements = statements
        self.listed = listed

    def read(self, ids: Collection[int]) -> dict[int, Statement]:
        """These statements, by id (a statement gone from the list since is not there)."""
        if not ids:
            return {}
        return {row.pk: row for row in self.statements.filter(pk__in=ids).order_by()}


# A statement as a page of results shows it, in the language it was found in, and the
# name its rendering is kept under (operations.fragments).
SEARCH_RESULT_TEMPLATE = "campaigns/includes/search_result.html"
SEARCH_RESULT = "search-result"


class SearchResultPaginator(StatementListPaginator):
    """The statements a search found, best first, as pages of a list of at most `depth`.

    The matches are counted no further than one past the depth (the newest 1,001 that
    match). When more match, only the newest `depth` of them are ranked:
    scoring every statement that holds a common word would read hundreds of thousands of
    texts to show twenty, and more words narrow the rest down. The depth is a tenth of the
    statement list's: each match counted is a text read and ranked, not an index entry
    (at a million statements, a common word's newest 10,001 took 375 ms in PostgreSQL
    alone, the newest 1,001 about a tenth of it), and fifty pages of the best are more
    than anyone reads of a search. The newest are read along
    the publication index with their rank, in one pass that also counts them, and sorted
    by it; the page's rows, with their headlines, are then read by their ids: twenty
    headlines, not one per match.

    `ranked` false, for a search showing another section, only counts them: cheaper than
    ranking what no one will see. What is ranked and counted is built only when it is not
    kept (see `keep`): a page then builds only the query of its own rows.
    """

    depth = 1_000

    def __init__(self, search: Search, per_page: int, ranked: bool = True, keep: Keep = made):
        # Without the campaign and issuer a list joins: a result shows neither. Ranked,
        # the same gate is compiled once into the search's ranking (Search.ranking).
        super().__init__(Statement.objects.published(), per_page, keep=keep)
        self.search = search
        self.ranked = ranked and search.full_text

    @cached_property
    def statements(self) -> QuerySet[Statement]:
        """The statements found, best first, with the rank of each."""
        return self.search.statements(cast("QuerySet[Statement]", self.object_list))

    def newest(self, *columns: str) -> QuerySet[Any]:
        """The newest depth + 1 matches: a common word's along the public order's index
        (where no order would read the table itself), a rare one's from its GIN indexes."""
        return self.statements.order_by(*Statement.PUBLIC_ORDER).values(*columns)[: self.depth + 1]

    @cached_property
    def ranking(self) -> list[tuple[int, str]]:
        """The newest depth + 1 matches, best first, the one past the depth last: each
        one's id and the language it was found in."""
        return cast(
            list[tuple[int, str]], self.keep("ranked", lambda: self.search.ranking(self.depth))
        )

    @cached_property
    def counted(self) -> int:
        if self.ranked:
            return len(self.ranking)
        return cast(int, self.keep("count", lambda: self.newest("pk").count()))

    def page(self, number: Any) -> Page:
        if not self.ranked:
            # Without full-text search, newest first; or a page of another section's search.
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        listed = self.ranking[: self.count][bottom : bottom + self.per_page]
        published = cast("QuerySet[Statement]", self.object_list)
        return Page(FoundStatements(self.search, published, listed), number, self)


class FoundStatements(StatementsReadWhenAsked[str]):
    """A page of the statements a search ranked, known by id and the language each was
    found in (`listed`), read only when asked for, always through the publication gate
    (`published`): a ranking kept since may hold a statement withdrawn by another
    process, before this one heard of the change. The search page reads in full only
    the rows whose rendered results it does not find kept (`SearchView.results`)."""

    def __init__(
        self, search: Search, published: QuerySet[Statement], listed: list[tuple[int, str]]
    ) -> None:
        self.search = search
        self.published = published
        self.listed = listed

    def versions(self) -> dict[int, int]:
        """The version of each that is still public, and of no other."""
        ids = [pk for pk, _language in self.listed]
        return dict(self.published.filter(pk__in=ids).values_list("pk", "version"))

    def read(self, ids: Collection[int]) -> dict[int, Statement]:
        """These, each with the headline of its text in the language it was found in."""
        listed = [(pk, language) for pk, language in self.listed if pk in ids]
        if not listed:
            return {}  # an empty query's columns take as long to compile as a full one's
        return {row.pk: row for row in self.search.statement_rows(self.published, listed)}


class CountedPaginator(Paginator):
    """A paginator told its count, already read for the page's tabs."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@public_page(
    query={
        **dict.fromkeys(StatementFilterForm.base_fields, ""),
        "page": page_number,
    }
)
class StatementListView(ListView[Statement]):
    template_name = "campaigns/statement_list.html"
    context_object_name = "statements"
    paginate_by = 20
    paginator_class = StatementListPaginator

    def get_queryset(self) -> QuerySet[Statement]:
        query = self.request.GET.copy()
        query.pop("page", None)
        # The filters as the page cache normalised them (operations.pages).
        self.query_without_page = query.urlencode()
        self.form = StatementFilterForm(
            self.request.GET or None,
            organisations=lambda: public_organisations().order_by("name"),
            # The same until the content changes: read once per content version.
            years=fragments.kept(self.request, "statement-list-years", make=public_years),
            countries=fragments.kept(
                self.request, "statement-list-countries", make=public_countries
            ),
        )
        return self.form.filter(statement_list_queryset())

    def get_paginator(self, *args: Any, **kwargs: Any) -> Paginator:
        # How many a filter lists is the same until the content changes: counted once
        # per content version (and never past the next publish time), not on each page.
        def keep(name: str, make: Callable[[], Any]) -> Any:
            return fragments.kept(
                self.request, f"statement-list-{name}", self.query_without_page, make=make
            )

        return super().get_paginator(*args, keep=keep, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form,
            # The same for the same filters until the content changes (a value that names
            # nothing, and the rows it offers, included): written once per content version.
            filters=fragments.kept(
                self.request,
                "statement-list-filters",
                self.query_without_page,
                make=lambda: render_to_string(
                    "campaigns/includes/statement_filters.html", {"form": self.form}
                ),
            ),
            query_without_page=self.query_without_page,
            structured_data=structured_data.collection(self.request, "Statements"),
            **kwargs,
        )


def public_years() -> list[int]:
    """The years from the first public statement issued to the latest, newest first: two
    ends of the public order's index, where listing the distinct years would read every
    public statement."""
    span = Statement.objects.published().aggregate(first=Min("issued_on"), latest=Max("issued_on"))
    if not span["first"]:
        return []
    return list(range(span["latest"].year, span["first"].year - 1, -1))


def public_countries() -> list[str]:
    """The countries public statements are about, as the list's country filter finds
    them: their campaign's, and those of the laws they make demands of. One query, over
    the campaigns and the laws (each asked whether a public statement is theirs), not
    over every public statement."""
    published = Statement.objects.published()
    campaigns = (
        Campaign.objects.filter(Exists(published.filter(campaign=OuterRef("pk"))))
        .exclude(country="")
        .order_by()
        .values_list("country", flat=True)
    )
    laws = (
        Law.objects.filter(
            Exists(Demand.objects.filter(law=OuterRef("pk"), statement__in=published))
        )
        .exclude(country="")
        .order_by()
        .values_list("country", flat=True)
    )
    return sorted(set(campaigns.union(laws).order_by()))


class AtAnotherYear(Exception):
    """A public statement asked for under a year that is not the one it was issued in."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


@cache
def statement_everything_shown() -> StatementQuerySet:
    """Everything a statement's page shows, as a query built once per process: a page
    only adds its conditions to it (building its annotations and joins afresh for each
    page cost more than running the query)."""
    return Statement.objects.with_everything_shown()


def statement_page_query() -> StatementQuerySet:
    """The statement's own row with what it joins, without the rows its article lists."""
    return statement_everything_shown().prefetch_related(None)


def statement_article_lookups() -> tuple[Any, ...]:
    """The rows a statement's article lists (signatures, demands, corrections,
    publications): read only when the article is made, not when it is kept."""
    return tuple(statement_everything_shown()._prefetch_related_lookups)  # type: ignore[attr-defined]


class KeptArticle(NamedTuple):
    """A public statement's page below the page cache (operations.fragments): its own row
    as the page shows it outside the article (without the rows its article lists), what
    it says to machines, and its article."""

    statement: Statement
    structured_data: dict[str, Any]
    article: str


@public_page
class StatementDetailView(AnswersAtFormerAddresses, DetailView[Statement]):
    template_name = "campaigns/statement_detail.html"
    kept: KeptArticle | None = None
    # Whether the page it makes of a public statement is kept for the public's next one.
    keeps_public_page = True

    def can_preview(self) -> bool:
        return self.request.user.has_perm("campaigns.change_statement")

    def public_objects(self) -> QuerySet[Statement]:
        # Public in a language only once it is written in that language.
        return Statement.objects.published().available_in(get_language())

    def get_queryset(self) -> QuerySet[Statement]:
        statement = statement_page_query()
        if not self.can_preview():
            statement = statement.published().available_in(get_language())
        return statement.filter(slug=self.kwargs["slug"])

    def get_object(self, queryset: QuerySet[Statement] | None = None) -> Statement:
        # A page built afresh whose article is kept (under the content version) asks the
        # publication gate only whether the statement it shows is still public here, in
        # that version: the page is then made of what was kept. Any other version, or none
        # public, and the page is made as the first time.
        self.kept = fragments.find(self.request, "statement", self.kwargs["slug"])
        if self.kept is not None and (
            self.public_objects()
            .filter(
                slug=self.kwargs["slug"],
                pk=self.kept.statement.pk,
                version=self.kept.statement.version,
            )
            .exists()
        ):
            statement = self.kept.statement
        else:
            self.kept = None
            statement = super().get_object(queryset)
        if statement.is_public and statement.address_year != self.kwargs["year"]:
            # Its address names the year it was issued: an address with another year (the
            # year it was published, before its issue date was set right) leads there.
            raise AtAnotherYear(statement.get_absolute_url())
        return statement

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        statement = self.object
        # The language switcher and hreflang links offer only the languages it is written in.
        context["page_languages"] = statement.available_languages()
        if statement.is_public:
            # Shared links and the pictures they show are absolute addresses.
            context["page_url"] = self.request.build_absolute_uri(statement.get_absolute_url())
            context["card_url"] = self.request.build_absolute_uri(statement_card_url(statement))
        kept = self.kept
        if kept is None:
            # Kept without the rows its article lists, read here.
            shown = copy(statement)
            prefetch_related_objects([statement], *statement_article_lookups())
            kept = KeptArticle(
                shown,
                structured_data.statement(self.request, statement),
                render_to_string(
                    "campaigns/includes/statement_article.html",
                    {**context, "press_contacts": self.press_contacts()},
                    self.request,
                ),
            )
            # A public statement's page is kept for the next one built afresh; a statement
            # the public cannot see (a staff or a link's preview) never is.
            if statement.is_public and self.keeps_public_page:
                fragments.put(self.request, "statement", statement.slug, part=kept)
        context["structured_data"], context["article"] = kept.structured_data, kept.article
        return context

    def press_contacts(self) -> list[tuple[Organisation, PressContact]]:
        """The issuer's press contacts, then the signatories', each organisation once:
        the issuer answers for the statement even when it did not sign it."""
        statement = self.object
        speakers = [statement.lead_organisation] if statement.lead_organisation else []
        speakers += [signature.organisation for signature in statement.confirmed_signatures]  # type: ignore[attr-defined]
        organisations: dict[int, Organisation] = {}
        for organisation in speakers:
            organisations.setdefault(organisation.pk, organisation)
        by_organisation: dict[int, list[PressContact]] = {pk: [] for pk in organisations}
        # The issuer's and the signatories' contacts in one query, not one per lookup.
        for contact in PressContact.objects.filter(
            organisation__in=list(by_organisation), is_active=True
        ):
            by_organisation[contact.organisation_id].append(contact)
        return [
            (organisations[pk], contact)
            for pk, contacts in by_organisation.items()
            for contact in contacts
        ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = super().get(request, *args, **kwargs)
        except AtAnotherYear as moved:
            return moved_permanently(request, moved.address)
        except Http404:
            # At its address now, or at one it had: the same notice.
            withdrawn = (
                Statement.objects.withdrawn()
                .filter(
                    Q(slug=kwargs["slug"], issued_on__year=kwargs["year"])
                    | Q(pk__in=FormerAddress.objects.at(Statement, kwargs).values("object_id"))
                )
                .first()
            )
            if withdrawn is None:
                raise
            gone = render(
                request, "campaigns/statement_withdrawn.html", {"statement": withdrawn}, status=410
            )
            patch_cache_control(gone, max_age=0)
            return gone
        # None when answered with a redirect from an earlier address.
        statement: Statement | None = getattr(self, "object", None)
        if statement is not None and not statement.is_public:
            # A staff preview of a statement the public cannot see: never kept anywhere.
            never_cached(response)
        return response


# A card's address names the version it shows, so whatever keeps it may keep it long; a
# week, not for ever, so that a statement withdrawn since leaves shared caches too.
CARD_CACHE_CONTROL = "public, max-age=604800, immutable"


class StatementCardView(View):
    """A published statement's social card (og:image), in the page's language.

    Only a statement the public may read in this language has one: every other answers
    404, the same as an address that never existed, before anything is drawn or read
    from the cache. An earlier version's address leads to the current version's card.
    """

    def get(self, request: HttpRequest, year: int, slug: str, version: int) -> HttpResponse:
        statement = (
            Statement.objects.published()
            .available_in(get_language())
            .filter(slug=slug, issued_on__year=year)
            .select_related("lead_organisation")
            .annotate(
                listed_signatory_count=Count(
                    "signatures", filter=Q(signatures__status=Signature.Status.CONFIRMED)
                )
            )
            .first()
        )
        if statement is None:
            raise Http404
        if version != statement.version:
            moved = HttpResponseRedirect(statement_card_url(statement))
            patch_cache_control(moved, max_age=0)
            return moved
        png = card_png(statement.pk, statement.version, card_text(statement))
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = CARD_CACHE_CONTROL
        return response


def statement_card_url(statement: Statement) -> str:
    return reverse(
        "campaigns:statement-card",
        kwargs={
            "year": statement.address_year,
            "slug": statement.slug,
            "version": statement.version,
        },
    )


def card_text(statement: Statement) -> CardText:
    """What a statement's card says, in the current language."""
    kicker = statement.get_kind_display()
    if statement.issued_on:
        kicker += " · " + date_format(statement.issued_on, "DATE_FORMAT")
    issuer = statement.lead_organisation
    total = statement.signatory_total
    return CardText(
        site=settings.SITE_NAME,
        kicker=kicker,
        title=statement.title,
        issuer=gettext("Issued by %(name)s") % {"name": issuer.name} if issuer else "",
        signatories=ngettext(
            "Signed by %(counter)s organisation", "Signed by %(counter)s organisations", total
        )
        % {"counter": total}
        if total
        else "",
    )


@public_page(query={"page": lenient_page_number})
class CampaignDetailView(AnswersAtFormerAddresses, DetailView[Campaign]):
    template_name = "campaigns/campaign_detail.html"
    queryset = Campaign.objects.select_related("coalition").prefetch_related(
        Prefetch("laws", Law.objects.order_by("country", "official_title"))
    )
    paginate_by = 20

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        statements = statement_list_queryset().filter(campaign=self.object)
        page = Paginator(statements, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            is_paginated=page.has_other_pages(),
            statements=page.object_list,
            structured_data=structured_data.campaign(self.request, self.object),
            **kwargs,
        )


@public_page
class CoalitionDetailView(AnswersAtFormerAddresses, DetailView[Coalition]):
    template_name = "campaigns/coalition_detail.html"
    queryset = Coalition.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=CoalitionMembership.objects.filter(left_on__isnull=True)
            .select_related("organisation")
            .order_by("role", "organisation__name"),
            to_attr="current_memberships",
        ),
        Prefetch("campaigns", Campaign.objects.order_by("-started_on", "title")),
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.coalition(self.request, self.object)
        return context


@public_page(query={"q": "", "in": "", "page": lenient_page_number})
class SearchView(TemplateView):
    template_name = "campaigns/search.html"
    paginate_by = 20
    sections = ("statements", "laws", "organisations")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = SearchForm(self.request.GET or None)
        context = super().get_context_data(
            form=form,
            structured_data=structured_data.collection(self.request, "Search"),
            **kwargs,
        )
        text = form.cleaned_data["q"] if form.is_valid() else ""
        if not text:
            return context
        search = Search(text, language=get_language())
        section = self.request.GET.get("in")

        # What a search finds is the same until the content changes: its ranking and its
        # counts are read once per content version (and never past the next publish
        # time) for every page and section of it, each of which then reads its own rows.
        def keep(name: str, make: Callable[[], Any]) -> Any:
            return fragments.kept(self.request, f"search-{name}", text, make=make)

        statement_paginator = SearchResultPaginator(
            search,
            self.paginate_by,
            # Shown unless another section is asked for, or the statements' is empty.
            ranked=section not in {"laws", "organisations"},
            keep=keep,
        )
        others: dict[str, Callable[..., QuerySet[Any]]] = {
            "laws": search.laws,
            "organisations": search.organisations,
        }

        # Counted without their ranks and headlines: building those is most of what a
        # section not shown would cost.
        def count(name: str) -> Callable[[], int]:
            return lambda: search.count(name)

        counts = {
            "statements": statement_paginator.count,
            **{name: keep(f"{name}-count", count(name)) for name in others},
        }
        if section not in self.sections:
            # The first section with something in it, so a search for an NGO shows NGOs.
            section = next((name for name in self.sections if counts[name]), "statements")
        paginator = (
            statement_paginator
            if section == "statements"
            else CountedPaginator(others[section](), self.paginate_by, counts[section])
        )
        page = paginator.get_page(self.request.GET.get("page"))
        if isinstance(page.object_list, FoundStatements):
            rows = self.results(search, page.object_list)
        else:
            rows = [self.render_result(search.result(row), section) for row in page.object_list]
        context.update(
            text=text,
            counts=counts,
            more_statements_than_listed=statement_paginator.more_than_listed,
            depth=statement_paginator.depth,
            section=section,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            rows=rows,
            query_without_page=urlencode({"q": text, "in": section}),
        )
        return context

    @staticmethod
    def render_result(result: Result, section: str) -> SafeString:
        return render_to_string(SEARCH_RESULT_TEMPLATE, {"result": result, "section": section})

    def results(self, search: Search, found: FoundStatements) -> list[SafeString]:
        """The statements of a page of results, each rendered once per version, language
        found in and search, and kept (operations.fragments): a search built afresh
        under the content version its results were last shown under asks the
        publication gate only which of them are still public, in which version, and reads
        in full only those whose result is not kept in that version."""
        if not found.listed:
            return []
        kept: dict[int, tuple[int, SafeString] | None] = {
            pk: fragments.find(self.request, SEARCH_RESULT, pk, language, search.text)
            for pk, language in found.listed
        }
        if all(kept.values()):
            public = found.versions()
            read = found.read(
                {pk for pk, version in public.items() if (part := kept[pk]) and part[0] != version}
            )
        else:
            public = {}
            read = found.read(set(kept))
        rows = []
        for pk, language in found.listed:
            part, row = kept[pk], read.get(pk)
            if row is not None and (part is None or part[0] != row.version):
                part = (row.version, self.render_result(search.result(row), "statements"))
                fragments.put(self.request, SEARCH_RESULT, pk, language, search.text, part=part)
            # Read, or still public in the version kept: else withdrawn since.
            if part is not None and (row is not None or pk in public):
                rows.append(part[1])
        return rows
