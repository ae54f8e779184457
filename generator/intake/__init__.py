"""Intake from the forms and spreadsheets programs already use.

`questions.py` derives the intake questions from the model and the program's vocabulary (the one
owner of column headers and choices), `table.py` reads a CSV or XLSX export into located cells,
`cells.py` turns a cell into a value (choices, dates, numbers), `people.py` and `records.py`
turn rows into changes, and `editing.py` writes those changes into program.toml and the records
without disturbing a line the import did not change.
"""
