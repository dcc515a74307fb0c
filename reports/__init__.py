"""The national report: NHS England's annual WRES data analysis, as a page and a PDF."""
