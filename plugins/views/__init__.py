"""Everything that builds moin DOM or HTML: cards, listings, chains, maps, help. Never imports the web side."""
