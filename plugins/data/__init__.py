"""The data layer: front matter, schema, registry, page types, identifiers, communes, numbers. No Flask, no moin DOM, no views, no web."""
