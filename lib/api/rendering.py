"""JSON written by orjson, which also takes parts of an answer that are JSON already."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder


class FastJSONRenderer(JSONRenderer):
    """The same JSON as DRF's renderer (compact, UTF-8), written by orjson.

    An answer may hold `orjson.Fragment`s: parts encoded before, put in as they are.
    What orjson does not know (a lazy translation, a Decimal) is turned into JSON by
    DRF's own encoder, as DRF's renderer would.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        # Times as DRF writes them (UTC as "Z"), by its encoder.
        return orjson.dumps(
            data, default=JSONEncoder().default, option=orjson.OPT_PASSTHROUGH_DATETIME
        )


class PreparedResponse(Response):
    """An answer put together from JSON encoded beforehand (orjson.Fragment), which has no
    `updated_at` to read back: it says its Last-Modified time itself."""

    def __init__(self, data: Any, last_modified_at: datetime | None) -> None:
        super().__init__(data)
        self.last_modified_at = last_modified_at
