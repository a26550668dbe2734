"""Your own tests; Bookwright creates this folder once and never touches it again."""
