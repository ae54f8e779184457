"""Policies: one module per question that both the rules and the matcher ask.

`workload` answers "how busy is this mentor, and how many pairs may they have?" and
`pair_quality` answers "does this pair complement each other?". HB101, HB301 and HB302 report
what these say; `handbook match` plans with them; the portfolio groups by them. Because every
consumer calls the same function, they cannot disagree.
"""
