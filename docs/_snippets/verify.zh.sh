# 用一次全新的运行检查每一项保存的输出（scripts/tutorial 做的就是这个）：
.venv/bin/pytest --nbval notebooks
# 全部检查：代码规范、类型、辅助模块的测试、笔记本、站点以及浏览器测试：
scripts/test
