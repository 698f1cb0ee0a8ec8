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
# 这个 notebook 用 scikit-learn 自带的手写数字数据（`load_digits`，1797 张 8×8 灰度图）走一遍机器学习里最常画的图：
# 先用 NumPy 训练一个小小的 softmax 分类器，再画它的训练曲线、二维散点、直方图、图像、权重、混淆矩阵，
# 最后讲中文字体、配色和保存图片。第一个代码单元是全站 notebook 共用的模板：
# 它从 `mplfonts` 包里加载 Noto Sans CJK 字体，让图里的中文能显示出来；第 7 节会解释每一行。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 10,
    }
)
rng = np.random.default_rng(0)

# %%
import shutil
import tempfile
import warnings

import matplotlib as mpl
from matplotlib.colors import BoundaryNorm
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import NullFormatter
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

threadpool_limits(1, user_api="blas")  # tiny matrices: one BLAS thread is faster and deterministic

font_in_use = font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"]))
print(f"matplotlib {mpl.__version__}, backend: {mpl.get_backend()}")
print(f"font used for text: {Path(font_in_use).name}")
assert Path(font_in_use).name == "NotoSansCJKsc-Regular.otf"

# %% [markdown]
# ### 1. 两种写法：pyplot 状态机与面向对象
#
# Matplotlib 的一张图是一棵对象树：最外层是 `Figure`（整张画布），里面有一个或多个 `Axes`（一个坐标系，
# 也就是通常说的“一个子图”），`Axes` 里再放线、点、文字、刻度等，它们统称 `Artist`。
#
# `plt.plot`、`plt.title` 这类函数属于 **pyplot 接口**：它在后台记着“当前的 Figure”和“当前的 Axes”，
# 每个函数都作用在“当前”的那个上面，像一台状态机。`fig, ax = plt.subplots()` 之后调用 `ax.plot`、
# `ax.set_title` 则是 **面向对象接口**：你手里拿着对象，画到哪里一目了然。下面两种写法画出同一条线；
# 第三段演示状态机最常见的坑：标题落到了“当前” Axes，也就是最后创建的那个子图上。
# 这一节的图都用 `plt.close` 关掉，不显示，只检查对象。

# %%
# implicit interface: pyplot keeps track of the "current" figure and axes
plt.figure(figsize=(4, 2.5))
plt.plot([0, 1, 2, 3], [2.3, 0.9, 0.5, 0.4], label="pyplot")
plt.title("隐式接口")
fig_implicit, ax_implicit = plt.gcf(), plt.gca()
plt.close(fig_implicit)

# explicit interface: we hold the objects
fig, ax = plt.subplots(figsize=(4, 2.5))
(line,) = ax.plot([0, 1, 2, 3], [2.3, 0.9, 0.5, 0.4], label="面向对象")
ax.set_title("显式接口")
plt.close(fig)

print(type(fig_implicit).__name__, "->", [type(a).__name__ for a in fig_implicit.axes], "->",
      [type(a).__name__ for a in ax_implicit.lines])
assert len(fig_implicit.axes) == 1 and len(ax_implicit.lines) == 1
assert np.array_equal(ax_implicit.lines[0].get_ydata(), line.get_ydata())

# the state-machine trap: plt.title goes to the *current* axes, i.e. the last one created
fig2, (left, right) = plt.subplots(1, 2, figsize=(6, 2.5))
plt.title("本想给左图的标题")
print(f"left title: {left.get_title()!r}, right title: {right.get_title()!r}")
assert left.get_title() == "" and right.get_title() == "本想给左图的标题"
plt.close(fig2)

# %% [markdown]
# ### 2. 折线图：训练曲线、图例和对数坐标
#
# 先训练一个模型，好有真实的曲线可画。把 8×8 像素展平成 64 维、除以 16 缩放到 $[0, 1]$，
# 打乱后取 500 张作训练集、其余 1297 张作验证集，用全批量梯度下降训练 softmax 回归（多分类的逻辑回归，
# 路线后面会专门讲），每一轮记录训练集和验证集上的交叉熵损失。
#
# 同一组数据画两遍：左边是普通的线性坐标，右边把纵轴换成对数坐标 `ax.set_yscale("log")`。
# 损失常常跨越好几个数量级，线性坐标把后期的变化压成一条平线；对数坐标上，相同的**比例**变化占相同的高度。

# %%
digits = load_digits()
X = digits.data / 16.0
y = digits.target
images = digits.images
perm = rng.permutation(len(y))
tr, va = perm[:500], perm[500:]
X_tr = np.c_[X[tr], np.ones(len(tr))]  # bias column
X_va = np.c_[X[va], np.ones(len(va))]
y_tr, y_va = y[tr], y[va]
Y_tr = np.eye(10)[y_tr]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(p, labels):
    return float(-np.log(p[np.arange(len(labels)), labels]).mean())


W = np.zeros((65, 10))
epochs, lr = 400, 1.0
train_loss, val_loss = [], []
for epoch in range(epochs):
    p_tr = softmax(X_tr @ W)
    train_loss.append(cross_entropy(p_tr, y_tr))
    val_loss.append(cross_entropy(softmax(X_va @ W), y_va))
    W -= lr * X_tr.T @ (p_tr - Y_tr) / len(tr)
train_loss, val_loss = np.array(train_loss), np.array(val_loss)

p_va = softmax(X_va @ W)
pred = p_va.argmax(axis=1)
confidence = p_va.max(axis=1)
val_acc = float((pred == y_va).mean())
drop_tr = train_loss[199] / train_loss[-1]
drop_va = val_loss[199] / val_loss[-1]
print(f"epoch 0 loss = {train_loss[0]:.4f} (ln 10 = {np.log(10):.4f})")
print(f"after {epochs} epochs: train loss {train_loss[-1]:.4f}, val loss {val_loss[-1]:.4f}, val accuracy {val_acc:.3f}")
gap = val_loss - train_loss
print(f"epoch 200 -> 400: train loss shrank x{drop_tr:.2f}, val loss x{drop_va:.2f}; "
      f"gap val - train {gap[199]:.3f} -> {gap[-1]:.3f}")
assert abs(train_loss[0] - np.log(10)) < 1e-12  # all-zero weights: uniform prediction over 10 classes
assert val_acc > 0.93
assert train_loss[-1] < val_loss[-1] and drop_tr > drop_va and gap[-1] > gap[199]

# %%
ep = np.arange(1, epochs + 1)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
for ax, scale in zip(axes, ["linear", "log"]):
    ax.plot(ep, train_loss, color="C0", lw=2, label="训练集")
    ax.plot(ep, val_loss, color="C1", lw=2, ls="--", label="验证集")
    ax.set_yscale(scale)
    ax.set_xlabel("轮次（epoch）")
    ax.set_ylabel("交叉熵损失")
    ax.grid(alpha=0.3, which="both" if scale == "log" else "major")
    ax.legend(loc="upper right")
axes[0].set_title("线性纵轴：后半程看起来几乎是平的")
axes[1].set_title("对数纵轴：训练损失仍在按比例下降")
axes[1].set_yticks([0.1, 0.2, 0.5, 1, 2], ["0.1", "0.2", "0.5", "1", "2"])
axes[1].yaxis.set_minor_formatter(NullFormatter())
axes[1].annotate(f"第 {epochs} 轮：验证 {val_loss[-1]:.3f}，训练 {train_loss[-1]:.3f}",
                 xy=(epochs, val_loss[-1]), xytext=(120, 0.6), arrowprops=dict(arrowstyle="->", color="0.3"))
assert [len(a.get_lines()) for a in axes] == [2, 2]
assert [t.get_text() for t in axes[1].get_legend().get_texts()] == ["训练集", "验证集"]
plt.show()

# %% [markdown]
# ### 3. 散点图：按类别上色，配颜色条
#
# 64 维的像素没法直接画，先用 SVD 把中心化后的数据投影到方差最大的两个方向上（这就是主成分分析，
# 路线二后面有专门一课），得到每张图的二维坐标。左图按真实类别上色：类别是离散的，
# 所以用定性色表 `tab10` 加 `BoundaryNorm`，让颜色条变成 10 个整齐的色块、刻度正好在中间。
# 右图只画验证集，按模型对自己预测的置信度（softmax 最大概率）上色：这是连续量，用顺序色表 `viridis`；
# 黑圈标出分错的样本。

# %%
Xc = X - X.mean(axis=0)
_, _, Vt = np.linalg.svd(Xc, full_matrices=False)
Z = Xc @ Vt[:2].T
wrong = pred != y_va

fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax = axes[0]
sc = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", norm=BoundaryNorm(np.arange(-0.5, 10), 10), s=7, linewidths=0)
cbar = fig.colorbar(sc, ax=ax, ticks=range(10))
cbar.set_label("真实类别（数字）")
ax.set_title("全部 1797 张：按类别上色")

ax = axes[1]
sc2 = ax.scatter(Z[va, 0], Z[va, 1], c=confidence, cmap="viridis", s=7, linewidths=0)
ax.scatter(Z[va[wrong], 0], Z[va[wrong], 1], s=60, facecolors="none", edgecolors="black", lw=1,
           label=f"分错的 {wrong.sum()} 张")
cbar2 = fig.colorbar(sc2, ax=ax)
cbar2.set_label("模型置信度（最大概率）")
ax.set_title("验证集：按置信度上色")
ax.legend(loc="lower right")
for a in axes:
    a.set_xlabel("第 1 主成分")
    a.set_ylabel("第 2 主成分")
    a.set_aspect("equal")
conf_right, conf_wrong = confidence[~wrong], confidence[wrong]
print(f"mean confidence: correct {conf_right.mean():.3f}, wrong {conf_wrong.mean():.3f}")
assert sc.get_offsets().shape == (len(y), 2) and np.array_equal(sc.get_array(), y)
assert len(fig.axes) == 4  # two plots + two colorbars (each colorbar is an Axes too)
assert conf_wrong.mean() < conf_right.mean()
plt.show()

# %% [markdown]
# ### 4. 直方图：箱数和 density
#
# 直方图把数轴切成若干个箱（bin），数每个箱里有多少个值。左图是同一组 400 个标准正态样本：
# 箱太少（5 个）抹掉了形状，箱太多（100 个）每个箱里只剩几个点，高度全是噪声；
# `bins="auto"` 让 NumPy 按样本量和离散程度自动选一个折中。三者都用了 `density=True`：
# 纵轴不再是个数，而是“个数 ÷（总数 × 箱宽）”，所有柱子的面积加起来等于 1，才能和概率密度曲线画在一起。
#
# 中图和右图是第 2 节模型在验证集上的置信度，按“预测对了”和“预测错了”分成两组。
# 两组样本数相差近 20 倍：按个数画（中图），错的那组几乎看不见；`density=True`（右图）让两组各自归一，
# 形状才能比较：预测错的样本，置信度明显偏低。

# %%
sample = rng.normal(size=400)
auto_edges = np.histogram_bin_edges(sample, bins="auto")
grid = np.linspace(-4, 4, 200)
pdf = np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi)
conf_edges = np.linspace(0.2, 1.0, 17)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.3), layout="constrained")
ax = axes[0]
for bins, color, lw, label in [(5, "C1", 2.0, "5 个箱"), (100, "C4", 1.0, "100 个箱"),
                               ("auto", "C0", 2.0, f"auto（{len(auto_edges) - 1} 个箱）")]:
    ax.hist(sample, bins=bins, density=True, histtype="step", color=color, lw=lw, label=label)
ax.plot(grid, pdf, color="black", lw=1.2, ls=":", label="真实密度")
ax.set_title("同一组样本，三种箱数")
ax.set_xlabel("取值")
ax.set_ylabel("密度")
ax.legend(fontsize=8, loc="upper left")

hists = {}
for ax, density in [(axes[1], False), (axes[2], True)]:
    for data, color, label in [(conf_right, "C0", f"预测对（{len(conf_right)} 张）"),
                               (conf_wrong, "C3", f"预测错（{len(conf_wrong)} 张）")]:
        counts, edges, _ = ax.hist(data, bins=conf_edges, density=density, color=color, alpha=0.55, label=label)
        hists[(density, label[:3])] = (counts, edges)
    ax.set_xlabel("模型置信度")
    ax.legend(fontsize=8, loc="upper left")
axes[1].set_ylabel("个数")
axes[1].set_title("density=False：按个数")
axes[2].set_ylabel("密度")
axes[2].set_title("density=True：各自面积为 1")

widths = np.diff(conf_edges)
for (density, group), (counts, _) in hists.items():
    total = (counts * widths).sum() if density else counts.sum()
    expected = 1.0 if density else (len(conf_right) if group == "预测对" else len(conf_wrong))
    print(f"density={density!s:<5} {group}: {'area' if density else 'count'} = {total:.4f}")
    assert abs(total - expected) < 1e-9
print(f"bins='auto' chose {len(auto_edges) - 1} bins for n = {len(sample)}")
assert conf_edges[0] <= confidence.min()
plt.show()

# %% [markdown]
# ### 5. 图像：imshow、色表和取值范围
#
# `ax.imshow(A)` 把二维数组的每个元素画成一个像素，元素值经过“归一化 + 色表”变成颜色。上排是同一张数字：
#
# - `gray_r` 把大值画成黑色，像白纸上的墨迹；`gray` 正好相反；`viridis` 是 Matplotlib 的默认色表。
# - 8×8 的小图放大显示时，`interpolation="nearest"` 保留方块像素；`"bilinear"` 会把相邻像素糊在一起，
#   看起来更“平滑”，却是原数据里没有的东西。
# - 最右边两张把亮度乘以 0.25。`imshow` 默认把每张图自己的最小值到最大值拉满整个色表，
#   所以变暗的图和原图**看起来一模一样**；要比较不同图像的亮度，得用 `vmin`、`vmax` 固定范围。
#
# 下排是第 2 节模型学到的权重：每个类别的 64 个权重排回 8×8。权重有正有负，用发散色表 `RdBu_r`，
# 并让范围关于 0 对称，白色就正好表示 0：红色像素“支持”这个类别，蓝色像素“反对”。

# %%
img = images[va[0]]
faint = img * 0.25
weights = W[:64].T.reshape(10, 8, 8)
wmax = np.abs(weights).max()

fig, axes = plt.subplots(2, 6, figsize=(10, 3.9), layout="constrained")
top = [
    (img, dict(cmap="gray_r"), "gray_r"),
    (img, dict(cmap="gray"), "gray"),
    (img, dict(cmap="viridis"), "viridis"),
    (img, dict(cmap="gray_r", interpolation="bilinear"), "bilinear 插值"),
    (faint, dict(cmap="gray_r"), "×0.25，自动范围"),
    (faint, dict(cmap="gray_r", vmin=0, vmax=16), "×0.25，vmin=0, vmax=16"),
]
ims = []
for ax, (data, kw, title) in zip(axes[0], top):
    kw.setdefault("interpolation", "nearest")
    ims.append(ax.imshow(data, **kw))
    ax.set_title(title, fontsize=9)
for k, ax in enumerate(axes[1]):
    im_w = ax.imshow(weights[k], cmap="RdBu_r", vmin=-wmax, vmax=wmax, interpolation="nearest")
    ax.set_title(f"权重：数字 {k}", fontsize=9)
fig.colorbar(im_w, ax=axes[1, :], shrink=0.9, label="权重")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])

print(f"image shape {img.shape}, value range {img.min():.0f}..{img.max():.0f}, label {y_va[0]}")
print(f"colour limits: original {ims[0].get_clim()}, faint auto {ims[4].get_clim()}, faint fixed {ims[5].get_clim()}")
assert ims[4].get_clim() == (faint.min(), faint.max()) and ims[5].get_clim() == (0, 16)
# auto-scaled: the faint image maps to exactly the same colours as the original
assert np.allclose(ims[0].norm(img), ims[4].norm(faint))
# a class's weights resemble "its mean image minus the overall mean image"
templates = np.array([X[y == k].mean(axis=0) - X.mean(axis=0) for k in range(10)])
corr = [np.corrcoef(W[:64, k], templates[k])[0, 1] for k in range(10)]
print("corr(weights, class mean - overall mean):", np.round(corr, 2))
assert min(corr) > 0.5
plt.show()

# %% [markdown]
# ### 6. 布局：混淆矩阵热力图和分错的样本
#
# 一张图里放几个子图，`plt.subplots(行, 列)` 最常用；大小不一的子图用 `plt.subplot_mosaic`，
# 用一个字符串网格描述布局，同名的格子合并成一个 Axes。`layout="constrained"` 会自动留出标题、
# 刻度和颜色条的空间，免得互相压住。
#
# 左边是验证集上的混淆矩阵（confusion matrix）：第 $i$ 行第 $j$ 列是“真实为 $i$、预测为 $j$”的样本数，
# 对角线是分对的。用 `imshow` 画成热力图，再用 `ax.text` 把数字写进每个格子；
# 深色格子上写白字、浅色格子上写黑字，两种背景都看得清。右边是 6 张分错的图，标题写着真实类别和预测类别。

# %%
cm = np.zeros((10, 10), dtype=int)
np.add.at(cm, (y_va, pred), 1)
mosaic = [["cm", "cm", "e0", "e1", "e2"],
          ["cm", "cm", "e3", "e4", "e5"]]
fig, axd = plt.subplot_mosaic(mosaic, figsize=(10, 4.3), layout="constrained")
ax = axd["cm"]
im_cm = ax.imshow(cm, cmap="Blues")
for i in range(10):
    for j in range(10):
        ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=8,
                color="white" if cm[i, j] > cm.max() / 2 else ("black" if cm[i, j] else "0.75"))
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("预测类别")
ax.set_ylabel("真实类别")
ax.set_title(f"混淆矩阵（验证集准确率 {val_acc:.1%}）")
fig.colorbar(im_cm, ax=ax, shrink=0.85, label="样本数")

wrong_idx = np.flatnonzero(wrong)[:6]
for k, i in enumerate(wrong_idx):
    a = axd[f"e{k}"]
    a.imshow(images[va[i]], cmap="gray_r", interpolation="nearest")
    a.set_title(f"真 {y_va[i]} → 判 {pred[i]}", fontsize=9, color="C3")
    a.set_axis_off()

off = cm - np.diag(np.diag(cm))
r, c = np.unravel_index(off.argmax(), off.shape)
print(f"{cm.sum()} validation images, {np.trace(cm)} correct; most common confusion: {r} -> {c} ({off[r, c]} times)")
assert cm.sum() == len(va) and np.trace(cm) == int((pred == y_va).sum())
assert len(ax.texts) == 100
assert len(fig.axes) == 1 + 6 + 1  # matrix, six examples, colorbar
plt.show()

# %% [markdown]
# ### 7. 中文字体与负号
#
# Matplotlib 默认字体 DejaVu Sans 覆盖大部分西文字母，但没有汉字。一个字体文件里有哪些字，
# 可以直接查它的字符表（cmap）：下面检查三个字体里有没有“损”、普通连字符 `-`（U+002D）
# 和数学负号 `−`（U+2212）。Matplotlib 的刻度标签默认用 U+2212 显示负数（`axes.unicode_minus=True`），
# 因为它和加号一样宽、比连字符好看。
#
# 于是有两种典型的坏结果（下图左、中），都是在临时的 `rc_context` 里画到内存再显示出来：
#
# - 只有 DejaVu Sans：汉字没有字形。这个版本的 Matplotlib 用 Unicode 的 Last Resort 字体画一个占位符，
#   旧版本画空心方框，俗称“豆腐块”；同时给出 `Glyph ... missing from font(s)` 警告。
# - 只有 SimHei（黑体，`mplfonts` 里也带了一份）：汉字正常，但它没有 U+2212，负号变成占位符。
#   网上流传的 `axes.unicode_minus=False` 就是为此：让刻度改用连字符。
#
# 本站的设置（右）做了三件事：用 `addfont` 把 Noto Sans CJK SC 注册给 Matplotlib（不用安装到系统、
# 不改任何配置文件）；`font.family` 写成列表，某个字在第一个字体里找不到时，逐字回退到下一个字体；
# 再关掉 `unicode_minus` 作保险。Noto Sans CJK SC 本身就有 U+2212，所以这一项对它并非必需。
# 代码最后还验证了回退：字体列表写成 `["SimHei", "DejaVu Sans"]` 时，即使打开 `unicode_minus`，
# 负号也会从 DejaVu Sans 里取，不再报警。

# %%
fonts_dir = Path(mplfonts.__file__).parent / "fonts"
font_manager.fontManager.addfont(str(fonts_dir / "SimHei.ttf"))
font_files = {
    "DejaVu Sans": Path(font_manager.findfont("DejaVu Sans")),
    "SimHei": fonts_dir / "SimHei.ttf",
    "Noto Sans CJK SC": fonts_dir / "NotoSansCJKsc-Regular.otf",
}
probe = {"损": "U+635F", "-": "U+002D", "\u2212": "U+2212"}
coverage = {}
for name, path in font_files.items():
    charmap = FT2Font(str(path)).get_charmap()
    coverage[name] = {ch: ord(ch) in charmap for ch in probe}
    print(f"{name:<17} {len(charmap):>6} characters; " +
          ", ".join(f"{code}: {'yes' if coverage[name][ch] else 'no'}" for ch, code in probe.items()))
assert not coverage["DejaVu Sans"]["损"] and coverage["DejaVu Sans"]["\u2212"]
assert coverage["SimHei"]["损"] and not coverage["SimHei"]["\u2212"]
assert all(coverage["Noto Sans CJK SC"].values())


def render(rc):
    """Draw a small chart under temporary settings; return its pixels and the warnings it raised."""
    with plt.rc_context(rc), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f, a = plt.subplots(figsize=(3.2, 2.3))
        x = np.linspace(-3, 3, 61)
        a.plot(x, np.tanh(x))
        a.set_title("激活函数 tanh")
        a.set_xlabel("输入")
        f.canvas.draw()
        pixels = np.asarray(f.canvas.buffer_rgba()).copy()
        plt.close(f)
    return pixels, [str(w.message) for w in caught]


cases = {
    "只有 DejaVu Sans": {"font.family": ["DejaVu Sans"], "axes.unicode_minus": True},
    "只有 SimHei，unicode_minus=True": {"font.family": ["SimHei"], "axes.unicode_minus": True},
    "本站设置": {},
}
rendered = {title: render(rc) for title, rc in cases.items()}
for title, (pixels, msgs) in rendered.items():
    print(f"{title}: buffer {pixels.shape}, {len(msgs)} warnings" + (f", e.g. {msgs[0]}" if msgs else ""))
    assert pixels.shape == (230, 320, 4)  # figsize (3.2, 2.3) inches x 100 dpi, RGBA
msgs_dejavu, msgs_simhei, msgs_site = (m for _, m in rendered.values())
assert msgs_dejavu and all("DejaVu Sans" in m for m in msgs_dejavu)
assert msgs_simhei and all("MINUS SIGN" in m for m in msgs_simhei)
assert msgs_site == []
# fallback: SimHei first, DejaVu Sans second -> the minus sign is taken from DejaVu Sans, no warning
_, msgs_fallback = render({"font.family": ["SimHei", "DejaVu Sans"], "axes.unicode_minus": True})
print(f"SimHei + DejaVu Sans, unicode_minus=True: {len(msgs_fallback)} warnings")
assert msgs_fallback == []

fig, axes = plt.subplots(1, 3, figsize=(10, 2.6), layout="constrained")
for ax, (title, (pixels, msgs)) in zip(axes, rendered.items()):
    ax.imshow(pixels)
    ax.set_title(f"{title}（{len(msgs)} 条警告）", fontsize=9)
    ax.set_axis_off()
plt.show()

# %% [markdown]
# ### 8. 配色：色表的亮度与色觉友好
#
# 人对亮度变化的感知远比对色相变化可靠，所以表示数值大小的色表最好让亮度单调变化。
# 下面把色表的每个颜色换算成 CIE 亮度 $L^*$（0 是黑、100 是白，近似“看起来有多亮”）：
# 先把 sRGB 值去掉伽马得到线性光强，按 $Y = 0.2126R + 0.7152G + 0.0722B$ 求相对亮度，再换算成 $L^*$。
# `viridis` 和 `cividis` 从暗到亮单调上升，`gray` 也是；`jet`（彩虹色）忽明忽暗，
# 转成灰度（打印、投影或色觉缺陷的读者看到的更接近这个）后，中间一段反而比两头更亮，
# 会在数据里“造出”并不存在的边界。

# %%
def luminance(rgb):
    """Relative luminance Y of sRGB colours (array (..., 3) in 0..1)."""
    rgb = np.asarray(rgb, dtype=float)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def lightness(Y):
    """CIE L* (0 = black, 100 = white) from relative luminance."""
    f = np.where(Y > (6 / 29) ** 3, np.cbrt(Y), Y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f - 16


def grey_like(Y):
    """The sRGB grey with the same luminance (what a greyscale copy shows)."""
    v = np.where(Y <= 0.0031308, 12.92 * Y, 1.055 * Y ** (1 / 2.4) - 0.055)
    return np.repeat(v[..., None], 3, axis=-1)


t = np.linspace(0, 1, 256)
Ys = {name: luminance(mpl.colormaps[name](t)[:, :3]) for name in ["viridis", "cividis", "gray", "jet"]}
L = {name: lightness(Y) for name, Y in Ys.items()}
for name, values in L.items():
    steps = np.diff(values)
    print(f"{name:<8} L* from {values[0]:5.1f} to {values[-1]:5.1f}; monotonic: {bool(np.all(steps > 0))}; "
          f"direction changes: {int(np.sum(np.diff(np.sign(steps[np.abs(steps) > 1e-9])) != 0))}")
print(f"jet is brightest (L* = {L['jet'].max():.1f}) at position {t[np.argmax(L['jet'])]:.2f}")
assert np.all(np.diff(L["viridis"]) > 0) and np.all(np.diff(L["cividis"]) > 0)
assert np.argmax(L["jet"]) not in (0, 255)  # jet is brightest somewhere in the middle
assert np.allclose(lightness(luminance(grey_like(Ys["jet"]))), L["jet"])  # the grey strip keeps L*

fig, axes = plt.subplots(1, 2, figsize=(10, 3.3), layout="constrained", width_ratios=[1.2, 1])
ax = axes[0]
for name, style in [("viridis", "-"), ("cividis", "--"), ("gray", ":"), ("jet", "-")]:
    ax.plot(t, L[name], ls=style, lw=2, label=name, color="0.4" if name == "gray" else None)
ax.set_xlabel("色表位置（数据从小到大）")
ax.set_ylabel("亮度 L*")
ax.set_title("亮度沿色表的变化")
ax.legend()
ax.grid(alpha=0.3)

ax = axes[1]
strips = []
for name in ["viridis", "jet"]:
    strips.append(mpl.colormaps[name](t)[None, :, :3].repeat(12, axis=0))
    strips.append(grey_like(Ys[name])[None].repeat(12, axis=0))
ax.imshow(np.concatenate(strips, axis=0), aspect="auto")
ax.set_yticks([6, 18, 30, 42], ["viridis", "viridis 的亮度", "jet", "jet 的亮度"])
ax.set_xticks([])
ax.set_title("彩色与对应的灰度")
plt.show()

print("default colour cycle:", [mpl.colors.to_hex(c) for c in mpl.color_sequences["tab10"][:4]], "...")
for name in ["petroff10", "okabe_ito"]:
    print(f"{name:<10}", [mpl.colors.to_hex(c) for c in mpl.color_sequences[name][:4]], "...")
print("colour-blind-minded style sheets:", [s for s in plt.style.available if "colorblind" in s or "petroff" in s])

# %% [markdown]
# ### 9. 保存图片：dpi、bbox_inches、位图与矢量图
#
# `fig.savefig` 按文件扩展名选格式。PNG 是位图（raster）：像素数 = 英寸尺寸 × `dpi`，放大会出现锯齿；
# SVG 和 PDF 是矢量图（vector）：记录的是线和字的几何形状，任意缩放都清晰，适合论文和幻灯片，
# 但散点多达几十万个时文件会很大。`bbox_inches="tight"` 按内容裁掉（或补上）四周的空白；
# `transparent=True` 让背景透明，放到深色背景上时黑色的字和轴就看不见了。
# 本站深色模式下把图放在白色卡片上，正是为了避开这个问题。
#
# 下面把一张小图存成几种格式，写进系统临时目录（不是仓库），读回来检查像素尺寸，最后删掉。

# %%
out = Path(tempfile.mkdtemp(prefix="mpl-lesson-"))
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(ep, train_loss, label="训练集")
ax.plot(ep, val_loss, ls="--", label="验证集")
ax.set_yscale("log")
ax.set_xlabel("轮次")
ax.set_ylabel("损失")
ax.legend()
fig.canvas.draw()
canvas_shape = np.asarray(fig.canvas.buffer_rgba()).shape

variants = {
    "dpi100.png": dict(dpi=100),
    "dpi200.png": dict(dpi=200),
    "tight.png": dict(dpi=100, bbox_inches="tight"),
    "transparent.png": dict(dpi=100, transparent=True),
    "curve.svg": {},
    "curve.pdf": {},
}
for name, kwargs in variants.items():
    fig.savefig(out / name, **kwargs)
plt.close(fig)

shapes = {name: plt.imread(out / name).shape for name in variants if name.endswith(".png")}
for name in variants:
    extra = f", pixels {shapes[name][1]}x{shapes[name][0]}" if name in shapes else ""
    print(f"{name:<16} {(out / name).stat().st_size / 1024:6.1f} KiB{extra}")
print(f"canvas buffer: {canvas_shape}")
corner = plt.imread(out / "transparent.png")[0, 0]
print(f"top-left pixel RGBA: opaque {plt.imread(out / 'dpi100.png')[0, 0]}, transparent {corner}")
assert canvas_shape == shapes["dpi100.png"] == (300, 400, 4)  # 3 x 4 inches at 100 dpi
assert shapes["dpi200.png"] == (600, 800, 4)
assert shapes["tight.png"] != shapes["dpi100.png"]
assert corner[3] == 0
assert (out / "curve.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
assert (out / "curve.pdf").read_bytes()[:5] == b"%PDF-"
shutil.rmtree(out)
