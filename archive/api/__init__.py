"""The read-only JSON API: every list of the archive as data (CONTRACT.md, "JSON").

The article list runs on the same ``ArticleFilter`` and facet counter as the HTML list; this
package only adds serializers, pagination and the OpenAPI description of it.
"""
