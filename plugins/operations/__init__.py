"""Operations: the CLI, seed content, accounts and groups, production settings, repair, imports."""
