"""Your code: hooks and extra routes. Bookwright creates these files once and never rewrites them."""
