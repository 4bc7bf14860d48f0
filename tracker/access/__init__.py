"""Who may see what through the web: the secret key and the personal links made with it."""
