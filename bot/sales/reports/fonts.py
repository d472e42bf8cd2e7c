"""A Chinese font for matplotlib. The Noto Sans SC file shipped by the PyPI package
``pylopdf-fonts-zh-cn`` is loaded explicitly (nothing is looked up on the system or downloaded);
failing that, any CJK font matplotlib already knows; failing that, a warning (boxes for Chinese)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

_KNOWN_CJK_FAMILIES = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


def _packaged_font() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@cache
def chinese_font_family() -> str | None:
    """Register the font with matplotlib and return its family name (None if there is none)."""
    from matplotlib import font_manager

    path = _packaged_font()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
        except Exception as exc:  # an unreadable file must not stop the reports
            log.warning("could not load the Chinese font %s: %s", path, exc)
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in _KNOWN_CJK_FAMILIES:
        if family in available:
            return family
    log.warning("no Chinese font found: chart labels will show boxes (pip install pylopdf-fonts-zh-cn)")
    return None
