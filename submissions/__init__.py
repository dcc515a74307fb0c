"""The migrations that made the collection's tables, before it was split into apps (ADR 0015).

Its models now live in `returns`, `uploads`, `review`, `survey` and `notifications`, keeping
these tables; the app stays installed so that any database, of any age, migrates forward.
"""
