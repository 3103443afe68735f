# Set up, run every notebook under nbval, and build this site:
scripts/tutorial
# Then open the notebooks and run them yourself:
scripts/lab
