"""情况说明: facts computed from the filing and its printed tables, written as Chinese text."""
