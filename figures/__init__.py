"""KPI results -> Plotly figures and the sentences that summarise them. No Dash, no database."""
