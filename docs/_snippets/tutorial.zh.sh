# 准备环境，用 nbval 运行每个笔记本，并构建本站点：
scripts/tutorial
# 然后打开中文笔记本，亲自运行：
scripts/lab notebooks/zh/
