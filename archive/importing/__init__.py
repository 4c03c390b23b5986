"""Importing articles from files: text, saved web pages, JSON, JSON Lines and CSV.

``import_articles`` (the management command) and the admin's upload page both go through
``pipeline.import_sources``; each article is written in its own transaction.
"""
