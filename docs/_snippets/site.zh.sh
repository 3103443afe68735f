# 把站点构建到 site/ 中（严格模式：任何警告都会让构建失败）：
scripts/site
# 编辑时预览，在 http://127.0.0.1:8000 上自动刷新：
.venv/bin/mkdocs serve
# 检查构建好的站点，并在真实的浏览器中查看：
.venv/bin/pytest tests/site
