"""The picture a shared link to a statement shows: a PNG of 1200 by 630 pixels drawn with Pillow.

Title, issuer, number of signatories and date, in the language of the page it is shared
from. It is drawn on the server once per statement version and language (and whatever
else it shows), kept in the cache, and served at an address that names the version, so
that a correction makes a new picture at a new address while the old one may be kept.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK = "#1b1b1b"
MUTED = "#4d4d4d"
ACCENT = "#0b5394"
PAPER = "#ffffff"
# Drawn pictures are kept for a week: long enough to serve a shared link's first rush.
KEPT_FOR_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class CardText:
    """Everything a card shows, already in the page's language."""

    site: str
    kicker: str  # the kind and the date: "Joint statement · 19 December 2012"
    title: str
    issuer: str  # "Issued by Human Rights Watch", or empty
    signatories: str  # "Signed by 8 organisations", or empty

    def digest(self) -> str:
        text = "\n".join((self.site, self.kicker, self.title, self.issuer, self.signatories))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, which has Cyrillic and every Latin letter French needs."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(settings.SOCIAL_CARD_FONT_DIR) / name), size)


def wrapped(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, lines: int
) -> list[str]:
    """`text` in lines no wider than `width`, at most `lines` of them, the last one ending
    in an ellipsis when the text goes on."""
    result: list[str] = []
    words = text.split()
    line = ""
    for index, word in enumerate(words):
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=face) <= width or not line:
            line = candidate
            continue
        result.append(line)
        line = word
        if len(result) == lines:
            line = " ".join(words[index:])
            break
    if line:
        result.append(line)
    if len(result) > lines:
        result = result[:lines]
        last = result[-1]
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1]
        result[-1] = last.rstrip(" ,.;:") + "…"
    return [shortened(draw, line, face, width) for line in result]


def shortened(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int
) -> str:
    """One line cut to `width` with an ellipsis: a single word longer than the card."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def draw_card(text: CardText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)

    draw.text((MARGIN, 56), text.site, font=font(True, 34), fill=ACCENT)
    draw.text(
        (MARGIN, 112),
        shortened(draw, text.kicker, font(False, 30), width),
        font=font(False, 30),
        fill=MUTED,
    )

    # The title as large as it fits in four lines: long titles are common.
    for size in (64, 56, 48):
        face = font(True, size)
        lines = wrapped(draw, text.title, face, width, 4)
        if len(lines) <= 3 or size == 48:
            break
    y = 176
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += int(size * 1.25)

    draw.line((MARGIN, HEIGHT - 150, WIDTH - MARGIN, HEIGHT - 150), fill="#d6d6d6", width=2)
    small = font(False, 32)
    if text.issuer:
        draw.text(
            (MARGIN, HEIGHT - 126), shortened(draw, text.issuer, small, width), font=small, fill=INK
        )
    if text.signatories:
        draw.text(
            (MARGIN, HEIGHT - 78),
            shortened(draw, text.signatories, small, width),
            font=small,
            fill=MUTED,
        )

    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def card_png(statement_pk: int, version: int, text: CardText) -> bytes:
    """The card's PNG, drawn once for what it shows and kept in the cache.

    The key names the statement, its version and a digest of the texts, so that a new
    signatory or a renamed issuer (which leave the version as it is) draw a new card too.
    """
    key = f"social-card:{statement_pk}:{version}:{text.digest()}"
    png: bytes | None = cache.get(key)
    if png is None:
        png = draw_card(text)
        cache.set(key, png, timeout=KEPT_FOR_SECONDS)
    return png
