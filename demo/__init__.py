"""The demo (`manage.py seed_demo`): made through every domain area's services, so it sits above them
all and nothing in domain/ or graph/ imports it."""
