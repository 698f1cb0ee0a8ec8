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
# 这个 notebook 先在 scikit-learn 自带的糖尿病数据（`load_diabetes`，442 名患者、10 个特征）上，
# 用两种办法从零实现线性回归：正规方程（用 `lstsq` 和 `solve` 求解，并说明为什么不用 `inv`）和批量梯度下降，
# 再与 `LinearRegression` 逐个系数对照；然后在自己生成的一维数据上看多项式特征怎样导致过拟合，
# 用岭回归（闭式解对照 `Ridge`）和 Lasso（系数路径）加以约束；最后画出高偏差与高方差两种模型的学习曲线。
# 所有数据都来自已安装的包或由代码生成，随机数都固定了种子。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from matplotlib.ticker import NullFormatter
from scipy.optimize import minimize
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

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


def mse(A, theta, y):
    r = A @ theta - y
    return float(r @ r) / len(y)


def rel_diff(a, b):
    """Largest elementwise relative difference."""
    return float(np.max(np.abs(a - b) / np.abs(b)))


# %% [markdown]
# ### 1. 数据：糖尿病数据集
#
# `load_diabetes(scaled=False)` 给出原始单位的 10 个特征：年龄、性别、BMI、平均血压和 6 项血液指标（s1–s6），
# 目标是一年后病情进展的量化指标。默认的 `scaled=True` 版本已经把每列中心化并缩放过，
# 这里特意取原始数据，好看清特征尺度对梯度下降的影响。按 3:1 划分训练集和测试集。

# %%
diabetes = load_diabetes(scaled=False)
X_raw, y = diabetes.data, diabetes.target
names = diabetes.feature_names
X_tr, X_te, y_tr, y_te = train_test_split(X_raw, y, test_size=0.25, random_state=0)
n, d = X_tr.shape
print(f"train {X_tr.shape}, test {X_te.shape}; target range {y.min():.0f} .. {y.max():.0f}")
print("feature   mean      std")
for j, name in enumerate(names):
    print(f"{name:>6} {X_tr[:, j].mean():8.2f} {X_tr[:, j].std():8.3f}")
assert (n, d) == (331, 10) and X_te.shape == (111, 10)

# %% [markdown]
# ### 2. 正规方程：用 lstsq 和 solve 求解，与 LinearRegression 对照
#
# 把截距并进参数：设计矩阵 $A = [\mathbf{1}\ X]$，$\theta = (b, w_1, \dots, w_d)^\top$。
# 最小化 $\frac{1}{n}\lVert A\theta - y\rVert^2$ 等价于解正规方程 $A^\top A\theta = A^\top y$。
# 推荐的做法是 `np.linalg.lstsq(A, y)`：它基于奇异值分解直接处理 $A$，从不构造 $A^\top A$。
# 其次是 `np.linalg.solve(A.T @ A, A.T @ y)`：先构造 $A^\top A$，再用 LU 分解解方程。
# 两者都与 scikit-learn 的 `LinearRegression` 对照（它对稠密数据先中心化，再调用 `scipy.linalg.lstsq`）。

# %%
A_tr = design(X_tr)
theta_lstsq, _, rank, sv = np.linalg.lstsq(A_tr, y_tr)
theta_solve = np.linalg.solve(A_tr.T @ A_tr, A_tr.T @ y_tr)
ols = LinearRegression().fit(X_tr, y_tr)
theta_sk = np.r_[ols.intercept_, ols.coef_]

print("param        lstsq        solve      sklearn")
for name, a, b, c in zip(["b"] + names, theta_lstsq, theta_solve, theta_sk):
    print(f"{name:>5} {a:12.5f} {b:12.5f} {c:12.5f}")
print(f"max relative difference to sklearn: lstsq {rel_diff(theta_lstsq, theta_sk):.1e}, "
      f"solve {rel_diff(theta_solve, theta_sk):.1e}")
assert rel_diff(theta_lstsq, theta_sk) < 1e-8
assert rel_diff(theta_solve, theta_sk) < 1e-8

# the residual is orthogonal to every column of A (that is what the normal equations say)
r = y_tr - A_tr @ theta_lstsq
ortho = np.abs(A_tr.T @ r).max() / (np.linalg.norm(A_tr, axis=0).max() * np.linalg.norm(r))
print(f"max |A^T r| relative to |A||r|: {ortho:.1e}")
assert ortho < 1e-10

# L(theta) = L(theta_hat) + |A (theta - theta_hat)|^2 / n: every other theta is worse
L_star = mse(A_tr, theta_lstsq, y_tr)
theta_other = theta_lstsq + rng.normal(size=d + 1)
lhs = mse(A_tr, theta_other, y_tr)
rhs = L_star + np.sum((A_tr @ (theta_other - theta_lstsq)) ** 2) / n
print(f"training MSE {L_star:.2f}; a random other theta: {lhs:.2f} = {L_star:.2f} + {rhs - L_star:.2f}")
assert abs(lhs - rhs) < 1e-8 * lhs
print(f"test MSE {mean_squared_error(y_te, ols.predict(X_te)):.1f}, test R^2 {ols.score(X_te, y_te):.3f}")

kappa_A = sv[0] / sv[-1]
kappa_AtA = np.linalg.cond(A_tr.T @ A_tr)
print(f"cond(A) = {kappa_A:.3e}, cond(A^T A) = {kappa_AtA:.3e}, cond(A)^2 = {kappa_A**2:.3e}")
assert abs(kappa_AtA / kappa_A**2 - 1) < 1e-4

# %% [markdown]
# ### 3. 为什么不用 inv：病态矩阵与共线特征
#
# 构造 $A^\top A$ 会把条件数平方（上面 $7.1\times10^{3}$ 变成了 $5.1\times10^{7}$）。条件数越大，
# 舍入误差被放大得越多。下面用一个已知答案的例子把差别量出来：$x$ 在 $[0, 1]$ 上均匀取 100 个点，
# 特征是 $1, x, x^2, \dots, x^k$（范德蒙德矩阵，次数越高越病态），真实系数随机给定，$y$ 不加噪声，
# 所以系数的误差全部来自数值计算。比较三种解法：`lstsq`、`solve` 解正规方程、`inv` 求逆再相乘。

# %%
x_grid = np.linspace(0, 1, 100)
degrees = np.arange(2, 15)
records = []
for k in degrees:
    V = np.vander(x_grid, k + 1, increasing=True)
    theta_true = rng.normal(size=k + 1)
    y_exact = V @ theta_true
    sols = {
        "lstsq": np.linalg.lstsq(V, y_exact)[0],
        "solve": np.linalg.solve(V.T @ V, V.T @ y_exact),
        "inv": np.linalg.inv(V.T @ V) @ V.T @ y_exact,
    }
    row = {"k": k, "cond": np.linalg.cond(V)}
    for key, th in sols.items():
        row[key] = np.linalg.norm(th - theta_true) / np.linalg.norm(theta_true)
        row[key + "_res"] = np.linalg.norm(V @ th - y_exact) / np.linalg.norm(y_exact)
    records.append(row)

print(" k    cond(V)   coef error: lstsq    solve      inv  | residual: lstsq    solve      inv")
for row in records:
    print(f"{row['k']:2d} {row['cond']:10.1e}          {row['lstsq']:9.1e} {row['solve']:9.1e} {row['inv']:9.1e}"
          f"  | {row['lstsq_res']:9.1e} {row['solve_res']:9.1e} {row['inv_res']:9.1e}")
last = records[-1]
assert last["lstsq"] < 1e-5 and last["solve"] > 1e-3 and last["inv"] > 1e-3
assert last["lstsq_res"] < 1e-12 and last["inv_res"] > 1e-3

cond_v = np.array([row["cond"] for row in records])
eps = np.finfo(float).eps
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
styles = {"lstsq": ("C0", "o", "lstsq（SVD，直接用 A）"), "solve": ("C1", "s", "solve（正规方程，LU）"),
          "inv": ("C3", "^", "inv（先求逆再相乘）")}
for key, (color, marker, label) in styles.items():
    axes[0].loglog(cond_v, [row[key] for row in records], marker=marker, color=color, label=label)
    axes[1].loglog(cond_v, [max(row[key + "_res"], 1e-17) for row in records], marker=marker, color=color, label=label)
axes[0].loglog(cond_v, eps * cond_v, "k:", lw=1, label=r"$\varepsilon\,\kappa$")
axes[0].loglog(cond_v, eps * cond_v**2, "k--", lw=1, label=r"$\varepsilon\,\kappa^2$")
axes[0].set_ylim(1e-16, 1e4)
axes[0].set_xlabel(r"条件数 $\kappa = \mathrm{cond}(A)$")
axes[0].set_ylabel("系数的相对误差")
axes[0].set_title("求出的系数离真值多远")
axes[0].legend(fontsize=8.5, loc="upper left")
axes[1].set_ylim(1e-17, 10)
axes[1].set_xlabel(r"条件数 $\kappa = \mathrm{cond}(A)$")
axes[1].set_ylabel(r"相对残差 $\|A\hat\theta - y\| / \|y\|$")
axes[1].set_title("拟合值还对不对（真值的残差为 0）")
axes[1].legend(fontsize=8.5, loc="upper left")
for ax in axes:
    ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# 第二种情况是特征共线：把 BMI 换个单位（乘以 10）再加一列，$A$ 的列线性相关，$A^\top A$ 在精确算术下奇异。
# `inv` 不会报错，而是静默地返回一组被舍入误差主导的系数；`lstsq` 报告秩为 11，
# 并在所有最优解中返回范数最小的那个，预测与原模型完全相同。

# %%
X_dup = np.column_stack([X_tr, 10 * X_tr[:, 2]])  # bmi again, in other units
A_dup = design(X_dup)
theta_dup, _, rank_dup, _ = np.linalg.lstsq(A_dup, y_tr)
theta_dup_inv = np.linalg.inv(A_dup.T @ A_dup) @ A_dup.T @ y_tr
print(f"A_dup has {A_dup.shape[1]} columns, rank {rank_dup}; cond(A^T A) = {np.linalg.cond(A_dup.T @ A_dup):.1e}")
print(f"lstsq: w_bmi = {theta_dup[3]:.4f}, w_bmi10 = {theta_dup[11]:.4f}; "
      f"effective bmi effect {theta_dup[3] + 10 * theta_dup[11]:.4f} (original {theta_lstsq[3]:.4f}); "
      f"MSE {mse(A_dup, theta_dup, y_tr):.2f}")
print(f"inv:   w_bmi = {theta_dup_inv[3]:.4f}, w_bmi10 = {theta_dup_inv[11]:.4f}; "
      f"MSE {mse(A_dup, theta_dup_inv, y_tr):.2f} (optimum {L_star:.2f})")
assert rank_dup == d + 1
assert abs(mse(A_dup, theta_dup, y_tr) / L_star - 1) < 1e-9
assert abs(theta_dup[3] + 10 * theta_dup[11] - theta_lstsq[3]) < 1e-8 * abs(theta_lstsq[3])
assert abs(theta_dup[11] / theta_dup[3] - 10) < 1e-6  # minimum norm splits the effect along (1, 10)


# %% [markdown]
# ### 4. 批量梯度下降：特征缩放决定收敛速度
#
# MSE 的梯度是 $\nabla L(\theta) = \frac{2}{n}A^\top(A\theta - y)$，先用中心差分核对。
# $L$ 是二次函数，海森矩阵 $H = \frac{2}{n}A^\top A$ 是常数；按微积分一课的结论，
# 学习率必须小于 $2/\lambda_{\max}(H)$，收敛所需步数大致与条件数 $\kappa(H) = \lambda_{\max}/\lambda_{\min}$ 成正比。
# 两组数据各取 $\eta = 1/\lambda_{\max}$，都走 8000 步：一组是原始特征，另一组是用训练集的均值和标准差标准化后的特征。

# %%
def mse_grad(A, theta, y):
    return 2 / len(y) * A.T @ (A @ theta - y)


def batch_gd(A, y, eta, steps):
    """Full-batch gradient descent on the MSE, starting from theta = 0."""
    theta = np.zeros(A.shape[1])
    path, losses = [theta.copy()], []
    for _ in range(steps):
        r = A @ theta - y
        losses.append(r @ r / len(y))
        theta = theta - eta * (2 / len(y)) * (A.T @ r)  # the same formula as mse_grad
        path.append(theta.copy())
    losses.append(mse(A, theta, y))
    return theta, np.array(path), np.array(losses)


# gradient check with central differences
theta_probe = rng.normal(size=d + 1)
num_grad = np.array([(mse(A_tr, theta_probe + h, y_tr) - mse(A_tr, theta_probe - h, y_tr)) / 2e-4
                     for h in 1e-4 * np.eye(d + 1)])
print(f"gradient check: max relative error {rel_diff(num_grad, mse_grad(A_tr, theta_probe, y_tr)):.1e}")
assert rel_diff(num_grad, mse_grad(A_tr, theta_probe, y_tr)) < 1e-6

scaler = StandardScaler().fit(X_tr)  # statistics of the training set only
Z_tr, Z_te = scaler.transform(X_tr), scaler.transform(X_te)
A_std = design(Z_tr)
steps = 8000
runs = {}
for key, A in [("raw", A_tr), ("std", A_std)]:
    eig = np.linalg.eigvalsh(2 / n * A.T @ A)
    eta = 1 / eig[-1]
    theta_gd, _, losses = batch_gd(A, y_tr, eta, steps)
    runs[key] = dict(eig=eig, eta=eta, theta=theta_gd, losses=losses)
    gap = (losses - L_star) / L_star
    print(f"{key:>3}: lambda_max {eig[-1]:.4g}, lambda_min {eig[0]:.4g}, kappa(H) {eig[-1] / eig[0]:.3g}, eta {eta:.3g}")
    print("     relative loss gap (L - L*)/L* after 10 / 100 / 1000 / 8000 steps: "
          + " / ".join(f"{gap[t]:.1e}" for t in [10, 100, 1000, steps]))

# back to original units: w = w_std / sigma, b = b_std - sum(w_std * mu / sigma)
w_std = runs["std"]["theta"][1:]
w_gd = w_std / scaler.scale_
b_gd = runs["std"]["theta"][0] - np.sum(w_std * scaler.mean_ / scaler.scale_)
theta_gd_orig = np.r_[b_gd, w_gd]
print(f"standardized GD, converted back: max relative difference to sklearn {rel_diff(theta_gd_orig, theta_sk):.1e}")
print(f"raw GD after {steps} steps: max relative difference to sklearn {rel_diff(runs['raw']['theta'], theta_sk):.2f}")
assert rel_diff(theta_gd_orig, theta_sk) < 1e-6
assert (runs["raw"]["losses"][-1] - L_star) / L_star > 0.05  # raw features: still far from the optimum
kappa_raw = runs["raw"]["eig"][-1] / runs["raw"]["eig"][0]
kappa_std = runs["std"]["eig"][-1] / runs["std"]["eig"][0]
assert kappa_raw > 1e4 * kappa_std

# standardizing is a reparametrization: OLS predictions do not change
pred_raw = LinearRegression().fit(X_tr, y_tr).predict(X_te)
pred_std = LinearRegression().fit(Z_tr, y_tr).predict(Z_te)
assert np.allclose(pred_raw, pred_std, rtol=1e-9, atol=1e-9)

# %% [markdown]
# 为了看清“为什么慢”，再只用 BMI 一个特征，把损失的等高线画在 $(b, w)$ 平面上。原始 BMI 的均值约 26、
# 从不接近 0，截距和斜率强烈耦合，等高线是极其狭长的椭圆；标准化后 $H = 2I$，等高线是圆，
# 取 $\eta = 1/\lambda_{\max} = 0.5$ 一步就到最优点。右图是 10 个特征时的损失曲线。

# %%
bmi_raw = X_tr[:, [2]]
bmi_std = Z_tr[:, [2]]
panels = []
for A1 in [design(bmi_raw), design(bmi_std)]:
    eig1 = np.linalg.eigvalsh(2 / n * A1.T @ A1)
    opt1 = np.linalg.lstsq(A1, y_tr)[0]
    _, path1, _ = batch_gd(A1, y_tr, 1 / eig1[-1], 300)
    panels.append((A1, eig1, opt1, path1))
print(f"BMI only, raw: kappa(H) = {panels[0][1][-1] / panels[0][1][0]:.0f}; "
      f"after 300 steps b = {panels[0][3][-1, 0]:.1f}, w = {panels[0][3][-1, 1]:.2f} (optimum {panels[0][2][0]:.1f}, {panels[0][2][1]:.2f})")
print(f"BMI only, standardized: kappa(H) = {panels[1][1][-1] / panels[1][1][0]:.2f}; "
      f"after 1 step b = {panels[1][3][1, 0]:.2f}, w = {panels[1][3][1, 1]:.2f} (optimum {panels[1][2][0]:.2f}, {panels[1][2][1]:.2f})")
assert np.allclose(panels[1][3][1], panels[1][2], rtol=1e-10)
assert abs(panels[0][3][-1, 0] - panels[0][2][0]) > 0.5 * abs(panels[0][2][0])

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
ranges = [((-260, 80), (-2, 16)), ((-45, 195), (-70, 170))]
titles = ["原始 BMI：狭长山谷（前 300 步）", "标准化 BMI：圆形等高线"]
for ax, (A1, eig1, opt1, path1), (br, wr), title in zip(axes[:2], panels, ranges, titles):
    bb, ww = np.meshgrid(np.linspace(*br, 150), np.linspace(*wr, 150))
    T = np.stack([bb.ravel(), ww.ravel()])  # every grid point as a column theta
    G, c = A1.T @ A1 / n, A1.T @ y_tr / n
    Lgrid = (np.sum(T * (G @ T), axis=0) - 2 * c @ T + y_tr @ y_tr / n).reshape(bb.shape)
    ax.contour(bb, ww, Lgrid, levels=np.quantile(Lgrid, [0.002, 0.01, 0.04, 0.1, 0.2, 0.35, 0.55]),
               colors="0.6", linewidths=0.8)
    ax.plot(path1[:, 0], path1[:, 1], "o-", color="C3", ms=2.5, lw=1)
    ax.plot(*opt1, "k*", ms=11)
    ax.set_xlabel("截距 $b$")
    ax.set_ylabel("斜率 $w$")
    ax.set_title(title, fontsize=10.5)
axes[1].set_aspect("equal")
end = panels[0][3][-1]
axes[0].annotate("300 步后还在这里", xy=end, xytext=(-240, 1), fontsize=9.5, color="C3",
                 arrowprops=dict(arrowstyle="->", color="C3", lw=1))
for key, color, label in [("raw", "C3", "原始特征"), ("std", "C0", "标准化特征")]:
    gap = (runs[key]["losses"] - L_star) / L_star
    below = np.flatnonzero(gap < 1e-13)
    stop = below[0] + 1 if below.size else len(gap)  # stop drawing once rounding noise takes over
    axes[2].semilogy(np.arange(stop), gap[:stop], color=color, lw=1.8,
                     label=f"{label}，κ(H)={runs[key]['eig'][-1] / runs[key]['eig'][0]:.1e}")
axes[2].set_xlabel("迭代步数")
axes[2].set_ylabel(r"$(L - L^\ast)/L^\ast$")
axes[2].set_title("10 个特征，η = 1/λmax", fontsize=10.5)
axes[2].set_ylim(1e-14, 10)
axes[2].legend(fontsize=8.5, loc="lower left")
axes[2].grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 概率视角：高斯噪声下，最小二乘就是最大似然
#
# 假设 $y_i = \theta^\top a_i + \varepsilon_i$，$\varepsilon_i$ 独立地服从 $\mathcal{N}(0, \sigma^2)$。
# 平均负对数似然是 $\frac{1}{2}\log(2\pi\sigma^2) + \frac{1}{2\sigma^2 n}\lVert A\theta - y\rVert^2$。
# 下面不用任何公式，直接让 `scipy.optimize.minimize` 同时对 $\theta$ 和 $\log\sigma$ 数值地最小化它，
# 看结果是否与最小二乘解一致，以及 $\hat\sigma^2$ 是否等于训练集上的 MSE。

# %%
theta_ls_std = np.linalg.lstsq(A_std, y_tr)[0]


def gaussian_nll(p):
    theta, log_sigma = p[:-1], p[-1]
    res = y_tr - A_std @ theta
    return log_sigma + 0.5 * np.log(2 * np.pi) + 0.5 * np.exp(-2 * log_sigma) * (res @ res) / n


def gaussian_nll_grad(p):
    theta, log_sigma = p[:-1], p[-1]
    res = y_tr - A_std @ theta
    s2inv = np.exp(-2 * log_sigma)
    return np.r_[-s2inv * (A_std.T @ res) / n, 1 - s2inv * (res @ res) / n]


p0 = np.r_[y_tr.mean(), np.zeros(d), np.log(y_tr.std())]
fit = minimize(gaussian_nll, p0, jac=gaussian_nll_grad, method="BFGS")
theta_mle, sigma2_mle = fit.x[:-1], np.exp(2 * fit.x[-1])
print(f"BFGS converged: {fit.success} after {fit.nit} iterations")
print(f"max |theta_MLE - theta_LS| / max |theta_LS| = {np.abs(theta_mle - theta_ls_std).max() / np.abs(theta_ls_std).max():.1e}")
print(f"sigma^2 (MLE) = {sigma2_mle:.2f}; training MSE of least squares = {L_star:.2f}")
assert fit.success
assert np.abs(theta_mle - theta_ls_std).max() < 1e-3 * np.abs(theta_ls_std).max()
assert abs(sigma2_mle / L_star - 1) < 1e-3

# %% [markdown]
# ### 6. 多项式特征与过拟合
#
# 换成生成的一维数据，真实关系 $f(x) = \sin 3x + 0.5x$，噪声标准差 $\sigma = 0.3$（噪声方差 0.09 是任何模型
# 都消除不了的误差下限）。只有 20 个训练点，另取 1000 个点做验证集。把 $x$ 扩展成 $x, x^2, \dots, x^k$
# （`PolynomialFeatures`），标准化，再做线性回归：模型对参数仍是线性的，所以仍是线性回归。
# 注意 scikit-learn 1.9 的 `LinearRegression` 对稠密数据把小于最大奇异值 $10^{-6}$ 倍的奇异值当作 0（参数 `tol`），
# 高次多项式特征高度病态，这一点会起作用。

# %%
sigma = 0.3


def f_true(x):
    return np.sin(3 * x) + 0.5 * x


def sample(m, gen):
    x = gen.uniform(-1, 1, m)
    return x, f_true(x) + gen.normal(0, sigma, m)


def poly_model(degree):
    return make_pipeline(PolynomialFeatures(degree, include_bias=False), StandardScaler(), LinearRegression())


gen = np.random.default_rng(1)
x_small, y_small = sample(20, gen)
x_val, y_val = sample(1000, gen)
xs = np.linspace(-1, 1, 400)
deg_list = np.arange(1, 16)
train_err, val_err, fits = [], [], {}
for k in deg_list:
    model = poly_model(k).fit(x_small[:, None], y_small)
    train_err.append(mean_squared_error(y_small, model.predict(x_small[:, None])))
    val_err.append(mean_squared_error(y_val, model.predict(x_val[:, None])))
    fits[k] = model
train_err, val_err = np.array(train_err), np.array(val_err)
for k in [1, 2, 3, 4, 6, 9, 12, 15]:
    print(f"degree {k:2d}: train MSE {train_err[k - 1]:.4f}, validation MSE {val_err[k - 1]:.4f}")
best_k = int(deg_list[np.argmin(val_err)])
print(f"best degree on validation: {best_k}")
assert np.all(np.diff(train_err) <= 1e-9)  # nested models: training error never goes up
assert val_err[14] > 100 * val_err[2] and val_err[0] > 2 * val_err[2]
assert 3 <= best_k <= 6

fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
for ax, k, title in zip(axes, [1, 3, 15], ["1 次：欠拟合", "3 次：合适", "15 次：过拟合"]):
    ax.plot(xs, f_true(xs), color="0.55", lw=1.5, ls="--", label="真实 f(x)")
    ax.plot(xs, fits[k].predict(xs[:, None]), color="C3", lw=1.8, label="拟合曲线")
    ax.plot(x_small, y_small, "o", color="C0", ms=4.5, label="20 个训练点")
    ax.set_ylim(-2.2, 2.2)
    ax.set_title(f"{title}\n训练 {train_err[k - 1]:.3f}，验证 {val_err[k - 1]:.3g}", fontsize=10.5)
    ax.set_xlabel("$x$")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("$y$")
axes[0].legend(fontsize=8.5, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 岭回归：闭式解与 Ridge 对照
#
# 岭回归最小化 $\lVert y - Xw - b\mathbf{1}\rVert^2 + \alpha\lVert w\rVert^2$（与 scikit-learn 的 `Ridge` 同一个目标，
# 截距不受惩罚）。先把 $X$ 和 $y$ 中心化消去截距，再解 $(X_c^\top X_c + \alpha I)\,w = X_c^\top y_c$，
# 最后 $b = \bar y - \bar x^\top w$。用第 6 节 15 次多项式的标准化特征，几个 $\alpha$ 逐一与 `Ridge` 对照。


# %%
def ridge_closed_form(X, y, alpha):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - y_mean))
    return w, y_mean - x_mean @ w


feat15 = make_pipeline(PolynomialFeatures(15, include_bias=False), StandardScaler()).fit(x_small[:, None])
P_small, P_val, P_xs = (feat15.transform(v[:, None]) for v in (x_small, x_val, xs))
Pc = P_small - P_small.mean(axis=0)
eig_p = np.linalg.eigvalsh(Pc.T @ Pc)
print(f"15-degree features: eigenvalues of Xc^T Xc from {eig_p[0]:.1e} to {eig_p[-1]:.1e}; "
      f"adding alpha*I lifts the smallest one to at least alpha")

alphas = np.logspace(-5, 3, 33)
ridge_train, ridge_val, ridge_norm = [], [], []
for alpha in alphas:
    w, b = ridge_closed_form(P_small, y_small, alpha)
    if alpha >= 1e-3:
        ref = Ridge(alpha=alpha).fit(P_small, y_small)
        assert rel_diff(w, ref.coef_) < 1e-8 and abs(b - ref.intercept_) < 1e-10, alpha
    ridge_train.append(mean_squared_error(y_small, P_small @ w + b))
    ridge_val.append(mean_squared_error(y_val, P_val @ w + b))
    ridge_norm.append(np.linalg.norm(w))
ridge_train, ridge_val, ridge_norm = map(np.array, (ridge_train, ridge_val, ridge_norm))
print("closed form equals sklearn Ridge for every alpha >= 1e-3 (relative difference < 1e-8)")
for alpha in [1e-5, 1e-3, 1e-1, 1, 10, 1e3]:
    i = int(np.argmin(np.abs(np.log10(alphas) - np.log10(alpha))))
    print(f"alpha {alphas[i]:7.0e}: |w| = {ridge_norm[i]:8.3f}, train MSE {ridge_train[i]:.4f}, validation MSE {ridge_val[i]:.4f}")
i_best = int(np.argmin(ridge_val))
print(f"best alpha on validation: {alphas[i_best]:.2g} (validation MSE {ridge_val[i_best]:.4f}; "
      f"unregularized 15-degree fit: {val_err[14]:.1f})")
assert np.all(np.diff(ridge_norm) < 0) and np.all(np.diff(ridge_train) > -1e-12)
assert ridge_val[i_best] < 0.01 * val_err[14] and 1e-3 < alphas[i_best] < 10

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
ax = axes[0]
ax.plot(xs, f_true(xs), color="0.55", lw=1.5, ls="--", label="真实 f(x)")
for alpha, color in [(1e-5, "C3"), (1e-1, "C2"), (1e2, "C4")]:
    w, b = ridge_closed_form(P_small, y_small, alpha)
    ax.plot(xs, P_xs @ w + b, color=color, lw=1.6, label=f"α = {alpha:g}")
ax.plot(x_small, y_small, "o", color="C0", ms=4)
ax.set_ylim(-2.2, 2.2)
ax.set_xlabel("$x$")
ax.set_ylabel("$y$")
ax.set_title("15 次多项式 + 岭回归", fontsize=10.5)
ax.legend(fontsize=8.5, loc="lower right")
ax.grid(alpha=0.3)
ax = axes[1]
ax.loglog(alphas, ridge_train, "o-", ms=3, color="C0", label="训练 MSE")
ax.loglog(alphas, ridge_val, "o-", ms=3, color="C3", label="验证 MSE")
ax.axhline(sigma**2, color="0.5", ls=":", lw=1.2, label="噪声方差 0.09")
ax.axvline(alphas[i_best], color="C2", ls="--", lw=1)
ax.set_xlabel(r"正则化强度 $\alpha$")
ax.set_ylabel("MSE")
ax.set_title("α 太小过拟合，太大欠拟合", fontsize=10.5)
ax.legend(fontsize=8.5, loc="upper center")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. Lasso：系数路径与稀疏性
#
# Lasso 把惩罚换成 L1 范数，scikit-learn 的目标是 $\frac{1}{2n}\lVert y - Xw - b\mathbf{1}\rVert^2 + \alpha\lVert w\rVert_1$。
# 回到糖尿病数据（标准化特征，惩罚才对每个特征公平），从大到小扫一遍 $\alpha$，记下每个系数，
# 得到系数路径；同样画出岭回归的路径作对比。

# %%
lasso_alphas = np.logspace(1.6, -3, 70)
lasso_coefs = np.array([Lasso(alpha=a, max_iter=100_000).fit(Z_tr, y_tr).coef_ for a in lasso_alphas])
ridge_alphas = np.logspace(-2, 5, 60)
ridge_coefs = np.array([Ridge(alpha=a).fit(Z_tr, y_tr).coef_ for a in ridge_alphas])
nonzero = (lasso_coefs != 0).sum(axis=1)
entry = [int(np.argmax(lasso_coefs[:, j] != 0)) for j in range(d)]
order = sorted(range(d), key=lambda j: entry[j])
print("lasso: number of nonzero coefficients as alpha decreases:")
print(" ".join(str(c) for c in nonzero))
print("order in which features enter: " + ", ".join(names[j] for j in order))
ols_std = LinearRegression().fit(Z_tr, y_tr)
print("OLS on standardized features: " + ", ".join(f"{nm} {c:.1f}" for nm, c in zip(names, ols_std.coef_)))
print(f"smallest alpha {lasso_alphas[-1]:.2g}: max |lasso - OLS| / max |OLS| = "
      f"{np.abs(lasso_coefs[-1] - ols_std.coef_).max() / np.abs(ols_std.coef_).max():.1e}")
print(f"ridge: smallest |coefficient| anywhere on the path: {np.abs(ridge_coefs).min():.2e} (never exactly 0)")
for a in [10, 3, 1]:
    m = Lasso(alpha=a, max_iter=100_000).fit(Z_tr, y_tr)
    kept = [names[j] for j in np.flatnonzero(m.coef_)]
    print(f"lasso alpha {a:>2}: {len(kept)} features {kept}, test MSE {mean_squared_error(y_te, m.predict(Z_te)):.0f}")
print(f"OLS, all 10 features: test MSE {mean_squared_error(y_te, ols_std.predict(Z_te)):.0f}")
assert nonzero[0] <= 2 and nonzero[-1] == d
assert np.abs(lasso_coefs[-1] - ols_std.coef_).max() < 0.01 * np.abs(ols_std.coef_).max()
assert np.all(ridge_coefs != 0)
assert names[order[0]] == "bmi"

fig, axes = plt.subplots(1, 2, figsize=(10, 3.9), sharey=True)
label_feats = {"bmi", "s5", "bp", "s1", "s2", "sex"}
for j in range(d):
    color = f"C{j}"
    axes[0].semilogx(lasso_alphas, lasso_coefs[:, j], color=color, lw=1.6)
    axes[1].semilogx(ridge_alphas, ridge_coefs[:, j], color=color, lw=1.6)
    if names[j] in label_feats:
        axes[0].text(lasso_alphas[-1] * 0.8, lasso_coefs[-1, j], names[j], color=color, fontsize=9, ha="right", va="center")
        axes[1].text(ridge_alphas[0] * 0.8, ridge_coefs[0, j], names[j], color=color, fontsize=9, ha="right", va="center")
for ax, title in zip(axes, ["Lasso：系数一个个精确地变成 0", "岭回归：系数一起收缩，但不为 0"]):
    ax.invert_xaxis()
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel(r"$\alpha$（从左到右减小）")
    ax.set_title(title, fontsize=10.5)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("标准化特征的系数")
axes[0].set_xlim(lasso_alphas[0] * 1.2, lasso_alphas[-1] / 4)
axes[1].set_xlim(ridge_alphas[-1] * 1.5, ridge_alphas[0] / 8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 9. 学习曲线：高偏差与高方差
#
# 学习曲线把训练误差和验证误差画成训练集大小 $m$ 的函数。仍用第 6 节的数据分布：
# 1 次多项式（直线）太简单，是高偏差模型；15 次多项式、不加正则，是高方差模型。
# 每个 $m$ 重新抽 30 个训练集，取中位数，验证集固定为 2000 个点。为了快，这里用 NumPy 写一个与第 6 节流水线
# 等价的小函数（同样的标准化，同样的奇异值截断 `rcond=1e-6`），先与流水线核对一次。


# %%
def poly_fit_predict(x_train, y_train, x_eval, degree):
    powers = np.arange(1, degree + 1)
    F_train, F_eval = x_train[:, None] ** powers, x_eval[:, None] ** powers
    mu, sd = F_train.mean(axis=0), F_train.std(axis=0)
    Z_train, Z_eval = (F_train - mu) / sd, (F_eval - mu) / sd
    y_mean = y_train.mean()
    w = np.linalg.lstsq(Z_train - Z_train.mean(axis=0), y_train - y_mean, rcond=1e-6)[0]
    return Z_train @ w + y_mean, Z_eval @ w + y_mean


_, check_pred = poly_fit_predict(x_small, y_small, xs, 15)
print(f"NumPy helper vs sklearn pipeline (degree 15): max |difference| = {np.abs(check_pred - fits[15].predict(xs[:, None])).max():.1e}")
assert np.allclose(check_pred, fits[15].predict(xs[:, None]), atol=1e-6)

gen_lc = np.random.default_rng(2)
x_lc_val, y_lc_val = sample(2000, gen_lc)
sizes = np.array([20, 25, 30, 40, 60, 80, 120, 160, 240, 320, 500])
curves = {}
for degree in [1, 15]:
    tr_med, va_med = [], []
    for m in sizes:
        tr_runs, va_runs = [], []
        for _ in range(30):
            xm, ym = sample(m, gen_lc)
            fit_tr, fit_va = poly_fit_predict(xm, ym, x_lc_val, degree)
            tr_runs.append(np.mean((fit_tr - ym) ** 2))
            va_runs.append(np.mean((fit_va - y_lc_val) ** 2))
        tr_med.append(np.median(tr_runs))
        va_med.append(np.median(va_runs))
    curves[degree] = (np.array(tr_med), np.array(va_med))
    print(f"degree {degree:2d}: m      " + " ".join(f"{m:6d}" for m in sizes))
    print("           train  " + " ".join(f"{v:6.3f}" for v in tr_med))
    print("           valid. " + " ".join(f"{v:6.3g}" for v in va_med))

tr1, va1 = curves[1]
tr15, va15 = curves[15]
assert va1[-1] > 2 * sigma**2 and tr1[-1] > 2 * sigma**2  # high bias: both errors stay high
assert abs(va1[-1] - tr1[-1]) < 0.15 * va1[-1]  # ... and close together
assert va15[0] > 10 * tr15[0]  # high variance: a huge gap with little data
assert (va15[-1] - tr15[-1]) < 0.05 * (va15[0] - tr15[0]) and va15[-1] < 1.2 * sigma**2
assert va15[-1] < va1[-1]

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for ax, degree, title in zip(axes, [1, 15], ["1 次多项式：高偏差", "15 次多项式：高方差"]):
    tr, va = curves[degree]
    ax.loglog(sizes, tr, "o-", ms=4, color="C0", label="训练误差")
    ax.loglog(sizes, va, "o-", ms=4, color="C3", label="验证误差")
    ax.axhline(sigma**2, color="0.5", ls=":", lw=1.2, label="噪声方差 σ² = 0.09")
    ax.set_xlabel("训练集大小 $m$")
    ax.set_xticks([20, 50, 100, 200, 500], ["20", "50", "100", "200", "500"])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_title(title, fontsize=10.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, loc="upper right")
axes[0].set_ylabel("MSE（30 次重复的中位数）")
axes[0].set_ylim(0.01, 5000)
fig.tight_layout()
plt.show()
