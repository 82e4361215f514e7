#!/usr/bin/env python3
"""Writes samples/: the same short text (written for this project) in every
charset zhnorm reads, plus binary, malformed and damaged files.

Python's own codecs produce the bytes, so the tests compare zhnorm (which
decodes with encoding_rs) against an independent encoder.
Run from the repository root: python3 scripts/make-samples.py
"""
import pathlib

SIMPLIFIED = "天气预报：明天北京晴，最高气温二十五度。\n我们在图书馆见面，然后一起去吃午饭。\n"
TRADITIONAL = "天氣預報：明天臺北晴，最高氣溫二十五度。\n我們在圖書館見面，然後一起去吃午飯。\n"
# U+20BB7 is outside GBK: GB18030 needs its four-byte form.
GB18030_ONLY = "𠮷野家的牛肉饭很好吃。\n"

# Scraped-page artefacts: three gloss styles, legitimate parentheses, and a
# gloss whose character was lost (`M(jìn)`).
GLOSSED = (
    "英偉達(dá)H20對(duì)華銷售(shòu)\n"
    "中華網(wǎng)訊，國(guó)家互聯(lián)網(wǎng)信息辦公室與國際電信聯盟(ITU)會談，"
    "討論《出口管制條例》(EAR)與芯片(如高性能計算芯片)。\n"
    "血(xue)压(ya)正(zheng)常(chang)值(zhi)：1(1)2(2)0/(/)8(8)0m(m)m(m)H(H)g(g)。(。)\n"
    "世(shi)界(jie)卫(wei)生(sheng)组(zu)织(zhi)((()W(W)H(H)O(O))())\n"
    "北京(Běijīng)第(1)項，推M(jìn)\n"
)

out = pathlib.Path("samples")
out.mkdir(exist_ok=True)
files = {
    "utf8.txt": SIMPLIFIED.encode("utf-8"),
    "utf8-bom.txt": SIMPLIFIED.encode("utf-8-sig"),
    "utf16le-bom.txt": b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"),
    "utf16be-bom.txt": b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"),
    "utf16le.txt": SIMPLIFIED.encode("utf-16-le"),
    "utf16be.txt": SIMPLIFIED.encode("utf-16-be"),
    "gbk.txt": SIMPLIFIED.encode("gbk"),
    "gb18030.txt": GB18030_ONLY.encode("gb18030"),
    "big5.txt": TRADITIONAL.encode("big5"),
    "gbk-crlf.txt": SIMPLIFIED.replace("\n", "\r\n").encode("gbk"),
    "mixed-eol.txt": "第一行\n第二行\r\n第三行\r第四行\n".encode("utf-8"),
    # A byte 0xFF in the middle of GBK text: not valid GBK or GB18030.
    "invalid-gbk.txt": SIMPLIFIED.encode("gbk")[:10] + b"\xff" + SIMPLIFIED.encode("gbk")[10:],
    "damaged.txt": "标题：锟斤拷锟斤拷\n正文\ufffd在这里\n".encode("utf-8"),
    "glossed.txt": GLOSSED.encode("utf-8"),
    "binary.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00",
}
# cantonese.txt is 200 lines of everyday written Cantonese, written by hand for
# the detection test; most need HKSCS characters (嘅, 嘢, 喺), which Python's
# big5hkscs codec encodes (encoding_rs's Big5 encoder leaves HKSCS out).
files["cantonese-big5hkscs.txt"] = (out / "cantonese.txt").read_text(encoding="utf-8").encode("big5hkscs")
for name, data in files.items():
    (out / name).write_bytes(data)
