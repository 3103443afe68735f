# Re-run every notebook and store its outputs:
scripts/regenerate
# ... or only the notebooks named:
scripts/regenerate notebooks/04-push.ipynb
# Review what changed, output by output, before committing:
git diff notebooks/
