"""The measures: a catalogue declared as data, and pure functions from stored figures to
measure series, plans, variances and statuses. Never imports Dash or Plotly."""
