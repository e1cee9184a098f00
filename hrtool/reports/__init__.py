"""Documents built from plain data (PDF with ReportLab, spreadsheets): data in, bytes out, no queries."""
