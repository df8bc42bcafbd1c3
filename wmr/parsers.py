"""A JSON parser that refuses what the standard one crashes on.

DRF's ``JSONParser`` turns invalid JSON into a 400 but lets Python's ``RecursionError`` through, so a body of a few
thousand ``[`` answers 500 (found by tests/fuzz). This one answers 400 with DRF's usual parse-error message.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error
