"""The intake form in the shapes people build forms from: Markdown or HTML to copy questions from,
a CSV header row, and an XLSX template whose choice columns have drop-down lists.

Every question's title is the column header `handbook import people` reads, so a form built from
this imports without a mapping.
"""

from __future__ import annotations

import csv
import io

from generator.intake.questions import SEPARATORS, Question
from generator.model import Program
from generator.templating import escape_markdown, report_environment

TEMPLATE_ROWS = 500
"""Rows of the XLSX template that get the drop-down lists."""


def answer_kind(q: Question) -> str:
    """How the answer is given, in a form builder's words."""
    if q.kind == "choice":
        return f"choose any ({SEPARATORS} between answers)" if q.many else "choose one"
    if q.kind == "number":
        return "number"
    if q.kind == "person":
        return "short text: an email or id"
    return f"long text, one answer per line ({SEPARATORS[5:]})" if q.many else "text"


def markdown(program: Program, asked: list[Question]) -> str:
    lines = [
        f"# Intake form: {escape_markdown(program.program.name)}",
        "",
        "One question per heading, in this order. Keep each title as written: it is the column "
        "header `handbook import people` reads.",
    ]
    for q in asked:
        lines += ["", f"## {escape_markdown(q.header)}" + (" (required)" if q.required else ""), ""]
        if q.help:
            lines += [str(escape_markdown(q.help)), ""]
        lines.append(f"Answer: {answer_kind(q)}.")
        if q.choices:
            lines += ["", *(f"- {escape_markdown(c.name)}" for c in q.choices)]
    return "\n".join(lines) + "\n"


def html(program: Program, asked: list[Question]) -> str:
    template = report_environment().get_template("intake_form.html.j2")
    rows = [{"q": q, "answer": answer_kind(q)} for q in asked]
    return template.render(program=program.program.name, questions=rows)


def csv_header(asked: list[Question]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([q.header for q in asked])
    return out.getvalue()


def xlsx(asked: list[Question]) -> bytes:
    """A workbook with the headers, each question's help as a note on its header, and a drop-down
    of the choices under every choice column (lists on a hidden sheet)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    answers = book.active
    assert answers is not None
    answers.title = "Answers"
    lists = book.create_sheet("Choices")
    lists.sheet_state = "hidden"
    list_column = 0
    for column, q in enumerate(asked, start=1):
        cell = answers.cell(row=1, column=column, value=q.header)
        cell.font = Font(bold=True)
        if q.help:
            cell.comment = Comment(f"{q.help}\nAnswer: {answer_kind(q)}.", "handbook")
        answers.column_dimensions[get_column_letter(column)].width = max(14, len(q.header) + 2)
        if not q.choices:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=q.header)
        for row, choice in enumerate(q.choices, start=2):
            lists.cell(row=row, column=list_column, value=choice.name)
        validation = DataValidation(
            type="list",
            formula1=f"=Choices!${letter}$2:${letter}${len(q.choices) + 1}",
            allow_blank=True,
            showErrorMessage=not q.many,  # several answers are typed with ';' between them
            errorTitle=q.header,
            error="Pick one of the listed choices.",
        )
        answers.add_data_validation(validation)
        target = get_column_letter(column)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
    answers.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
