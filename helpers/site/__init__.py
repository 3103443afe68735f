"""The site: each step notebook made into a page, in the words of its edition."""
