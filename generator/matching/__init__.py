"""`handbook match`: optimal, explained pairings for a cohort.

The flow, one module per step:

- `candidates`: who can be matched in the cohort, each mentor's remaining capacity, and the
  hard constraints (reporting line, earlier pairs, exclusions, availability) as a mask.
- `scoring`: one score in [0, 1] per mentor-mentee candidate and component, computed with numpy;
  plugins add components through the `handbook_match_components` hook.
- `solver`: the exact assignment (most mentees matched, then the best score): a min-cost flow
  with OR-tools, and branch and bound for people in both roles.
- `explain`: reasons in words, runner-ups and why someone stayed unmatched.
- `proposal`: puts the steps together for a proposal, a rebalance or a rotation plan.
- `writing`: adds the chosen pairs to program.toml, keeping its comments and layout.
- `report`: the owner's self-contained HTML report.
"""
