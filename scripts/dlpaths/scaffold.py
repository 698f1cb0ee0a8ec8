"""`dlpaths new`: a topic page and notebook that pass validation, ready to be written."""

from __future__ import annotations

import re
from pathlib import Path

from .content import PATHS_FILE, SLUG_RE, load_site
from .errors import ContentError, Problem

FRONT_MATTER_TEMPLATE = """\
---
title: {title}
description: 用一句话说明学完这一课能做什么（10 到 160 个字）。
hours: 3
level: beginner
prerequisites: []
{notebook_line}resources:
  - title: 资源标题（与原文一致）
    url: https://example.org/replace-with-a-verified-url
    kind: blog
    language: zh
    free: true
    author: 作者
    note: 一句话：这份资源适合做什么、什么时候读。
  - title: 第二份资源
    url: https://example.org/replace-with-a-second-url
    kind: paper
    language: en
    free: true
    author: 作者
    year: 2020
    note: 一句话说明。
  - title: 第三份资源
    url: https://example.org/replace-with-a-third-url
    kind: video
    language: en
    free: true
    author: 作者
    note: 一句话说明。
---
"""

LESSON_BODY = """
## 学习目标

- 学完本课，你能……

## 先修与时间

说明每个先修主题为什么需要。

## 直觉

先讲想法：一个例子、一张图、一个不误导的类比。

## 原理

需要的数学，逐步推导；符号先定义再使用。

## 动手

<!-- dlpaths:notebook -->

## 常见误区

- 学习者真正会犯的错误。

## 练习

### 练习 1：标题

题目。

??? success "参考答案"
    答案或提示。

### 练习 2：标题

题目。

??? success "参考答案"
    答案或提示。

### 练习 3：标题

题目。

??? success "参考答案"
    答案或提示。

## 资源

<!-- dlpaths:resources -->

## 下一步

说明两条路线接下来分别去哪里。
"""

# A text page (books, tools, advice) has no notebook and no exercises: its own sections,
# then resources and where to go next.
TEXT_PAGE_BODY = """
## 这一页讲什么

一两段话：读者为什么需要这一页、读完能做什么。

## 第一部分

按页面的需要分节；每个事实、数字和日期都附上核实过的来源链接。

## 资源

<!-- dlpaths:resources -->

## 下一步

说明读完这一页接下来去哪里。
"""

NOTEBOOK_TEMPLATE = """\
# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# ### 准备
#
# 说明这个 notebook 要做什么。数据必须来自已安装的包或由代码生成（不能联网下载）。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({{"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False}})
rng = np.random.default_rng(0)

# %% [markdown]
# ### 关键结果
#
# 每个 notebook 都要用 assert 检查它的关键结果，结果退化时构建会失败。

# %%
result = float(rng.normal(size=1000).mean())
print(f"mean = {{result:.3f}}")
assert abs(result) < 0.2, result
"""


def create_topic(
    root: Path, slug: str, title: str, path_id: str, after: str | None = None, notebook: bool = True
) -> list[Path]:
    docs_dir = root / "docs"
    page = docs_dir / "topics" / f"{slug}.md"
    problems = []
    if not SLUG_RE.match(slug):
        problems.append(Problem(slug, "slug", "not an ASCII slug", "use lowercase ASCII words joined by '-'"))
    if page.exists():
        problems.append(Problem(f"docs/topics/{slug}.md", "", "already exists", "choose another slug"))
    site = load_site(docs_dir, root / "notebooks")
    if path_id not in {p.id for p in site.paths}:
        problems.append(
            Problem("--path", "", f"unknown path '{path_id}'", f"use one of: {', '.join(p.id for p in site.paths)}")
        )
    elif after and after not in site.path(path_id).steps:
        problems.append(Problem("--after", "", f"'{after}' is not a step of {path_id}", "name an existing step"))
    if problems:
        raise ContentError(problems)
    created = []
    notebook_path = root / "notebooks" / f"{slug}.py"
    page.parent.mkdir(parents=True, exist_ok=True)
    front_matter = FRONT_MATTER_TEMPLATE.format(title=title, notebook_line=f"notebook: {slug}.py\n" if notebook else "")
    page.write_text(front_matter + (LESSON_BODY if notebook else TEXT_PAGE_BODY), encoding="utf-8")
    created.append(page)
    if notebook:
        notebook_path.write_text(NOTEBOOK_TEMPLATE.format(), encoding="utf-8")
        created.append(notebook_path)
    paths_file = docs_dir / PATHS_FILE
    paths_file.write_text(add_step(paths_file.read_text(encoding="utf-8"), path_id, slug, after), encoding="utf-8")
    created.append(paths_file)
    return created


def add_step(paths_yaml: str, path_id: str, slug: str, after: str | None) -> str:
    """Insert `- slug` into a path's steps, keeping the file's comments and layout.

    In a path with stages the new step goes after `after`, or at the end of the last stage.
    """
    lines = paths_yaml.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*-\s+id:\s*{re.escape(path_id)}\s*$", line))
    id_indent = re.match(r"(\s*)-", lines[start]).group(1)
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"{id_indent}-\s+id:", lines[i])),
        len(lines),
    )
    items = [i for i in range(start + 1, end) if re.match(r"\s*-\s+[a-z0-9-]+\s*$", lines[i])]
    if items:
        anchor = next(i for i in items if lines[i].strip() == f"- {after}") if after else items[-1]
        indent = re.match(r"(\s*)-", lines[anchor]).group(1)
    else:
        anchor = next(i for i in range(start, end) if re.match(r"\s*steps:\s*$", lines[i]))
        indent = re.match(r"(\s*)", lines[anchor]).group(1) + "  "
    lines.insert(anchor + 1, f"{indent}- {slug}\n")
    return "".join(lines)
