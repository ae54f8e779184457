"""Reviewing a change to the program: what it means for people, and which findings it brings.

One module per step: `sides` reads the two versions (git revisions or files), `compare` finds
what changed and whom it reaches, `proposals` reruns the matcher when its settings change,
`words` says each change as a program owner reads it, `formats` renders text, Markdown and
JSON, and `baseline` keeps only the findings a change introduced (`check --new-since`).
"""
