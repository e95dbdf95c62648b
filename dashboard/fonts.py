"""The fonts that write every language of the dashboard, so no glyph falls back to a box.

Streamlit's own font (Source Sans) has Latin letters (Vietnamese included) only; Khmer,
Lao, Thai, Myanmar and Chinese come from Google's Noto fonts, which Debian packages as
fonts-noto-core and fonts-noto-cjk (.ci/run installs them; README, Languages). Browsers
take each character from the first family in the list that has it, so one list serves
every language: the charts' and maps' text and hover labels (plotly font.family) and the
page (.streamlit/config.toml, theme.font, the same list). "Noto Sans CJK SC" names the
simplified-Chinese forms of the characters, which a bare CJK fallback may draw in their
Japanese forms.

A spreadsheet cell names one font, so Excel downloads take the font of the language's
script (Latin digits and letters come from the application's fallback, as every
spreadsheet program does per character).

Nothing here imports streamlit.
"""

from __future__ import annotations

PAGE = "Source Sans"  # Streamlit's bundled font
LATIN = "Noto Sans"
SCRIPTS = {
    "km": "Noto Sans Khmer",
    "lo": "Noto Sans Lao",
    "th": "Noto Sans Thai",
    "my": "Noto Sans Myanmar",
    "zh": "Noto Sans CJK SC",
}
FAMILIES = (PAGE, LATIN, *SCRIPTS.values())


def css_family() -> str:
    """The CSS font-family list for text in any of the languages."""
    return ", ".join(f'"{name}"' for name in FAMILIES) + ", sans-serif"


def spreadsheet_font(language: str) -> str:
    """The font an Excel download names for its cells in that language."""
    return SCRIPTS.get(language, LATIN)
