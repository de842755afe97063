"""The scene as a one-page PDF 1.4: vector operators, the standard Helvetica fonts (nothing
embedded), one uncompressed content stream, fixed metadata (no dates, no ID): same input, same bytes."""

from __future__ import annotations

from .metrics import text_width
from .scene import Dot, Line, Polygon, Rect, Scene, Text, num

_KAPPA = 0.5523  # control-point distance for a quarter circle drawn as a Bezier curve


def _rgb(colour: str) -> str:
    return " ".join(num(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))


def _string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")  # WinAnsiEncoding
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(scene: Scene) -> bytes:
    height = scene.height
    ops: list[bytes] = [b"1 j 1 J"]

    def emit(text: str) -> None:
        ops.append(text.encode("ascii"))

    def path(points) -> str:
        (x0, y0), *rest = points
        return " ".join([f"{num(x0)} {num(height - y0)} m"] + [f"{num(x)} {num(height - y)} l" for x, y in rest])

    for s in scene.shapes:
        if isinstance(s, Rect):
            box = f"{num(s.x)} {num(height - s.y - s.h)} {num(s.w)} {num(s.h)} re"
            if s.fill and s.stroke:
                emit(f"{_rgb(s.fill)} rg {_rgb(s.stroke)} RG {num(s.width)} w {box} B")
            elif s.fill:
                emit(f"{_rgb(s.fill)} rg {box} f")
            elif s.stroke:
                emit(f"{_rgb(s.stroke)} RG {num(s.width)} w {box} S")
        elif isinstance(s, Line):
            emit(f"{_rgb(s.stroke)} RG {num(s.width)} w {path(s.points)} S")
        elif isinstance(s, Polygon):
            emit(f"{_rgb(s.fill)} rg {path(s.points)} h f")
        elif isinstance(s, Dot):
            x, y, r, k = s.x, height - s.y, s.r, s.r * _KAPPA
            emit(
                f"{_rgb(s.fill)} rg {num(x + r)} {num(y)} m "
                f"{num(x + r)} {num(y + k)} {num(x + k)} {num(y + r)} {num(x)} {num(y + r)} c "
                f"{num(x - k)} {num(y + r)} {num(x - r)} {num(y + k)} {num(x - r)} {num(y)} c "
                f"{num(x - r)} {num(y - k)} {num(x - k)} {num(y - r)} {num(x)} {num(y - r)} c "
                f"{num(x + k)} {num(y - r)} {num(x + r)} {num(y - k)} {num(x + r)} {num(y)} c f"
            )
        elif isinstance(s, Text):
            x = s.x - (text_width(s.text, s.size, s.bold) if s.anchor == "end" else 0)
            font = "/F2" if s.bold else "/F1"
            ops.append(
                f"{_rgb(s.fill)} rg BT {font} {num(s.size)} Tf {num(x)} {num(height - s.y)} Td ".encode("ascii")
                + _string(s.text)
                + b" Tj ET"
            )
    return b"\n".join(ops) + b"\n"


def render_pdf(scene: Scene) -> bytes:
    content = _content(scene)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {num(scene.width)} {num(scene.height)}] "
        "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + content + b"endstream",
        b"<< /Title " + _string(scene.title) + b" /Producer (twilio_assets.schema_diagram) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode(
        "ascii"
    )
    return bytes(out)
