"""NHS Staff Survey results for indicators 5 to 8: the national load, its page and the pre-fill."""
