"""Pictures of the tracked laws, drawn on the server as SVG with pygal: the world map of
laws in force, and bar charts of laws by status and by right affected.

Every picture says the same as a table beside it, and is a door: each country and each
bar is a link to the page or the filtered list behind it.

pygal draws for a standalone SVG file: a <style> element, style attributes and scripts.
Inlined into a page, those would be refused by the Content Security Policy (no inline
style or script), so the drawing is kept and the rest removed: scripts are never
asked for (js=[]), and the style element and attributes are taken out; site.css
styles the pictures by the classes pygal and this module give. Each link gets a
<title>, which browsers show on hover and screen readers read as its name.

The map's geometry (pygal_maps_world's, 1 MB) is rounded once per process to whole units
of its 2754-unit-wide drawing (under half a pixel on the widest screen), which makes it
a third of that size.
"""

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pygal.style import Style
from pygal_maps_world.maps import World

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
PATH_TOKEN = re.compile(r"[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")

# The shades of the map, by laws in force: (lowest count, class). Fixed steps rather than
# steps fitted to the data, so a country's shade means the same from one day to the next.
SHADES: tuple[tuple[int, int], ...] = ((0, 0), (1, 1), (2, 2), (3, 3), (5, 4))


def shade(in_force: int) -> int:
    """The map's shade for a country with this many laws in force (0: tracked, none)."""
    return max(level for lowest, level in SHADES if in_force >= lowest)


def legend() -> list[tuple[str, str]]:
    """The legend's swatches and labels, lightest first: what each shade means."""
    return [
        ("none", _("Not tracked")),
        ("0", _("Tracked, none in force")),
        ("1", ngettext("%(count)d law in force", "%(count)d laws in force", 1) % {"count": 1}),
        ("2", ngettext("%(count)d law in force", "%(count)d laws in force", 2) % {"count": 2}),
        ("3", _("%(low)d–%(high)d laws in force") % {"low": 3, "high": 4}),
        ("4", _("%(count)d or more laws in force") % {"count": 5}),
    ]


# --- the world's geometry, made lighter once ------------------------------------------


def rounded_path(data: str, quantum: int = 1) -> str:
    """SVG path data on a grid of `quantum` units, as relative lines.

    Rounding relative offsets one by one would let the errors add up along a coastline;
    here the exact position is followed and each offset is taken between rounded
    absolute points, so no point is more than half a unit from where it was. A segment
    that rounds to nothing is left out.
    """
    tokens = PATH_TOKEN.findall(data)
    out: list[str] = []
    x = y = start_x = start_y = 0.0  # the exact current point, and the subpath's start
    rx = ry = start_rx = start_ry = 0  # the same, as far as the rounded path has got
    index = 0
    command = previous = ""
    while index < len(tokens):
        if tokens[index].isalpha():
            command = tokens[index]
            index += 1
            if command in "zZ":
                out.append("z")
                previous = "z"
                x, y, rx, ry = start_x, start_y, start_rx, start_ry
                continue
        lower, absolute = command.lower(), command.isupper()
        arity = {"m": 2, "l": 2, "c": 6, "h": 1, "v": 1}[lower]
        values = [float(token) for token in tokens[index : index + arity]]
        index += arity
        if lower == "h":
            values = [values[0], y if absolute else 0.0]
        elif lower == "v":
            values = [x if absolute else 0.0, values[0]]
        points = [
            (px, py) if absolute else (x + px, y + py)
            for px, py in zip(values[::2], values[1::2], strict=True)
        ]
        if lower == "c":
            # At this step a coastline's curves are shorter than a pixel: a line to
            # where each ends draws the same.
            points = points[-1:]
        offsets = [(round(px / quantum) - rx, round(py / quantum) - ry) for px, py in points]
        x, y = points[-1]
        segment = "m" if lower == "m" else "l"
        if segment == "l" and not any(dx or dy for dx, dy in offsets):
            continue  # shorter than the rounding
        # A command is written only when it changes: pairs after a lineto are linetos.
        if segment != previous or segment == "m":
            out.append(segment)
        previous = segment if segment == "l" else "l"
        out.append(" ".join(f"{dx},{dy}" for dx, dy in offsets))
        rx, ry = round(x / quantum), round(y / quantum)
        if lower == "m":
            start_x, start_y, start_rx, start_ry = x, y, rx, ry
            # Pairs after a moveto are linetos.
            command = "L" if absolute else "l"
    return re.sub(r"([mlz]) ", r"\1", " ".join(out))


# The map's step, in its own units: 2 of its 2754 across, under a pixel on a wide screen.
QUANTUM = 2


@cache
def world_geometry() -> str:
    """pygal_maps_world's map, without its metadata, its paths on whole units."""
    root = ElementTree.fromstring(World.svg_map)  # noqa: S314 - the package's own file
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG}}}metadata":
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("id", None)
        element.text = element.text.strip() if element.text else None
        element.tail = None
    for path in root.iter(f"{{{SVG}}}path"):
        path.set("d", rounded_path(path.get("d", ""), QUANTUM))
        # Drawn in steps of QUANTUM units, scaled back up where it stands.
        path.set("transform", f"{path.get('transform', '')} scale({QUANTUM})".strip())
    return serialised(root, xmlns=True)


def serialised(root: ElementTree.Element, xmlns: bool = False) -> str:
    """The SVG as text, its elements unprefixed: a page's HTML parser puts an inline <svg>
    and everything in it in the SVG namespace, and knows nothing of prefixes."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rpartition("}")[2]
    if xmlns:
        root.set("xmlns", SVG)
    return ElementTree.tostring(root, encoding="unicode")


class WorldOfLaws(World):
    """pygal's world map, drawn from the lighter geometry."""

    @property
    def svg_map(self) -> str:
        return world_geometry()


# --- cleaning pygal's output for a page -----------------------------------------------

# pygal's style sheet and script, its descriptions for the script's tooltips, and its
# titles (its name; axis values): the page's own titles are added after.
PYGAL_EXTRAS = {f"{{{SVG}}}{tag}" for tag in ("style", "script", "desc", "title")}


def cleaned(svg: str) -> ElementTree.Element:
    """pygal's SVG without what a page may not inline under its Content Security Policy."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - pygal's output, from our numbers
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in PYGAL_EXTRAS or child.tag is ElementTree.Comment:
                parent.remove(child)
            elif "tooltip" in child.get("class", "").split():
                parent.remove(child)  # drawn for pygal's script, which is left out
    for element in root.iter():
        element.attrib.pop("id", None)
        element.attrib.pop("style", None)
        element.attrib.pop("target", None)
        link = element.attrib.pop(f"{{{XLINK}}}href", None)
        if link is not None:
            element.set("href", link)
    return root


def for_the_page(root: ElementTree.Element, title: str) -> SafeString:
    """The picture, named, as text to inline into a page."""
    root.set("role", "group")
    root.set("aria-label", title)
    heading = ElementTree.Element(f"{{{SVG}}}title")
    heading.text = title
    root.insert(0, heading)
    root.attrib.pop("xmlns", None)
    return mark_safe(serialised(root))  # noqa: S308 - built from our data by ElementTree, which escapes


def titled(link: ElementTree.Element, text: str) -> None:
    """A link inside a picture named for screen readers, and on hover."""
    link.set("aria-label", text)
    title = ElementTree.Element(f"{{{SVG}}}title")
    title.text = text
    link.insert(0, title)


# --- the map --------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryCount:
    """One tracked country on the map and in its table."""

    code: str  # ISO 3166-1 alpha-2, upper case as django-countries keeps it
    name: str
    tracked: int
    in_force: int
    url: str

    @property
    def shade(self) -> int:
        return shade(self.in_force)

    @property
    def label(self) -> str:
        return ngettext(
            "%(country)s: %(count)d law in force, %(tracked)d tracked",
            "%(country)s: %(count)d laws in force, %(tracked)d tracked",
            self.in_force,
        ) % {"country": self.name, "count": self.in_force, "tracked": self.tracked}


def world_map(countries: Sequence[CountryCount]) -> SafeString:
    """The map of tracked countries, shaded by laws in force, each a link to its page."""
    return drawn_map(tuple(countries), _("World map of the laws tracked, by laws in force"))


@lru_cache(maxsize=16)
def drawn_map(countries: tuple[CountryCount, ...], title: str) -> SafeString:
    # Kept per process by its numbers, names and addresses (the language's): the page
    # cache keeps the page, this the picture across pages that show the same map.
    chart = WorldOfLaws(
        js=[],
        css=[],
        no_prefix=True,
        disable_xml_declaration=True,
        explicit_size=False,
        show_legend=False,
        margin=0,
        width=1000,
        height=520,
        style=Style(background="transparent", plot_background="transparent"),
    )
    by_code = {country.code.lower(): country for country in countries}
    chart.add(
        "tracked",
        [
            {"value": (code, country.in_force), "xlink": {"href": country.url}}
            for code, country in by_code.items()
        ],
    )
    root = cleaned(chart.render(is_unicode=True))
    for link in root.iter(f"{{{SVG}}}a"):
        area = link.find(f"{{{SVG}}}g")
        if area is None:
            continue
        code = area.get("class", "").split(" ")[0]
        country = by_code.get(code)
        if country is None:
            continue
        area.set("class", f"{code} country map-element shade-{country.shade}")
        titled(link, country.label)
    return for_the_page(root, title)


# --- charts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str


def bar_chart(title: str, bars: Iterable[Bar]) -> SafeString:
    return drawn_bars(title, tuple(bars))


@lru_cache(maxsize=32)
def drawn_bars(title: str, bars: tuple[Bar, ...]) -> SafeString:
    chart = pygal.HorizontalBar(
        js=[],
        css=[],
        no_prefix=True,
        disable_xml_declaration=True,
        explicit_size=False,
        show_legend=False,
        print_values=True,
        width=560,
        height=max(120, 38 * len(bars) + 30),
        margin=8,
        spacing=6,
        show_y_guides=False,
        show_x_guides=False,
        truncate_label=-1,
        value_formatter=lambda value: f"{value:g}",
        # The sizes site.css gives the text: pygal makes room for the labels by them.
        style=Style(
            background="transparent",
            plot_background="transparent",
            label_font_size=13,
            major_label_font_size=13,
            value_font_size=13,
            font_family="sans-serif",
        ),
    )
    # pygal draws the first bar at the bottom: the first is to read first, at the top.
    upwards = bars[::-1]
    chart.x_labels = [bar.label for bar in upwards]
    chart.add(
        title,
        [{"value": bar.count, "xlink": {"href": bar.url}, "label": bar.label} for bar in upwards],
    )
    root = cleaned(chart.render(is_unicode=True))
    named = {bar.url: bar for bar in bars}
    for link in root.iter(f"{{{SVG}}}a"):
        bar = named.get(link.get("href", ""))
        if bar is not None:
            titled(link, f"{bar.label}: {bar.count}")
    return for_the_page(root, title)
