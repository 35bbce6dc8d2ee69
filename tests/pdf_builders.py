"""Hand-written PDFs for the PDF importer's tests: hostile files (bombs, thousands of pages, encryption
markers, scans) built byte by byte, so the tests need no tool to make them."""
from __future__ import annotations

import random
import zlib


def _pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies numbered 1..n, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(lines: list[str]) -> bytes:
    """One page with lines of Helvetica text."""
    ops = ["BT /F1 11 Tf 60 740 Td 14 TL"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def many_pages_pdf(count: int) -> bytes:
    """`count` empty pages sharing one content stream."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
               _stream(b"BT ET")]
    for _ in range(count):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>")
    return _pdf(objects)


def scan_pdf() -> bytes:
    """A page that is only a picture (a grey image), like a scanned form: no text at all."""
    width = height = 64
    pixels = bytes(random.Random(7).randrange(256) for _ in range(width * height))
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q"),
        _stream(pixels, b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8" % (width, height), compress=True),
    ])


def bomb_pdf(decoded_mb: int = 200) -> bytes:
    """A page whose content stream inflates from a few hundred kB to `decoded_mb` MB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(decoded_mb)) + compressor.flush()
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ])


def nested_pdf(depth: int = 100_000) -> bytes:
    """A page dictionary holding an array nested `depth` deep, and forms that draw each other in a loop."""
    nested = b"[" * depth + b"]" * depth
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Deep " + nested +
        b" /Resources << /XObject << /Fx 5 0 R >> >> /Contents 4 0 R >>",
        _stream(b"/Fx Do"),
        _stream(b"/Fy Do 0 0 m 10 10 l S", b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                          b"/Resources << /XObject << /Fy 6 0 R >> >>"),
        _stream(b"/Fx Do", b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                          b"/Resources << /XObject << /Fx 5 0 R >> >>"),
    ])


def encrypted_pdf() -> bytes:
    """A PDF whose standard security handler asks for a user password (RC4, 40 bits) that is not empty."""
    # /O and /U values that do not match the empty password: PDFium must refuse without a password.
    o_value = b"<" + b"11" * 32 + b">"
    u_value = b"<" + b"22" * 32 + b">"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O " + o_value + b" /U " + u_value + b" /P -44 >>",
    ]
    return _pdf(objects, trailer_extra=b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> "
                                       b"<0123456789abcdef0123456789abcdef>] ")


def mutate(data: bytes, rng: random.Random, edits: int = 8) -> bytes:
    """Bytes of `data` with a few random edits: flipped bytes, cut ranges, duplicated ranges."""
    buf = bytearray(data)
    for _ in range(edits):
        if not buf:
            break
        kind = rng.randrange(4)
        at = rng.randrange(len(buf))
        if kind == 0:
            buf[at] = rng.randrange(256)
        elif kind == 1:
            del buf[at:at + rng.randrange(1, 2000)]
        elif kind == 2:
            piece = buf[at:at + rng.randrange(1, 500)]
            where = rng.randrange(len(buf))
            buf[where:where] = piece
        else:
            buf[at:at + 4] = str(rng.randrange(10 ** 6)).encode()
    return bytes(buf)


def dense_pdf(pages: int, lines_per_page: int, diamonds_per_page: int = 0) -> bytes:
    """`pages` pages sharing one content stream: a flowchart header, a grid of `lines_per_page` rules and short
    connector lines, and `diamonds_per_page` diamonds: a file that is valid but costly to read."""
    rng = random.Random(3)
    ops = ["BT /F1 9 Tf 40 560 Td (No) Tj 40 0 Td (Kegiatan) Tj 120 0 Td (Pelaksana A) Tj 80 0 Td (Kelengkapan) Tj "
           "80 0 Td (Waktu) Tj 60 0 Td (Output) Tj ET"]
    for x in (30, 70, 200, 300, 400, 480, 540, 640):
        ops.append(f"{x} 40 0.5 540 re f")
    ys = list(range(40, 580, max(2, 540 // max(1, lines_per_page // 4))))
    for y in ys:
        ops.append(f"30 {y} 610 0.5 re f")
    for _ in range(lines_per_page):
        x, y = rng.uniform(200, 300), rng.uniform(40, 540)
        ops.append(f"{x:.1f} {y:.1f} m {x + rng.uniform(-20, 20):.1f} {y + rng.uniform(-20, 20):.1f} l S")
    for _ in range(diamonds_per_page):
        x, y = rng.uniform(210, 290), rng.uniform(50, 530)
        ops.append(f"{x:.1f} {y + 8:.1f} m {x + 15:.1f} {y:.1f} l {x:.1f} {y - 8:.1f} l {x - 15:.1f} {y:.1f} l h S")
    content = "\n".join(ops).encode("latin-1")
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               _stream(content, compress=True), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] /Resources << /Font << /F1 4 0 R >> >> "
                       b"/Contents 3 0 R >>")
    return _pdf(objects)


def page_pdf(ops: list[str]) -> bytes:
    """One landscape page drawing the given content operators (Helvetica as /F1)."""
    content = "\n".join(ops).encode("latin-1", "replace")
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
