# Build the site into site/ (strict: any warning fails the build):
scripts/site
# Preview it while editing, with live reload on http://127.0.0.1:8000:
.venv/bin/mkdocs serve
# Check the built site and look at it in a real browser:
.venv/bin/pytest tests/site
