"""The shared file store: every file the portal keeps, in the database every node uses."""
