"""Pure vocabulary every layer shares: periods and terms, money, plan lines, the statuses of
things stored. No database, no Dash."""
