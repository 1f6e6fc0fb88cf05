"""Text compared as a reader compares names: case and accents aside.

"Federation internationale" names the same organisation as "Fédération Internationale",
and "omct" the same as "OMCT". PostgreSQL compares through `unaccented()`, a function
over the `unaccent` extension that campaigns/migrations/0019 creates (marked immutable,
so that an index can be built over it); elsewhere the text is folded here, in Python.
"""

import unicodedata

from django.db.models import Func, TextField

# Letters that are not a base letter with a combining accent, so that decomposing them
# leaves them as they are; `unaccent` folds them like this.
LETTERS = str.maketrans(
    {
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "\u0131": "i",
        # Typographic apostrophes, quotes and dashes, as typed on a keyboard.
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    }
)  # fmt: skip


def folded(text: str) -> str:
    """The text without accents, in one case, its spaces made single."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LETTERS))
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.casefold().split())


class Unaccented(Func):
    """PostgreSQL's `unaccented(text)`: the text without accents (see the module's note)."""

    function = "unaccented"
    output_field = TextField()
