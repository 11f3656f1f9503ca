"""Regenerates the README's screenshot of the dashboard page (docs/img/dashboard.png).

    python scripts/readme_screenshot.py        # needs the module built, chromium and Pillow

Renders the Chengxi page at 2019-07-31 in headless Chromium (tests/cdp.py), keeps the first
screen a reader sees, and stores it as a palette PNG well under 300 KB.
"""

import io
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import dangjian as dj  # noqa: E402
from cdp import Browser  # noqa: E402
from PIL import Image  # noqa: E402

OUT = ROOT / "docs" / "img" / "dashboard.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = pathlib.Path(tmp) / "chengxi.html"
        dj.example().report_html(page_path, as_of="2019-07-31")
        with Browser() as b:
            page = b.new_page(width=1200, height=1020)
            page.goto(page_path.as_uri())
            png = page.screenshot(full_page=False)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    img = img.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    img.save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
