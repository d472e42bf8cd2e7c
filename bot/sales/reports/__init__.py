"""Team reports: the numbers (data), a chart image (chart) and a spreadsheet (workbook)."""
