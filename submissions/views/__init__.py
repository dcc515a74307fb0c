"""Views of returns: the task list and forms (`returns`, `signoff`); uploads live in `upload*`."""
