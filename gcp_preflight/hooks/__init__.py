"""Where the checks run: the GitHub Actions gate and its step summary, the pre-commit entry."""
