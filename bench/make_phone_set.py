#!/usr/bin/env python3
"""Builds a benchmark set of unique phone-size JPEGs from the shared corpus.

Each copy gets a distinct JPEG comment (COM) segment right after SOI, so its
SHA-256 differs (Klikt would otherwise skip it as a duplicate) while the image
data, and so the decode cost, stays that of the real phone photo.
"""
import pathlib
import sys

SOURCES = [
    "jpg/mobile/HMD_Nokia_8.3_5G.jpg",  # 4608x1976, 9.1 MP
    "jpg/mobile/jolla.jpg",  # 3264x2448, 8 MP
    "jpg/hdr/iphone_hdr_NO.jpg",  # 3264x2448, 8 MP
    "jpg/hdr/iphone_hdr_YES.jpg",  # 3264x2448, 8 MP
]


def main() -> None:
    corpus = pathlib.Path(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    out.mkdir(parents=True, exist_ok=True)
    originals = [(corpus / s).read_bytes() for s in SOURCES]
    for i in range(count):
        data = originals[i % len(originals)]
        assert data[:2] == b"\xff\xd8", "not a JPEG"
        comment = f"klikt bench copy {i}".encode()
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        (out / f"phone_{i:04d}.jpg").write_bytes(data[:2] + segment + data[2:])


if __name__ == "__main__":
    main()
