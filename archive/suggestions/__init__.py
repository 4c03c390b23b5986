"""Tag suggestions: places, officials, the outlet and the date read from an article's text.

Suggestions are proposals kept apart from the confirmed tags; nothing here changes what the
public pages show until an editor confirms a suggestion in the admin.
"""
