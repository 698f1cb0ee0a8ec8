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
# 这个 notebook 按正文的顺序把每个概念算一遍、画一遍：向量的点积与投影，
# 2×2 矩阵对网格的作用，矩阵乘法与复合，秩与方程 $Ax=b$，特征向量与幂迭代，
# SVD 把单位圆变成椭圆，最后用 SVD 压缩一张真实照片。
# 全部数据由代码生成，照片是 scikit-learn 安装包自带的 `china.jpg`，不需要联网。
# 关键结论都用 `assert` 检查。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Polygon
from sklearn.datasets import load_sample_image

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 100,
    }
)
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)


def arrow(ax, vec, start=(0.0, 0.0), color="k", lw=2.0, label=None):
    """Draw a vector as an arrow from `start`."""
    start = np.asarray(start, dtype=float)
    ax.annotate("", xy=start + vec, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw, "shrinkA": 0, "shrinkB": 0})
    if label is not None:
        ax.plot([], [], color=color, lw=lw, label=label)  # legend entry


# %% [markdown]
# ### 1. 向量：箭头与列表
#
# 同一个向量既是一个数字列表，也是从原点出发的箭头。取 $u=(3,1)^\top$、$v=(1,2)^\top$，
# 算点积、长度（范数）和夹角，再把 $v$ 投影到 $u$ 所在的直线上。
# 投影系数 $c^\ast = \dfrac{u^\top v}{u^\top u}$ 有两种理解：它让残差 $v-cu$ 与 $u$ 垂直，
# 也让 $v$ 到直线上点 $cu$ 的距离最短。右图把距离 $\lVert v-cu\rVert$ 画成 $c$ 的函数来验证后一点。

# %%
u = np.array([3.0, 1.0])
v = np.array([1.0, 2.0])

dot = u @ v  # same as np.dot(u, v) and sum(u * v)
norm_u, norm_v = np.linalg.norm(u), np.linalg.norm(v)
cos_theta = dot / (norm_u * norm_v)
theta_deg = np.degrees(np.arccos(cos_theta))
c_star = dot / (u @ u)
proj = c_star * u
residual = v - proj

print(f"u.v = {dot:.1f},  |u| = {norm_u:.4f},  |v| = {norm_v:.4f}")
print(f"cos(theta) = {cos_theta:.4f},  theta = {theta_deg:.1f} deg")
print(f"projection coefficient c* = {c_star:.2f},  proj = {proj},  residual = {residual}")
print(f"u . residual = {u @ residual:.1e}")

assert np.isclose(dot, sum(ui * vi for ui, vi in zip(u, v, strict=True)))
assert np.isclose(norm_u, np.sqrt(u @ u))
# law of cosines: |u - v|^2 = |u|^2 + |v|^2 - 2 |u||v| cos(theta)
assert np.isclose(np.sum((u - v) ** 2), norm_u**2 + norm_v**2 - 2 * norm_u * norm_v * cos_theta)
assert np.isclose(theta_deg, 45.0)
assert abs(u @ residual) < 1e-12  # the residual is perpendicular to u

# the projection is the closest point on the line: scan c and find the minimum distance
cs = np.linspace(-0.5, 1.5, 2001)
dist = np.linalg.norm(v[None, :] - cs[:, None] * u[None, :], axis=1)
assert abs(cs[np.argmin(dist)] - c_star) < 1e-3

# Cauchy-Schwarz |u.v| <= |u||v| holds for random vectors in any dimension
for dim in [2, 10, 1000]:
    a, b = rng.normal(size=(2, 1000, dim))
    cosines = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert np.all(np.abs(cosines) <= 1 + 1e-12)
    print(f"dim {dim:4d}: mean |cos| between random vectors = {np.abs(cosines).mean():.3f}")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
ax = axes[0]
t = np.linspace(-0.3, 1.3, 2)
ax.plot(t * u[0], t * u[1], color="0.8", lw=1, zorder=0)
arrow(ax, u, color="tab:blue", label="$u=(3,1)$")
arrow(ax, v, color="tab:red", label="$v=(1,2)$")
arrow(ax, proj, color="tab:green", lw=3, label=f"投影 $c^*u$，$c^*={c_star:.1f}$")
arrow(ax, residual, start=proj, color="tab:orange", label="残差 $v-c^*u$")
# right-angle marker at the foot of the perpendicular
e1, e2 = u / norm_u * 0.18, residual / np.linalg.norm(residual) * 0.18
ax.plot(*np.array([proj + e2, proj + e1 + e2, proj + e1]).T, color="k", lw=1)
ax.text(0.35, 0.28, f"θ = {theta_deg:.0f}°", fontsize=11)
ax.set_xlim(-0.5, 3.5)
ax.set_ylim(-0.3, 2.4)
ax.set_aspect("equal")
ax.grid(alpha=0.3)
ax.legend(fontsize=8, loc="upper right")
ax.set_title("点积、夹角与投影")

ax = axes[1]
ax.plot(cs, dist, color="tab:purple")
ax.axvline(c_star, color="tab:green", ls="--", lw=1)
ax.annotate(f"最小值在 $c^*=u^\\top v/u^\\top u={c_star:.1f}$", xy=(c_star, dist.min()),
            xytext=(0.65, 2.0), arrowprops={"arrowstyle": "->"}, fontsize=9)
ax.set_xlabel("$c$")
ax.set_ylabel("$\\|v-cu\\|$")
ax.set_title("直线上离 $v$ 最近的点就是投影")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 矩阵就是线性变换
#
# 矩阵 $A$ 把向量 $x$ 变成 $Ax$。它的第 1 列是 $e_1=(1,0)^\top$ 的去处，第 2 列是 $e_2=(0,1)^\top$ 的去处，
# 整张网格跟着基向量一起走：直线仍是直线，原点不动，平行且等距的网格线仍然平行且等距。
# 下面画出 5 个典型的 2×2 矩阵对网格（灰色为原网格）、单位正方形（黄色）和两个基向量（红、蓝）的作用，
# 并在标题里标出行列式。已变换单位正方形的面积用鞋带公式（shoelace formula）直接量出来，与 $|\det A|$ 对照。

# %%
def rotation(deg):
    t = np.radians(deg)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def polygon_area(points):
    """Signed area of a polygon (shoelace formula); points is k x 2, counter-clockwise = positive."""
    x, y = points[:, 0], points[:, 1]
    return 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)


line_dir = np.array([np.cos(np.radians(30)), np.sin(np.radians(30))])  # unit vector at 30 degrees
matrices = {
    "旋转 30°": rotation(30),
    "剪切": np.array([[1.0, 1.0], [0.0, 1.0]]),
    "缩放": np.array([[1.5, 0.0], [0.0, 0.5]]),
    "投影到 30° 直线": np.outer(line_dir, line_dir),
    "奇异（两列平行）": np.array([[1.0, 2.0], [0.5, 1.0]]),
}

unit_square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)


def draw_transform(ax, A, title):
    lim = 2.6
    grid = np.linspace(-2, 2, 9)
    line = np.linspace(-2, 2, 50)
    for g in grid:
        for pts in (np.stack([np.full_like(line, g), line]), np.stack([line, np.full_like(line, g)])):
            ax.plot(*pts, color="0.85", lw=0.8, zorder=0)  # original grid
            ax.plot(*(A @ pts), color="tab:gray", lw=0.8, alpha=0.7, zorder=1)  # transformed grid
    ax.add_patch(Polygon((A @ unit_square.T).T, closed=True, fc="gold", ec="darkgoldenrod", alpha=0.6, zorder=2))
    arrow(ax, A[:, 0], color="tab:red", lw=2.5)
    arrow(ax, A[:, 1], color="tab:blue", lw=2.5)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


fig, axes = plt.subplots(2, 3, figsize=(9, 6.2))
draw_transform(axes[0, 0], np.eye(2), "原始：单位矩阵 $I$，det = 1")
print(f"{'matrix':<18} {'det':>7} {'area of image of unit square':>30}")
for ax, (name, A) in zip(axes.ravel()[1:], matrices.items(), strict=True):
    det = np.linalg.det(A)
    area = polygon_area((A @ unit_square.T).T)
    draw_transform(ax, A, f"{name}，det = {det:.2f}")
    print(f"{name:<18} {det:7.3f} {area:30.3f}")
    # the columns of A are the images of the basis vectors
    assert np.allclose(A @ np.array([1.0, 0.0]), A[:, 0]) and np.allclose(A @ np.array([0.0, 1.0]), A[:, 1])
    # linearity: A(a x + b y) = a Ax + b Ay
    x, y = rng.normal(size=(2, 2))
    assert np.allclose(A @ (2.0 * x - 3.0 * y), 2.0 * (A @ x) - 3.0 * (A @ y))
    # determinant = signed area scaling of the unit square
    assert np.isclose(area, det)
fig.suptitle("2×2 矩阵对平面的作用（红 = $Ae_1$ = 第 1 列，蓝 = $Ae_2$ = 第 2 列）", fontsize=11)
fig.tight_layout()
plt.show()

P = matrices["投影到 30° 直线"]
assert np.allclose(P @ P, P)  # projecting twice changes nothing
assert np.isclose(np.linalg.det(matrices["旋转 30°"]), 1.0)

# %% [markdown]
# ### 3. 矩阵乘法就是复合
#
# 取旋转 $R$（逆时针 90°）和剪切 $H$。$RH$ 作用在向量上，等于**先** $H$ **后** $R$：$(RH)x = R(Hx)$。
# 把乘法顺序换成 $HR$，就变成先旋转再剪切，结果一般不同。
# 为了看清方向，下面变换的是一个不对称的“F”形，而不是正方形。

# %%
R = rotation(90)
H = np.array([[1.0, 1.0], [0.0, 1.0]])
RH, HR = R @ H, H @ R
print("R H =\n", RH)
print("H R =\n", HR)

x = rng.normal(size=2)
assert np.allclose(RH @ x, R @ (H @ x))  # (RH)x = R(Hx): apply H first, then R
assert not np.allclose(RH, HR)  # matrix multiplication is not commutative

# column j of AB is A times column j of B, and entry (i, j) is row i of A dotted with column j of B
A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
AB = A @ B
assert AB.shape == (3, 2)
assert np.allclose(AB[:, 1], A @ B[:, 1]) and np.isclose(AB[2, 0], A[2] @ B[:, 0])
assert np.allclose((A @ B).T, B.T @ A.T)

# two linear layers without an activation collapse into one: W2 (W1 a) = (W2 W1) a
W1, W2, a0 = rng.normal(size=(4, 5)), rng.normal(size=(3, 4)), rng.normal(size=5)
assert np.allclose(W2 @ (W1 @ a0), (W2 @ W1) @ a0)
print("shapes: W1", W1.shape, "W2", W2.shape, "-> W2 @ W1", (W2 @ W1).shape)

F = np.array([[0, 0], [0.4, 0], [0.4, 1.0], [1.0, 1.0], [1.0, 1.3], [0.4, 1.3], [0.4, 1.6], [1.2, 1.6],
              [1.2, 2.0], [0, 2.0]])  # an "F", vertices in order
fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
for ax, (M, title) in zip(axes, [(np.eye(2), "原图"), (RH, "$RH$：先剪切 $H$，再旋转 $R$"),
                                 (HR, "$HR$：先旋转 $R$，再剪切 $H$")], strict=True):
    ax.add_patch(Polygon(F, closed=True, fc="none", ec="0.75", ls="--"))
    ax.add_patch(Polygon((M @ F.T).T, closed=True, fc="tab:blue", alpha=0.6, ec="navy"))
    ax.plot(0, 0, "ko", ms=3)
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-1.5, 3.0)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=10)
fig.suptitle("乘法顺序不同，结果不同：$RH \\neq HR$（虚线为原图）", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 逆矩阵：把变换撤销
#
# 可逆矩阵 $A$ 的逆 $A^{-1}$ 把 $Ax$ 送回 $x$。行列式为 0 的矩阵把平面压扁了，无法撤销，
# NumPy 会报错。解方程时用 `np.linalg.solve`，不必先求逆。

# %%
A = np.array([[2.0, 1.0], [1.0, 3.0]])
A_inv = np.linalg.inv(A)
A_inv_formula = np.array([[A[1, 1], -A[0, 1]], [-A[1, 0], A[0, 0]]]) / np.linalg.det(A)  # 2x2 formula
print("A^-1 =\n", A_inv)
assert np.allclose(A_inv @ A, np.eye(2)) and np.allclose(A @ A_inv, np.eye(2))
assert np.allclose(A_inv, A_inv_formula)

b = np.array([3.0, 5.0])
x_solve = np.linalg.solve(A, b)
print("solution of Ax = b:", x_solve)
assert np.allclose(A @ x_solve, b) and np.allclose(x_solve, A_inv @ b)

# undo in reverse order: (RH)^-1 = H^-1 R^-1
assert np.allclose(np.linalg.inv(R @ H), np.linalg.inv(H) @ np.linalg.inv(R))
# a rotation is undone by its transpose
assert np.allclose(np.linalg.inv(R), R.T)

try:
    np.linalg.inv(matrices["奇异（两列平行）"])
    raise AssertionError("a singular matrix should not be invertible")
except np.linalg.LinAlgError as err:
    print("inverting the singular matrix fails:", err)

# %% [markdown]
# ### 5. 秩：列空间有几维
#
# 秩（rank）是列空间的维数，也就是线性无关的列最多有几个。数值计算里，
# 先求奇异值，再数一数有几个大于容差 `tol`；`np.linalg.matrix_rank` 默认取
# `tol = s_max * max(m, n) * eps`。下面看三个 4×3 矩阵：秩 1 的 $uv^\top$、第 3 列等于前两列组合的秩 2 矩阵，
# 以及给后者加上 $10^{-10}$ 量级噪声的版本。

# %%
def numerical_rank(A, tol=None):
    s = np.linalg.svd(A, compute_uv=False)
    if tol is None:
        tol = s.max() * max(A.shape) * np.finfo(A.dtype).eps
    return int(np.sum(s > tol)), s, tol


A_rank1 = np.outer([1.0, 2.0, -1.0, 0.5], [2.0, -1.0, 3.0])  # every column is a multiple of (1, 2, -1, 0.5)
c1, c2 = np.array([1.0, 0.0, 2.0, 1.0]), np.array([0.0, 1.0, 1.0, -1.0])
A_rank2 = np.column_stack([c1, c2, c1 + 2 * c2])  # third column = first + 2 * second
A_noisy = A_rank2 + 1e-10 * rng.normal(size=A_rank2.shape)

cases = {"秩 1（外积）": A_rank1, "秩 2（列3 = 列1 + 2·列2）": A_rank2, "秩 2 + 1e-10 噪声": A_noisy}
ranks = {}
for name, M in cases.items():
    r, s, tol = numerical_rank(M)
    r_loose, _, _ = numerical_rank(M, tol=1e-6 * s.max())
    ranks[name] = (r, r_loose, s)
    print(f"{name}: singular values {np.array2string(s, formatter={'float_kind': lambda z: f'{z:.2e}'})}")
    print(f"    rank with default tol {tol:.1e}: {r};  rank with tol 1e-6 * s_max: {r_loose}")
    assert r == np.linalg.matrix_rank(M)

assert ranks["秩 1（外积）"][0] == 1
assert ranks["秩 2（列3 = 列1 + 2·列2）"][0] == 2
assert ranks["秩 2 + 1e-10 噪声"][0] == 3 and ranks["秩 2 + 1e-10 噪声"][1] == 2  # the tolerance decides

fig, ax = plt.subplots(figsize=(7, 3.4))
width = 0.25
for i, (name, (_, _, s)) in enumerate(ranks.items()):
    ax.bar(np.arange(3) + (i - 1) * width, np.maximum(s, 1e-18), width, label=name)
ax.axhline(1e-6 * ranks["秩 2 + 1e-10 噪声"][2].max(), color="k", ls="--", lw=1, label="容差 $10^{-6} s_1$")
ax.set_yscale("log")
ax.set_ylim(1e-18, 1e2)
ax.set_xticks(range(3), ["$s_1$", "$s_2$", "$s_3$"])
ax.set_ylabel("奇异值（对数刻度）")
ax.set_title("秩 = 大于容差的奇异值个数")
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# 秩决定了方程 $Ax=b$ 的命运。$A$ 是 4×3、秩 2：
#
# - 若 $b$ 在列空间里，方程有解，而且有无穷多个：任何一个解加上零空间（null space）里的向量 $n$（$An=0$）仍然是解；
# - 若 $b$ 不在列空间里，方程无解，`np.linalg.lstsq` 给出让 $\lVert Ax-b\rVert$ 最小的 $x$，
#   此时 $Ax$ 是 $b$ 在列空间上的投影，残差与每一列都垂直：$A^\top(b-Ax)=0$。

# %%
_, _, Vt = np.linalg.svd(A_rank2)
null_vec = Vt[-1]  # right singular vector with singular value 0 spans the null space
print("null-space direction:", null_vec / null_vec[np.argmax(np.abs(null_vec))], "  A n =", A_rank2 @ null_vec)
assert np.allclose(A_rank2 @ null_vec, 0)

x_true = np.array([1.0, -1.0, 2.0])
b_in = A_rank2 @ x_true  # in the column space by construction
x_ls, res_in, rank_ls, _ = np.linalg.lstsq(A_rank2, b_in, rcond=None)
x_other = x_ls + 3.0 * null_vec
print("b in column space: lstsq x =", np.round(x_ls, 10) + 0.0, " another solution =", x_other)
assert rank_ls == 2
assert np.allclose(A_rank2 @ x_ls, b_in) and np.allclose(A_rank2 @ x_other, b_in)

b_out = b_in + np.array([1.0, 1.0, 0.0, 0.0])
x_ls2, *_ = np.linalg.lstsq(A_rank2, b_out, rcond=None)
r = b_out - A_rank2 @ x_ls2
print(f"b outside column space: smallest |Ax - b| = {np.linalg.norm(r):.4f},  A^T r = {A_rank2.T @ r}")
assert np.linalg.norm(r) > 0.1  # no exact solution
assert np.allclose(A_rank2.T @ r, 0)  # the residual is perpendicular to every column

# %% [markdown]
# ### 6. 特征向量：只被拉伸的方向
#
# 取 $A=\begin{bmatrix}2 & 1\\ 0.5 & 1.5\end{bmatrix}$。特征方程 $\lambda^2-3.5\lambda+2.5=0$ 给出 $\lambda_1=2.5$、$\lambda_2=1$，
# 特征向量方向分别是 $(2,1)^\top$ 和 $(1,-1)^\top$。左图把单位圆上的一圈向量 $x$（浅色）和它们的像 $Ax$（深色）
# 用细线连起来：大多数向量被 $A$ 转了方向，只有落在两条特征方向上的向量还留在原来的直线上。
#
# 右图是幂迭代（power iteration）：从任意向量出发，反复乘 $A$ 再归一化。
# 每乘一次，$v_2$ 方向的分量相对 $v_1$ 缩小为 $|\lambda_2/\lambda_1|=0.4$ 倍，所以向量很快转到 $v_1$ 上。

# %%
A = np.array([[2.0, 1.0], [0.5, 1.5]])
eigvals, eigvecs = np.linalg.eig(A)
order = np.argsort(-np.abs(eigvals))
eigvals, eigvecs = eigvals[order], eigvecs[:, order]
print("eigenvalues:", eigvals)
print("eigenvectors (columns):\n", eigvecs)
assert np.allclose(eigvals, [2.5, 1.0])
for lam, vec in zip(eigvals, eigvecs.T, strict=True):
    assert np.allclose(A @ vec, lam * vec)  # only scaled, not turned
assert np.isclose(eigvals.sum(), np.trace(A)) and np.isclose(eigvals.prod(), np.linalg.det(A))

# diagonalisation: A = P diag(lambda) P^-1, and A^k = P diag(lambda^k) P^-1
Pm = eigvecs
assert np.allclose(Pm @ np.diag(eigvals) @ np.linalg.inv(Pm), A)
assert np.allclose(np.linalg.matrix_power(A, 10), Pm @ np.diag(eigvals**10) @ np.linalg.inv(Pm))


def power_iteration(A, x0, steps):
    """Repeatedly multiply by A and normalise; return all iterates and Rayleigh-quotient estimates."""
    xs, lams = [x0 / np.linalg.norm(x0)], []
    for _ in range(steps):
        y = A @ xs[-1]
        xs.append(y / np.linalg.norm(y))
        lams.append(xs[-1] @ A @ xs[-1])  # Rayleigh quotient x^T A x for a unit vector x
    return np.array(xs), np.array(lams)


v1 = eigvecs[:, 0] * np.sign(eigvecs[0, 0])
x0 = np.array([-1.0, 0.8])  # deliberately far from v1
xs, lams = power_iteration(A, x0, 30)
along = xs @ v1
sin_err = np.linalg.norm(xs - along[:, None] * v1[None, :], axis=1)  # |part of x_k not along v1| = sin(angle)
angles = np.degrees(np.arctan2(sin_err, np.abs(along)))  # angle between x_k and the v1 line
print("angle to v1 after k steps:", {k: f"{angles[k]:.2e} deg" for k in [0, 1, 2, 5, 10, 20]})
print(f"Rayleigh quotient after 30 steps: {lams[-1]:.12f}")
assert angles[20] < 1e-5 and np.isclose(lams[-1], eigvals[0])
ratios = sin_err[6:16] / sin_err[5:15]
print("error ratio per step (k = 5..14):", ratios.round(4))
assert np.allclose(ratios, abs(eigvals[1] / eigvals[0]), atol=0.01)

fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2))
ax = axes[0]
angles_circle = np.linspace(0, 2 * np.pi, 24, endpoint=False)
circle_pts = np.stack([np.cos(angles_circle), np.sin(angles_circle)])
images = A @ circle_pts
for p, q in zip(circle_pts.T, images.T, strict=True):
    ax.plot([p[0], q[0]], [p[1], q[1]], color="0.8", lw=0.8)
ax.scatter(*circle_pts, s=12, color="tab:blue", alpha=0.5, label="$x$（单位圆上）")
ax.scatter(*images, s=12, color="tab:blue", label="$Ax$")
for lam, vec, color in zip(eigvals, eigvecs.T, ["tab:red", "tab:green"], strict=True):
    tt = np.array([-3.2, 3.2])
    ax.plot(tt * vec[0], tt * vec[1], color=color, lw=1, ls="--")
    arrow(ax, vec, color=color, lw=2.5)
    arrow(ax, lam * vec, color=color, lw=1.2, label=f"特征方向，$\\lambda={lam:.1f}$")
ax.set_xlim(-3.2, 3.2)
ax.set_ylim(-2.4, 2.4)
ax.set_aspect("equal")
ax.grid(alpha=0.3)
ax.legend(fontsize=8, loc="lower right")
ax.set_title("只有特征方向上的向量不转向")

ax = axes[1]
ks = np.arange(len(sin_err))
ax.semilogy(ks, sin_err, "o-", ms=3, label="幂迭代：$\\sin\\angle(x_k, v_1)$")
ax.semilogy(ks, sin_err[10] * 0.4 ** (ks - 10.0), "k--", lw=1, label="斜率 $|\\lambda_2/\\lambda_1|^k=0.4^k$")
ax.set_xlabel("迭代次数 $k$")
ax.set_ylabel("与 $v_1$ 的偏差")
ax.set_title("反复乘 $A$，方向收敛到主特征向量")
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 同一个函数在大矩阵上照样可用。下面对一个 200×200 的对称半正定矩阵 $M=B^\top B/200$ 跑幂迭代，
# 和 `np.linalg.eig` 的最大特征值、对应特征向量比较。收敛速度取决于前两个特征值之比。
# 最后看一个反例：旋转矩阵没有实特征向量（没有哪个方向转完还在原直线上），它的特征值是一对复数。

# %%
Bm = rng.normal(size=(200, 200))
M = Bm.T @ Bm / 200
w, V = np.linalg.eig(M)
w, V = w.real, V.real  # M is symmetric, so its eigenvalues are real
top = np.argmax(w)
w_sorted = np.sort(w)[::-1]
xs_big, lams_big = power_iteration(M, rng.normal(size=200), 300)
x_big = xs_big[-1]
print(f"lambda_1 = {w_sorted[0]:.6f}, lambda_2 = {w_sorted[1]:.6f}, ratio = {w_sorted[1] / w_sorted[0]:.4f}")
print(f"power iteration after 300 steps: {lams_big[-1]:.6f},  |cos(x, v_1)| = {abs(x_big @ V[:, top]):.8f}")
assert np.isclose(lams_big[-1], w[top], rtol=1e-8)
assert abs(x_big @ V[:, top]) > 1 - 1e-6

rot_vals = np.linalg.eigvals(rotation(30))
print("eigenvalues of the 30-degree rotation:", rot_vals)
assert np.all(np.abs(rot_vals.imag) > 0.4) and np.allclose(np.abs(rot_vals), 1.0)

# %% [markdown]
# ### 7. SVD：任何矩阵都是“转—拉伸—转”
#
# 对 $A=\begin{bmatrix}1.5 & 1\\ 0.3 & 1.2\end{bmatrix}$ 做奇异值分解 $A=USV^\top$，按从右到左的顺序一步步作用在单位圆上：
# $V^\top$ 把右奇异向量 $v_1,v_2$ 转到坐标轴上，$S$ 沿坐标轴把圆拉成椭圆，$U$ 再把椭圆转到最终位置。
# 椭圆的两个半轴就是 $s_1u_1$ 和 $s_2u_2$。圆上标了一个黑点，方便追踪同一个点。
# （NumPy 返回的 $U$、$V$ 可能含一次反射；这里 $\det A>0$，把 $u_2$、$v_2$ 同时取反即可让两者都成为纯旋转，乘积不变。）

# %%
A = np.array([[1.5, 1.0], [0.3, 1.2]])
U, s, Vt = np.linalg.svd(A)
if np.linalg.det(U) < 0:  # det(U) = det(V) here because det(A) > 0; flip u2 and v2 together
    U[:, 1] *= -1
    Vt[1] *= -1
if U[0, 0] < 0:  # cosmetic: U -> -U and V -> -V changes neither A nor the determinants (2 x 2)
    U, Vt = -U, -Vt
S = np.diag(s)
print("singular values:", s)
print("U =\n", U, "\nV^T =\n", Vt)
assert np.allclose(U @ S @ Vt, A)
assert np.allclose(U.T @ U, np.eye(2)) and np.allclose(Vt @ Vt.T, np.eye(2))
assert np.isclose(np.linalg.det(U), 1) and np.isclose(np.linalg.det(Vt), 1)
for i in range(2):
    assert np.allclose(A @ Vt[i], s[i] * U[:, i])  # A v_i = s_i u_i
assert np.allclose(np.sort(np.linalg.eigvalsh(A.T @ A))[::-1], s**2)  # s_i^2 are the eigenvalues of A^T A
assert np.isclose(abs(np.linalg.det(A)), s.prod())

theta = np.linspace(0, 2 * np.pi, 721)
circle = np.stack([np.cos(theta), np.sin(theta)])
stretch = np.linalg.norm(A @ circle, axis=0)
print(f"max |Ax| on the unit circle = {stretch.max():.4f} (s1 = {s[0]:.4f}),  min = {stretch.min():.4f} (s2 = {s[1]:.4f})")
assert abs(stretch.max() - s[0]) < 1e-4 and abs(stretch.min() - s[1]) < 1e-4

marker = np.array([np.cos(0.3), np.sin(0.3)])
stages = [(np.eye(2), "单位圆与 $v_1, v_2$"), (Vt, "① 乘 $V^\\top$：转"), (S @ Vt, "② 乘 $S$：沿轴拉伸"),
          (A, "③ 乘 $U$：再转，得 $A$")]
fig, axes = plt.subplots(1, 4, figsize=(10, 3.1))
for ax, (M, title) in zip(axes, stages, strict=True):
    ax.plot(*circle, color="0.85", lw=1)
    ax.plot(*(M @ circle), color="tab:blue", lw=2)
    arrow(ax, M @ Vt[0], color="tab:red", lw=2)
    arrow(ax, M @ Vt[1], color="tab:green", lw=2)
    ax.plot(*(M @ marker), "ko", ms=5)
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-2.1, 2.1)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=10)
axes[-1].text(-2.0, -1.95, f"$s_1={s[0]:.2f}$, $s_2={s[1]:.2f}$", fontsize=9)
fig.suptitle("$A = USV^\\top$：红、绿箭头是 $v_1, v_2$ 一路被送到 $s_1u_1, s_2u_2$", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. 用 SVD 压缩一张照片
#
# 灰度照片就是一个矩阵。这里用 scikit-learn 安装包自带的 `china.jpg`
# （Flickr 用户 danielbuechele 拍摄，CC BY 2.0 许可），按 ITU-R 601-2 的亮度权重
# $0.299R+0.587G+0.114B$ 转成灰度，再缩放到 $[0,1]$。
# 截断 SVD $A_k=\sum_{i\le k}s_iu_iv_i^\top$ 只需存 $k(m+n+1)$ 个数，而原图要存 $mn$ 个。
#
# 检查两件事：
#
# 1. 误差恒等式：$\lVert A-A_k\rVert_F=\sqrt{\sum_{i>k}s_i^2}$；
# 2. Eckart–Young 定理说 $A_k$ 是所有秩不超过 $k$ 的矩阵里离 $A$ 最近的。无法穷举所有矩阵，
#    这里拿两类对手来比，每类随机试 20 次取最好的一次：一类是随机的 $k$ 维子空间 $Q$，
#    另一类是随机挑 $k$ 列照片、用它们张成的子空间。给定子空间 $Q$（列正交），$QQ^\top A$ 是列都落在其中的矩阵里最好的，
#    所以这已经是对手能做到的最好结果。

# %%
rgb = load_sample_image("china.jpg").astype(np.float64) / 255.0
gray = rgb @ np.array([0.299, 0.587, 0.114])
m, n = gray.shape
print(f"image: {m} x {n} pixels, values in [{gray.min():.3f}, {gray.max():.3f}]")

Ui, si, Vti = np.linalg.svd(gray, full_matrices=False)
norm_A = np.linalg.norm(gray)  # Frobenius norm
print(f"rank = {np.linalg.matrix_rank(gray)},  s_1 = {si[0]:.1f},  s_10 = {si[9]:.2f},  s_100 = {si[99]:.3f}")


def rank_k(k):
    return (Ui[:, :k] * si[:k]) @ Vti[:k]


k_list = [1, 5, 20, 50, 100]
results = {}
print(f"{'k':>4} {'rel. error':>11} {'sqrt(sum dropped s^2)/|A|':>27} {'best random subspace':>21} "
      f"{'best random columns':>19} {'compression':>12}")
for k in k_list:
    Ak = rank_k(k)
    err = np.linalg.norm(gray - Ak)
    theory = np.sqrt(np.sum(si[k:] ** 2))
    rand_errs, col_errs = [], []
    for _ in range(20):
        Q, _ = np.linalg.qr(rng.normal(size=(m, k)))  # random orthonormal basis of a k-dim subspace
        rand_errs.append(np.linalg.norm(gray - Q @ (Q.T @ gray)))
        C, _ = np.linalg.qr(gray[:, rng.choice(n, size=k, replace=False)])  # span of k random image columns
        col_errs.append(np.linalg.norm(gray - C @ (C.T @ gray)))
    ratio = m * n / (k * (m + n + 1))
    results[k] = {"img": Ak, "rel": err / norm_A, "rand": min(rand_errs) / norm_A, "cols": min(col_errs) / norm_A,
                  "ratio": ratio}
    print(f"{k:4d} {err / norm_A:11.4f} {theory / norm_A:27.4f} {min(rand_errs) / norm_A:21.4f} "
          f"{min(col_errs) / norm_A:19.4f} {ratio:11.1f}x")
    assert np.isclose(err, theory, rtol=1e-10)  # error identity
    assert err < min(rand_errs) and err < min(col_errs)  # Eckart-Young: SVD beats every rank-k competitor tried
    assert np.linalg.matrix_rank(Ak) == k


# %%
fig, axes = plt.subplots(2, 3, figsize=(9, 5.4))
axes[0, 0].imshow(gray, cmap="gray", vmin=0, vmax=1)
axes[0, 0].set_title(f"原图（{m}×{n}，秩 {min(m, n)}）", fontsize=10)
for ax, k in zip(axes.ravel()[1:], k_list, strict=True):
    ax.imshow(np.clip(results[k]["img"], 0, 1), cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"k = {k}：误差 {results[k]['rel']:.1%}，压缩 {results[k]['ratio']:.1f} 倍", fontsize=10)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("秩 k 近似 $A_k=\\sum_{i\\leq k} s_i u_i v_i^\\top$（误差为相对 Frobenius 误差）", fontsize=11)
fig.tight_layout()
plt.show()

ks_all = np.arange(1, 201)
fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6))
axes[0].semilogy(np.arange(1, len(si) + 1), si, color="tab:blue")
axes[0].set_xlabel("序号 $i$")
axes[0].set_ylabel("奇异值 $s_i$（对数刻度）")
axes[0].set_title("奇异值衰减得很快")
axes[0].grid(alpha=0.3, which="both")
tail = np.sqrt(np.maximum(np.sum(si**2) - np.cumsum(si**2), 0.0)) / norm_A  # sqrt(sum_{i>k} s_i^2) / |A|
axes[1].plot(ks_all, tail[ks_all - 1], color="tab:blue", label="SVD：$\\sqrt{\\sum_{i>k}s_i^2}\\,/\\,\\|A\\|_F$")
axes[1].plot(k_list, [results[k]["rel"] for k in k_list], "o", color="tab:blue", label="SVD 实测")
axes[1].plot(k_list, [results[k]["rand"] for k in k_list], "s", color="tab:red", label="随机 k 维子空间（20 次中最好）")
axes[1].plot(k_list, [results[k]["cols"] for k in k_list], "^", color="tab:orange",
             label="随机 k 列照片张成的子空间（20 次中最好）")
axes[1].set_xlabel("保留的秩 $k$")
axes[1].set_ylabel("相对误差")
axes[1].set_title("同样的秩，SVD 截断误差最小")
axes[1].set_ylim(0, 1.05)
axes[1].grid(alpha=0.3)
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 小结
#
# - 点积给出夹角和投影，投影的残差与原方向垂直，投影点是直线上离原向量最近的点；
# - 矩阵的列就是基向量的去处，行列式是面积的缩放倍数（带符号），为 0 时平面被压扁、矩阵不可逆；
# - $RH\ne HR$，$(RH)x=R(Hx)$：矩阵乘法是变换的复合，顺序从右往左读；
# - 数值秩取决于容差；秩不足时 $Ax=b$ 要么无解（最小二乘给出投影），要么有无穷多解（差一个零空间向量）；
# - 幂迭代每步把非主方向的分量乘以 $|\lambda_2/\lambda_1|$，结果与 `np.linalg.eig` 一致；
# - SVD 把任何矩阵拆成转—拉伸—转，截断 SVD 的误差正好是丢掉的奇异值的平方和再开方，并且胜过随机的低秩近似。
