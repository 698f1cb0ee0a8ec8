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
# 这个 notebook 从零实现逻辑回归：sigmoid、交叉熵损失和它的梯度 $X^\top(\sigma(X\theta) - y)/n$，
# 先用中心差分检查梯度，再看为什么不用均方误差；然后在二维数据上画决策边界（线性的、带多项式特征和 L2 正则化的），
# 在乳腺癌数据（`load_breast_cancer`）上与 scikit-learn 的 `LogisticRegression` 逐个系数对照，
# 最后比较多分类的一对其余（one-vs-rest）和 softmax。数据都来自 scikit-learn 或由代码生成，随机数都固定了种子。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from scipy.optimize import minimize
from scipy.special import expit, logsumexp
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 11,
    }
)
np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)


def design(X):
    """Prepend a column of ones, so that theta = (b, w_1, ..., w_d)."""
    return np.column_stack([np.ones(len(X)), X])


def standardize(X_train, *others):
    """Scale with the training set's mean and std only."""
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return [(X - mu) / sd for X in (X_train, *others)]


def rel_diff(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


# %% [markdown]
# ### 1. sigmoid 与对数几率
#
# sigmoid 把任意实数 $z$ 压到 $(0,1)$；它的反函数 logit 把概率 $p$ 变回对数几率 $\ln\frac{p}{1-p}$。
# 右图说明：概率从 0.5 走到 0.9，对数几率从 0 走到 2.2；再走到 0.99，对数几率要到 4.6。

# %%
z = np.linspace(-8, 8, 401)
p = np.linspace(0.005, 0.995, 399)
for zz in [0.0, 2.0, -2.0]:
    print(f"sigma({zz:+.0f}) = {expit(zz):.4f}")
print("logit(0.9) =", round(float(np.log(0.9 / 0.1)), 4), " logit(0.99) =", round(float(np.log(0.99 / 0.01)), 4))
assert abs(expit(0.0) - 0.5) < 1e-15
assert np.allclose(np.log(expit(z) / (1 - expit(z))), z)  # logit inverts sigmoid

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].plot(z, expit(z), lw=2)
axes[0].axhline(0.5, color="gray", ls=":")
axes[0].axvline(0, color="gray", ls=":")
axes[0].set(xlabel="z = θᵀx", ylabel="σ(z)", title="sigmoid：把任意实数变成概率")
axes[1].plot(p, np.log(p / (1 - p)), lw=2, color="C1")
axes[1].axhline(0, color="gray", ls=":")
axes[1].set(xlabel="概率 p", ylabel="ln(p / (1 − p))", title="logit：概率变回对数几率")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 从零实现：损失、梯度与数值检查
#
# 损失用平均交叉熵。直接算 $\log\sigma(z)$ 在 $z$ 很负时会得到 $\log 0$，所以用恒等式
# $-\log\sigma(z) = \log(1+e^{-z})$，交给 `np.logaddexp(0, -z)` 稳定地计算。
# 正则项 $\frac{\lambda}{2n}\lVert w\rVert^2$ 不含截距 $b$。梯度按课文推出的公式写，
# 再与中心差分 $\frac{J(\theta+h e_j) - J(\theta-h e_j)}{2h}$ 逐个分量对照。

# %%
def loss(theta, A, y, lam=0.0):
    """Mean cross-entropy + (lam / 2n) * ||w||^2; A already has the column of ones."""
    z = A @ theta
    n = len(y)
    ce = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return ce + lam / (2 * n) * float(theta[1:] @ theta[1:])


def grad(theta, A, y, lam=0.0):
    n = len(y)
    g = A.T @ (expit(A @ theta) - y) / n
    g[1:] += lam / n * theta[1:]
    return g


def numerical_grad(f, theta, h=1e-6):
    g = np.zeros_like(theta)
    for j in range(len(theta)):
        e = np.zeros_like(theta)
        e[j] = h
        g[j] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


A_chk = design(rng.normal(size=(50, 4)))
y_chk = (rng.random(50) < 0.4).astype(float)
theta_chk = rng.normal(size=5)
for lam in [0.0, 3.0]:
    g_ana = grad(theta_chk, A_chk, y_chk, lam)
    g_num = numerical_grad(lambda t: loss(t, A_chk, y_chk, lam), theta_chk)
    err = np.linalg.norm(g_ana - g_num) / np.linalg.norm(g_ana + g_num)
    print(f"lambda = {lam}: analytic {g_ana}, relative error {err:.1e}")
    assert err < 1e-7, err

# %% [markdown]
# ### 3. 为什么不用均方误差
#
# 只看一个正类样本（$y=1$，$x=1$，没有截距），把损失画成参数 $w$ 的函数。
# 交叉熵是 $\log(1+e^{-w})$，均方误差是 $(\sigma(w)-1)^2$。用二阶差分检查凸性：
# 交叉熵处处向上弯，均方误差在 $w<0$ 的一段向下弯——它是一条 S 形曲线，不是碗。
# 更糟的是梯度：当模型把这个正例判得很错（$w=-8$，$\sigma\approx0.0003$）时，
# 均方误差的梯度 $2(\sigma-1)\sigma(1-\sigma)$ 几乎为 0，交叉熵的梯度 $\sigma-1$ 接近 $-1$。

# %%
w_grid = np.linspace(-8, 8, 801)
ce_1d = np.logaddexp(0, -w_grid)
mse_1d = (expit(w_grid) - 1) ** 2
step = w_grid[1] - w_grid[0]
curv_ce = np.diff(ce_1d, 2) / step**2
curv_mse = np.diff(mse_1d, 2) / step**2
print(f"min second derivative: cross-entropy {curv_ce.min():.2e}, MSE {curv_mse.min():.4f}")
assert curv_ce.min() > 0 and curv_mse.min() < -0.05

for w0 in [-8.0, -2.0, 0.0]:
    s = expit(w0)
    g_mse, g_ce = 2 * (s - 1) * s * (1 - s), s - 1
    print(f"w = {w0:+.0f}: sigma = {s:.4f}, dMSE/dw = {g_mse:+.6f}, dCE/dw = {g_ce:+.4f}")
s8 = expit(-8.0)
assert abs(2 * (s8 - 1) * s8 * (1 - s8)) < 1e-3 and abs(s8 - 1) > 0.99

# A small 2-parameter problem: does MSE + sigmoid have a flat plateau where gradient descent stalls?
x_toy = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])
y_toy = np.array([0, 0, 1, 0, 1, 1.0])
A_toy = design(x_toy)


def mse_toy(theta):
    return float(np.mean((expit(A_toy @ theta) - y_toy) ** 2))


def mse_toy_grad(theta):
    s = expit(A_toy @ theta)
    return A_toy.T @ (2 * (s - y_toy) * s * (1 - s)) / len(y_toy)


def run_gd(f_grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=float)
    for _ in range(steps):
        theta -= eta * f_grad(theta)
    return theta


start = [0.0, -6.0]  # slope of the wrong sign, badly wrong
th_mse = run_gd(mse_toy_grad, start, 1.0, 500)
th_ce = run_gd(lambda t: grad(t, A_toy, y_toy), start, 1.0, 500)
print("from w = -6 after 500 steps: MSE gives w =", round(th_mse[1], 3), "; cross-entropy gives w =", round(th_ce[1], 3))
assert th_mse[1] < -3 and th_ce[1] > 0

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].plot(w_grid, ce_1d, lw=2, label="交叉熵 log(1 + e⁻ʷ)")
axes[0].plot(w_grid, mse_1d, lw=2, label="均方误差 (σ(w) − 1)²")
axes[0].set(xlabel="w", ylabel="一个正例的损失", title="交叉熵是凸的，均方误差不是", ylim=(0, 3))
axes[0].legend()
axes[1].semilogy(w_grid, np.abs(expit(w_grid) - 1), lw=2, label="|交叉熵的梯度|")
axes[1].semilogy(w_grid, np.abs(2 * (expit(w_grid) - 1) * expit(w_grid) * (1 - expit(w_grid))), lw=2,
                 label="|均方误差的梯度|")
axes[1].set(xlabel="w", ylabel="梯度绝对值（对数轴）", title="判得越错，均方误差的梯度反而越小")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 二维数据上的线性决策边界
#
# 生成两团有重叠的二维高斯点，用批量梯度下降训练。决策边界是 $\theta^\top x = 0$ 这条直线，
# 也就是 $\sigma = 0.5$ 的等高线；把阈值改成 0.2 或 0.8，边界只是平移到 $\theta^\top x = \operatorname{logit}(t)$，
# 方向不变。模型输出的是概率，阈值是使用者根据代价另外选的。

# %%
n_per = 100
X2 = np.vstack([rng.normal([-1.0, -0.5], 1.0, size=(n_per, 2)), rng.normal([1.2, 0.8], 1.0, size=(n_per, 2))])
y2 = np.r_[np.zeros(n_per), np.ones(n_per)]
A2 = design(X2)
theta2 = np.zeros(3)
hist = []
for it in range(2000):
    theta2 -= 0.5 * grad(theta2, A2, y2)
    hist.append(loss(theta2, A2, y2))
ref2 = minimize(loss, np.zeros(3), args=(A2, y2), jac=grad, method="L-BFGS-B", options={"gtol": 1e-10})
acc2 = np.mean((A2 @ theta2 > 0) == y2)
print("gradient descent theta =", theta2, " L-BFGS theta =", ref2.x)
print(f"final loss {hist[-1]:.5f}, training accuracy {acc2:.3f}")
assert rel_diff(theta2, ref2.x) < 1e-3 and acc2 > 0.85

for t in [0.2, 0.5, 0.8]:
    pred = expit(A2 @ theta2) >= t
    tp = np.sum(pred & (y2 == 1))
    print(f"threshold {t}: predicted positive {pred.sum():3d}, recall {tp / y2.sum():.2f}, "
          f"precision {tp / pred.sum():.2f}")

g1, g2 = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-4, 4.5, 200))
P_grid = expit(design(np.c_[g1.ravel(), g2.ravel()]) @ theta2).reshape(g1.shape)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
cf = axes[0].contourf(g1, g2, P_grid, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
fig.colorbar(cf, ax=axes[0], label="P(y = 1 | x)")
cs = axes[0].contour(g1, g2, P_grid, levels=[0.2, 0.5, 0.8], colors=["k", "k", "k"], linestyles=[":", "-", "--"])
axes[0].clabel(cs, fmt="t = %.1f")
axes[0].scatter(*X2[y2 == 0].T, s=14, c="C0", edgecolor="w", lw=0.4, label="y = 0")
axes[0].scatter(*X2[y2 == 1].T, s=14, c="C3", edgecolor="w", lw=0.4, label="y = 1")
axes[0].set(xlabel="x₁", ylabel="x₂", title="概率等高线与三个阈值的边界")
axes[0].legend(loc="lower right")
axes[1].plot(hist, lw=2)
axes[1].set(xlabel="迭代次数", ylabel="平均交叉熵", title="批量梯度下降（η = 0.5）")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 多项式特征与正则化
#
# `make_moons` 的两类不能被直线分开。把 $(x_1, x_2)$ 展开成最高 6 次的 27 个单项式，标准化后再做逻辑回归，
# 边界就能弯曲。$\lambda$ 控制弯曲的代价：$\lambda$ 很小时边界绕着个别点打转，训练准确率最高、验证准确率却下降；
# $\lambda$ 很大时边界又被压回接近直线。这里用 L-BFGS 最小化我们自己写的 `loss` 和 `grad`，比梯度下降快得多。

# %%
Xm, ym = make_moons(n_samples=200, noise=0.3, random_state=0)
Xm_tr, Xm_va, ym_tr, ym_va = train_test_split(Xm, ym.astype(float), test_size=0.5, random_state=0)
poly = PolynomialFeatures(degree=6, include_bias=False)
Fm_tr, Fm_va = standardize(poly.fit_transform(Xm_tr), poly.transform(Xm_va))
mu_m, sd_m = poly.transform(Xm_tr).mean(axis=0), poly.transform(Xm_tr).std(axis=0)
print("number of polynomial features:", Fm_tr.shape[1])


def fit_lbfgs(A, y, lam):
    res = minimize(loss, np.zeros(A.shape[1]), args=(A, y, lam), jac=grad, method="L-BFGS-B",
                   options={"maxiter": 20000, "gtol": 1e-9, "ftol": 1e-15})
    return res.x


lams = [1e-4, 1.0, 100.0]
moon_fits = {}
for lam in lams:
    th = fit_lbfgs(design(Fm_tr), ym_tr, lam)
    acc_tr = np.mean((design(Fm_tr) @ th > 0) == ym_tr)
    acc_va = np.mean((design(Fm_va) @ th > 0) == ym_va)
    moon_fits[lam] = (th, acc_tr, acc_va)
    print(f"lambda = {lam:g}: ||w|| = {np.linalg.norm(th[1:]):8.2f}, train acc {acc_tr:.2f}, validation acc {acc_va:.2f}")
assert moon_fits[1e-4][1] > moon_fits[1.0][1] - 1e-9  # almost no penalty fits the training set best
assert moon_fits[1.0][2] > moon_fits[1e-4][2]  # but moderate penalty generalises better
assert np.linalg.norm(moon_fits[100.0][0][1:]) < np.linalg.norm(moon_fits[1.0][0][1:]) < np.linalg.norm(
    moon_fits[1e-4][0][1:])

h1, h2 = np.meshgrid(np.linspace(-2, 3, 250), np.linspace(-1.6, 2.1, 250))
F_grid = (poly.transform(np.c_[h1.ravel(), h2.ravel()]) - mu_m) / sd_m
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
for ax, lam in zip(axes, lams):
    th, acc_tr, acc_va = moon_fits[lam]
    Z = (design(F_grid) @ th).reshape(h1.shape)
    ax.contourf(h1, h2, expit(Z), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.5)
    ax.contour(h1, h2, Z, levels=[0], colors="k", linewidths=2)
    ax.scatter(*Xm_tr[ym_tr == 0].T, s=16, c="C0", edgecolor="w", lw=0.4)
    ax.scatter(*Xm_tr[ym_tr == 1].T, s=16, c="C3", edgecolor="w", lw=0.4)
    ax.set(title=f"λ = {lam:g}：训练 {acc_tr:.2f}，验证 {acc_va:.2f}", xlabel="x₁")
axes[0].set_ylabel("x₂")
fig.suptitle("6 次多项式特征 + L2 正则化（只画训练点）")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 与 scikit-learn 对照：乳腺癌数据
#
# 569 个样本、30 个特征，标签 1 表示良性（benign）、0 表示恶性（malignant）。按训练集的均值和标准差标准化。
# scikit-learn 最小化 $\frac12\lVert w\rVert^2 + C\sum_i \ell_i$（截距不惩罚）。把它除以 $Cn$，就是
# $\frac1n\sum_i\ell_i + \frac{1}{2Cn}\lVert w\rVert^2$，和我们的目标相比得 $\lambda = 1/C$。
# 两边都把容差设得很紧，系数应该几乎一样。

# %%
data = load_breast_cancer()
Xb_tr_raw, Xb_te_raw, yb_tr, yb_te = train_test_split(
    data.data, data.target.astype(float), test_size=0.25, random_state=0, stratify=data.target)
Xb_tr, Xb_te = standardize(Xb_tr_raw, Xb_te_raw)
C = 1.0
theta_b = fit_lbfgs(design(Xb_tr), yb_tr, lam=1.0 / C)
sk = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(Xb_tr, yb_tr)
theta_sk = np.r_[sk.intercept_, sk.coef_.ravel()]
acc_ours = np.mean((design(Xb_te) @ theta_b > 0) == yb_te)
acc_sk = sk.score(Xb_te, yb_te)
print(f"train {len(yb_tr)}, test {len(yb_te)}; largest relative coefficient difference {rel_diff(theta_b, theta_sk):.1e}")
print(f"test accuracy: ours {acc_ours:.4f}, scikit-learn {acc_sk:.4f}")
print("max |P_ours - P_sklearn| on the test set:",
      f"{np.max(np.abs(expit(design(Xb_te) @ theta_b) - sk.predict_proba(Xb_te)[:, 1])):.1e}")
assert rel_diff(theta_b, theta_sk) < 1e-4
assert acc_ours == acc_sk and acc_ours > 0.95

# %% [markdown]
# ### 7. 读系数：对数几率与几率比
#
# 特征已标准化，所以 $w_j$ 表示“这个特征增加一个标准差、其他特征不变时，对数几率增加 $w_j$”，
# 几率乘以 $e^{w_j}$。下面取出绝对值最大的几个系数，并拿一个测试样本实际改动一个特征来验证这个倍数。

# %%
w_b = theta_b[1:]
order = np.argsort(-np.abs(w_b))[:5]
for j in order:
    print(f"{data.feature_names[j]:>22s}: w = {w_b[j]:+.3f}, odds ratio per +1 std = {np.exp(w_b[j]):.3f}")
x0 = Xb_te[0].copy()
x1 = x0.copy()
j0 = order[0]
x1[j0] += 1.0
odds = lambda x: expit(theta_b[0] + x @ w_b) / (1 - expit(theta_b[0] + x @ w_b))  # noqa: E731
ratio = odds(x1) / odds(x0)
print(f"odds before {odds(x0):.4f}, after {odds(x1):.4f}, ratio {ratio:.4f}, exp(w) {np.exp(w_b[j0]):.4f}")
print(f"probability before {expit(theta_b[0] + x0 @ w_b):.4f}, after {expit(theta_b[0] + x1 @ w_b):.4f}")
assert abs(ratio / np.exp(w_b[j0]) - 1) < 1e-8

# %% [markdown]
# ### 8. 多分类：一对其余与 softmax
#
# 一对其余（OvR）为每个类单独训练一个二分类器“是这一类 / 不是”，预测时取分数最大的类；
# softmax（多项逻辑回归）一次训练 $K$ 组参数，损失是 $-\log p_{y}$，梯度是 $X^\top(P - Y)/n$（$Y$ 是独热编码）。
# 先检查 softmax 的梯度，再在鸢尾花的两个花瓣特征上画两种方法的决策区域。

# %%
def softmax_loss(theta_flat, A, Y, lam=0.0):
    Theta = theta_flat.reshape(A.shape[1], Y.shape[1])
    Z = A @ Theta
    n = len(Y)
    ce = -np.sum(Y * (Z - logsumexp(Z, axis=1, keepdims=True))) / n
    return ce + lam / (2 * n) * np.sum(Theta[1:] ** 2)


def softmax_grad(theta_flat, A, Y, lam=0.0):
    Theta = theta_flat.reshape(A.shape[1], Y.shape[1])
    Z = A @ Theta
    P = np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
    n = len(Y)
    G = A.T @ (P - Y) / n
    G[1:] += lam / n * Theta[1:]
    return G.ravel()


def fit_softmax(A, labels, K, lam):
    Y = np.eye(K)[labels]
    res = minimize(softmax_loss, np.zeros(A.shape[1] * K), args=(A, Y, lam), jac=softmax_grad,
                   method="L-BFGS-B", options={"maxiter": 20000, "gtol": 1e-9, "ftol": 1e-15})
    return res.x.reshape(A.shape[1], K)


def fit_ovr(A, labels, K, lam):
    return np.column_stack([fit_lbfgs(A, (labels == k).astype(float), lam) for k in range(K)])


Y_chk = np.eye(3)[rng.integers(0, 3, size=50)]
t_chk = rng.normal(size=5 * 3)
g_a = softmax_grad(t_chk, A_chk, Y_chk, 2.0)
g_n = numerical_grad(lambda t: softmax_loss(t, A_chk, Y_chk, 2.0), t_chk)
err_sm = np.linalg.norm(g_a - g_n) / np.linalg.norm(g_a + g_n)
print(f"softmax gradient check: relative error {err_sm:.1e}")
assert err_sm < 1e-7

iris = load_iris()
Xi = iris.data[:, 2:]  # petal length, petal width
yi = iris.target
(Xi_s,) = standardize(Xi)
Ai = design(Xi_s)
Th_ovr = fit_ovr(Ai, yi, 3, lam=0.1)
Th_sm = fit_softmax(Ai, yi, 3, lam=0.1)
acc_ovr_i = np.mean(np.argmax(Ai @ Th_ovr, axis=1) == yi)
acc_sm_i = np.mean(np.argmax(Ai @ Th_sm, axis=1) == yi)
print(f"iris (2 petal features), training accuracy: one-vs-rest {acc_ovr_i:.3f}, softmax {acc_sm_i:.3f}")
P_ovr = expit(Ai @ Th_ovr)
print("one-vs-rest probabilities of the first 3 versicolor flowers (rows do not sum to 1):")
print(P_ovr[50:53], "row sums", P_ovr[50:53].sum(axis=1))
assert acc_sm_i >= acc_ovr_i and acc_sm_i > 0.9
assert np.max(np.abs(P_ovr.sum(axis=1) - 1)) > 0.05

mu_i, sd_i = Xi.mean(axis=0), Xi.std(axis=0)
k1, k2 = np.meshgrid(np.linspace(0.5, 7.5, 300), np.linspace(-0.3, 2.9, 300))
A_grid = design((np.c_[k1.ravel(), k2.ravel()] - mu_i) / sd_i)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
names = ["setosa", "versicolor", "virginica"]
for ax, Th, title, acc in [(axes[0], Th_ovr, "一对其余（3 个二分类器）", acc_ovr_i),
                           (axes[1], Th_sm, "softmax（多项逻辑回归）", acc_sm_i)]:
    region = np.argmax(A_grid @ Th, axis=1).reshape(k1.shape)
    ax.contourf(k1, k2, region, levels=[-0.5, 0.5, 1.5, 2.5], colors=["#c6dbef", "#fdd0a2", "#c7e9c0"])
    for k, c in zip(range(3), ["C0", "C1", "C2"]):
        ax.scatter(*Xi[yi == k].T, s=14, c=c, edgecolor="k", lw=0.3, label=names[k])
    ax.set(title=f"{title}：训练准确率 {acc:.3f}", xlabel="花瓣长度 (cm)")
axes[0].set_ylabel("花瓣宽度 (cm)")
axes[0].legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 9. 手写数字：十个类
#
# 8×8 的手写数字有 64 个像素特征、10 个类。像素标准化时，有的像素在训练集里恒为 0，标准差为 0，这里把它们的标准差换成 1。
# 同样的 $\lambda$ 下比较一对其余和 softmax 的测试准确率，并与 scikit-learn 的多项逻辑回归（$C = 1/\lambda$）对照。

# %%
digits = load_digits()
Xd_tr, Xd_te, yd_tr, yd_te = train_test_split(digits.data, digits.target, test_size=0.3, random_state=0,
                                              stratify=digits.target)
mu_d, sd_d = Xd_tr.mean(axis=0), Xd_tr.std(axis=0)
sd_d[sd_d == 0] = 1.0
Ad_tr, Ad_te = design((Xd_tr - mu_d) / sd_d), design((Xd_te - mu_d) / sd_d)
lam_d = 10.0
Th_d_ovr = fit_ovr(Ad_tr, yd_tr, 10, lam_d)
Th_d_sm = fit_softmax(Ad_tr, yd_tr, 10, lam_d)
sk_d = LogisticRegression(C=1 / lam_d, tol=1e-8, max_iter=10000).fit(Ad_tr[:, 1:], yd_tr)
acc_d = {
    "one-vs-rest (ours)": np.mean(np.argmax(Ad_te @ Th_d_ovr, axis=1) == yd_te),
    "softmax (ours)": np.mean(np.argmax(Ad_te @ Th_d_sm, axis=1) == yd_te),
    "softmax (scikit-learn)": sk_d.score(Ad_te[:, 1:], yd_te),
}
for name, a in acc_d.items():
    print(f"{name:>24s}: test accuracy {a:.4f}")
# scikit-learn's multinomial coefficients are defined up to a shift per feature; compare probabilities instead
P_ours = np.exp(Ad_te @ Th_d_sm - logsumexp(Ad_te @ Th_d_sm, axis=1, keepdims=True))
gap = np.max(np.abs(P_ours - sk_d.predict_proba(Ad_te[:, 1:])))
print(f"max |P_ours - P_sklearn| = {gap:.1e}")
assert gap < 1e-3
assert min(acc_d.values()) > 0.94
