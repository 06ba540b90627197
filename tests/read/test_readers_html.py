"""HTML reader: spans, nested layout tables, encodings, dropped elements, limits."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.read import limits
from etl.model import InputError
from etl.read.dispatch import read_data, read_file
from etl.read.html import decode_html

TABLE3_HTML = """
<table border="1">
  <tr><td rowspan="3" colspan="2">（本列数据的勾稽关系为：第一项加第二项之和）</td><td colspan="7">申请人情况</td></tr>
  <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
  <tr><td>商业<br>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务<br/>机构</td><td>其他</td></tr>
  <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>10</td><td>2</td><td></td><td>0</td><td>&nbsp;</td><td>0</td><td>12</td></tr>
  <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
  <tr><td>（二）部分公开</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
"""

PAGE = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网页标题不进正文</title><style>td {{ color: red }}</style>
<script>document.write("脚本文字");</script></head>
<body>
<table width="100%"><tr><td class="nav">首页&nbsp;&gt;&nbsp;政务公开</td></tr>
<tr><td>
  <h1>某某区商务局2021年政府信息公开工作年度报告</h1>
  <p>一、总体情况</p><p>本年主动公开政府信息&nbsp;5500&nbsp;余条，<br>政策解读21个。</p>
  {TABLE3_HTML}
  <div style="display: none">隐藏的文字</div>
  <p>六、其他需要报告的事项</p><!-- 注释文字 -->
</td></tr></table>
</body></html>"""


def read_html_string(html: str, name: str = "page.html", encoding: str = "utf-8"):
    return read_data(html.encode(encoding), name)


def test_gbk_page_with_meta_charset() -> None:
    doc = read_html_string(PAGE, encoding="gbk")
    assert doc.format == "html" and doc.encoding == "gb18030"
    assert "某某区商务局2021年政府信息公开工作年度报告" in doc.text


def test_utf8_page_that_claims_gb2312_is_read_as_utf8() -> None:
    doc = read_html_string(PAGE, encoding="utf-8")
    assert doc.encoding == "utf-8" and "某某区商务局" in doc.text


def test_only_innermost_table_becomes_a_table_with_spans_expanded() -> None:
    doc = read_html_string(PAGE, encoding="gbk")
    (table,) = doc.tables
    rows = table.rows
    assert rows[0] == ["（本列数据的勾稽关系为：第一项加第二项之和）"] * 2 + ["申请人情况"] * 7
    assert rows[1][:3] == ["（本列数据的勾稽关系为：第一项加第二项之和）"] * 2 + ["自然人"]
    assert rows[1][3:8] == ["法人或其他组织"] * 5 and rows[1][8] == "总计"
    assert rows[2][2:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量"] * 2 + ["10", "2", "", "0", "", "0", "12"]
    assert rows[4][:3] == ["三、本年度办理结果", "（一）予以公开", "5"]
    assert rows[5][:3] == ["三、本年度办理结果", "（二）部分公开", "1"]  # rowspan repeated
    assert all(len(r) == 9 for r in rows)


def test_table_rendered_into_text_at_offset_and_layout_text_flows() -> None:
    doc = read_html_string(PAGE, encoding="gbk")
    (table,) = doc.tables
    rendering = "\n".join("\t".join(r) for r in table.rows)
    assert doc.text[table.offset : table.offset + len(rendering)] == rendering
    assert doc.text.index("首页 > 政务公开") < doc.text.index("一、总体情况") < table.offset
    assert doc.text.index("六、其他需要报告的事项") > table.offset + len(rendering)


def test_nbsp_br_blocks_and_dropped_elements() -> None:
    doc = read_html_string(PAGE, encoding="gbk")
    lines = doc.text.split("\n")
    assert "本年主动公开政府信息 5500 余条，" in lines
    assert "政策解读21个。" in lines
    assert "\xa0" not in doc.text
    for hidden in ("网页标题不进正文", "脚本文字", "color: red", "隐藏的文字", "注释文字"):
        assert hidden not in doc.text


def test_traditional_script_kept_as_written() -> None:
    doc = read_html_string("<html><body><p>政府資訊公開工作年度報告</p><table><tr><td>總計</td><td>1</td></tr></table></body></html>")
    assert "政府資訊公開工作年度報告" in doc.text and doc.tables[0].rows == [["總計", "1"]]


def test_two_data_tables_in_order_with_indexes() -> None:
    html = "<html><body><p>甲</p><table><tr><td>a</td><td>1</td></tr></table><p>乙</p><table><tr><td>b</td><td>2</td></tr></table></body></html>"
    doc = read_html_string(html)
    assert [t.index for t in doc.tables] == [0, 1]
    assert [t.rows for t in doc.tables] == [[["a", "1"]], [["b", "2"]]]
    assert doc.text == "甲\na\t1\n乙\nb\t2"
    assert all(t.page is None for t in doc.tables)


def test_rowspan_zero_and_hostile_colspan_are_clipped() -> None:
    html = "<table><tr><td rowspan=0>L</td><td colspan=99999999>x</td></tr><tr><td>y</td></tr></table>"
    doc = read_html_string(html)
    rows = doc.tables[0].rows
    assert rows[1][0] == "L" and len(rows[0]) == 1 + limits.MAX_COLSPAN


def test_grid_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 50)
    html = "<table>" + ("<tr>" + "<td>1</td>" * 10 + "</tr>") * 10 + "</table>"
    with pytest.raises(InputError) as err:
        read_html_string(html, name="grid.html")
    assert "grid.html" in str(err.value)


def test_gbk_without_meta_is_detected() -> None:
    doc = read_html_string("<html><body><p>政府信息公开工作年度报告，主动公开政府信息。</p></body></html>", encoding="gbk")
    assert "政府信息公开工作年度报告" in doc.text


def test_undecodable_bytes_under_declared_charset_warn() -> None:
    data = '<html><head><meta charset="gbk"></head><body><p>主动公开</p></body></html>'.encode("gbk")
    data = data.replace("主动".encode("gbk"), "主动".encode("gbk") + b"\xff\xff\x80")
    text, enc, warnings = decode_html(data, "bad.html")
    assert "主动" in text and warnings and warnings[0].rule == "html_decode_errors"


def test_deep_nesting_is_refused_with_file_name() -> None:
    html = "<html><body>" + "<div>" * 10_000 + "x" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(InputError) as err:
        read_html_string(html, name="deep.htm")
    assert "deep.htm" in str(err.value) and "nested" in str(err.value)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_HTML_BYTES", 100)
    (tmp_path / "big.html").write_text("<html><body>" + "<p>字</p>" * 100 + "</body></html>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "big.html")
    assert "big.html" in str(err.value)


def test_xhtml_with_xml_declaration() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>报告</p></body></html>'
    assert read_html_string(html).text == "报告"


def test_html_under_pdf_extension_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(PAGE.encode("gbk"))
    doc = read_file(path)
    assert doc.format == "html" and doc.source == "report.pdf" and len(doc.tables) == 1


def _mht(html: str, charset: str) -> bytes:
    """A web archive as IE/Edge save it: multipart/related, HTML part quoted-printable."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.nonmultipart import MIMENonMultipart

    root = MIMEMultipart("related")
    root["Subject"] = "saved page"
    import quopri

    part = MIMENonMultipart("text", "html", charset=charset)
    part.set_payload(quopri.encodestring(html.encode(charset)))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part["Content-Location"] = "http://www.example.gov.cn/report.html"
    root.attach(part)
    root.attach(MIMEImage(b"GIF89a" + b"\x00" * 20, "gif"))
    return b"From: <Saved by Windows Internet Explorer 8>\r\n" + root.as_bytes()


def test_saved_web_archive_mht_reads_its_html_part(tmp_path: Path) -> None:
    path = tmp_path / "report.mht"
    path.write_bytes(_mht(PAGE, "gbk"))
    assert b"=" in path.read_bytes()  # really quoted-printable
    doc = read_file(path)
    assert doc.format == "mhtml" and doc.source == "report.mht"
    assert "某某区商务局2021年政府信息公开工作年度报告" in doc.text
    assert len(doc.tables) == 1 and doc.tables[0].rows[3][2] == "10"


def test_web_archive_without_html_is_input_error() -> None:
    data = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--x--\r\n"
    with pytest.raises(InputError) as err:
        read_data(data, "empty.mht")
    assert "empty.mht" in str(err.value) and "HTML" in str(err.value)
