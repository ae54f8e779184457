"""The handbook site: public view, schedule, pages, calendars, the MkDocs plugin, publishing."""
