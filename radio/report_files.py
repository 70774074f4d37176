"""The monthly report as files officials send on: CSV (Excel-friendly), XLSX with native charts, PDF with charts.

The PDF embeds DejaVu Sans (from matplotlib's wheel, a runtime dependency), which has every Vietnamese
glyph, so the text prints with its diacritics wherever the file is opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from radio.reports import DayCoverage, MonthReport, VillageFigures, evidence_label, footnotes, number, percent
from radio.spreadsheet import text_row
from radio.topics import TOPIC_LABELS, Topic

HEADERS = [
    "Thôn, xóm", "Bản tin đã phát", "Lượt đã phát", "Lượt có kết quả", "Tỷ lệ phát đúng kế hoạch (%)",
    "Phút phát sóng", "Buổi sáng đã nghe (ngày)", "Buổi sáng theo kế hoạch (ngày)", "Độ phủ buổi sáng (%)",
    "Xác nhận bằng",
] + [f"Chủ đề: {TOPIC_LABELS[topic]}" for topic in Topic]  # fmt: skip
DIGEST_HEADERS = ["Ngày", "Số mục trong ngày", "Mã nhật ký cuối ngày (sha256)", "Ghi chú"]
# Column formats of the XLSX: cells stay numbers, Excel shows them with the reader's separators (Vietnamese: 1.234,5).
INTEGER, DECIMAL = "#,##0", "#,##0.0"
DECIMAL_COLUMNS = (5, 6, 9)  # delivered share, minutes, coverage (1-based, as openpyxl counts)
REMOVED = "đã xoá theo thời hạn lưu trữ"
MONO = FontFace(family="DejaVuMono", size_pt=7.5)


def _row(village: VillageFigures, evidence: str) -> list[object]:
    """One table row; numbers stay numbers (None when there is nothing to divide)."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return [
        village.name, village.bulletins, village.aired, village.with_outcome, rounded(village.delivered_pct),
        round(village.minutes, 1), village.mornings_heard, village.mornings_planned, rounded(village.coverage_pct),
        evidence,
    ] + [village.topics[topic] for topic in Topic]  # fmt: skip


def table_rows(report: MonthReport) -> list[list[object]]:
    return [_row(village, evidence_label(village)) for village in report.villages] + [_row(report.total, "")]


def _vietnamese(value: object) -> object:
    """A figure as a Vietnamese reader writes it: "80,0", "1.234"; text and empty cells as they are."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float):
        return number(value, 1)
    return value


def report_csv(report: MonthReport) -> str:
    """Starts with a byte-order mark so that Excel reads UTF-8, like the station's other CSV files; numbers are
    written the Vietnamese way, for the person who opens the file (the XLSX is the one for calculations)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in table_rows(report):
        writer.writerow(text_row(_vietnamese(value) for value in row))  # village names are typed
    return out.getvalue()


def report_xlsx(report: MonthReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append([f"Báo cáo tháng {report.label} — {report.commune}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table_rows(report):
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=3, min_col=2):
        for cell in cells:
            cell.number_format = DECIMAL if cell.column in DECIMAL_COLUMNS else INTEGER
    sheet.column_dimensions["A"].width = 24
    villages = len(report.villages)
    names = Reference(sheet, min_col=1, min_row=3, max_row=2 + villages)
    chart = BarChart()
    chart.type, chart.title = "bar", "Tỷ lệ phát đúng kế hoạch và độ phủ buổi sáng (%)"
    chart.add_data(Reference(sheet, min_col=5, min_row=2, max_row=2 + villages), titles_from_data=True)
    chart.add_data(Reference(sheet, min_col=9, min_row=2, max_row=2 + villages), titles_from_data=True)
    chart.set_categories(names)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.height, chart.width = 9, 18
    sheet.add_chart(chart, f"A{villages + 6}")

    topics = workbook.create_sheet("Chủ đề")
    topics.append(["Chủ đề", "Bản tin đã phát"])
    for topic in Topic:
        topics.append([TOPIC_LABELS[topic], report.total.topics[topic]])
        topics.cell(topics.max_row, 2).number_format = INTEGER
    topics.column_dimensions["A"].width = 20
    by_topic = BarChart()
    by_topic.title = "Bản tin đã phát theo chủ đề"
    by_topic.add_data(Reference(topics, min_col=2, min_row=1, max_row=1 + len(Topic)), titles_from_data=True)
    by_topic.set_categories(Reference(topics, min_col=1, min_row=2, max_row=1 + len(Topic)))
    topics.add_chart(by_topic, "D2")

    digests = workbook.create_sheet("Mã nhật ký")
    digests.append(DIGEST_HEADERS)
    for digest in report.digests:
        digests.append([digest.day, digest.entries, digest.head_hash or REMOVED, report.digest_note(digest)])
        digests.cell(digests.max_row, 1).number_format = "dd/mm/yyyy"
        digests.cell(digests.max_row, 2).number_format = INTEGER
    digests.column_dimensions["A"].width, digests.column_dimensions["C"].width = 12, 70

    notes = workbook.create_sheet("Ghi chú")
    for line in footnotes(report):
        notes.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _font_dir() -> Path:
    spec = find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("matplotlib (which ships the DejaVu fonts used by the PDF report) is not installed")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


class _ReportPdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        fonts = _font_dir()
        self.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
        self.add_font("DejaVuMono", "", fonts / "DejaVuSansMono.ttf")
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()
        self._footer_title = title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 6, f"{self._footer_title} — trang {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        if self.will_page_break(24):  # keep a heading with the first lines of what it introduces
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", 12)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 9)

    def bars(self, labels: Sequence[str], values: Sequence[float | None], top: float, unit: str, digits: int) -> None:
        """A horizontal bar chart drawn with the PDF's own lines: label, bar, value (`digits` decimals)."""
        label_w, bar_w, row_h = 55.0, 100.0, 6.0
        for label, value in zip(labels, values, strict=True):
            if self.will_page_break(row_h):
                self.add_page()
            x, y = self.l_margin, self.get_y()
            self.set_xy(x, y)
            self.cell(label_w, row_h, label[:32])
            self.set_draw_color(180, 180, 180)
            self.rect(x + label_w, y + 1, bar_w, row_h - 2)
            if value:
                self.set_fill_color(30, 100, 170)
                self.rect(x + label_w, y + 1, bar_w * min(value / top, 1.0) if top else 0, row_h - 2, style="F")
            self.set_xy(x + label_w + bar_w + 2, y)
            self.cell(25, row_h, "—" if value is None else f"{number(value, digits)}{unit}")
            self.set_xy(x, y + row_h)
        self._plain_colours()

    def days_chart(self, days: Sequence[DayCoverage]) -> None:
        """The page's day-by-day chart: per day, villages that heard the morning session (dark) over those for
        which one was planned (light), with the day of the month under each column."""
        height, label_h = 40.0, 5.0
        if self.will_page_break(height + 2 * label_h):
            self.add_page()
        top = max([day.planned for day in days] + [1])
        x0, y0 = self.l_margin + 8, self.get_y() + 2
        step = (self.epw - 8) / max(len(days), 1)
        self.set_font("DejaVu", "", 6.5)
        self.set_draw_color(180, 180, 180)
        self.line(x0, y0 + height, x0 + step * len(days), y0 + height)
        self.set_xy(self.l_margin, y0 - 1.5)
        self.cell(7, 3, number(top), align="R")
        self.set_xy(self.l_margin, y0 + height - 3)
        self.cell(7, 3, "0", align="R")
        for n, day in enumerate(days):
            x, width = x0 + n * step + step * 0.15, step * 0.7
            for count, colour in ((day.planned, (201, 211, 221)), (day.heard, (30, 100, 170))):
                if count:
                    self.set_fill_color(*colour)
                    self.rect(x, y0 + height * (1 - count / top), width, height * count / top, style="F")
            self.set_xy(x0 + n * step, y0 + height + 0.5)
            self.cell(step, label_h - 1, str(day.day.day), align="C")
        self.set_xy(self.l_margin, y0 + height + label_h + 1)
        self.set_font("DejaVu", "", 9)
        self._plain_colours()

    def _plain_colours(self) -> None:
        self.set_fill_color(255, 255, 255)  # tables drawn next fill with the current colour
        self.set_draw_color(0, 0, 0)


def report_pdf(report: MonthReport) -> bytes:
    title = f"Báo cáo tháng {report.label} — {report.commune}"
    pdf = _ReportPdf(title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 6, f"Lập lúc {report.generated_at:%H:%M %d/%m/%Y} (giờ xã)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    total = report.total
    pdf.set_font("DejaVu", "", 10)
    for line in (
        f"Độ phủ buổi sáng ({report.morning_label}): {percent(total.coverage_pct)} % "
        f"({number(total.mornings_heard)}/{number(total.mornings_planned)} thôn-ngày)",
        f"Tỷ lệ phát đúng kế hoạch: {percent(total.delivered_pct)} % "
        f"({number(total.aired)}/{number(total.with_outcome)} lượt)",
        f"Bản tin đã phát: {number(total.bulletins)}; phút phát sóng: {number(total.minutes, 1)}",
    ):
        pdf.cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.heading("Theo thôn, xóm")
    with pdf.table(
        col_widths=(40, 18, 18, 22, 22, 30, 30), first_row_as_headings=True, line_height=5,
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
    ) as table:  # fmt: skip
        table.row(["Thôn, xóm", "Bản tin", "Lượt đã phát", "Đúng kế hoạch (%)", "Phút phát sóng",
                   "Buổi sáng đã nghe / kế hoạch", "Xác nhận bằng"])  # fmt: skip
        for village in [*report.villages, report.total]:
            table.row([
                village.name, number(village.bulletins), number(village.aired), percent(village.delivered_pct),
                number(village.minutes, 1), f"{number(village.mornings_heard)}/{number(village.mornings_planned)}",
                evidence_label(village) if village is not report.total else "",
            ])  # fmt: skip

    pdf.heading("Bản tin đã phát theo chủ đề và thôn, xóm")
    with pdf.table(
        col_widths=(36, *[22] * len(Topic)), first_row_as_headings=True, line_height=5,
        text_align=("LEFT", *["RIGHT"] * len(Topic)),
    ) as table:  # fmt: skip
        table.row(["Thôn, xóm", *(TOPIC_LABELS[topic] for topic in Topic)])
        for village in [*report.villages, report.total]:
            table.row([village.name, *(number(village.topics[topic]) for topic in Topic)])

    pdf.heading("Tỷ lệ phát đúng kế hoạch theo thôn (%)")
    pdf.bars([v.name for v in report.villages], [v.delivered_pct for v in report.villages], 100, " %", 1)
    pdf.heading(f"Độ phủ buổi sáng theo thôn (%), buổi sáng {report.morning_label}")
    pdf.bars([v.name for v in report.villages], [v.coverage_pct for v in report.villages], 100, " %", 1)
    pdf.heading("Phút phát sóng theo thôn")
    minutes = [v.minutes for v in report.villages]
    pdf.bars([v.name for v in report.villages], minutes, max(minutes, default=0), "", 1)
    pdf.heading("Bản tin đã phát theo chủ đề")
    counts = [report.total.topics[topic] for topic in Topic]
    pdf.bars([TOPIC_LABELS[topic] for topic in Topic], counts, max(counts, default=0), "", 0)
    pdf.heading("Số thôn đã nghe buổi sáng theo ngày")
    pdf.multi_cell(0, 5, "Cột đậm: số thôn đã nghe; cột nhạt: số thôn có buổi sáng theo kế hoạch.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.days_chart(report.days)

    pdf.heading("Mã nhật ký phát sóng cuối mỗi ngày")
    pdf.multi_cell(0, 5, "Giữ bản in này: nếu nhật ký bị sửa sau khi in, lệnh radio log verify --digest "
                   "NĂM-THÁNG-NGÀY=MÃ sẽ báo mã không còn khớp.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    with pdf.table(col_widths=(30, 16, 134), first_row_as_headings=True, line_height=5) as table:
        table.row(["Ngày", "Số mục", "Mã nhật ký cuối ngày (sha256)"])
        for digest in report.digests:
            row = table.row()
            note = report.digest_note(digest)
            row.cell(f"{digest.day:%d/%m/%Y}" + (f"\n{note}" if note else ""))
            row.cell(number(digest.entries))
            row.cell(digest.head_hash or REMOVED, style=MONO if digest.head_hash else None)

    pdf.heading("Ghi chú")
    pdf.set_font("DejaVu", "", 8)
    for line in footnotes(report):
        pdf.multi_cell(0, 4.5, f"• {line}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
