"""Spell MathML `mathvariant` letters as Unicode mathematical alphanumerics.

MathML Core (what Chromium implements) ignores `mathvariant` except "normal", so KaTeX's
`<mi mathvariant="double-struck">R</mi>` would show a plain R instead of ℝ. The characters
themselves carry the style when they are the code points Unicode reserves for it.
"""

from __future__ import annotations

import re

# variant -> (capital A, small a, digit 0 or None, capital Alpha or None, small alpha or None)
_STARTS = {
    "bold": (0x1D400, 0x1D41A, 0x1D7CE, 0x1D6A8, 0x1D6C2),
    "italic": (0x1D434, 0x1D44E, None, 0x1D6E2, 0x1D6FC),
    "bold-italic": (0x1D468, 0x1D482, None, 0x1D71C, 0x1D736),
    "script": (0x1D49C, 0x1D4B6, None, None, None),
    "bold-script": (0x1D4D0, 0x1D4EA, None, None, None),
    "fraktur": (0x1D504, 0x1D51E, None, None, None),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8, None, None),
    "bold-fraktur": (0x1D56C, 0x1D586, None, None, None),
    "sans-serif": (0x1D5A0, 0x1D5BA, 0x1D7E2, None, None),
    "bold-sans-serif": (0x1D5D4, 0x1D5EE, 0x1D7EC, 0x1D756, 0x1D770),
    "sans-serif-italic": (0x1D608, 0x1D622, None, None, None),
    "sans-serif-bold-italic": (0x1D63C, 0x1D656, None, 0x1D790, 0x1D7AA),
    "monospace": (0x1D670, 0x1D68A, 0x1D7F6, None, None),
}
# Letters that Unicode had already encoded elsewhere (the "holes" in the block).
_HOLES = {
    ("italic", "h"): "\u210e",
    **{("script", k): v for k, v in zip("BEFHILMReg o", "ℬℰℱℋℐℒℳℛℯℊ ℴ", strict=True) if k != " "},
    **{("fraktur", k): v for k, v in zip("CHIRZ", "ℭℌℑℜℨ", strict=True)},
    **{("double-struck", k): v for k, v in zip("CHNPQRZ", "ℂℍℕℙℚℝℤ", strict=True)},
}
_TOKEN_RE = re.compile(r'<(mi|mn|mtext|mo) mathvariant="([a-z-]+)">([^<]*)</\1>')
_ENTITY_SAFE = re.compile(r"&[a-z]+;|&#\d+;")


def styled(text: str, variant: str) -> str:
    starts = _STARTS.get(variant)
    if starts is None or _ENTITY_SAFE.search(text):
        return text
    capital, small, digit, alpha_capital, alpha_small = starts
    out = []
    for char in text:
        code = ord(char)
        if (variant, char) in _HOLES:
            out.append(_HOLES[(variant, char)])
        elif "A" <= char <= "Z":
            out.append(chr(capital + code - ord("A")))
        elif "a" <= char <= "z":
            out.append(chr(small + code - ord("a")))
        elif "0" <= char <= "9" and digit:
            out.append(chr(digit + code - ord("0")))
        elif 0x391 <= code <= 0x3A9 and alpha_capital:
            out.append(chr(alpha_capital + code - 0x391))
        elif 0x3B1 <= code <= 0x3C9 and alpha_small:
            out.append(chr(alpha_small + code - 0x3B1))
        else:
            out.append(char)
    return "".join(out)


def apply_mathvariants(mathml: str) -> str:
    def replace(match: re.Match) -> str:
        tag, variant, text = match.groups()
        if variant == "normal":
            return match.group(0).replace("∥", "‖")  # U+2225 is drawn slanted by many fonts
        new_text = styled(text, variant)
        if new_text == text:
            return match.group(0)
        # a single styled letter in <mi> would be italicised again: mark it normal
        attribute = ' mathvariant="normal"' if tag == "mi" and len(new_text) == 1 else ""
        return f"<{tag}{attribute}>{new_text}</{tag}>"

    return _TOKEN_RE.sub(replace, mathml)
