"""The public portal: published disclosures by region, year and department."""
