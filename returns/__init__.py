"""Collections, returns and their versions: the task list, forms, checks and sign-off."""
