"""The Sarabun font files, for web pages, PDFs and charts (served locally: no CDN)."""

import fontpkg_sarabun

FONT_DIR = fontpkg_sarabun.ROOT / "files"
FONT_FAMILY = fontpkg_sarabun.FAMILY
WEB_FONTS = frozenset({"Sarabun-Regular.ttf", "Sarabun-SemiBold.ttf", "Sarabun-Bold.ttf"})
