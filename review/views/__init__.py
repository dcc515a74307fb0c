"""Views of the national review: the queue, completeness and reminders (`queue`), one return's
review (`return_review`) and the organisation's queries page (`queries`)."""
