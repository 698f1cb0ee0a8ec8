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
# 这个 notebook 先在自己生成的二维两类数据上，用次梯度下降从零训练线性支持向量机（最小化带合页损失的原始目标），
# 与 scikit-learn 的 `SVC(kernel="linear")` 对照权重、截距、间隔宽度和支持向量；再用 `SVC` 的对偶系数验证
# $w = \sum_i \alpha_i y_i x_i$ 和“只有支持向量的 $\alpha_i > 0$”。接着画出 0-1 损失、合页损失和逻辑损失，
# 用一个显式特征映射把同心圆变得线性可分，算出 RBF 核矩阵并检查它半正定；最后在 `make_moons` 上画出不同
# $C$、$\gamma$ 的决策边界，用交叉验证选参数，并看特征缩放和“删掉非支持向量”两件事。
# 数据都由 `sklearn.datasets` 的生成器或自带数据集得到，随机数都固定了种子。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from sklearn.datasets import load_breast_cancer, make_blobs, make_circles, make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

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


def rel_diff(a, b):
    """Largest elementwise relative difference."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12)))


def plot_boundary(ax, f, X, y, sv=None, lim=None, levels=(-1, 0, 1), n=200):
    """Filled sign of f, contour lines f = -1, 0, 1, the points and (optionally) circled support vectors."""
    if lim is None:
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    else:
        lo, hi = np.array(lim[0]), np.array(lim[1])
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    F = f(np.column_stack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    ax.contourf(g0, g1, F > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4c7c3", "#c6dbef"], alpha=0.6)
    ax.contour(g0, g1, F, levels=list(levels), colors="k", linestyles=["--", "-", "--"][: len(levels)], linewidths=1)
    ax.scatter(*X[y < 0].T, s=14, c="#d62728", marker="o", label="y = −1")
    ax.scatter(*X[y > 0].T, s=14, c="#1f77b4", marker="s", label="y = +1")
    if sv is not None:
        ax.scatter(*X[sv].T, s=90, facecolors="none", edgecolors="k", linewidths=1.2, label="支持向量")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])


# %% [markdown]
# ### 1. 从零实现：次梯度下降最小化原始目标
#
# 标签取 $y_i \in \{-1, +1\}$。软间隔 SVM 的原始问题等价于无约束地最小化
#
# $$
# J(w, b) = \frac12\|w\|^2 + C\sum_{i=1}^n \max\bigl(0,\ 1 - y_i(w^\top x_i + b)\bigr).
# $$
#
# 合页损失在 $y_i f(x_i) = 1$ 处不可导，取次梯度：函数间隔小于 1 的样本贡献 $-C y_i x_i$（对 $b$ 是 $-C y_i$），
# 其余样本贡献 0。步长取 $\eta_t = 1/(t + 10)$，并记下目标值最小的那一步（次梯度法的目标值不保证单调下降）。

# %%
X, y01 = make_blobs(n_samples=100, centers=[[-1.5, -1.0], [1.5, 1.0]], cluster_std=1.0, random_state=3)
y = 2 * y01 - 1  # labels in {-1, +1}
C = 1.0


def primal_objective(w, b, X, y, C):
    return 0.5 * w @ w + C * np.maximum(0.0, 1.0 - y * (X @ w + b)).sum()


def svm_subgradient(X, y, C, n_iter=5000):
    w, b = np.zeros(X.shape[1]), 0.0
    best = (np.inf, w.copy(), b)
    history = []
    for t in range(1, n_iter + 1):
        active = y * (X @ w + b) < 1  # samples with functional margin < 1
        gw = w - C * (y[active] @ X[active])
        gb = -C * y[active].sum()
        eta = 1.0 / (t + 10)
        w, b = w - eta * gw, b - eta * gb
        obj = primal_objective(w, b, X, y, C)
        history.append(obj)
        if obj < best[0]:
            best = (obj, w.copy(), b)
    return best[1], best[2], np.array(history)


w_gd, b_gd, hist = svm_subgradient(X, y, C)
svc_lin = SVC(kernel="linear", C=C, tol=1e-8).fit(X, y)
w_sk, b_sk = svc_lin.coef_[0], svc_lin.intercept_[0]

print("from scratch: w =", w_gd, " b = %.4f" % b_gd, " J = %.4f" % primal_objective(w_gd, b_gd, X, y, C))
print("SVC linear  : w =", w_sk, " b = %.4f" % b_sk, " J = %.4f" % primal_objective(w_sk, b_sk, X, y, C))
print("largest relative difference of (w, b): %.1e" % rel_diff(np.r_[w_gd, b_gd], np.r_[w_sk, b_sk]))
margin_gd, margin_sk = 2 / np.linalg.norm(w_gd), 2 / np.linalg.norm(w_sk)
print("margin width 2/||w||: from scratch %.4f, SVC %.4f" % (margin_gd, margin_sk))

assert rel_diff(np.r_[w_gd, b_gd], np.r_[w_sk, b_sk]) < 0.01
assert abs(margin_gd - margin_sk) / margin_sk < 0.01

# %% [markdown]
# 两者的 $w$、$b$ 几乎相同。再看支持向量：在 `SVC` 的解里，支持向量正是函数间隔 $y_i f(x_i) \le 1$ 的样本
# （落在间隔边界上或越过它的点），其余样本离边界足够远，对解没有影响。

# %%
f_sk = svc_lin.decision_function(X)
on_or_inside = np.flatnonzero(y * f_sk <= 1 + 1e-3)
print("support vectors from SVC      :", np.sort(svc_lin.support_))
print("samples with y f(x) <= 1      :", on_or_inside)
print("number of support vectors: %d of %d" % (len(svc_lin.support_), len(y)))
assert set(svc_lin.support_) == set(on_or_inside)

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
plot_boundary(axes[0], svc_lin.decision_function, X, y, sv=svc_lin.support_)
axes[0].set_title(f"线性 SVM（C = {C:g}）：间隔宽度 2/‖w‖ = {margin_sk:.3f}")
axes[0].legend(loc="lower right", fontsize=9)
axes[1].plot(hist, lw=1)
axes[1].axhline(primal_objective(w_sk, b_sk, X, y, C), color="k", ls="--", lw=1, label="SVC 的目标值")
axes[1].set_xscale("log")
axes[1].set_ylim(primal_objective(w_sk, b_sk, X, y, C) - 0.5, 20)
axes[1].set_xlabel("迭代次数")
axes[1].set_ylabel("J(w, b)")
axes[1].set_title("次梯度下降的目标值")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. C 控制间隔的宽窄
#
# $C$ 越大，越不能容忍间隔违例，间隔越窄、支持向量越少；$C$ 越小，间隔越宽，更多样本落进间隔里成为支持向量。

# %%
Cs = [0.01, 0.1, 1, 100]
fig, axes = plt.subplots(1, 4, figsize=(16, 4))
widths, n_svs = [], []
for ax, c in zip(axes, Cs):
    m = SVC(kernel="linear", C=c).fit(X, y)
    width = 2 / np.linalg.norm(m.coef_[0])
    widths.append(width)
    n_svs.append(len(m.support_))
    plot_boundary(ax, m.decision_function, X, y, sv=m.support_)
    ax.set_title(f"C = {c:g}：宽度 {width:.2f}，支持向量 {len(m.support_)} 个", fontsize=10)
fig.tight_layout()
plt.show()
for c, wd, k in zip(Cs, widths, n_svs):
    print(f"C = {c:>6g}: margin width {wd:.3f}, support vectors {k}")
assert all(a > b for a, b in zip(widths, widths[1:]))  # margin shrinks as C grows
assert n_svs[0] > n_svs[-1]

# %% [markdown]
# ### 3. 对偶系数：只有支持向量的 α 大于 0
#
# `SVC` 解的是对偶问题，`dual_coef_` 存的是支持向量的 $\alpha_i y_i$。下面验证 KKT 条件给出的几条结论：
# $w = \sum_i \alpha_i y_i x_i$；$\sum_i \alpha_i y_i = 0$；$0 < \alpha_i \le C$；$0 < \alpha_i < C$ 的点恰好在
# 间隔边界上（$y_i f(x_i) = 1$），$\alpha_i = C$ 的点在间隔内或被分错（$y_i f(x_i) \le 1$）。

# %%
alpha = np.abs(svc_lin.dual_coef_[0])  # alpha_i for the support vectors, in order of svc_lin.support_
ay = svc_lin.dual_coef_[0]  # alpha_i * y_i
Xs, ys = X[svc_lin.support_], y[svc_lin.support_]
w_from_dual = ay @ Xs
yf = ys * svc_lin.decision_function(Xs)
print("w from sum alpha_i y_i x_i:", w_from_dual, "  coef_:", w_sk)
print("sum alpha_i y_i = %.2e" % ay.sum())
for a_i, m_i in zip(alpha, yf):
    kind = "alpha = C (inside margin / wrong side)" if a_i > C - 1e-6 else "0 < alpha < C (on the margin)"
    print(f"alpha = {a_i:.4f}   y f(x) = {m_i:+.4f}   {kind}")
assert np.allclose(w_from_dual, w_sk, atol=1e-8)
assert abs(ay.sum()) < 1e-6
assert np.all((alpha > 0) & (alpha <= C + 1e-9))
free = alpha < C - 1e-6
assert np.allclose(yf[free], 1.0, atol=1e-3)
assert np.all(yf[~free] <= 1 + 1e-3)

# %% [markdown]
# ### 4. 合页损失、逻辑损失与 0-1 损失
#
# 横轴是函数间隔 $z = y f(x)$。合页损失 $\max(0, 1 - z)$ 在 $z \ge 1$ 时恰好为 0；逻辑损失
# $\log_2(1 + e^{-z})$（换成以 2 为底，使它在 $z = 0$ 处等于 1）处处为正。两者都是 0-1 损失的凸上界。

# %%
z = np.linspace(-2.5, 3, 551)
zero_one = (z <= 0).astype(float)
hinge = np.maximum(0, 1 - z)
logistic = np.log2(1 + np.exp(-z))
assert np.all(hinge >= zero_one) and np.all(logistic >= zero_one)
assert np.all(hinge[z >= 1] == 0) and np.all(logistic > 0)

fig, ax = plt.subplots(figsize=(6, 4))
ax.step(z, zero_one, where="post", label="0-1 损失", color="k")
ax.plot(z, hinge, label="合页损失 max(0, 1 − z)", lw=2)
ax.plot(z, logistic, label="逻辑损失 log₂(1 + e^(−z))", lw=2)
ax.set_xlabel("函数间隔 z = y·f(x)")
ax.set_ylabel("损失")
ax.set_ylim(-0.1, 3.6)
ax.legend()
ax.grid(alpha=0.3)
ax.set_title("三种分类损失")
plt.show()
for zz in [-1.0, 0.0, 1.0, 2.0]:
    print(f"z = {zz:+.0f}: hinge {max(0, 1 - zz):.3f}, logistic {np.log2(1 + np.exp(-zz)):.3f}")

# %% [markdown]
# ### 5. 特征映射：让同心圆线性可分
#
# `make_circles` 的两类是内外两个圆环，任何直线都分不开。加一个特征 $x_1^2 + x_2^2$（到原点距离的平方），
# 在三维特征空间里它们就能被一个平面分开；这个平面映回原来的二维平面，就是一个圆。

# %%
Xc, yc01 = make_circles(n_samples=300, factor=0.4, noise=0.08, random_state=0)
yc = 2 * yc01 - 1


def phi(X):
    return np.column_stack([X, (X**2).sum(axis=1)])


lin_raw = SVC(kernel="linear", C=1.0).fit(Xc, yc)
lin_phi = SVC(kernel="linear", C=1.0).fit(phi(Xc), yc)
acc_raw, acc_phi = lin_raw.score(Xc, yc), lin_phi.score(phi(Xc), yc)
print(f"linear SVM on (x1, x2)             : train accuracy {acc_raw:.3f}")
print(f"linear SVM on (x1, x2, x1^2 + x2^2): train accuracy {acc_phi:.3f}")
assert acc_raw < 0.75 and acc_phi > 0.97

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
plot_boundary(axes[0], lin_raw.decision_function, Xc, yc, levels=(0,))
axes[0].set_title(f"原始特征上的线性 SVM：训练准确率 {acc_raw:.2f}")
plot_boundary(axes[1], lambda G: lin_phi.decision_function(phi(G)), Xc, yc, sv=lin_phi.support_)
axes[1].set_title(f"加入 x₁² + x₂² 后：训练准确率 {acc_phi:.2f}")
axes[1].legend(loc="lower right", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 核函数：不写出映射也能算内积
#
# 二次多项式核 $k(x, z) = (x^\top z)^2$ 等于映射 $\varphi(x) = (x_1^2, \sqrt2 x_1 x_2, x_2^2)$ 下的内积。
# RBF 核 $k(x, z) = \exp(-\gamma\|x - z\|^2)$ 对应无穷维的映射，但核矩阵 $K_{ij} = k(x_i, x_j)$ 照样能直接算。
# 合法的核（Mercer 核）对任意一组样本给出的核矩阵都是对称半正定的。

# %%
x_a, x_b = rng.normal(size=2), rng.normal(size=2)


def phi2(v):
    return np.array([v[0] ** 2, np.sqrt(2) * v[0] * v[1], v[1] ** 2])


print("(x.z)^2 = %.6f,  phi(x).phi(z) = %.6f" % ((x_a @ x_b) ** 2, phi2(x_a) @ phi2(x_b)))
assert np.isclose((x_a @ x_b) ** 2, phi2(x_a) @ phi2(x_b))

Xm, ym01 = make_moons(n_samples=300, noise=0.25, random_state=0)
ym = 2 * ym01 - 1
order = np.argsort(ym, kind="stable")  # group the classes for the picture
sq_dist = ((Xm[:, None, :] - Xm[None, :, :]) ** 2).sum(axis=-1)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for ax, gamma in zip(axes, [0.1, 1.0, 30.0]):
    K = np.exp(-gamma * sq_dist)
    assert np.allclose(K, rbf_kernel(Xm, gamma=gamma))
    eig_min = np.linalg.eigvalsh(K).min()
    print(f"gamma = {gamma:>4g}: K is {K.shape}, symmetric {np.allclose(K, K.T)}, "
          f"smallest eigenvalue {eig_min:.1e}, mean off-diagonal {K[~np.eye(len(K), dtype=bool)].mean():.3f}")
    assert eig_min > -1e-8
    shown = order[::2]  # every other point: the same picture in a quarter of the pixels
    im = ax.imshow(K[np.ix_(shown, shown)], cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(f"RBF 核矩阵，γ = {gamma:g}")
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(im, ax=axes, shrink=0.8)
plt.show()

# %% [markdown]
# 上图按类别排序（为了图小一些，每隔一个点画一个）：前一半行是 $y = -1$，后一半是 $y = +1$。$\gamma$ 小时几乎所有点都“很相似”（核值接近 1），
# $\gamma$ 大时每个点只和自己附近极少的点相似，核矩阵接近单位矩阵。

# %% [markdown]
# ### 7. C 与 γ 的网格：欠拟合与过拟合
#
# 在 `make_moons` 上按 60/40 划分训练集和验证集，对 $C \in \{0.1, 1, 100\}$、$\gamma \in \{0.1, 1, 30\}$ 各训练一个
# RBF 核 SVM，标题里写训练/验证准确率和支持向量个数。

# %%
X_tr, X_va, y_tr, y_va = train_test_split(Xm, ym, test_size=0.4, random_state=0, stratify=ym)
grid_C, grid_g = [0.1, 1, 100], [0.1, 1, 30]
scores = {}
fig, axes = plt.subplots(3, 3, figsize=(9, 8.4), sharex=True, sharey=True)
for i, c in enumerate(grid_C):
    for j, g in enumerate(grid_g):
        m = SVC(kernel="rbf", C=c, gamma=g).fit(X_tr, y_tr)
        tr, va = m.score(X_tr, y_tr), m.score(X_va, y_va)
        scores[(c, g)] = (tr, va, len(m.support_))
        plot_boundary(axes[i, j], m.decision_function, X_tr, y_tr, sv=m.support_, lim=((-2, -1.6), (3, 2.1)), n=150)
        axes[i, j].set_title(f"C={c:g}, γ={g:g}\n训练 {tr:.2f} / 验证 {va:.2f}，SV {len(m.support_)}", fontsize=10)
fig.tight_layout()
plt.show()
for (c, g), (tr, va, k) in scores.items():
    print(f"C = {c:>5g}, gamma = {g:>4g}: train {tr:.3f}, validation {va:.3f}, support vectors {k}")

under, over, good = scores[(0.1, 0.1)], scores[(100, 30)], scores[(1, 1)]
assert over[0] - over[1] > 0.08  # overfitting: big gap between train and validation
assert good[1] > under[1] and good[1] > over[1]

# %% [markdown]
# ### 8. 用交叉验证选 C 和 γ
#
# 在训练集上做 5 折分层交叉验证，网格取 $C \in \{10^{-2}, \dots, 10^{3}\}$、$\gamma \in \{10^{-2}, \dots, 10^{2}\}$（都按 10 倍递增），再用选出的参数在验证集上评估一次。

# %%
param_grid = {"C": np.logspace(-2, 3, 6), "gamma": np.logspace(-2, 2, 5)}
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
search = GridSearchCV(SVC(kernel="rbf"), param_grid, cv=cv).fit(X_tr, y_tr)
best = search.best_params_
print("best params:", {k: float(v) for k, v in best.items()}, " mean CV accuracy %.3f" % search.best_score_)
print("validation accuracy with the chosen params: %.3f" % search.score(X_va, y_va))
assert search.best_score_ > 0.85 and search.score(X_va, y_va) > 0.85

cv_mean = search.cv_results_["mean_test_score"].reshape(len(param_grid["C"]), len(param_grid["gamma"]))
fig, ax = plt.subplots(figsize=(6, 4.5))
im = ax.imshow(cv_mean, cmap="viridis", origin="lower")
ax.set_xticks(range(len(param_grid["gamma"])), [f"{g:g}" for g in param_grid["gamma"]])
ax.set_yticks(range(len(param_grid["C"])), [f"{c:g}" for c in param_grid["C"]])
ax.set_xlabel("γ")
ax.set_ylabel("C")
for i in range(cv_mean.shape[0]):
    for j in range(cv_mean.shape[1]):
        ax.text(j, i, f"{cv_mean[i, j]:.2f}", ha="center", va="center", color="w" if cv_mean[i, j] < 0.8 else "k")
ax.set_title("5 折交叉验证的平均准确率")
fig.colorbar(im, ax=ax)
plt.show()

# %% [markdown]
# ### 9. 特征缩放
#
# RBF 核依赖欧氏距离，线性 SVM 的 $\|w\|^2$ 也对每个特征一视同仁，所以量纲大的特征会主导结果。
# 乳腺癌数据（`load_breast_cancer`，569 个样本、30 个特征）里各特征的取值范围相差几个数量级，比较缩放前后的 5 折交叉验证准确率。

# %%
Xb, yb = load_breast_cancer(return_X_y=True)
print("feature std ranges from %.4f to %.1f" % (Xb.std(axis=0).min(), Xb.std(axis=0).max()))
cv5 = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
acc_unscaled = cross_val_score(SVC(kernel="rbf", C=1.0, gamma=0.03), Xb, yb, cv=cv5).mean()
acc_scaled = cross_val_score(make_pipeline(StandardScaler(), SVC(kernel="rbf", C=1.0, gamma=0.03)), Xb, yb, cv=cv5).mean()
print(f"RBF SVC, C=1, gamma=0.03: unscaled {acc_unscaled:.3f}, standardized {acc_scaled:.3f}")
assert acc_scaled > acc_unscaled + 0.1

# %% [markdown]
# ### 10. 与逻辑回归对比：删掉非支持向量
#
# SVM 的解只由支持向量决定：只用支持向量重新训练，得到同一个 $w, b$。逻辑回归的每个样本都有正的损失和梯度，
# 删掉同样的样本后系数会变。两者都用 L2 正则、取相同的 $C$。

# %%
keep = svc_lin.support_
svm_sub = SVC(kernel="linear", C=C, tol=1e-8).fit(X[keep], y[keep])
lr_all = LogisticRegression(C=C, tol=1e-10, max_iter=1000).fit(X, y)
lr_sub = LogisticRegression(C=C, tol=1e-10, max_iter=1000).fit(X[keep], y[keep])
d_svm = rel_diff(np.r_[svm_sub.coef_[0], svm_sub.intercept_], np.r_[w_sk, b_sk])
d_lr = rel_diff(np.r_[lr_sub.coef_[0], lr_sub.intercept_], np.r_[lr_all.coef_[0], lr_all.intercept_])
print(f"SVM: all {len(y)} samples w = {w_sk}, only {len(keep)} support vectors w = {svm_sub.coef_[0]}  (rel diff {d_svm:.1e})")
print(f"LR : all {len(y)} samples w = {lr_all.coef_[0]}, same {len(keep)} samples w = {lr_sub.coef_[0]}  (rel diff {d_lr:.2f})")
assert d_svm < 1e-3 and d_lr > 0.1

fig, ax = plt.subplots(figsize=(6, 4.5))
plot_boundary(ax, svc_lin.decision_function, X, y, sv=keep, levels=(0,))
gx = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 2)
for m, style, name in [(lr_all, "-.", "逻辑回归（全部样本）"), (lr_sub, ":", "逻辑回归（只用支持向量）")]:
    (w1, w2), b0 = m.coef_[0], m.intercept_[0]
    ax.plot(gx, -(w1 * gx + b0) / w2, style, lw=2, label=name)
ax.plot([], [], "k-", lw=1, label="SVM（两种情况重合）")
ax.legend(loc="lower right", fontsize=8)
ax.set_title("删掉非支持向量：SVM 不变，逻辑回归改变")
plt.show()
