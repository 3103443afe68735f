# Check every stored output against a fresh run (what scripts/tutorial does):
.venv/bin/pytest --nbval notebooks
# Everything: lint, types, the helpers' tests, the notebooks, the site and the browser tests:
scripts/test
