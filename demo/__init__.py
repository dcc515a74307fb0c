"""Demo data for the embedded portal (`manage.py seed_demo`): on top of every other app, it puts
the register, demo users, synthetic returns and publications together. Never runs with DEBUG off."""
