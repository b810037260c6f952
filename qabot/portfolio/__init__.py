"""Portfolio statistics and themes, computed exactly from the parsed records and vectors."""
