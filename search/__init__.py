"""Orbita's search engine: documents, Russian+English analysis, the Whoosh index and querying.

No web code lives here: the page, the JSON API and the command line all call these functions.
"""
