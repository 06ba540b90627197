"""DOCX reader: body order, merged cells (vertical and horizontal), nested tables, zip bombs."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from etl.read import limits
from etl.model import InputError
from etl.read.dispatch import read_data, read_file


def make_docx() -> bytes:
    """Title, narrative, a 表三-style header with merges both ways, a body row, closing text."""
    d = docx.Document()
    d.add_paragraph("某某县外经贸局2022年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况\t本年主动公开政府信息120条。")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(2, 1)).text = "（本列数据的勾稽关系）"
    t.cell(0, 2).merge(t.cell(0, 4)).text = "申请人情况"
    t.cell(1, 2).merge(t.cell(2, 2)).text = "自然人"
    t.cell(1, 3).merge(t.cell(1, 4)).text = "法人或其他组织"
    t.cell(2, 3).text = "商业\n企业"
    t.cell(2, 4).text = "总计"
    for i, v in enumerate(["一、本年新收", "", "7", "", "7"]):
        t.cell(3, i).text = v
    t.cell(4, 0).merge(t.cell(4, 1)).text = "四、结转下年度继续办理"
    for i, v in ((2, "0"), (3, "0"), (4, "0")):
        t.cell(4, i).text = v
    d.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def doc():
    return read_data(make_docx(), "report.docx")


def test_paragraphs_and_table_in_body_order(doc) -> None:
    assert doc.format == "docx" and doc.source == "report.docx"
    lines = doc.text.split("\n")
    assert lines[0] == "某某县外经贸局2022年政府信息公开工作年度报告"
    assert lines[1] == "一、总体情况 本年主动公开政府信息120条。"  # tab in a paragraph → space
    assert lines[-1] == "六、其他需要报告的事项"
    (table,) = doc.tables
    rendering = "\n".join("\t".join(r) for r in table.rows)
    assert doc.text[table.offset : table.offset + len(rendering)] == rendering
    assert table.offset == len(lines[0]) + len(lines[1]) + 2
    assert table.page is None and table.index == 0


def test_merged_cells_repeated_in_every_position(doc) -> None:
    rows = doc.tables[0].rows
    corner = "（本列数据的勾稽关系）"
    assert rows[0] == [corner, corner, "申请人情况", "申请人情况", "申请人情况"]
    assert rows[1] == [corner, corner, "自然人", "法人或其他组织", "法人或其他组织"]
    assert rows[2] == [corner, corner, "自然人", "商业企业", "总计"]  # wrapped header joined
    assert rows[3] == ["一、本年新收", "", "7", "", "7"]  # empty cells stay empty
    assert rows[4] == ["四、结转下年度继续办理"] * 2 + ["0", "0", "0"]


def test_nested_table_only_inner_becomes_table() -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "布局左栏"
    inner_cell = outer.cell(0, 1)
    inner_cell.text = "表三"
    inner = inner_cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "项目", "总计"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "新收", "5"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_data(buf.getvalue(), "nested.docx")
    assert [t.rows for t in doc.tables] == [[["项目", "总计"], ["新收", "5"]]]
    assert doc.text.index("布局左栏") < doc.text.index("表三") < doc.tables[0].offset


def test_deleted_revisions_are_not_text() -> None:
    d = docx.Document()
    p = d.add_paragraph("主动公开")
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p._p.append(parse_xml(f'<w:del xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:delText>删除的字</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins xmlns:w="{w}" w:id="2" w:author="a"><w:r><w:t>100条</w:t></w:r></w:ins>'))
    buf = io.BytesIO()
    d.save(buf)
    assert read_data(buf.getvalue(), "rev.docx").text == "主动公开100条"


def test_docx_that_python_docx_rejects_is_read_from_xml(tmp_path: Path) -> None:
    data = make_docx()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            z.writestr(info.filename, content)
    doc = read_data(out.getvalue(), "wps.docx")
    assert "某某县外经贸局" in doc.text and doc.tables[0].rows[3][0] == "一、本年新收"


def test_zip_bomb_refused_before_decompressing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy_open(self, name, *args, **kwargs):  # noqa: ANN001
        calls.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * (20 * 1024 * 1024) + b">")
    path = tmp_path / "bomb.docx"
    path.write_bytes(out.getvalue())
    monkeypatch.setattr(zipfile.ZipFile, "open", spy_open)
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "bomb.docx" in str(err.value) and "zip bomb" in str(err.value)
    assert "word/document.xml" in str(err.value)
    assert calls == []  # nothing was decompressed


def test_total_uncompressed_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_UNCOMPRESSED", 1000)
    with pytest.raises(InputError) as err:
        read_data(make_docx(), "big.docx")
    assert "big.docx" in str(err.value) and "expand" in str(err.value)


def test_docx_without_document_xml() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/styles.xml", "<x/>")
    with pytest.raises(InputError) as err:
        read_data(out.getvalue(), "empty.docx")
    assert "empty.docx" in str(err.value)


def test_truncated_docx_is_input_error() -> None:
    data = make_docx()
    with pytest.raises(InputError) as err:
        read_data(data[: len(data) // 2], "cut.docx")
    assert "cut.docx" in str(err.value)


def _numbered_docx() -> bytes:
    """Headings numbered "一、" / "二、" and cell labels "（一）" / "（二）" by Word's list engine."""
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="77">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num xmlns:w="{w}" w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))

    def number(paragraph, level: int) -> None:  # noqa: ANN001
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(parse_xml(f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="77"/></w:numPr>'))

    number(d.add_paragraph("总体情况"), 0)
    number(d.add_paragraph("主动公开政府信息情况"), 0)
    table = d.add_table(rows=2, cols=2)
    for r, (label, value) in enumerate((("予以公开", "5"), ("部分公开", "1"))):
        cell = table.cell(r, 0)
        cell.text = label
        number(cell.paragraphs[0], 1)
        table.cell(r, 1).text = value
    number(d.add_paragraph("小项"), 2)
    number(d.add_paragraph("收到和处理政府信息公开申请情况"), 0)
    d.add_paragraph("十一个段落", style="List Bullet")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_automatic_list_numbers_are_rendered() -> None:
    doc = read_data(_numbered_docx(), "numbered.docx")
    lines = doc.text.split("\n")
    assert lines[:2] == ["一、总体情况", "二、主动公开政府信息情况"]
    assert doc.tables[0].rows == [["（一）予以公开", "5"], ["（二）部分公开", "1"]]
    assert lines[4:] == ["1.小项", "三、收到和处理政府信息公开申请情况", "十一个段落"]


def test_chinese_counter_format() -> None:
    from etl.read.docx import _format_number

    assert [_format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 35)] == ["一", "十", "十一", "二十", "三十五"]
    assert _format_number(3, "ideographTraditional") == "丙"
    assert _format_number(2, "decimalEnclosedCircle") == "②"
    assert _format_number(4, "upperRoman") == "IV" and _format_number(12, "decimalFullWidth") == "１２"


def test_main_part_under_another_name_is_found_through_relationships() -> None:
    src = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            target = info.filename
            if target == "word/document.xml":
                target = "word/main.xml"
            elif target == "word/_rels/document.xml.rels":
                target = "word/_rels/main.xml.rels"
            elif target in ("_rels/.rels", "[Content_Types].xml"):
                content = content.replace(b"/word/document.xml", b"/word/main.xml").replace(b"word/document.xml", b"word/main.xml")
            z.writestr(target, content)
    doc = read_data(out.getvalue(), "renamed.docx")
    assert doc.text.startswith("某某县外经贸局2022年政府信息公开工作年度报告")
    assert doc.tables[0].rows[3] == ["一、本年新收", "", "7", "", "7"]


def test_text_box_alternate_content_is_read_once() -> None:
    """Word writes a text box twice (DrawingML choice + VML fallback); its text counts once."""
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = (
        f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent>'
        f"<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    d = docx.Document()
    d.add_paragraph("正文")._p.append(parse_xml(box))
    cell = d.add_table(rows=1, cols=2).cell(0, 0)
    cell.paragraphs[0]._p.append(parse_xml(box))
    buf = io.BytesIO()
    d.save(buf)
    doc = read_data(buf.getvalue(), "box.docx")
    assert doc.text.count("框内文字") == 2  # once in the body paragraph, once in the cell
    assert doc.tables[0].rows == [["框内文字", ""]]


def test_table_in_a_text_box_is_a_table() -> None:
    """LibreOffice and WPS save a floating frame as a text box; a form table inside it stays a
    table (rows and cells), not its cells' texts run together into the anchor paragraph."""
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>" for t in ("规章", "0", "3"))
    table = f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    box = (
        f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent>'
        f"<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>框内标题</w:t></w:r></w:p>{table}"
        "</w:txbxContent></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{table}</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    d = docx.Document()
    d.add_paragraph("锚定段落")._p.append(parse_xml(box))
    d.add_paragraph("其后段落")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_data(buf.getvalue(), "frame.docx")
    assert [t.rows for t in doc.tables] == [[["规章", "0", "3"]]]  # the VML copy is not a second table
    assert "规章03" not in doc.text
    lines = [line for line in doc.text.split("\n") if line.strip()]
    assert lines[:2] == ["锚定段落", "框内标题"] and lines[-1] == "其后段落"
