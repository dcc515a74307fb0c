"""The spreadsheet template and uploads: layout, builder, bounded parser, checks, report."""
