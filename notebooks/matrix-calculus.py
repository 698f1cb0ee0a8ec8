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
# 这个 notebook 把正文用微分法推出的每个梯度都用数值方法核对一遍，顺序与正文一致：
#
# 1. 迹的两条性质，以及 $a^\top X b$ 的梯度；
# 2. 最小二乘 $\lVert Xw - y\rVert^2$ 的梯度，画出真实数据上的损失曲面和梯度场；
# 3. $\log\det X$ 的梯度，并检查“微分就是线性近似”：梯度对了，误差按 $\varepsilon^2$ 缩小；
#    再看有限差分的误差怎样随步长 $h$ 变化；
# 4. softmax 交叉熵对 logits 和线性层权重的梯度（鸢尾花数据），与 PyTorch 自动微分对照；
# 5. 两层 MLP 全部参数的梯度；
# 6. vec 与 Kronecker 积：矩阵对矩阵的导数，以及不同工具怎样排列同一组偏导数；
# 7. 汇总：正确公式和几种常见错误写法与数值梯度的相对误差。
#
# 全部用 float64。数据来自 scikit-learn 自带的 `load_diabetes` 和 `load_iris`，不需要联网。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
from matplotlib import font_manager
from sklearn.datasets import load_diabetes, load_iris

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
torch.manual_seed(0)
torch.set_num_threads(1)  # tiny tensors: one thread is faster and deterministic
np.set_printoptions(precision=4, suppress=True)


def num_grad(f, X, h=1e-5):
    """Central differences, one entry at a time; X may have any shape. Returns an array shaped like X."""
    X = np.array(X, dtype=float)
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        X[idx] = old + h
        f_plus = f(X)
        X[idx] = old - h
        f_minus = f(X)
        X[idx] = old
        G[idx] = (f_plus - f_minus) / (2 * h)
    return G


def rel_err(g1, g2):
    """||g1 - g2|| / (||g1|| + ||g2||); shapes must agree (a shape mismatch is itself a bug)."""
    assert g1.shape == g2.shape, (g1.shape, g2.shape)
    return float(np.linalg.norm(g1 - g2) / (np.linalg.norm(g1) + np.linalg.norm(g2)))


summary = {}  # name -> (relative error, is the formula correct?)

# %% [markdown]
# ### 1. 迹技巧与 aᵀXb
#
# 微分法只用到迹（trace）的几条性质。先用随机矩阵确认两条最关键的：
# $\operatorname{tr}(A^\top B) = \sum_{ij} A_{ij}B_{ij}$（迹就是矩阵的内积），
# 以及迹对乘积只允许**轮换**：$\operatorname{tr}(ABC) = \operatorname{tr}(CAB)$，但一般 $\neq \operatorname{tr}(BAC)$。
#
# 然后核对第一个例子：$f(X) = a^\top X b$，微分 $df = a^\top\, dX\, b = \operatorname{tr}(b a^\top dX)$，
# 对照 $df = \operatorname{tr}(G^\top dX)$ 读出 $G = a b^\top$。
# 它和 $X$ 一样是 $3\times 4$；把转置弄反得到的 $b a^\top$ 是 $4 \times 3$，形状检查就能发现。

# %%
A3, B3, C3 = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
P, Q = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
print(f"tr(P^T Q) = {np.trace(P.T @ Q):.6f},  sum(P * Q) = {np.sum(P * Q):.6f}")
print(f"tr(ABC) = {np.trace(A3 @ B3 @ C3):.6f},  tr(CAB) = {np.trace(C3 @ A3 @ B3):.6f},  "
      f"tr(BAC) = {np.trace(B3 @ A3 @ C3):.6f}")
assert np.isclose(np.trace(P.T @ Q), np.sum(P * Q))
assert np.isclose(np.trace(A3 @ B3 @ C3), np.trace(C3 @ A3 @ B3))
assert not np.isclose(np.trace(A3 @ B3 @ C3), np.trace(B3 @ A3 @ C3))

a, b = rng.normal(size=3), rng.normal(size=4)
X1 = rng.normal(size=(3, 4))
G_formula = np.outer(a, b)  # a b^T, 3 x 4
G_num = num_grad(lambda X: a @ X @ b, X1)
err = rel_err(G_num, G_formula)
summary["a^T X b：G = a b^T"] = (err, True)
print(f"a^T X b: gradient shape {G_formula.shape}, relative error vs central differences {err:.1e}")
print(f"the transposed guess b a^T has shape {np.outer(b, a).shape}: it cannot be the gradient of a 3x4 X")
assert err < 1e-9

# f is linear in X, so df = tr(G^T dX) holds exactly, even for a big step
E = rng.normal(size=X1.shape)
lhs = a @ (X1 + E) @ b - a @ X1 @ b
print(f"f(X + E) - f(X) = {lhs:.6f},  tr(G^T E) = {np.trace(G_formula.T @ E):.6f}")
assert np.isclose(lhs, np.trace(G_formula.T @ E))

# %% [markdown]
# ### 2. 最小二乘：梯度场与损失曲面
#
# 用糖尿病数据集的两个特征（`bmi` 和 `s5`，sklearn 已把每列中心化并缩放到平方和为 1），
# 目标 $y$ 减去均值再除以标准差，于是模型只有两个参数 $w = (w_1, w_2)^\top$，损失
# $f(w) = \lVert Xw - y\rVert^2$ 可以画成等高线。微分法给出 $\nabla f = 2X^\top(Xw - y)$；
# 令它为零得正规方程 $X^\top X w = X^\top y$。下面核对梯度，和 `np.linalg.lstsq` 比较解，
# 再沿负梯度走几十步：步长取 $1/\lambda_{\max}$（$\lambda_{\max}$ 是海森矩阵 $2X^\top X$ 的最大特征值），
# 正好在“微积分与梯度下降”一课的稳定条件 $\eta < 2/L$ 之内。

# %%
diab = load_diabetes()
cols = [diab.feature_names.index("bmi"), diab.feature_names.index("s5")]
Xd = diab.data[:, cols]
yd = (diab.target - diab.target.mean()) / diab.target.std()


def ls_loss(w):
    r = Xd @ w - yd
    return r @ r


def ls_grad(w):
    return 2 * Xd.T @ (Xd @ w - yd)


w_test = np.array([3.0, -2.0])
err = rel_err(num_grad(ls_loss, w_test), ls_grad(w_test))
summary["最小二乘：2X^T(Xw−y)"] = (err, True)
err_half = rel_err(num_grad(ls_loss, w_test), Xd.T @ (Xd @ w_test - yd))
summary["最小二乘：漏了因子 2"] = (err_half, False)
w_star = np.linalg.solve(Xd.T @ Xd, Xd.T @ yd)
w_lstsq = np.linalg.lstsq(Xd, yd, rcond=None)[0]
H = 2 * Xd.T @ Xd
lam = np.linalg.eigvalsh(H)
print(f"column norms of X: {np.linalg.norm(Xd, axis=0)}, corr(bmi, s5) = {Xd[:, 0] @ Xd[:, 1]:.3f}")
print(f"gradient check: relative error {err:.1e}  (without the factor 2: {err_half:.3f})")
print(f"normal equations w* = {w_star},  lstsq = {w_lstsq},  gradient at w*: {ls_grad(w_star)}")
print(f"Hessian 2X^T X eigenvalues {lam}, condition number {lam[1] / lam[0]:.2f}")
assert err < 1e-9 and err_half > 0.3
assert np.allclose(w_star, w_lstsq) and np.allclose(ls_grad(w_star), 0, atol=1e-10)

eta = 1 / lam[1]
path = [np.array([-6.0, 9.0])]
for _ in range(40):
    path.append(path[-1] - eta * ls_grad(path[-1]))
path = np.array(path)
print(f"gradient descent, eta = 1/lambda_max = {eta:.4f}: loss {ls_loss(path[0]):.1f} -> {ls_loss(path[-1]):.4f} "
      f"(minimum {ls_loss(w_star):.4f}); |w_40 - w*| = {np.linalg.norm(path[-1] - w_star):.1e}")
assert abs(ls_loss(path[-1]) - ls_loss(w_star)) < 1e-3

# %%
g1, g2 = np.meshgrid(np.linspace(-8, 16, 241), np.linspace(-6, 18, 241))
XtX, Xty, yty = Xd.T @ Xd, Xd.T @ yd, yd @ yd
# ||Xw - y||^2 = w^T X^T X w - 2 w^T X^T y + y^T y, evaluated on the whole grid at once
F_grid = (XtX[0, 0] * g1**2 + 2 * XtX[0, 1] * g1 * g2 + XtX[1, 1] * g2**2
          - 2 * (Xty[0] * g1 + Xty[1] * g2) + yty)
q1, q2 = np.meshgrid(np.linspace(-7, 15, 12), np.linspace(-5, 17, 12))
Gq = np.array([ls_grad(np.array([u, v])) for u, v in zip(q1.ravel(), q2.ravel(), strict=True)])

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
ax = axes[0]
f_min = ls_loss(w_star)
cs = ax.contour(g1, g2, F_grid, levels=f_min + np.array([3, 12, 30, 60, 100, 160, 240]),
                colors="0.55", linewidths=0.9)
ax.clabel(cs, fmt=lambda v: f"+{v - f_min:.0f}", fontsize=8)
ax.quiver(q1, q2, -Gq[:, 0], -Gq[:, 1], color="C0", angles="xy", width=0.004)
ax.plot(*w_star, "k*", ms=13, label="正规方程的解 $w^\\ast$")
ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=3, lw=1.2, label="梯度下降 40 步")
ax.set_xlabel("$w_1$（bmi）")
ax.set_ylabel("$w_2$（s5）")
ax.set_title(r"$\|Xw-y\|^2$ 的等高线与负梯度 $-2X^\top(Xw-y)$", fontsize=11)
ax.legend(fontsize=9, loc="upper right")
ax.set_aspect("equal")

ax = axes[1]
line = np.linspace(-10, 20, 401)
for t, col in [(0.0, "C0"), (1.0, "C1")]:
    # slice of the loss along w1, with w2 fixed; the slope predicted by the formula at one point
    w2_fix = w_star[1] + 4 * t
    vals = [ls_loss(np.array([u, w2_fix])) for u in line]
    ax.plot(line, vals, color=col, lw=1.8, label=f"$w_2$ = {w2_fix:.2f} 时沿 $w_1$ 的剖面")
    u0 = 12.0
    slope = ls_grad(np.array([u0, w2_fix]))[0]
    f0 = ls_loss(np.array([u0, w2_fix]))
    ax.plot([u0 - 6, u0 + 6], [f0 - 6 * slope, f0 + 6 * slope], "--", color=col, lw=1.4)
    ax.plot(u0, f0, "o", color=col)
ax.set_xlabel("$w_1$")
ax.set_ylabel(r"$f(w)$")
ax.set_title("剖面上的切线斜率就是梯度的第 1 个分量", fontsize=11)
ax.legend(fontsize=9, loc="upper center")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图的箭头处处垂直于等高线，指向下降最快的方向；两个特征相关（相关系数约 0.45），
# 所以等高线是斜放的椭圆，负梯度并不直指 $w^\ast$。右图是固定 $w_2$ 后的一维剖面：
# 虚线是用公式 $2X^\top(Xw-y)$ 的第 1 个分量作斜率画出的切线，它与曲线相切。

# %% [markdown]
# ### 3. log det X：微分就是线性近似
#
# 对可逆矩阵，$d\log\det X = \operatorname{tr}(X^{-1}dX)$，所以梯度是 $G = X^{-\top}$（逆的转置）。
# 取一个**不对称**的 $4\times4$ 矩阵（行列式为正），先逐元素用中心差分核对；
# 把转置漏掉写成 $X^{-1}$，误差立刻变大。
#
# 再直接检验梯度的定义：沿随机方向 $E$（$\lVert E\rVert_F = 1$）走一小步 $\varepsilon$，
# 真实变化 $f(X + \varepsilon E) - f(X)$ 与一阶预测 $\varepsilon\,\operatorname{tr}(G^\top E)$ 之差
# 应当按 $\varepsilon^2$ 缩小；用错的 $G$ 时，差只按 $\varepsilon$ 缩小。

# %%
def logdet(X):
    sign, val = np.linalg.slogdet(X)
    assert sign > 0
    return val


Xl = rng.normal(size=(4, 4)) + 3 * np.eye(4)
G_right = np.linalg.inv(Xl).T
G_wrong = np.linalg.inv(Xl)
G_num = num_grad(logdet, Xl)
err_right, err_wrong = rel_err(G_num, G_right), rel_err(G_num, G_wrong)
summary["log det X：X^{-T}"] = (err_right, True)
summary["log det X：漏转置写成 X^{-1}"] = (err_wrong, False)
print(f"det X = {np.linalg.det(Xl):.3f}, cond(X) = {np.linalg.cond(Xl):.2f}, "
      f"|X - X^T|_F = {np.linalg.norm(Xl - Xl.T):.2f}")
print(f"relative error: X^(-T) {err_right:.1e},  X^(-1) {err_wrong:.3f}")
assert err_right < 1e-9 and err_wrong > 0.05

E = rng.normal(size=Xl.shape)
E /= np.linalg.norm(E)
eps = np.logspace(-6, -0.5, 23)
resid = {}
for name, G in [("right", G_right), ("wrong", G_wrong)]:
    resid[name] = np.array([abs(logdet(Xl + e * E) - logdet(Xl) - e * np.sum(G * E)) for e in eps])
fit = (eps >= 1e-4) & (eps <= 1e-2)
slope_right = np.polyfit(np.log10(eps[fit]), np.log10(resid["right"][fit]), 1)[0]
slope_wrong = np.polyfit(np.log10(eps[fit]), np.log10(resid["wrong"][fit]), 1)[0]
print(f"log-log slope of |f(X+eps E) - f(X) - eps tr(G^T E)|: right G {slope_right:.2f}, wrong G {slope_wrong:.2f}")
assert abs(slope_right - 2) < 0.1 and abs(slope_wrong - 1) < 0.1

# %% [markdown]
# 有限差分本身也有误差。对同一个梯度 $X^{-\top}$，比较前向差分 $\frac{f(X + hE_{ij}) - f(X)}{h}$
# 和中心差分在不同步长 $h$ 下的相对误差；再换一个接近奇异的矩阵（条件数约 $10^4$）看看。
# （这里用 $\log|\det X|$，它的梯度同样是 $X^{-\top}$；步长太大时接近奇异的矩阵可能越过 $\det X = 0$。）
# $h$ 大时截断误差占主导（前向差分按 $h$、中心差分按 $h^2$ 缩小），
# $h$ 小时两个几乎相等的数相减，舍入误差按 $1/h$ 放大。

# %%
def logabsdet(X):
    """log|det X|: same gradient X^(-T); a large step may cross det = 0, so drop the sign here."""
    return np.linalg.slogdet(X)[1]


def fwd_grad(f, X, h):
    X = X.copy()
    G = np.zeros_like(X)
    f0 = f(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        X[idx] = old + h
        G[idx] = (f(X) - f0) / h
        X[idx] = old
    return G


U, _, Vt = np.linalg.svd(rng.normal(size=(4, 4)))
U = U * np.sign(np.linalg.det(U) * np.linalg.det(Vt))  # make det(U Vt) = +1 so det(X) > 0
X_ill = U @ np.diag([1.0, 0.5, 0.1, 1e-4]) @ Vt
hs = np.logspace(-12, -1, 45)
fd = {}
for label, Xm in [("well", Xl), ("ill", X_ill)]:
    G_true = np.linalg.inv(Xm).T
    fd[label, "fwd"] = np.array([rel_err(fwd_grad(logabsdet, Xm, h), G_true) for h in hs])
    fd[label, "ctr"] = np.array([rel_err(num_grad(logabsdet, Xm, h), G_true) for h in hs])
best_h = hs[np.argmin(fd["well", "ctr"])]
print(f"cond: {np.linalg.cond(Xl):.1f} and {np.linalg.cond(X_ill):.0f}")
for label in ["well", "ill"]:
    i_c, i_f = np.argmin(fd[label, "ctr"]), np.argmin(fd[label, "fwd"])
    print(f"{label:4s}: best central {fd[label, 'ctr'][i_c]:.1e} at h = {hs[i_c]:.0e};  "
          f"best forward {fd[label, 'fwd'][i_f]:.1e} at h = {hs[i_f]:.0e};  "
          f"central at h = 1e-5: {np.interp(-5, np.log10(hs), fd[label, 'ctr']):.1e}")
assert fd["well", "ctr"].min() < 1e-9 and fd["well", "fwd"].min() > 10 * fd["well", "ctr"].min()
err_at = {lab: np.interp(-5, np.log10(hs), fd[lab, "ctr"]) for lab in ["well", "ill"]}
assert err_at["ill"] > 1e4 * err_at["well"]  # the usual h = 1e-5 is far too coarse near a singular matrix
assert hs[np.argmin(fd["ill", "ctr"])] < hs[np.argmin(fd["well", "ctr"])]

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
ax.loglog(eps, resid["right"], "o-", ms=3, color="C2", label=rf"$G = X^{{-\top}}$（斜率 {slope_right:.2f}）")
ax.loglog(eps, resid["wrong"], "s-", ms=3, color="C3", label=rf"$G = X^{{-1}}$（斜率 {slope_wrong:.2f}）")
ax.set_xlabel(r"步长 $\varepsilon$")
ax.set_ylabel(r"$|f(X+\varepsilon E) - f(X) - \varepsilon\,\mathrm{tr}(G^\top E)|$")
ax.set_title("梯度对了，一阶预测的误差是二阶小量", fontsize=11)
ax.legend(fontsize=9)
ax.grid(alpha=0.3, which="both")

ax = axes[1]
styles = {("well", "ctr"): ("C0", "-", "中心差分，cond≈%.0f" % np.linalg.cond(Xl)),
          ("well", "fwd"): ("C0", "--", "前向差分，cond≈%.0f" % np.linalg.cond(Xl)),
          ("ill", "ctr"): ("C1", "-", "中心差分，cond≈%.0f" % np.linalg.cond(X_ill)),
          ("ill", "fwd"): ("C1", "--", "前向差分，cond≈%.0f" % np.linalg.cond(X_ill))}
for key, (col, ls, lab) in styles.items():
    ax.loglog(hs, np.maximum(fd[key], 1e-17), ls, color=col, lw=1.6, label=lab)
ax.axvline(1e-5, color="0.5", ls=":", lw=1)
ax.set_xlabel("有限差分步长 $h$")
ax.set_ylabel(r"与 $X^{-\top}$ 的相对误差")
ax.set_title(r"核对 $\nabla \log\det X$：误差随步长呈 V 形", fontsize=11)
ax.legend(fontsize=8.5, loc="lower right")
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. softmax 交叉熵：对 logits 和对权重
#
# 鸢尾花数据：$N = 150$ 个样本，4 个特征（标准化），3 类。按全站的小批量写法，样本按行叠成
# $A$（$N\times 4$），线性层 $Z = AW^\top + \mathbf{1}b^\top$，$W$ 是 $3\times 4$，
# 损失是平均交叉熵 $L = -\frac1N\sum_i \log P_{i,y_i}$，$P$ 是逐行 softmax。微分法给出
#
# $$
# G_Z = \frac{\partial L}{\partial Z} = \frac{1}{N}(P - Y),\qquad
# \frac{\partial L}{\partial W} = G_Z^\top A,\qquad
# \frac{\partial L}{\partial b} = G_Z^\top \mathbf{1},\qquad
# \frac{\partial L}{\partial A} = G_Z W .
# $$
#
# 下面逐项用中心差分核对，再交给 PyTorch 的自动微分算一遍。

# %%
iris = load_iris()
A_ir = (iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)
y_ir = iris.target
N, d_in = A_ir.shape
k = 3
Y_ir = np.eye(k)[y_ir]


def softmax_rows(Z):
    Zs = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Zs)
    return E / E.sum(axis=1, keepdims=True)


def ce_from_logits(Z, Y):
    Zs = Z - Z.max(axis=1, keepdims=True)
    log_p = Zs - np.log(np.exp(Zs).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(Z)


W0 = rng.normal(scale=0.5, size=(k, d_in))
b0 = rng.normal(scale=0.5, size=k)
Z0 = A_ir @ W0.T + b0
P0 = softmax_rows(Z0)
G_Z = (P0 - Y_ir) / N
grads = {
    "Z": (num_grad(lambda Z: ce_from_logits(Z, Y_ir), Z0), G_Z),
    "W": (num_grad(lambda W: ce_from_logits(A_ir @ W.T + b0, Y_ir), W0), G_Z.T @ A_ir),
    "b": (num_grad(lambda v: ce_from_logits(A_ir @ W0.T + v, Y_ir), b0), G_Z.sum(axis=0)),
    "A": (num_grad(lambda M: ce_from_logits(M @ W0.T + b0, Y_ir), A_ir), G_Z @ W0),
}
for name, (g_num, g_formula) in grads.items():
    e = rel_err(g_num, g_formula)
    print(f"dL/d{name}: shape {str(g_formula.shape):8s} relative error {e:.1e}")
    assert e < 1e-8
summary["softmax CE 对 logits：(P−Y)/N"] = (rel_err(*grads["Z"]), True)
summary["softmax CE 对权重：G_Z^T A"] = (rel_err(*grads["W"]), True)

# common slips, measured against the same numerical gradient
wrong_noN = rel_err(grads["W"][0], (P0 - Y_ir).T @ A_ir)
wrong_axis = rel_err(grads["W"][0], ((np.exp(Z0) / np.exp(Z0).sum(axis=0)) - Y_ir).T @ A_ir / N)
summary["对权重：忘了除以 N"] = (wrong_noN, False)
summary["对权重：softmax 沿错了轴"] = (wrong_axis, False)
print(f"forgetting 1/N: {wrong_noN:.3f};  softmax over the batch axis instead of classes: {wrong_axis:.3f}")
assert wrong_noN > 0.9 and wrong_axis > 0.1

# the same numbers from torch.autograd (float64)
Wt = torch.tensor(W0, requires_grad=True)
bt = torch.tensor(b0, requires_grad=True)
At = torch.tensor(A_ir, requires_grad=True)
loss_t = torch.nn.functional.cross_entropy(At @ Wt.T + bt, torch.tensor(y_ir))
loss_t.backward()
print(f"loss: ours {ce_from_logits(Z0, Y_ir):.12f}, torch {loss_t.item():.12f}")
print(f"torch grad shapes equal parameter shapes: W {tuple(Wt.grad.shape)}, b {tuple(bt.grad.shape)}, "
      f"A {tuple(At.grad.shape)}")
for name, ours, theirs in [("W", G_Z.T @ A_ir, Wt.grad), ("b", G_Z.sum(0), bt.grad), ("A", G_Z @ W0, At.grad)]:
    diff = np.max(np.abs(ours - theirs.numpy()))
    print(f"max |ours - torch| for dL/d{name}: {diff:.1e}")
    assert diff < 1e-12
assert Wt.grad.shape == Wt.shape and At.grad.shape == At.shape

# %% [markdown]
# 梯度的形状与参数一致，这正是本站采用的约定：`W.grad` 和 `W` 同形，才能直接写 `W -= lr * W.grad`。
# 注意“忘了除以 $N$”的误差接近 1：相对误差 $\frac{|N-1|}{N+1}$ 只取决于倍数，
# 数值核对对任何常数因子都很敏感。

# %% [markdown]
# ### 5. 一层 MLP：逐层用微分法
#
# 两层网络 $Z_1 = AW_1^\top + \mathbf{1}b_1^\top$，$H = \tanh(Z_1)$，$Z_2 = HW_2^\top + \mathbf{1}b_2^\top$，
# 损失同上。从输出往回，每一步都是“写出微分、用迹技巧把 $d(\cdot)$ 挪到最右”：
#
# $$
# G_2 = \tfrac1N(P - Y),\quad \frac{\partial L}{\partial W_2} = G_2^\top H,\quad
# G_H = G_2 W_2,\quad G_1 = G_H \odot (1 - H\odot H),\quad \frac{\partial L}{\partial W_1} = G_1^\top A .
# $$
#
# 为了让中心差分快一些，取前 40 个样本（三类都有）和 6 个隐藏单元。

# %%
idx_mlp = np.r_[0:14, 50:63, 100:113]
A_m, Y_m = A_ir[idx_mlp], Y_ir[idx_mlp]
n_hidden = 6
params0 = {
    "W1": rng.normal(scale=0.6, size=(n_hidden, d_in)),
    "b1": rng.normal(scale=0.3, size=n_hidden),
    "W2": rng.normal(scale=0.6, size=(k, n_hidden)),
    "b2": rng.normal(scale=0.3, size=k),
}


def mlp_loss(p, A, Y):
    H = np.tanh(A @ p["W1"].T + p["b1"])
    return ce_from_logits(H @ p["W2"].T + p["b2"], Y)


def mlp_grads(p, A, Y, use_tanh_prime=True):
    n = len(A)
    H = np.tanh(A @ p["W1"].T + p["b1"])
    P = softmax_rows(H @ p["W2"].T + p["b2"])
    G2 = (P - Y) / n
    GH = G2 @ p["W2"]
    G1 = GH * (1 - H**2) if use_tanh_prime else GH
    return {"W1": G1.T @ A, "b1": G1.sum(0), "W2": G2.T @ H, "b2": G2.sum(0)}


ours = mlp_grads(params0, A_m, Y_m)
numeric = {}
for name in params0:
    def f_one(v, name=name):
        return mlp_loss({**params0, name: v}, A_m, Y_m)

    numeric[name] = num_grad(f_one, params0[name])

pt = {name: torch.tensor(v, requires_grad=True) for name, v in params0.items()}
Ht = torch.tanh(torch.tensor(A_m) @ pt["W1"].T + pt["b1"])
lt = torch.nn.functional.cross_entropy(Ht @ pt["W2"].T + pt["b2"], torch.tensor(Y_m.argmax(1)))
lt.backward()
for name in params0:
    e_num = rel_err(numeric[name], ours[name])
    d_t = np.max(np.abs(ours[name] - pt[name].grad.numpy()))
    print(f"{name}: shape {str(ours[name].shape):7s} vs central differences {e_num:.1e}, max |ours - torch| {d_t:.1e}")
    assert e_num < 1e-8 and d_t < 1e-12
summary["MLP：∂L/∂W1 = G1^T A"] = (rel_err(numeric["W1"], ours["W1"]), True)
summary["MLP：∂L/∂W2 = G2^T H"] = (rel_err(numeric["W2"], ours["W2"]), True)
bad = mlp_grads(params0, A_m, Y_m, use_tanh_prime=False)
summary["MLP：漏乘 tanh′"] = (rel_err(numeric["W1"], bad["W1"]), False)
print(f"without the factor 1 - H^2 the W1 gradient is off by {summary['MLP：漏乘 tanh′'][0]:.3f}")
assert summary["MLP：漏乘 tanh′"][0] > 0.05

# %% [markdown]
# ### 6. vec 与 Kronecker 积：矩阵对矩阵
#
# $F = AXB$ 把 $3\times4$ 的 $X$ 映成 $2\times2$ 的 $F$，共有 $4\times12 = 48$ 个偏导数。
# 按列拉直（vec，NumPy 里是 `order="F"`）后，$\operatorname{vec}(AXB) = (B^\top\otimes A)\operatorname{vec}(X)$，
# 所以雅可比矩阵 $\partial\operatorname{vec}F/\partial\operatorname{vec}X^\top$（$4\times 12$，分子布局）就是 $B^\top\otimes A$；
# 《矩阵求导术（下）》用分母布局，把它记作转置 $B\otimes A^\top$（$12\times4$）。
# PyTorch 的 `jacobian` 则返回一个 $2\times2\times3\times4$ 的四维数组，第 $(i,j,k,l)$ 个元素是 $\partial F_{ij}/\partial X_{kl}$。
# 三者装的是同一组数，只是排法不同。

# %%
A6, X6, B6 = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 2))


def vec(M):
    return M.reshape(-1, order="F")  # stack the columns


K = np.kron(B6.T, A6)
assert np.allclose(vec(A6 @ X6 @ B6), K @ vec(X6))

h = 1e-6
J_num = np.zeros((4, 12))
for j in range(12):
    e = np.zeros(12)
    e[j] = h
    Xp = vec(X6) + e
    Xm = vec(X6) - e
    J_num[:, j] = (vec(A6 @ Xp.reshape(3, 4, order="F") @ B6) - vec(A6 @ Xm.reshape(3, 4, order="F") @ B6)) / (2 * h)
J_torch = torch.autograd.functional.jacobian(lambda M: torch.tensor(A6) @ M @ torch.tensor(B6), torch.tensor(X6))
J_torch_as_vec = J_torch.numpy().transpose(1, 0, 3, 2).reshape(4, 12)  # reorder to column-major vec on both sides
print(f"numerical Jacobian vs B^T kron A: max difference {np.max(np.abs(J_num - K)):.1e}")
print(f"torch jacobian shape {tuple(J_torch.shape)}; rearranged to (vec F, vec X): "
      f"max difference {np.max(np.abs(J_torch_as_vec - K)):.1e}")
assert np.allclose(J_num, K, atol=1e-8) and np.allclose(J_torch_as_vec, K)

# chain rule to a scalar l = sum(C * F): vec(dl/dX) = (dF/dX in denominator layout) @ vec(dl/dF)
C6 = rng.normal(size=(2, 2))
g_kron = np.kron(B6, A6.T) @ vec(C6)
g_trace = vec(A6.T @ C6 @ B6.T)
print(f"(B kron A^T) vec(C) vs vec(A^T C B^T): max difference {np.max(np.abs(g_kron - g_trace)):.1e}")
assert np.allclose(g_kron, g_trace)

# what the explicit Jacobian would cost for one real layer
n_batch, n_out, n_in = 128, 64, 784
jac_entries = (n_batch * n_out) * (n_out * n_in)
print(f"Z = A W^T with A {n_batch}x{n_in}, W {n_out}x{n_in}: the Jacobian d vec(Z)/d vec(W) has "
      f"{jac_entries:.2e} entries ({jac_entries * 8 / 2**30:.1f} GiB in float64); "
      f"the gradient G^T A has {n_out * n_in} entries")

fig, axes = plt.subplots(1, 2, figsize=(9.5, 2.6), gridspec_kw={"width_ratios": [3, 1.2]})
vmax = np.abs(K).max()
im = axes[0].imshow(J_num, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
for c in range(1, 4):
    axes[0].axvline(3 * c - 0.5, color="k", lw=1)
axes[0].axhline(1.5, color="k", lw=1)
axes[0].set_xticks(range(12))
axes[0].set_xticklabels([f"{r + 1}{c + 1}" for c in range(4) for r in range(3)], fontsize=8)
axes[0].set_yticks(range(4))
axes[0].set_yticklabels([f"F{r + 1}{c + 1}" for c in range(2) for r in range(2)], fontsize=8)
axes[0].set_xlabel("vec(X) 的分量 $X_{kl}$（按列排）")
axes[0].set_title(r"数值雅可比 $\partial\,\mathrm{vec}F / \partial\,\mathrm{vec}X^\top$：每块是 $B_{lj}A$", fontsize=10.5)
fig.colorbar(im, ax=axes[0], fraction=0.025)
axes[1].imshow(B6.T, cmap="RdBu_r", vmin=-np.abs(B6).max(), vmax=np.abs(B6).max())
for (r, c), val in np.ndenumerate(B6.T):
    axes[1].text(c, r, f"{val:.2f}", ha="center", va="center", fontsize=8,
                 color="white" if abs(val) > 0.6 * np.abs(B6).max() else "black")
axes[1].set_xticks(range(4))
axes[1].set_xticklabels([f"l={c + 1}" for c in range(4)], fontsize=8)
axes[1].set_yticks(range(2))
axes[1].set_yticklabels([f"j={r + 1}" for r in range(2)], fontsize=8)
axes[1].set_title(r"$B^\top$：第 $(j,l)$ 个数乘 $A$", fontsize=10.5)
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图被竖线分成 4 块，每块是 $2\times3$ 的 $A$ 乘上 $B^\top$ 对应位置的一个数（右图），
# 这正是 Kronecker 积 $B^\top\otimes A$ 的样子。真实的网络层里，这样的矩阵大得存不下（上面算出要几 GiB），
# 反向传播从不构造它，只计算它与上游梯度的乘积，结果就是迹方法直接给出的 $A^\top C B^\top$。

# %% [markdown]
# ### 7. 汇总：数值核对能分辨对错
#
# 把本 notebook 里所有的核对放在一起（对数坐标）：正确公式与中心差分的相对误差都在 $10^{-9}$ 以下，
# 几种常见错误写法的误差在 $10^{-2}$ 到 $1$ 之间，两者相差七个数量级以上，没有模糊地带。

# %%
names = list(summary)
errs = np.array([summary[n][0] for n in names])
ok = np.array([summary[n][1] for n in names])
order = np.argsort(errs)
fig, ax = plt.subplots(figsize=(9, 4.4))
ax.barh(np.arange(len(names)), errs[order], color=np.where(ok[order], "C2", "C3"))
ax.set_yticks(np.arange(len(names)))
ax.set_yticklabels([names[i] for i in order], fontsize=9.5)
ax.set_xscale("log")
ax.set_xlim(1e-13, 3)
ax.axvline(1e-6, color="0.4", ls=":", lw=1)
ax.text(1.3e-6, 0, "判定阈值 1e-6", va="center", fontsize=9, color="0.3")
for i, e in enumerate(errs[order]):
    ax.text(e * 1.3, i, f"{e:.1e}", va="center", fontsize=8.5)
ax.set_xlabel("与中心差分梯度的相对误差")
ax.set_title("绿色：正文推出的公式；红色：常见错误写法", fontsize=11)
ax.grid(alpha=0.3, axis="x", which="major")
fig.tight_layout()
plt.show()
print(f"largest error among correct formulas: {errs[ok].max():.1e}; smallest among wrong ones: {errs[~ok].min():.3f}")
assert errs[ok].max() < 1e-8 and errs[~ok].min() > 1e-2
