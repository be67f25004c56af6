"""Line-based text files (.env, scripts, Modelfiles, INI) decoded leniently.

One stray byte in another encoding (a Latin-1 `é` in a comment) should not cost the valid lines
around it: such files are decoded with replacement characters and read line by line. A file that
is mostly undecodable, or holds NUL bytes, is binary and is still refused with ParseError.
"""

from __future__ import annotations

from upstream.detect import FileInput, ParseError

_MAX_BAD_SHARE = 0.01  # more replacement characters than this (per character) means: not a text file


def lenient_text(file: FileInput) -> str:
    """The file as text: strict UTF-8 when valid, else UTF-8 with replacement characters.

    Raises ParseError when the bytes are plainly not text (NUL bytes, or many invalid sequences).
    """
    try:
        return file.text()
    except ParseError:
        pass
    data = file.data
    if b"\x00" in data:
        raise ParseError("binary content (NUL bytes)")
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad > max(4, int(len(text) * _MAX_BAD_SHARE)):
        raise ParseError(f"not UTF-8 text ({bad} invalid byte sequences)")
    return text
