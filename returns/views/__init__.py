"""Views of returns: the list, task list, section forms and check (`task_list`), and sign-off
and submission (`sign_off`)."""
