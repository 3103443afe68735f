# 重新运行每个笔记本，并保存它的输出：
scripts/regenerate
# ……或者只运行指定的笔记本：
scripts/regenerate notebooks/04-push.ipynb
# 提交之前，逐项查看输出有哪些变化：
git diff notebooks/
