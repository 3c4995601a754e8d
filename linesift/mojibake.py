"""UTF-8 text that was encoded twice, repaired: read as Windows-1252 or Latin-1 and written out as UTF-8 again, so
that "doesn’t" shows as "doesnâ€™t". Some sites serve their pages so (34 of the 1,356 WCXB pages), and a page
decoded as Latin-1 by a client that was told no charset (``requests``' ``.text``) reads so too.
"""

from __future__ import annotations

import re

# In the UTF-8 bytes, a UTF-8 lead byte's character (Â to ô) before a continuation byte's (U+0080 to U+00BF, or a
# Windows-1252 letter or punctuation mark). Sought in the bytes because that is fast (under 0.1 ms a page).
_DOUBLE_ENCODED = re.compile(
    rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xe2\x80[\x93-\xba]|\xe2\x82\xac|\xe2\x84\xa2|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]"
    rb"|\xc6\x92|\xcb[\x86\x9c])")
# ftfy repairs in time linear in the text, up to about 1.4 s a million characters on text made only of the
# pattern (docs/limits.md): a page longer than this is left as it is, so that no page takes minutes. The largest
# WCXB page encoded twice has 5.3 million characters.
MAX_REPAIRED_CHARS = 10_000_000


def repair_double_encoding(text: str, utf8: bytes | None = None) -> str:
    """``text`` with its stretches of twice-encoded UTF-8 decoded once more (``doesnâ€™t`` → ``doesn’t``) by ftfy,
    which leaves alone what real text holds (``Křížek``, ``NESCAFÉ®``). ``utf8`` is ``text`` in UTF-8, when the
    caller has the bytes it decoded. A text over :data:`MAX_REPAIRED_CHARS` characters is returned as it is."""
    if len(text) > MAX_REPAIRED_CHARS:
        return text
    if _DOUBLE_ENCODED.search(text.encode("utf-8", "surrogatepass") if utf8 is None else utf8) is None:
        return text
    from ftfy.fixes import decode_inconsistent_utf8  # imported when a page needs it: 70 ms

    return decode_inconsistent_utf8(text)
