"""The structured layer of the Écossolies wiki: data blocks, page types, index, queries, exports.

An ordinary package (imported as ``plugins``), never through moin's plugin loader.
"""
