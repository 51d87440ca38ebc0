"""Search that understands Finnish, Swedish and English: analysis, queries, both databases' index formats.

The domains (requests, the handbook) say what of theirs is indexed and keep it current in their services; this
package knows nothing of them.
"""
