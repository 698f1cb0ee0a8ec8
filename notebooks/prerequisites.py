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
# 这个 notebook 是一份可以运行的自测。每一节先给出一个小问题，请你**先在纸上预测结果，再运行代码**对照。
# 预测对了，说明这块知识够用；预测错了或看不懂代码，就回到正文里对应的小节和资源去补。
# 全部计算只用 NumPy 和 Matplotlib，数据都由代码生成，随机种子固定，结果每次相同。

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ### 1. 形状与矩阵–向量乘法
#
# 一层网络的计算是 $z = W a + b$。下面 $W$ 是 $3\times 4$ 的矩阵，$a$ 有 4 个分量，$b$ 有 3 个分量。
# **先预测**：$z$ 有几个分量？它的值是多少？
#
# 然后用两种方法计算：一种是两重 Python 循环，逐个做乘加；一种是 NumPy 的 `W @ a + b`。两者必须相等。

# %%
W = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, 1.0, 1.0, 0.0], [2.0, 0.0, -1.0, 1.0]])
a = np.array([1.0, 2.0, 3.0, 4.0])
b = np.array([0.0, 0.0, 1.0])


def matvec_loops(W, a):
    """z_j = sum_k W[j, k] * a[k], one multiply-add at a time."""
    rows, cols = W.shape
    z = np.zeros(rows)
    for j in range(rows):
        total = 0.0
        for k in range(cols):
            total += W[j, k] * a[k]
        z[j] = total
    return z


z_loops = matvec_loops(W, a) + b
z_numpy = W @ a + b
print("W.shape =", W.shape, " a.shape =", a.shape, " z.shape =", z_numpy.shape)
print("z by loops:", z_loops, "  z by NumPy:", z_numpy)
assert z_numpy.shape == (3,)
assert np.array_equal(z_loops, z_numpy) and np.array_equal(z_numpy, [1.0, 5.0, 4.0])

# %% [markdown]
# 实际代码一次处理一批样本：把 $N$ 个输入按行叠成 $N\times 4$ 的矩阵 $A$，整批的加权输入是 $Z = A W^\top + b$，
# 形状 $N\times 3$，偏置 $b$ 被广播（broadcasting）加到每一行。它的第 $i$ 行应该等于对第 $i$ 个样本单独算的 $W a_i + b$。
#
# 再换成 MNIST 大小的一层（784 个输入、64 个神经元）比较两种写法的用时。用时取决于机器，这里只打印、不断言；
# 断言的是两种写法的结果一致。

# %%
A = rng.normal(size=(5, 4))
Z = A @ W.T + b
print("A.shape =", A.shape, " W.T.shape =", W.T.shape, " Z.shape =", Z.shape)
assert Z.shape == (5, 3)
assert np.allclose(Z, np.stack([W @ a_i + b for a_i in A]))

W_big = rng.normal(size=(64, 784))
a_big = rng.normal(size=784)
t0 = time.perf_counter()
z_big_loops = matvec_loops(W_big, a_big)
t_loops = time.perf_counter() - t0
t0 = time.perf_counter()
z_big_numpy = W_big @ a_big
t_numpy = time.perf_counter() - t0
print(f"64x784 layer: loops {t_loops * 1e3:.1f} ms, NumPy {t_numpy * 1e3:.3f} ms (timings vary by machine)")
assert np.allclose(z_big_loops, z_big_numpy)

# %% [markdown]
# 广播很方便，也会悄悄制造错误。预测值常被存成 $N\times 1$ 的列，标签却是长度为 $N$ 的一维数组。
# **先预测**：`pred - y` 的形状是什么？

# %%
y = np.array([1.0, 0.0, 2.0, 1.0])
pred = np.array([[0.9], [0.2], [1.7], [1.1]])  # shape (4, 1), a column
residual_wrong = pred - y  # broadcasts to (4, 4): every prediction minus every label
residual_right = pred[:, 0] - y  # shape (4,)
print("pred.shape =", pred.shape, " y.shape =", y.shape)
print("(pred - y).shape =", residual_wrong.shape, "  (pred[:, 0] - y).shape =", residual_right.shape)
print(f"mean squared error, wrong: {np.mean(residual_wrong ** 2):.4f}, right: {np.mean(residual_right ** 2):.4f}")
assert residual_wrong.shape == (4, 4) and residual_right.shape == (4,)

# %% [markdown]
# ### 2. 矩阵是空间的变换：特征向量
#
# 二维矩阵 $M = \begin{pmatrix} 1.25 & 0.75 \\ 0.75 & 1.25 \end{pmatrix}$ 把平面上的每个点 $x$ 送到 $Mx$。
# **先预测**：$M(1,1)^\top$ 和 $M(1,-1)^\top$ 分别是什么？哪些方向只被拉伸、不被转动？
#
# 只被拉伸的方向叫特征向量（eigenvector），拉伸倍数叫特征值（eigenvalue）：$Mv = \lambda v$。
# 下图左边是原来的网格和单位圆，中间是变换后的样子；右边把 $M$ 反复乘同一个向量 20 次，看长度怎么变。

# %%
M = np.array([[1.25, 0.75], [0.75, 1.25]])
print("M @ (1, 1) =", M @ np.array([1.0, 1.0]), "  M @ (1, -1) =", M @ np.array([1.0, -1.0]))
eigvals, eigvecs = np.linalg.eigh(M)  # symmetric matrix: real eigenvalues, orthonormal eigenvectors
eigvals, eigvecs = eigvals[::-1], eigvecs[:, ::-1] * np.sign(eigvecs[0, ::-1])
singular_values = np.linalg.svd(M, compute_uv=False)
print("eigenvalues:", eigvals, " eigenvectors (columns):\n", eigvecs)
print("singular values:", singular_values)
for lam, v in zip(eigvals, eigvecs.T):
    assert np.allclose(M @ v, lam * v)
assert np.allclose(eigvals, [2.0, 0.5]) and np.allclose(singular_values, [2.0, 0.5])

# repeated multiplication: x_k = M^k x_0, and the same for a shrunken matrix 0.4 M
steps = np.arange(21)
x0 = np.array([1.0, 0.0])
norms = {}
for scale in (1.0, 0.4):
    x, history = x0.copy(), []
    for _ in steps:
        history.append(np.linalg.norm(x))
        x = (scale * M) @ x
    norms[scale] = np.array(history)
# x0 = (v1 + v2) / sqrt(2), so ||M^k x0|| = sqrt(4^k + 0.25^k) / sqrt(2)
expected = np.sqrt(4.0**steps + 0.25**steps) / np.sqrt(2)
print(f"||M^20 x0|| = {norms[1.0][-1]:.1f}, ||(0.4 M)^20 x0|| = {norms[0.4][-1]:.2e}")
assert np.allclose(norms[1.0], expected) and np.allclose(norms[0.4], 0.4**steps * expected)

# %%
fig, axes = plt.subplots(1, 3, figsize=(11.5, 4.2))
grid_values = np.linspace(-1, 1, 9)
line = np.linspace(-1, 1, 50)
circle = np.stack([np.cos(np.linspace(0, 2 * np.pi, 200)), np.sin(np.linspace(0, 2 * np.pi, 200))])
probe = np.array([1.0, 0.0])
for ax, T, title in [(axes[0], np.eye(2), "变换前：网格与单位圆"), (axes[1], M, "变换后：乘以矩阵 M")]:
    for g in grid_values:
        for pts in (np.stack([line, np.full_like(line, g)]), np.stack([np.full_like(line, g), line])):
            mapped = T @ pts
            ax.plot(mapped[0], mapped[1], color="0.82", lw=0.8)
    mapped_circle = T @ circle
    ax.plot(mapped_circle[0], mapped_circle[1], color="k", lw=1.5)
    for i, (color, offset) in enumerate([("tab:red", [-0.3, 0.1]), ("tab:blue", [0.2, -0.25])]):
        tip = T @ eigvecs[:, i]
        ax.annotate("", xy=tip, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": color, "lw": 2.5})
        ax.text(*(tip + offset), f"$v_{i + 1}$", color=color, fontsize=13, ha="center", va="center")
    tip = T @ probe
    ax.annotate("", xy=tip, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "tab:green", "lw": 2})
    ax.text(*(tip + [0.2, -0.15]), "$x$", color="tab:green", fontsize=13, ha="center", va="center")
    ax.set_xlim(-2.3, 2.3)
    ax.set_ylim(-2.3, 2.3)
    ax.set_aspect("equal")
    ax.set_title(title)
axes[1].text(-2.2, -2.15, "$v_1$ 拉长 2 倍，$v_2$ 缩短一半\n$x$ 的方向变了", fontsize=9)

ax = axes[2]
ax.semilogy(steps, norms[1.0], "o-", color="tab:red", ms=4, label="$M$：最大特征值 2")
ax.semilogy(steps, norms[0.4], "s-", color="tab:blue", ms=4, label="$0.4M$：最大特征值 0.8")
ax.axhline(1.0, color="gray", ls="--", lw=1)
ax.set_xlabel("相乘次数 k")
ax.set_ylabel("$\\|M^k x\\|$（对数刻度）")
ax.set_title("反复相乘：特征值大于 1 爆炸，小于 1 消失")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 概率：模拟与公式
#
# **大数定律（law of large numbers）。** 掷一枚均匀骰子，点数的期望是 $3.5$，方差是 $35/12$。
# 掷 $n$ 次取平均，平均值会越来越接近 3.5，偏离的典型幅度是 $\sqrt{35/12}/\sqrt{n}$。
#
# **贝叶斯公式（Bayes' rule）。** 某病在人群中的患病率是 1%；检测对患者有 95% 的概率报阳性（灵敏度），
# 对健康人有 5% 的概率误报阳性。**先预测**：一个人检测阳性，他真的患病的概率大约是多少？
# 下面先用公式算，再模拟 100 万人核对。

# %%
n_rolls = 10_000
rolls = rng.integers(1, 7, size=n_rolls)
running_mean = np.cumsum(rolls) / np.arange(1, n_rolls + 1)
die_sd = np.sqrt(35 / 12)
print(f"mean of {n_rolls} rolls: {running_mean[-1]:.4f} (expectation 3.5, typical deviation {die_sd / np.sqrt(n_rolls):.4f})")
assert abs(running_mean[-1] - 3.5) < 4 * die_sd / np.sqrt(n_rolls)

prior, sensitivity, false_positive = 0.01, 0.95, 0.05
p_positive = sensitivity * prior + false_positive * (1 - prior)
posterior = sensitivity * prior / p_positive
print(f"P(test +) = {p_positive:.4f},  P(disease | +) by Bayes' rule = {posterior:.4f}")

n_people = 1_000_000
sick = rng.random(n_people) < prior
positive = np.where(sick, rng.random(n_people) < sensitivity, rng.random(n_people) < false_positive)
simulated = np.mean(sick[positive])
print(f"simulated: {positive.sum()} positives, of whom {(sick & positive).sum()} sick -> P(disease | +) = {simulated:.4f}")
assert abs(simulated - posterior) < 0.005

# running estimate of P(disease | +) as more people are tested
counts = np.unique(np.geomspace(100, n_people, 60).astype(int))
cum_pos = np.cumsum(positive)
cum_sick_pos = np.cumsum(sick & positive)
running_post = cum_sick_pos[counts - 1] / np.maximum(cum_pos[counts - 1], 1)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
ax = axes[0]
n_axis = np.arange(1, n_rolls + 1)
ax.semilogx(n_axis, running_mean, color="tab:blue", lw=1.2, label="前 n 次的平均点数")
ax.fill_between(n_axis, 3.5 - 2 * die_sd / np.sqrt(n_axis), 3.5 + 2 * die_sd / np.sqrt(n_axis), color="tab:blue", alpha=0.12, label="$3.5 \\pm 2\\sigma/\\sqrt{n}$")
ax.axhline(3.5, color="k", ls="--", lw=1)
ax.set_ylim(1, 6)
ax.set_xlabel("掷骰次数 n（对数刻度）")
ax.set_title("大数定律：样本均值趋于期望 3.5")
ax.legend(fontsize=9)
ax = axes[1]
ax.semilogx(counts, running_post, "o-", color="tab:orange", ms=3, label="模拟：阳性者中真患病的比例")
ax.axhline(posterior, color="k", ls="--", lw=1, label=f"贝叶斯公式：{posterior:.3f}")
ax.axhline(sensitivity, color="tab:red", ls=":", lw=1, label="常见的错误直觉：0.95")
ax.set_ylim(0, 1)
ax.set_xlabel("参加检测的人数（对数刻度）")
ax.set_title("检测阳性，真的患病的概率")
ax.legend(fontsize=9, loc="center right")
fig.tight_layout()
plt.show()

# %% [markdown]
# **交叉熵就是平均负对数似然。** 设真实标签服从分布 $q = (0.7, 0.2, 0.1)$，模型给出预测分布 $p$。
# 对大量样本求 $-\ln p_{\text{label}}$ 的平均，就得到交叉熵 $H(q, p) = -\sum_j q_j \ln p_j$ 的估计；
# 在所有 $p$ 中，$p = q$ 时它最小，最小值是 $q$ 自己的熵。**先预测**：下面三个候选里哪个交叉熵最小？

# %%
q = np.array([0.7, 0.2, 0.1])
labels = rng.choice(3, size=200_000, p=q)
candidates = {"p = q": q, "p uniform": np.full(3, 1 / 3), "p overconfident": np.array([0.98, 0.01, 0.01])}
ce_values = {}
for name, p in candidates.items():
    sampled = -np.mean(np.log(p[labels]))
    exact = -np.sum(q * np.log(p))
    ce_values[name] = exact
    print(f"{name:16s}: mean -log p[label] = {sampled:.4f}, formula -sum q log p = {exact:.4f}")
    assert abs(sampled - exact) < 0.02
assert min(ce_values, key=ce_values.get) == "p = q"

# %% [markdown]
# ### 4. 期望与方差：和的方差，以及为什么初始化要除以 √n
#
# 期望总是可加：$\mathbb{E}[X+Y] = \mathbb{E}X + \mathbb{E}Y$。方差只有在独立（更一般地，不相关）时才可加。
# **先预测**：$X, Y$ 独立且都服从 $[0,1]$ 上的均匀分布（方差 $1/12$），$\mathrm{Var}(X+Y)$ 和 $\mathrm{Var}(X+X)$ 各是多少？

# %%
X_u = rng.random(1_000_000)
Y_u = rng.random(1_000_000)
print(f"Var(X) = {X_u.var():.4f} (1/12 = {1 / 12:.4f})")
print(f"Var(X + Y) = {(X_u + Y_u).var():.4f} (1/6 = {1 / 6:.4f});  Var(X + X) = {(2 * X_u).var():.4f} (1/3 = {1 / 3:.4f})")
print(f"E[X + X] = {(2 * X_u).mean():.4f} = E[X] + E[X]")
assert abs((X_u + Y_u).var() - 1 / 6) < 2e-3 and abs((2 * X_u).var() - 1 / 3) < 2e-3

# %% [markdown]
# 一个神经元的加权输入 $z = \sum_{i=1}^{n} w_i x_i$ 正是 $n$ 个独立项之和。若 $w_i$ 均值为 0、方差为 $s^2$，
# $x_i$ 方差为 1，则 $\mathrm{Var}(z) = n s^2$。**先预测**：$n = 784$，权重取标准正态（$s = 1$）时，$z$ 的标准差是多少？
# 取 $s = 1/\sqrt{n}$ 呢？再想一想：$|z| > 4$ 时 sigmoid 的导数 $\sigma'(z) < 0.018$，几乎学不动。

# %%
n_in = 784
X_in = rng.normal(size=(2000, n_in))
init_results = {}
for label, s in [("s = 1", 1.0), ("s = 1/sqrt(n)", 1 / np.sqrt(n_in))]:
    z = X_in @ rng.normal(0.0, s, size=(n_in, 256))
    sig = 1 / (1 + np.exp(-z))
    init_results[label] = z
    print(f"{label:14s}: Var(z) = {z.var():8.2f} (theory {n_in * s**2:6.1f}), std {z.std():5.2f}, "
          f"share with |z| > 4: {np.mean(np.abs(z) > 4):.2%}, mean sigma'(z) = {np.mean(sig * (1 - sig)):.4f}")
assert abs(init_results["s = 1"].var() / n_in - 1) < 0.03
assert abs(init_results["s = 1/sqrt(n)"].var() - 1) < 0.03
assert np.mean(np.abs(init_results["s = 1"]) > 4) > 0.8 and np.mean(np.abs(init_results["s = 1/sqrt(n)"]) > 4) < 0.001

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
zz = np.linspace(-90, 90, 600)
for ax, (label, z), xlim in zip(axes, init_results.items(), [90, 6]):
    ax.axvspan(-xlim, -4, color="0.9", zorder=0)
    ax.axvspan(4, xlim, color="0.9", zorder=0)
    ax.hist(z.ravel(), bins=120, range=(-xlim, xlim), density=True, color="tab:blue", alpha=0.6, zorder=1)
    ax.set_xlim(-xlim, xlim)
    ax.set_xlabel("加权输入 z")
    ax.set_yticks([])
    twin = ax.twinx()
    twin.plot(zz, 1 / (1 + np.exp(-zz)), color="tab:red", lw=1.5)
    twin.set_ylim(-0.05, 1.05)
    twin.set_ylabel("σ(z)", color="tab:red")
    ax.set_title(f"784 个输入，权重标准差 {label.split('= ')[1]}：std(z) = {z.std():.1f}")
fig.suptitle("蓝色直方图：z 的分布；红线：sigmoid；灰色区域 |z| > 4 是饱和区")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 矩阵求导：用中心差分核对公式
#
# 梯度 $\nabla_x f$ 与 $x$ 同形，第 $i$ 个分量是 $\partial f / \partial x_i$。中心差分
# $\dfrac{f(x + h e_i) - f(x - h e_i)}{2h}$ 对每个分量各算一次，就得到梯度的数值估计。
# 下面核对四个公式（全部用 float64）：
#
# 1. $\nabla_x (x^\top A x) = (A + A^\top)x$；
# 2. $\nabla_w \tfrac12\lVert Xw - y\rVert^2 = X^\top (Xw - y)$；
# 3. softmax 加交叉熵，对 logits $z$ 的梯度是 $p - y$；
# 4. 同样的损失对一层权重 $W$ 的梯度是外积 $(p - y)\,a^\top$（反向传播一课的 BP4）。
#
# 相对误差定义为 $\lVert g_{\text{num}} - g\rVert / (\lVert g_{\text{num}}\rVert + \lVert g\rVert)$。

# %%
def numerical_grad(f, x, h=1e-6):
    """Central differences, one coordinate at a time; x may have any shape."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(g1, g2):
    return np.linalg.norm(g1 - g2) / (np.linalg.norm(g1) + np.linalg.norm(g2))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_ce(z, y_onehot):
    return -np.sum(y_onehot * np.log(softmax(z)))


A_q = rng.normal(size=(5, 5))  # not symmetric on purpose
x_q = rng.normal(size=5)
X_ls = rng.normal(size=(20, 5))
y_ls = rng.normal(size=20)
w_ls = rng.normal(size=5)
z_sm = rng.normal(size=10)
y_sm = np.eye(10)[3]
a_prev = rng.normal(size=6)
W_layer = rng.normal(size=(10, 6))
b_layer = rng.normal(size=10)

checks = {
    "x^T A x": (numerical_grad(lambda v: v @ A_q @ v, x_q), (A_q + A_q.T) @ x_q),
    "0.5||Xw - y||^2": (numerical_grad(lambda v: 0.5 * np.sum((X_ls @ v - y_ls) ** 2), w_ls), X_ls.T @ (X_ls @ w_ls - y_ls)),
    "softmax CE wrt z": (numerical_grad(lambda v: softmax_ce(v, y_sm), z_sm), softmax(z_sm) - y_sm),
    "softmax CE wrt W": (
        numerical_grad(lambda V: softmax_ce(V @ a_prev + b_layer, y_sm), W_layer),
        np.outer(softmax(W_layer @ a_prev + b_layer) - y_sm, a_prev),
    ),
}
for name, (g_num, g_formula) in checks.items():
    err = rel_error(g_num, g_formula)
    print(f"{name:18s} shape {str(g_formula.shape):8s} relative error {err:.2e}")
    assert g_num.shape == g_formula.shape and err < 1e-8, (name, err)
print("A is not symmetric, so 2Ax would be wrong: relative error", f"{rel_error(checks['x^T A x'][0], 2 * A_q @ x_q):.2f}")

# %% [markdown]
# 令第 2 个梯度为零，$X^\top(Xw - y) = 0$，就得到最小二乘的正规方程 $X^\top X w = X^\top y$。
# 它的解应当与 NumPy 的最小二乘求解器一致。

# %%
w_normal = np.linalg.solve(X_ls.T @ X_ls, X_ls.T @ y_ls)
w_lstsq = np.linalg.lstsq(X_ls, y_ls, rcond=None)[0]
print("normal equations:", w_normal)
print("np.linalg.lstsq: ", w_lstsq)
assert np.allclose(w_normal, w_lstsq) and np.allclose(X_ls.T @ (X_ls @ w_normal - y_ls), 0, atol=1e-10)

# %% [markdown]
# 步长 $h$ 怎么选？$h$ 太大，差分公式本身不准（截断误差约与 $h^2$ 成正比）；$h$ 太小，$f(x+h)$ 与 $f(x-h)$
# 几乎相等，相减时有效数字被舍入误差吃掉（约与 $\varepsilon / h$ 成正比，$\varepsilon$ 是浮点精度）。
# 下图对 softmax 交叉熵把 $h$ 从 $10^{-1}$ 扫到 $10^{-12}$，分别用 float64 和 float32 计算。

# %%
hs = np.logspace(-1, -12, 23)
errors = {}
for dtype in (np.float64, np.float32):
    z_t, y_t = z_sm.astype(dtype), y_sm.astype(dtype)
    exact = (softmax(z_t) - y_t).astype(np.float64)
    errors[dtype] = np.array(
        [rel_error(numerical_grad(lambda v: softmax_ce(v, y_t), z_t.copy(), h=dtype(h)).astype(np.float64), exact) for h in hs]
    )
best64, best32 = errors[np.float64].min(), errors[np.float32].min()
print(f"best relative error: float64 {best64:.1e} at h = {hs[errors[np.float64].argmin()]:.0e}; "
      f"float32 {best32:.1e} at h = {hs[errors[np.float32].argmin()]:.0e}")
i_typical = np.argmin(np.abs(np.log10(hs) + 6))  # h = 1e-6, the default of numerical_grad
print(f"at h = {hs[i_typical]:.0e}: float64 {errors[np.float64][i_typical]:.1e}, float32 {errors[np.float32][i_typical]:.1e}")
assert best64 < 1e-9 and best32 > 1e3 * best64

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(hs, errors[np.float64], "o-", label="float64")
ax.loglog(hs, np.maximum(errors[np.float32], 1e-16), "s-", label="float32")
ax.set_xlabel("步长 h")
ax.set_ylabel("与公式 p − y 的相对误差")
ax.invert_xaxis()
ax.set_title("中心差分的误差：h 太大不准，h 太小被舍入误差淹没")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 算法：数一数运算量，重用中间结果
#
# 路线一需要的“算法”主要是两件事：估计一次计算要做多少次乘加，以及认出“把中间结果存下来重复使用”的机会。
#
# **运算量。** 784-64-10 的多层感知机，前向计算一个样本要多少次乘加？一共有多少个参数？
# 用中心差分算一次完整梯度，需要把网络前向运行多少次？

# %%
sizes = [784, 64, 10]
mult_adds = sum(m * k for m, k in zip(sizes[:-1], sizes[1:]))
n_params = sum(m * k + k for m, k in zip(sizes[:-1], sizes[1:]))
print(f"forward pass: {mult_adds:,} multiply-adds per sample; {n_params:,} parameters")
print(f"central differences need 2 x {n_params:,} = {2 * n_params:,} forward passes for one gradient")
assert mult_adds == 50_816 and n_params == 50_890

# %% [markdown]
# **重用中间结果。** 设 $f(x) = x_1 x_2 \cdots x_n$，求所有 $\partial f / \partial x_i = \prod_{j \ne i} x_j$。
# 直接对每个 $i$ 把其余 $n-1$ 个数乘一遍，要做约 $n^2$ 次乘法；先算好前缀积和后缀积再相乘，只要约 $3n$ 次。
# 反向传播在整张网络上做的就是同一件事：每一层的中间量只算一次，被所有参数的梯度共用。

# %%
def grads_naive(x):
    out, mults = np.empty_like(x), 0
    for i in range(len(x)):
        prod = 1.0
        for j in range(len(x)):
            if j != i:
                prod *= x[j]
                mults += 1
        out[i] = prod
    return out, mults


def grads_prefix_suffix(x):
    n = len(x)
    prefix, suffix = np.ones(n), np.ones(n)
    for i in range(1, n):
        prefix[i] = prefix[i - 1] * x[i - 1]  # product of x[0..i-1]
    for i in range(n - 2, -1, -1):
        suffix[i] = suffix[i + 1] * x[i + 1]  # product of x[i+1..n-1]
    return prefix * suffix, 3 * (n - 1) + 1


x_chain = rng.uniform(0.9, 1.1, size=300)
g_naive, mults_naive = grads_naive(x_chain)
g_fast, mults_fast = grads_prefix_suffix(x_chain)
print(f"n = {len(x_chain)}: naive {mults_naive:,} multiplications, prefix/suffix {mults_fast:,}")
assert np.allclose(g_naive, g_fast, rtol=1e-12)

# %% [markdown]
# ### 小结
#
# 如果上面每一节的“先预测”你都答对了，或者错了但看完代码马上明白错在哪里，就可以直接进入下一课。
# 如果某一节的代码或公式读不懂，回到正文对应的小节，按那里列出的资源补一补，再回来重跑这个 notebook。
