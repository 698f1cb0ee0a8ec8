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
# 这个 notebook 用 scikit-learn 自带的葡萄酒数据（`load_wine`，178 个样本、13 个化学特征、3 个类别，
# 随库安装，不需要联网）和随机生成的数组。它分七步：机器学习代码里常见的 Python 写法；数组的
# dtype 与 shape；视图与副本；索引、布尔掩码与按轴归约；广播的规则与图解；广播的两个典型用法
# （特征标准化、两两距离）；最后用 `time.perf_counter` 给 Python 循环和向量化写法计时。

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullFormatter
from scipy.spatial.distance import cdist
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 11,
    }
)
rng = np.random.default_rng(0)
print("NumPy", np.__version__)

# %% [markdown]
# ### 1. 机器学习代码里的 Python
#
# 读机器学习代码，最常遇到的 Python 写法只有几种：字典（配置、数据集、统计结果）、列表和推导式
# （批量生成名字、尺寸、结果）、带默认参数的函数，以及带 `fit` / `transform` 方法的类。
# `load_wine()` 返回的 `Bunch` 就是一个字典，既能用 `data["target"]` 也能用 `data.target` 取值。

# %%
wine = load_wine()
print("is a dict:", isinstance(wine, dict))
print("keys:", list(wine.keys()))
X, y = wine["data"], wine.target  # both spellings work on a Bunch
n_samples, n_features = X.shape  # tuple unpacking
print(f"X: {n_samples} samples x {n_features} features, classes {wine.target_names.tolist()}")

# list comprehension with a condition
phenol_cols = [name for name in wine.feature_names if "phenols" in name]
# dict comprehension: class name -> count
counts = {name: int((y == k).sum()) for k, name in enumerate(wine.target_names.tolist())}
# zip pairs two sequences element by element
feature_means = dict(zip(wine.feature_names, X.mean(axis=0)))
print("phenol columns:", phenol_cols)
print(f"mean proline: {feature_means['proline']:.1f}")
print("class counts:", counts)
assert counts == {"class_0": 59, "class_1": 71, "class_2": 48}
assert sum(counts.values()) == n_samples

# aliasing: two names, one list
a = [1, 2, 3]
b = a
b.append(4)
c = a.copy()
c.append(5)
print("a after b.append(4):", a, "| c is a separate list:", c)
assert a == [1, 2, 3, 4] and a is b and c is not a


# %% [markdown]
# 函数常用默认参数和关键字参数；训练脚本把超参数放进字典，再用 `**config` 展开传进去。
# 默认参数只在定义函数时求值一次，所以不要用列表这类可变对象做默认值，惯用写法是 `None`。
# 类则把“学到的状态”存在 `self` 上：下面的 `Standardizer` 模仿 scikit-learn 的约定——`fit` 只从数据里
# 学均值和标准差（名字带下划线结尾），`transform` 用学到的量变换任意数据，`fit` 返回 `self` 以便链式调用。
# 它的结果与 `sklearn.preprocessing.StandardScaler` 逐元素一致。


# %%
def describe(values, name="x", digits=3):
    """Return a one-line summary; default and keyword arguments as in most ML helpers."""
    return f"{name}: mean={np.mean(values):.{digits}f}, std={np.std(values):.{digits}f}"


class Standardizer:
    """Column-wise (x - mean) / std, with the fit/transform convention of scikit-learn."""

    def __init__(self, eps=1e-12):
        self.eps = eps

    def fit(self, X):
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0) + self.eps
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_

    def fit_transform(self, X):
        return self.fit(X).transform(X)


def remember_bad(value, history=[]):  # the default list is created once, at definition time
    history.append(value)
    return history


def remember(value, history=None):
    history = [] if history is None else history
    history.append(value)
    return history


remember_bad(0.9)
remember(0.9)
print("mutable default keeps old calls:", remember_bad(0.5), "| None default:", remember(0.5))
assert remember_bad(0.1) == [0.9, 0.5, 0.1] and remember(0.1) == [0.1]

config = {"name": "proline", "digits": 1}
print(describe(X[:, 12], **config))
scaler = Standardizer().fit(X)
Z = scaler.transform(X)
Z_sklearn = StandardScaler().fit_transform(X)
print(describe(Z[:, 12], name="proline, standardized"))
print("mean_ shape:", scaler.mean_.shape, "| max |ours - sklearn| =", f"{np.abs(Z - Z_sklearn).max():.1e}")
assert np.allclose(Z, Z_sklearn, atol=1e-10)

# %% [markdown]
# ### 2. 数组的 dtype 与 shape
#
# NumPy 数组是一块连续的内存加上一小段描述信息：元素类型 `dtype`、形状 `shape`、
# 以及每一维走一步要跳过多少字节的 `strides`。同一个数组里所有元素类型相同。
# 下面看 dtype 的推断、三个常见的 dtype 陷阱，以及 `(n,)`、`(n, 1)`、`(1, n)` 这三种“向量”的区别。

# %%
print("ints ->", np.array([1, 2, 3]).dtype, "| one float ->", np.array([1, 2.5]).dtype,
      "| bools summed ->", np.array([True, False, True]).sum())
print("wine X:", X.dtype, X.shape, f"{X.nbytes} bytes;",
      "float32 copy:", X.astype(np.float32).nbytes, "bytes")
assert X.astype(np.float32).nbytes * 2 == X.nbytes

# pitfall 1: integer arrays silently truncate floats written into them
probs = np.zeros_like(y)  # inherits y's integer dtype
probs[:] = 0.7
print("zeros_like(int labels) then = 0.7 ->", probs[:3], probs.dtype)
assert probs.sum() == 0

# pitfall 2: unsigned 8-bit pixels wrap around (mod 256) instead of going negative
img_a = np.array([10, 200, 250], dtype=np.uint8)
img_b = np.array([20, 100, 10], dtype=np.uint8)
diff_wrong = img_a - img_b
diff_right = img_a.astype(np.int16) - img_b.astype(np.int16)
print("uint8 difference:", diff_wrong, "| after astype(int16):", diff_right)
assert diff_wrong[0] == 246 and diff_right[0] == -10

# three kinds of "vector"
v = np.arange(4.0)
col, row = v.reshape(-1, 1), v[np.newaxis, :]
print("v", v.shape, "| column", col.shape, "| row", row.shape, "| ndim:", v.ndim, col.ndim, row.ndim)
print("reshape(3, -1) of 12 numbers ->", np.arange(12).reshape(3, -1).shape)
assert (col - v).shape == (4, 4)  # preview of section 5: a silent outer difference

# %% [markdown]
# ### 3. 视图与副本
#
# `strides` 解释了哪些操作不用复制数据：元素 $(i, j)$ 位于起点之后 $i\cdot s_0 + j\cdot s_1$ 字节处。
# 转置只是交换两个步长，`X[::2]` 只是把行步长加倍，所以它们都是**视图**（view），与原数组共享内存；
# 用整数列表或布尔掩码取出的任意一组元素无法用步长描述，只能**复制**（copy）。
# `np.shares_memory` 和 `.base` 可以检验。掩码写在等号左边（`M[M > 5] = -1`）时是原地赋值，会改动原数组。

# %%
M = np.arange(12.0).reshape(3, 4)
print("strides: M", M.strides, "| M.T", M.T.strides, "| M[::2]", M[::2].strides, "| M[:, 1]", M[:, 1].strides)
assert M.T.strides == M.strides[::-1] and M[::2].strides[0] == 2 * M.strides[0]

ops = {
    "M[1:, :2] (slice)": M[1:, :2],
    "M.T (transpose)": M.T,
    "M.reshape(4, 3)": M.reshape(4, 3),
    "M[[0, 2]] (integer list)": M[[0, 2]],
    "M[M > 5] (boolean mask)": M[M > 5],
    "M.copy()": M.copy(),
}
for name, arr in ops.items():
    print(f"{name:<26} shares memory: {np.shares_memory(arr, M)!s:<5}  base is None: {arr.base is None}")
assert np.shares_memory(ops["M[1:, :2] (slice)"], M) and not np.shares_memory(ops["M[M > 5] (boolean mask)"], M)

# a mask on the right-hand side copies; a mask on the left of `=` writes into the array
picked = M[M > 5]
picked[:] = -1
print("after changing the copy, M.max() =", M.max())
M2 = M.copy()
M2[M2 > 5] = -1
print("after M2[M2 > 5] = -1, M2.max() =", M2.max())
assert M.max() == 11 and M2.max() == 5

# writing through a view changes the original
X_before = X.copy()
first_rows = X[:3]
first_rows *= 0  # in place: this writes into X itself
print("X[0, :3] after zeroing a slice of it:", X[0, :3])
assert np.all(X[:3] == 0)
X[:3] = X_before[:3]  # restore
assert np.array_equal(X, X_before)

# %% [markdown]
# ### 4. 索引、布尔掩码与按轴归约
#
# 布尔掩码是与数组同形的 True/False 数组，用来按条件选行、计数（True 当 1 加）、求比例（取均值）。
# 组合条件用 `&`、`|`、`~`，每个条件要加括号；写成 `and` 会报错。
# 归约（reduction）函数 `sum`、`mean`、`std`、`argmax` 的 `axis` 参数指定**沿哪一维**计算，那一维随之消失；
# `keepdims=True` 把它保留为长度 1，方便再广播回去。

# %%
alcohol, proline = X[:, 0], X[:, 12]
mask = (alcohol > 13.5) & (y == 0)
print(f"alcohol > 13.5 and class_0: {mask.sum()} wines, {mask.mean():.1%} of all")
try:
    (alcohol > 13.5) and (y == 0)
except ValueError as err:
    print("using `and` on arrays ->", type(err).__name__, ":", str(err)[:60], "...")

print("column means:", X.mean(axis=0).shape, "| row means:", X.mean(axis=1).shape,
      "| keepdims:", X.mean(axis=1, keepdims=True).shape, "| everything:", X.mean().shape)
class_means = np.stack([X[y == k].mean(axis=0) for k in range(3)])  # (3, 13)
print("per-class mean proline:", np.round(class_means[:, 12], 1))
richest = np.argmax(class_means, axis=0)  # for each feature, which class has the largest mean
print("class with the largest mean, feature by feature:", richest)
assert class_means.shape == (3, 13) and richest.shape == (13,)
assert np.isclose(class_means[0, 12], proline[y == 0].mean())

# np.where: elementwise if/else
level = np.where(proline > 1000, "high", "low")
print("proline > 1000:", {str(k): int(c) for k, c in zip(*np.unique(level, return_counts=True))})

# %% [markdown]
# ### 5. 广播：规则与图解
#
# 形状不同的两个数组做逐元素运算时，NumPy 把两个形状**右对齐**，较短的在左边补 1，然后逐维比较：
# 相等，或者其中一个是 1，就兼容；结果取较大的那个；否则报错。长度为 1 的维度被当作“重复”到对方的长度，
# 但并不真的复制数据。下面先把这条规则写成一个函数，与 `np.broadcast_shapes` 在一组例子上逐一比对。


# %%
def broadcast_shape(s1, s2):
    """The broadcasting rule written out: right-align, pad with 1, compare dimension by dimension."""
    n = max(len(s1), len(s2))
    p1 = (1,) * (n - len(s1)) + tuple(s1)
    p2 = (1,) * (n - len(s2)) + tuple(s2)
    out = []
    for a_dim, b_dim in zip(p1, p2):
        if a_dim == b_dim or b_dim == 1:
            out.append(a_dim)
        elif a_dim == 1:
            out.append(b_dim)
        else:
            raise ValueError(f"{s1} and {s2}: {a_dim} vs {b_dim}")
    return tuple(out)


cases = [((178, 13), (13,)), ((4, 1), (3,)), ((178, 1, 13), (1, 178, 13)), ((2, 1, 5), (3, 1)),
         ((5, 1), (5,)), ((4, 3), (4,)), ((178, 13), (178,))]
for s1, s2 in cases:
    try:
        ours = broadcast_shape(s1, s2)
    except ValueError:
        ours = "error"
    try:
        ref = np.broadcast_shapes(s1, s2)
    except ValueError:
        ref = "error"
    print(f"{s1!s:>14} with {s2!s:<13} -> {ours}")
    assert ours == ref

# %%
def draw_array(ax, values, x0, y0, ghost_rows=0, ghost_cols=0, color="#cfe2f3", label=None):
    """Draw a 2-D array as a grid; ghost rows/cols are the broadcast copies (not stored)."""
    values = np.atleast_2d(values)
    r, c = values.shape
    for i in range(r + ghost_rows):
        for j in range(c + ghost_cols):
            real = i < r and j < c
            v = values[min(i, r - 1), min(j, c - 1)]
            ax.add_patch(Rectangle((x0 + j, y0 - i), 1, 1, fc=color if real else "white",
                                   ec="0.25" if real else "0.6", lw=1.2 if real else 1.0,
                                   ls="-" if real else "--"))
            ax.text(x0 + j + 0.5, y0 - i + 0.5, f"{v:g}", ha="center", va="center",
                    fontsize=10 if abs(v) < 100 else 8.5, color="black" if real else "0.55")
    if label:
        ax.text(x0 + (c + ghost_cols) / 2, y0 + 1.25, label, ha="center", va="bottom", fontsize=10)


A = np.arange(12).reshape(4, 3)
bias = np.array([100, 200, 300])
colv = np.array([[10], [20], [30], [40]])
row3 = np.array([1, 2, 3])
assert (A + bias).shape == (4, 3) and (colv + row3).shape == (4, 3)

fig, axes = plt.subplots(1, 3, figsize=(10, 2.3))
ax = axes[0]
draw_array(ax, A, 0, 3, label="A  (4, 3)")
draw_array(ax, bias, 4, 3, ghost_rows=3, color="#f9d9b4", label="b  (3,) → (1, 3)")
draw_array(ax, A + bias, 8, 3, color="#d9ead3", label="A + b  (4, 3)")
ax.set_title("(4, 3) + (3,)：b 沿行方向重复")
ax = axes[1]
draw_array(ax, colv, 0, 3, ghost_cols=2, color="#f9d9b4", label="c  (4, 1)")
draw_array(ax, row3, 4, 3, ghost_rows=3, color="#f9d9b4", label="r  (3,) → (1, 3)")
draw_array(ax, colv + row3, 8, 3, color="#d9ead3", label="c + r  (4, 3)")
ax.set_title("(4, 1) + (3,)：两边都被拉伸")
ax = axes[2]
draw_array(ax, A, 0, 3, label="A  (4, 3)")
draw_array(ax, np.array([1, 2, 3, 4]), 4, 3, color="#f4cccc", label="d  (4,)")
ax.text(6, 0.9, "最后一维 3 ≠ 4，\n且都不是 1：报错", ha="center", va="center", fontsize=10, color="C3")
ax.plot([4, 8], [3, 4], color="C3", lw=2)
ax.plot([4, 8], [4, 3], color="C3", lw=2)
ax.set_title("(4, 3) + (4,)：无法广播")
for k, ax in enumerate(axes):
    ax.text(3.5, 1.5, "+", fontsize=16, ha="center", va="center")
    if k < 2:
        ax.text(7.5, 1.5, "=", fontsize=16, ha="center", va="center")
    ax.set_xlim(-0.3, 11.3)
    ax.set_ylim(-0.3, 4.8)
    ax.set_aspect("equal")
    ax.set_anchor("S")
    ax.axis("off")
fig.text(0.5, 0.02, "实线格：真实存储的元素；虚线灰字：广播时“看作”重复的元素，并不占内存", ha="center", fontsize=10)
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %% [markdown]
# ### 6. 广播的两个典型用法
#
# **标准化。** 葡萄酒的 13 个特征量纲差别很大：脯氨酸（proline）的标准差约 314，非黄烷类酚只有约 0.12。
# `(X - X.mean(axis=0)) / X.std(axis=0)` 里，`(178, 13)` 减去 `(13,)`，每一列减去自己的均值、除以自己的标准差。
#
# **两两距离。** 要算每对样本之间的欧氏距离，把 `X` 变成 `(n, 1, d)` 和 `(1, n, d)` 两个视图相减，
# 广播出 `(n, n, d)` 的差，再沿最后一维平方求和。它要存 $n^2 d$ 个数；更省内存的写法用
# $\lVert x_i - x_j\rVert^2 = \lVert x_i\rVert^2 + \lVert x_j\rVert^2 - 2x_i^\top x_j$，只需 `(n, 1) + (1, n) - 2 X X^T`。
# 有了距离矩阵，“留一法 1-近邻分类”就是每一行去掉对角线后取 `argmin`。


# %%
def pairwise_broadcast(P):
    return np.sqrt(((P[:, None, :] - P[None, :, :]) ** 2).sum(axis=-1))


def pairwise_gram(P):
    sq = (P**2).sum(axis=1, keepdims=True)  # (n, 1)
    d2 = sq + sq.T - 2 * P @ P.T  # (n, 1) + (1, n) - (n, n)
    return np.sqrt(np.maximum(d2, 0.0)), d2.min()


def loo_1nn_accuracy(D, labels):
    D = D.copy()
    np.fill_diagonal(D, np.inf)  # a sample may not be its own neighbour
    return float((labels[D.argmin(axis=1)] == labels).mean())


mu, sigma = X.mean(axis=0), X.std(axis=0)
Z = (X - mu) / sigma
print("shapes:", X.shape, "-", mu.shape, "/", sigma.shape, "->", Z.shape)
print("std per feature, raw: min", f"{sigma.min():.3f}", "max", f"{sigma.max():.1f}",
      f"(ratio {sigma.max() / sigma.min():.0f})")
assert np.allclose(Z.mean(axis=0), 0, atol=1e-12) and np.allclose(Z.std(axis=0), 1)

D_raw, D_std = pairwise_broadcast(X), pairwise_broadcast(Z)
D_gram, d2_min = pairwise_gram(Z)
print("distance matrix:", D_std.shape, "| intermediate (n, n, d):", (Z[:, None, :] - Z[None, :, :]).shape,
      f"= {Z[:, None, :].size * len(Z) * 8 / 1e6:.1f} MB")
print(f"max |broadcast - scipy cdist| = {np.abs(D_std - cdist(Z, Z)).max():.1e}; "
      f"max |broadcast - Gram trick| = {np.abs(D_std - D_gram).max():.1e}; "
      f"smallest d^2 before clipping = {d2_min:.1e}")
assert np.allclose(D_std, cdist(Z, Z), atol=1e-10) and np.allclose(D_std, D_gram, atol=1e-6)

sq_raw = (X[:, None, :] - X[None, :, :]) ** 2
proline_share = sq_raw[..., 12].sum() / sq_raw.sum()
acc_raw, acc_std = loo_1nn_accuracy(D_raw, y), loo_1nn_accuracy(D_std, y)
print(f"proline's share of raw squared distances: {proline_share:.2%}")
print(f"leave-one-out 1-NN accuracy: raw features {acc_raw:.3f}, standardized {acc_std:.3f}")
assert proline_share > 0.99 and acc_std > acc_raw + 0.1

same = (y[:, None] == y[None, :]) & ~np.eye(len(y), dtype=bool)  # broadcasting again: (n,1) == (1,n)
print(f"mean standardized distance: same class {D_std[same].mean():.2f}, "
      f"different class {D_std[y[:, None] != y[None, :]].mean():.2f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
pos = np.arange(n_features)
ax.bar(pos - 0.2, sigma, width=0.4, color="C0", label="原始")
ax.bar(pos + 0.2, Z.std(axis=0), width=0.4, color="C1", label="标准化后")
ax.set_yscale("log")
ax.set_xticks(pos, [name.replace("_", " ")[:12] for name in wine.feature_names], rotation=60, ha="right",
              fontsize=8)
ax.set_ylabel("标准差（对数坐标）")
ax.set_title(f"13 个特征的尺度：相差 {sigma.max() / sigma.min():.0f} 倍 → 全部为 1")
ax.legend(fontsize=9)
ax.grid(alpha=0.3, axis="y")

ax = axes[1]
im = ax.imshow(D_std, cmap="viridis")
edges = np.cumsum(np.bincount(y))[:-1] - 0.5
for e in edges:
    ax.axhline(e, color="white", lw=0.8)
    ax.axvline(e, color="white", lw=0.8)
ax.set_title(f"标准化后的两两距离（按类别排序）\n留一法 1-近邻准确率 {acc_raw:.3f} → {acc_std:.3f}", fontsize=11)
ax.set_xlabel("样本 j")
ax.set_ylabel("样本 i")
fig.colorbar(im, ax=ax, shrink=0.85, label="欧氏距离")
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图：标准化把每个特征的标准差都变成 1。右图：样本已按类别排好，对角线上的三个方块颜色更深，
# 说明同类样本彼此更近。不标准化时，脯氨酸一个特征贡献了平方距离的绝大部分，其余 12 个特征几乎不起作用，
# 1-近邻的准确率因此低得多。
#
# 广播还有一个陷阱：预测值形状是 `(n, 1)`、标签是 `(n,)` 时，相减得到 `(n, n)`，不会报错，损失却全错。

# %%
w_true = rng.normal(size=(n_features, 1))
target = (Z @ w_true).ravel() + rng.normal(scale=0.1, size=n_samples)  # (n,)
pred = Z @ w_true  # (n, 1): matrix @ column vector
mse_wrong = np.mean((pred - target) ** 2)
mse_right = np.mean((pred.ravel() - target) ** 2)
print("pred", pred.shape, "- target", target.shape, "->", (pred - target).shape)
print(f"MSE with the silent (n, n) broadcast: {mse_wrong:.3f}; with matching shapes: {mse_right:.4f}")
assert (pred - target).shape == (n_samples, n_samples) and mse_wrong > 100 * mse_right

# %% [markdown]
# ### 7. 向量化与 Python 循环：计时
#
# 同一个计算写三遍：均方误差 $\frac1n\sum_i (y_i - \hat y_i)^2$ 用 Python 循环遍历列表、用 Python 循环
# 遍历 NumPy 数组、用一行向量化（vectorization）表达式；两两距离用三重循环和上面的广播写法。
# 每个尺寸重复几次取最短时间（计时有噪声，取最小值最接近“不受干扰”的耗时）。先断言结果一致，再比较时间。


# %%
def best_time(fn, budget=0.05, min_reps=3, max_reps=50):
    """Shortest of several runs, timed with time.perf_counter."""
    best, total, reps = np.inf, 0.0, 0
    while reps < min_reps or (total < budget and reps < max_reps):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best, total, reps = min(best, dt), total + dt, reps + 1
    return best, out


def mse_loop(a, b):
    s = 0.0
    for u, v in zip(a, b):
        s += (u - v) ** 2
    return s / len(a)


def mse_vectorized(a, b):
    return np.mean((a - b) ** 2)


def pairwise_loop(P):
    n = len(P)
    D = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(len(P[i])):
                s += (P[i][k] - P[j][k]) ** 2
            D[i][j] = s**0.5
    return D


sizes = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
mse_t = {"list": [], "ndarray": [], "vectorized": []}
for n in sizes:
    yt = rng.normal(size=n)
    yp = yt + rng.normal(scale=0.1, size=n)
    yt_list, yp_list = yt.tolist(), yp.tolist()
    t_list, r_list = best_time(lambda: mse_loop(yt_list, yp_list))
    t_arr, r_arr = best_time(lambda: mse_loop(yt, yp))
    t_vec, r_vec = best_time(lambda: mse_vectorized(yt, yp))
    assert np.isclose(r_list, r_vec, rtol=1e-10) and np.isclose(r_arr, r_vec, rtol=1e-10)
    for key, t in zip(mse_t, (t_list, t_arr, t_vec)):
        mse_t[key].append(t)
mse_t = {k: np.array(v) for k, v in mse_t.items()}

pd_sizes = [20, 40, 80, 160]
pd_t = {"loop": [], "broadcast": []}
for n in pd_sizes:
    P = rng.normal(size=(n, n_features))
    P_list = P.tolist()
    t_loop, D_loop = best_time(lambda: pairwise_loop(P_list), budget=0.0)
    t_bc, D_bc = best_time(lambda: pairwise_broadcast(P))
    assert np.allclose(np.array(D_loop), D_bc, atol=1e-12)
    pd_t["loop"].append(t_loop)
    pd_t["broadcast"].append(t_bc)
pd_t = {k: np.array(v) for k, v in pd_t.items()}

print(f"{'n':>8} {'list loop':>11} {'array loop':>11} {'vectorized':>11} {'list/vec':>9} {'array/list':>10}")
for i, n in enumerate(sizes):
    print(f"{n:>8} {mse_t['list'][i]:>11.2e} {mse_t['ndarray'][i]:>11.2e} {mse_t['vectorized'][i]:>11.2e} "
          f"{mse_t['list'][i] / mse_t['vectorized'][i]:>9.1f} {mse_t['ndarray'][i] / mse_t['list'][i]:>10.1f}")
print(f"\n{'n':>8} {'triple loop':>12} {'broadcast':>11} {'ratio':>7}")
for i, n in enumerate(pd_sizes):
    print(f"{n:>8} {pd_t['loop'][i]:>12.2e} {pd_t['broadcast'][i]:>11.2e} {pd_t['loop'][i] / pd_t['broadcast'][i]:>7.0f}")

elem_type = type(next(iter(rng.normal(size=3))))
print(f"iterating an ndarray yields {elem_type.__module__}.{elem_type.__name__} objects")
ratio_small = mse_t["list"][0] / mse_t["vectorized"][0]
ratio_large = mse_t["list"][-1] / mse_t["vectorized"][-1]
print(f"\nper element at n = {sizes[-1]}: list loop {mse_t['list'][-1] / sizes[-1] * 1e9:.0f} ns, "
      f"vectorized {mse_t['vectorized'][-1] / sizes[-1] * 1e9:.1f} ns")
print(f"vectorized time, n = {sizes[0]} -> {sizes[2]}: x{mse_t['vectorized'][2] / mse_t['vectorized'][0]:.2f} "
      f"(the fixed cost of a NumPy call dominates); list/vectorized ratio {ratio_small:.1f} -> {ratio_large:.0f}")
# timings are noisy on a shared machine: assert only loose ratios
assert ratio_large > 5 and ratio_small < ratio_large / 5
assert mse_t["vectorized"][2] < 3 * mse_t["vectorized"][0]
assert pd_t["loop"][-1] > 5 * pd_t["broadcast"][-1]
assert mse_t["ndarray"][-1] > mse_t["list"][-1]

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
ax.loglog(sizes, mse_t["list"], "o-", color="C3", label="Python 循环（列表）")
ax.loglog(sizes, mse_t["ndarray"], "s--", color="C1", label="Python 循环（遍历 ndarray）")
ax.loglog(sizes, mse_t["vectorized"], "^-", color="C0", label="向量化 np.mean((a - b)**2)")
ax.set_xlabel("元素个数 n")
ax.set_ylabel("耗时（秒，多次取最短）")
ax.set_title(f"均方误差：n = {sizes[-1]} 时向量化快 {ratio_large:.0f} 倍")
ax.legend(fontsize=9)
ax.grid(alpha=0.3, which="both")

ax = axes[1]
ax.loglog(pd_sizes, pd_t["loop"], "o-", color="C3", label="三重循环")
ax.loglog(pd_sizes, pd_t["broadcast"], "^-", color="C0", label="广播 (n,1,d) − (1,n,d)")
ax.set_xticks(pd_sizes, [str(n) for n in pd_sizes])
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xlabel("样本数 n（d = 13）")
ax.set_ylabel("耗时（秒，多次取最短）")
ax.set_title(f"两两距离：n = {pd_sizes[-1]} 时广播快 {pd_t['loop'][-1] / pd_t['broadcast'][-1]:.0f} 倍")
ax.legend(fontsize=9)
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# 两个图都是对数坐标：如果耗时与 $n$ 成正比，画出来是斜率为 1 的直线（两两距离的三重循环按 $n^2$ 增长，斜率为 2），
# 两条线之间的竖直距离就是快了多少倍。小数组上，向量化的耗时几乎不变——那是每次调用 NumPy 的固定开销，
# 在微秒量级，$n=100$ 时它与循环相差无几；数组越大，固定开销占比越小，差距拉大到几十甚至几百倍。
# 遍历 ndarray 的 Python 循环比遍历列表还慢：每取出一个元素，都要新建一个 NumPy 标量对象（上面打印的类型），
# 再用它做 Python 层面的运算。具体倍数随机器和负载而变，在共享的机器上循环的曲线还可能向上弯，
# 自己运行时会看到不同的数字。
