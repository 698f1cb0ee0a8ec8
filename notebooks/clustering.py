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
# 这个 notebook 先用 NumPy 从零实现 k-means（Lloyd 算法）和 k-means++ 初始化，在 `make_blobs` 生成的数据上
# 检查目标函数每一步都不上升，并与 scikit-learn 的 `KMeans` 逐点对照；然后比较随机初始化和 k-means++ 在 50 个种子下的结果，
# 用肘部法则和轮廓系数选簇数，看 k-means 在月牙形和拉长的簇上怎样失败；接着从零实现高斯混合模型的 EM 算法，
# 与 `GaussianMixture` 对照，并用 BIC 选成分个数；最后在 scikit-learn 自带的葡萄酒数据和手写数字数据上聚类，
# 用调整兰德指数（ARI）和真实类别比较。所有数据都来自已安装的包或由代码生成，随机数都固定了种子。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Ellipse
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_wine, make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score, confusion_matrix, silhouette_score
from sklearn.mixture import GaussianMixture
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
np.set_printoptions(precision=4, suppress=True)
COLORS = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"])


def sq_dists(X, C):
    """Squared Euclidean distances, shape (n_samples, n_centers)."""
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)


def inertia(X, C, labels):
    """The k-means objective J: sum of squared distances to the assigned centroid."""
    return float(((X - C[labels]) ** 2).sum())


def match_labels(y_true, y_pred):
    """Relabel y_pred so that it agrees with y_true as much as possible (Hungarian matching)."""
    cm = confusion_matrix(y_true, y_pred)
    rows, cols = linear_sum_assignment(-cm)
    mapping = dict(zip(cols, rows))
    return np.array([mapping[c] for c in y_pred])


# %% [markdown]
# ### 1. Lloyd 算法：从零实现
#
# k-means 的目标是簇内平方和（inertia）$J = \sum_i \lVert x_i - \mu_{c_i}\rVert^2$。Lloyd 算法交替做两步：
# **分配**（每个点归到最近的中心）和**更新**（每个中心移到它那一簇的均值）。下面的实现记录每个“半步”之后的 $J$，
# 好检查两步都不会让 $J$ 变大。某一簇变空时保留原来的中心（scikit-learn 的做法是把离中心最远的点拿来当新中心）。
# 数据是 4 个各向同性的高斯团，初始中心故意取成 4 个随机样本点。

# %%
X4, y4 = make_blobs(n_samples=600, centers=4, cluster_std=1.0, random_state=3)
n4 = len(X4)


def lloyd(X, C0, max_iter=300):
    """Lloyd's algorithm. Returns centers, labels, the objective after every half-step, and the center history."""
    C = C0.astype(float).copy()
    labels = sq_dists(X, C).argmin(axis=1)
    J_half = [inertia(X, C, labels)]  # after the first assignment step
    history = [(C.copy(), labels.copy())]
    for _ in range(max_iter):
        # update step: every center moves to the mean of its points
        new_C = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else C[j] for j in range(len(C))])
        J_half.append(inertia(X, new_C, labels))
        # assignment step: every point goes to its nearest center
        new_labels = sq_dists(X, new_C).argmin(axis=1)
        J_half.append(inertia(X, new_C, new_labels))
        C = new_C
        history.append((C.copy(), new_labels.copy()))
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return C, labels, np.array(J_half), history


rng = np.random.default_rng(4)
C_init = X4[rng.choice(n4, 4, replace=False)]
C_ours, lab_ours, J_half, hist = lloyd(X4, C_init)
n_iter = len(hist) - 1
print(f"Lloyd converged after {n_iter} update steps")
print("objective J after each half-step:", np.round(J_half, 1))
steps = np.diff(J_half)
print(f"largest increase between half-steps: {steps.max():.2e} (must be <= 0 up to rounding)")
assert np.all(steps <= 1e-9 * J_half[0])

km_sk = KMeans(n_clusters=4, init=C_init, n_init=1, algorithm="lloyd", max_iter=300, tol=0.0).fit(X4)
ari_sk = adjusted_rand_score(km_sk.labels_, lab_ours)
rel_J = abs(km_sk.inertia_ - J_half[-1]) / km_sk.inertia_
print(f"sklearn KMeans from the same initial centers: inertia {km_sk.inertia_:.4f}, ours {J_half[-1]:.4f}, "
      f"relative difference {rel_J:.1e}; ARI between the two labelings {ari_sk:.3f}")
print(f"max |center difference| = {np.abs(km_sk.cluster_centers_ - C_ours).max():.1e}")
assert ari_sk == 1.0 and rel_J < 1e-6
print(f"ARI against the true blobs: {adjusted_rand_score(y4, lab_ours):.3f}")

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
for ax, it in zip(axes[:3], [0, 1, n_iter]):
    C, lab = hist[it]
    ax.scatter(X4[:, 0], X4[:, 1], c=COLORS[lab], s=8, alpha=0.6)
    path = np.array([h[0] for h in hist[: it + 1]])
    for j in range(4):
        ax.plot(path[:, j, 0], path[:, j, 1], "k-", lw=1)
    ax.scatter(C[:, 0], C[:, 1], c=COLORS[:4], marker="X", s=180, edgecolor="k", linewidth=1.2)
    ax.set_title("初始中心与第一次分配" if it == 0 else f"第 {it} 次更新后" + ("（收敛）" if it == n_iter else ""))
    ax.set_xticks([])
    ax.set_yticks([])
axes[3].plot(np.arange(len(J_half)) / 2, J_half, "o-", ms=4)
axes[3].set_xlabel("迭代（整数处：分配后；.5 处：更新后）")
axes[3].set_ylabel("簇内平方和 J")
axes[3].set_yscale("log")
axes[3].set_title("J 每个半步都不增加")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. k-means++ 初始化
#
# k-means++ 先均匀随机选第一个中心，之后每次按 $D(x)^2$（到已选中心的最近距离的平方）成比例地抽下一个中心。
# 这里实现的是原论文的版本；scikit-learn 的 `init="k-means++"` 默认是“贪心”变体，每一步抽 $2+\ln k$ 个候选、留下让 $J$ 最小的那个。
#
# 数据是 3×3 网格上的 9 个高斯团。对 50 个种子，分别用“随机选 9 个样本点”和 k-means++ 初始化，再跑 Lloyd 算法。
# 参照值是 `KMeans(n_init=50)` 找到的最好的 $J$。“找对了”定义为与真实分组的 ARI 大于 0.95。

# %%
grid = np.array([(a, b) for a in (0, 8, 16) for b in (0, 8, 16)], dtype=float)
X9, y9 = make_blobs(n_samples=900, centers=grid, cluster_std=1.0, random_state=0)
k9 = 9


def kmeans_pp(X, k, rng):
    """k-means++ seeding (Arthur & Vassilvitskii 2007): D^2 sampling."""
    n = len(X)
    idx = [int(rng.integers(n))]
    d2 = ((X - X[idx[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        i = int(rng.choice(n, p=d2 / d2.sum()))
        idx.append(i)
        d2 = np.minimum(d2, ((X - X[i]) ** 2).sum(axis=1))
    return X[idx]


J_ref = KMeans(k9, n_init=50, random_state=0).fit(X9).inertia_
res = {"random": [], "k-means++": []}
seed_cost = {"random": [], "k-means++": []}
for s in range(50):
    starts = {
        "random": X9[np.random.default_rng(s).choice(len(X9), k9, replace=False)],
        "k-means++": kmeans_pp(X9, k9, np.random.default_rng(1000 + s)),
    }
    for name, C0 in starts.items():
        seed_cost[name].append(sq_dists(X9, C0).min(axis=1).sum())
        C, lab, J, _ = lloyd(X9, C0)
        res[name].append((J[-1], adjusted_rand_score(y9, lab), C, lab))

summary = {}
for name in res:
    Js = np.array([r[0] for r in res[name]]) / J_ref
    ok = np.mean([r[1] > 0.95 for r in res[name]])
    s0 = np.mean(seed_cost[name]) / J_ref
    summary[name] = (Js, ok)
    print(f"{name:>10}: initial J / best = {s0:5.2f}; final J / best: mean {Js.mean():.2f}, "
          f"median {np.median(Js):.2f}, worst {Js.max():.2f}; runs that found the true grouping {ok:.0%}")
print(f"bound of the theorem for k = {k9}: E[initial J] <= 8(ln k + 2) * optimum = {8 * (np.log(k9) + 2):.1f} * optimum")
assert summary["k-means++"][0].mean() < 0.8 * summary["random"][0].mean()
assert summary["k-means++"][1] > summary["random"][1] + 0.2

km_multi = KMeans(k9, init="k-means++", n_init=10, random_state=0).fit(X9)
print(f"sklearn KMeans(n_init=10): J / best = {km_multi.inertia_ / J_ref:.4f}, ARI {adjusted_rand_score(y9, km_multi.labels_):.3f}")
assert km_multi.inertia_ < 1.001 * J_ref

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
bins = np.linspace(1, max(summary["random"][0].max(), summary["k-means++"][0].max()) + 0.05, 30)
for name, color in [("random", "#d62728"), ("k-means++", "#1f77b4")]:
    axes[0].hist(summary[name][0], bins=bins, alpha=0.6, color=color, label="随机初始化" if name == "random" else name)
axes[0].set_xlabel("最终 J / 已知最好的 J")
axes[0].set_ylabel("种子个数（共 50）")
axes[0].legend()
axes[0].set_title("50 个种子的最终簇内平方和")
worst = max(res["random"], key=lambda r: r[0])
for ax, (title, (J, a, C, lab)) in zip(axes[1:], [("随机初始化最差的一次", worst), ("找到正确分组的一次", min(res["k-means++"], key=lambda r: r[0]))]):
    ax.scatter(X9[:, 0], X9[:, 1], c=COLORS[lab], s=6, alpha=0.6)
    ax.scatter(C[:, 0], C[:, 1], c="k", marker="X", s=120)
    ax.set_title(f"{title}：J/最好 = {J / J_ref:.2f}，ARI = {a:.2f}")
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 选择簇数：肘部法则与轮廓系数
#
# 回到第 1 节的 4 个高斯团，假装不知道 $k$。对 $k = 1, \dots, 9$ 各跑一次 `KMeans(n_init=10)`：
# 簇内平方和 $J$ 随 $k$ 只降不升，只能找“拐弯”的地方；平均轮廓系数（silhouette）在 $[-1, 1]$ 之间，越大越好，
# 可以直接取最大值（它对 $k=1$ 没有定义）。真实标签只用来在最后算 ARI。

# %%
ks = np.arange(1, 10)
J_k, sil_k, ari_k = [], [], []
for k in ks:
    km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X4)
    J_k.append(km.inertia_)
    sil_k.append(silhouette_score(X4, km.labels_) if k > 1 else np.nan)
    ari_k.append(adjusted_rand_score(y4, km.labels_))
print(" k         J   silhouette   ARI")
for k, J, s, a in zip(ks, J_k, sil_k, ari_k):
    print(f"{k:2d} {J:9.1f}   {s:10.3f}  {a:.3f}")
k_best = int(ks[np.nanargmax(sil_k)])
print(f"silhouette picks k = {k_best}; ARI at that k = {ari_k[k_best - 1]:.3f}")
assert k_best == 4 and ari_k[3] > 0.95

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
axes[0].plot(ks, J_k, "o-")
axes[0].set_xlabel("簇数 k")
axes[0].set_ylabel("簇内平方和 J")
axes[0].set_title("肘部法则：J 只降不升")
axes[1].plot(ks[1:], sil_k[1:], "o-", color="#2ca02c")
axes[1].axvline(k_best, color="gray", ls="--")
axes[1].set_xlabel("簇数 k")
axes[1].set_ylabel("平均轮廓系数")
axes[1].set_title(f"轮廓系数在 k = {k_best} 处最大")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. k-means 在哪里失败
#
# k-means 只用到欧几里得距离和簇中心，相当于默认每一簇都是大小相近的“圆球”，簇之间的边界是直线（两个中心连线的垂直平分线）。
# 两个例子：月牙形的 `make_moons`，以及由拉长的高斯分布生成的数据（第 5 节会用高斯混合模型重新处理它）。
# 在拉长的数据上，还对比正确分组本身的 $J$ 和 k-means 找到的 $J$：k-means 不是没找到最优解，而是它的目标函数本身偏爱错误的分组。

# %%
Xm, ym = make_moons(n_samples=500, noise=0.06, random_state=0)
km_moons = KMeans(2, n_init=10, random_state=0).fit(Xm)
ari_moons = adjusted_rand_score(ym, km_moons.labels_)


def rotation(t):
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


# (mean, std along the long axis, std along the short axis, angle, size)
specs = [((0.0, 0.0), 3.0, 0.4, 0.5, 300), ((0.0, 3.0), 3.0, 0.4, 0.5, 300), ((6.0, -3.0), 0.8, 0.8, 0.0, 150)]
gen = np.random.default_rng(0)
parts, true_cov = [], []
for m, s1, s2, t, nj in specs:
    S = rotation(t) @ np.diag([s1**2, s2**2]) @ rotation(t).T
    true_cov.append(S)
    parts.append(gen.multivariate_normal(m, S, size=nj))
Xs = np.vstack(parts)
ys = np.repeat(np.arange(3), [sp[-1] for sp in specs])
km_s = KMeans(3, n_init=10, random_state=0).fit(Xs)
ari_s = adjusted_rand_score(ys, km_s.labels_)
C_true = np.array([Xs[ys == j].mean(axis=0) for j in range(3)])
J_true = inertia(Xs, C_true, ys)
print(f"moons: k-means ARI = {ari_moons:.3f}")
print(f"stretched clusters: k-means ARI = {ari_s:.3f}; J of the k-means solution {km_s.inertia_:.0f} "
      f"< J of the true grouping {J_true:.0f}")
assert ari_moons < 0.5 and ari_s < 0.6 and km_s.inertia_ < J_true

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].scatter(Xm[:, 0], Xm[:, 1], c=COLORS[km_moons.labels_], s=8)
axes[0].scatter(*km_moons.cluster_centers_.T, c="k", marker="X", s=120)
axes[0].set_title(f"月牙形：k-means 的 ARI = {ari_moons:.2f}")
axes[1].scatter(Xs[:, 0], Xs[:, 1], c=COLORS[km_s.labels_], s=8)
axes[1].scatter(*km_s.cluster_centers_.T, c="k", marker="X", s=120)
axes[1].set_title(f"拉长的簇：k-means 的 ARI = {ari_s:.2f}")
for ax in axes:
    ax.set_aspect("equal")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 高斯混合模型：从零实现 EM
#
# 模型：每个点先以概率 $\pi_j$ 选成分 $j$，再从 $\mathcal N(\mu_j, \Sigma_j)$ 里抽出来。EM 交替做两步：
# **E 步**算每个点属于每个成分的后验概率（责任 $\gamma_{ij}$）；**M 步**用 $\gamma$ 加权重新估计 $\pi_j$、$\mu_j$、$\Sigma_j$。
# 密度在对数空间里算（Cholesky 分解 + `logsumexp`），避免下溢。协方差对角线上加 $10^{-6}$，与 scikit-learn 的 `reg_covar` 默认值相同。
#
# 初始化：均值取自 k-means++ 抽样，协方差都取整个数据的协方差，权重相等。EM 也会停在局部最优，所以用 5 个种子各跑一次，留平均对数似然最大的那个。

# %%
def log_gauss(X, mu, Sigma):
    """log N(x | mu, Sigma) for every row of X."""
    d = X.shape[1]
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    return -0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(L)).sum() + (z**2).sum(axis=0))


def e_step(X, w, mus, Sigmas):
    log_p = np.column_stack([np.log(w[j]) + log_gauss(X, mus[j], Sigmas[j]) for j in range(len(w))])
    log_px = logsumexp(log_p, axis=1)
    return np.exp(log_p - log_px[:, None]), float(log_px.mean())


def m_step(X, R, reg=1e-6):
    Nk = R.sum(axis=0)
    w = Nk / len(X)
    mus = (R.T @ X) / Nk[:, None]
    Sigmas = []
    for j in range(R.shape[1]):
        D = X - mus[j]
        Sigmas.append((R[:, j, None] * D).T @ D / Nk[j] + reg * np.eye(X.shape[1]))
    return w, mus, np.array(Sigmas)


def em_gmm(X, w, mus, Sigmas, tol=1e-10, max_iter=1000):
    lls = []
    for _ in range(max_iter):
        R, ll = e_step(X, w, mus, Sigmas)
        lls.append(ll)
        if len(lls) > 1 and lls[-1] - lls[-2] < tol:
            break
        w, mus, Sigmas = m_step(X, R)
    return w, mus, Sigmas, R, np.array(lls)


K = 3
starts = []
for s in range(5):
    mus0 = kmeans_pp(Xs, K, np.random.default_rng(s))
    init = (np.full(K, 1 / K), mus0, np.array([np.cov(Xs.T)] * K))
    out = em_gmm(Xs, *init)
    starts.append((out[-1][-1], s, init, out))
    print(f"seed {s}: {len(out[-1])} EM steps, final average log-likelihood {out[-1][-1]:.5f}, "
          f"ARI {adjusted_rand_score(ys, out[3].argmax(axis=1)):.3f}")
_, best_seed, init_best, (w_em, mu_em, S_em, R_em, lls) = max(starts, key=lambda t: t[0])
dll = np.diff(lls)
print(f"best seed {best_seed}: smallest change of the log-likelihood between EM steps {dll.min():.2e}")
assert np.all(dll > -1e-10)
ari_em = adjusted_rand_score(ys, R_em.argmax(axis=1))
print(f"GMM (ours) ARI = {ari_em:.3f}; k-means ARI = {ari_s:.3f}")
assert ari_em > 0.95

gm_sk = GaussianMixture(
    K, covariance_type="full", tol=1e-10, max_iter=1000, reg_covar=1e-6,
    weights_init=init_best[0], means_init=init_best[1], precisions_init=np.linalg.inv(init_best[2]),
).fit(Xs)
ll_sk = gm_sk.score(Xs)
print(f"sklearn GaussianMixture from the same start: average log-likelihood {ll_sk:.8f}, ours {lls[-1]:.8f}, "
      f"difference {abs(ll_sk - lls[-1]):.1e}")
print(f"max |mean difference| {np.abs(gm_sk.means_ - mu_em).max():.1e}, "
      f"max |covariance difference| {np.abs(gm_sk.covariances_ - S_em).max():.1e}")
assert abs(ll_sk - lls[-1]) < 1e-6
assert adjusted_rand_score(gm_sk.predict(Xs), R_em.argmax(axis=1)) == 1.0

# sklearn's own default start (k-means labels) falls into the k-means grouping and stays there
gm_kminit = GaussianMixture(K, random_state=0).fit(Xs)
print(f"GaussianMixture with its default k-means initialization: log-likelihood {gm_kminit.score(Xs):.4f}, "
      f"ARI {adjusted_rand_score(ys, gm_kminit.predict(Xs)):.3f}")

uncertain = (R_em.max(axis=1) < 0.9).sum()
unsure = R_em.max(axis=1) < 0.99
print(f"points whose largest responsibility is below 0.9: {uncertain} of {len(Xs)}; below 0.99: {unsure.sum()}")
print("responsibilities of three of the least certain points:")
print(np.round(R_em[np.argsort(R_em.max(axis=1))[:3]], 3))


# %%
def draw_ellipse(ax, mu, S, color):
    vals, vecs = np.linalg.eigh(S)
    angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
    for r in (1, 2):
        ax.add_patch(Ellipse(mu, 2 * r * np.sqrt(vals[1]), 2 * r * np.sqrt(vals[0]), angle=angle,
                             fill=False, color=color, lw=1.5, ls="-" if r == 1 else "--"))


# match component order to the true order so colors agree
perm = linear_sum_assignment(-confusion_matrix(ys, R_em.argmax(axis=1))[:, :K])[1]
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
axes[0].scatter(Xs[:, 0], Xs[:, 1], c=COLORS[match_labels(ys, R_em.argmax(axis=1))], s=8, alpha=0.6)
for j in range(K):
    draw_ellipse(axes[0], mu_em[perm[j]], S_em[perm[j]], "k")
axes[0].set_title(f"GMM（EM，从零实现）：ARI = {ari_em:.2f}")
rgb = np.array([plt.matplotlib.colors.to_rgb(c) for c in COLORS[:K]])
axes[1].scatter(Xs[:, 0], Xs[:, 1], c=R_em[:, perm] @ rgb, s=10)
axes[1].scatter(Xs[unsure, 0], Xs[unsure, 1], s=60, facecolors="none", edgecolors="k", lw=1)
axes[1].set_title(f"软分配：颜色按责任混合，圈出最大责任 < 0.99 的 {unsure.sum()} 个点", fontsize=10)
for ax in axes[:2]:
    ax.set_aspect("equal")
axes[2].plot(np.arange(1, len(lls) + 1), lls, ".-")
axes[2].set_xscale("log")
axes[2].set_xlabel("EM 步数")
axes[2].set_ylabel("平均对数似然")
axes[2].set_title("对数似然每一步都不下降")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 用 BIC 选成分个数
#
# 成分越多，似然只会越大（与 k-means 的 $J$ 一样），所以不能直接比似然。BIC $= -2\ln\hat L + p\ln n$ 给参数个数 $p$ 加了惩罚。
# 二维、全协方差、$k$ 个成分时 $p = (k-1) + 2k + 3k$（权重、均值、协方差矩阵的独立元素）。先用这个公式自己算一遍，与 `GaussianMixture.bic` 核对，再看 BIC 最小在哪里。

# %%
n_s, d_s = Xs.shape
bics, my_bics = [], []
for Kc in range(1, 8):
    g = GaussianMixture(Kc, init_params="k-means++", n_init=5, random_state=0).fit(Xs)
    p = (Kc - 1) + Kc * d_s + Kc * d_s * (d_s + 1) // 2
    my_bics.append(-2 * n_s * g.score(Xs) + p * np.log(n_s))
    bics.append(g.bic(Xs))
    print(f"K = {Kc}: parameters {p:2d}, average log-likelihood {g.score(Xs):.4f}, BIC {bics[-1]:.1f}")
assert np.allclose(my_bics, bics, rtol=1e-10)
K_best = int(np.argmin(bics)) + 1
gap = sorted(bics)[1] - min(bics)
print(f"BIC picks K = {K_best}; the runner-up is {gap:.1f} higher")
assert K_best == 3 and gap > 10

fig, ax = plt.subplots(figsize=(5, 3.4))
ax.plot(range(1, 8), bics, "o-")
ax.axvline(K_best, color="gray", ls="--")
ax.set_xlabel("成分个数 k")
ax.set_ylabel("BIC（越小越好）")
ax.set_title(f"BIC 在 k = {K_best} 处最小")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 真实数据：葡萄酒与手写数字
#
# `load_wine`：178 瓶酒、13 项化学指标、3 个品种。各指标的量纲差别很大（脯氨酸在几百到一千多，色调在 1 左右），
# 先比较不标准化和标准化后 k-means 的 ARI。标签只在最后用来评估；簇的编号是任意的，直接拿编号和品种比“准确率”会得到没有意义的数，
# 要先用匈牙利算法把簇和品种一一配对。最后假装不知道有 3 个品种，看肘部法则和轮廓系数在真实数据上是什么样子。

# %%
Xw, yw = load_wine(return_X_y=True)
print("feature std ranges from", f"{Xw.std(axis=0).min():.3f} to {Xw.std(axis=0).max():.1f}")
lab_raw = KMeans(3, n_init=10, random_state=0).fit_predict(Xw)
Zw = StandardScaler().fit_transform(Xw)
lab_std = KMeans(3, n_init=10, random_state=0).fit_predict(Zw)
ari_raw, ari_std = adjusted_rand_score(yw, lab_raw), adjusted_rand_score(yw, lab_std)
print(f"wine k-means ARI: raw features {ari_raw:.3f}, standardized {ari_std:.3f}")
assert ari_std > 0.8 and ari_std > ari_raw + 0.3
naive = np.mean(lab_std == yw)
matched = np.mean(match_labels(yw, lab_std) == yw)
print(f"'accuracy' comparing cluster ids with classes as they are: {naive:.3f}; after matching: {matched:.3f}")
print("confusion matrix after matching (rows: cultivar, columns: cluster):")
print(confusion_matrix(yw, match_labels(yw, lab_std)))
# the elbow on real data: J for k = 1..7, its relative drop, and the silhouette
J_w, sil_w = [], []
for k in range(1, 8):
    km = KMeans(k, n_init=10, random_state=0).fit(Zw)
    J_w.append(km.inertia_)
    sil_w.append(silhouette_score(Zw, km.labels_) if k > 1 else np.nan)
drops = 1 - np.array(J_w[1:]) / np.array(J_w[:-1])
print("wine (standardized) J for k = 1..7:", np.round(J_w, 0))
print("relative drop of J from k-1 to k, k = 2..7:", np.round(drops, 3))
print("silhouette for k = 2..7:", np.round(sil_w[1:], 3))
assert int(np.nanargmax(sil_w)) + 1 == 3

# %% [markdown]
# `load_digits`：1797 张 8×8 的手写数字图片，每个像素是 0–16 的灰度。所有特征单位相同，这里不需要标准化。
# 用 10 个簇跑 k-means，看每个中心长什么样，以及每个簇里占多数的数字。

# %%
Xd, yd = load_digits(return_X_y=True)
km_d = KMeans(10, n_init=10, random_state=0).fit(Xd)
ari_d = adjusted_rand_score(yd, km_d.labels_)
matched_d = match_labels(yd, km_d.labels_)
print(f"digits k-means ARI = {ari_d:.3f}; accuracy after matching clusters to digits: {np.mean(matched_d == yd):.3f}")
assert 0.55 < ari_d < 0.8
ari_d_std = adjusted_rand_score(yd, KMeans(10, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(Xd)))
print(f"digits k-means ARI after standardizing every pixel: {ari_d_std:.3f} (pixels share one unit; scaling amplifies near-constant border pixels)")
assert ari_d_std < ari_d - 0.1
cm_d = confusion_matrix(yd, km_d.labels_)
for c in range(10):
    top = cm_d[:, c].argmax()
    print(f"cluster {c}: {cm_d[:, c].sum():3d} images, majority digit {top} ({cm_d[top, c] / cm_d[:, c].sum():.0%})")

majority = cm_d.argmax(axis=0)
missing = sorted(set(range(10)) - set(majority))
print(f"digits that are the majority of no cluster: {missing}")
for dgt in missing:
    row = cm_d[dgt]
    print(f"  the {row.sum()} images of {dgt} are spread over clusters: "
          + ", ".join(f"{c} ({row[c]})" for c in np.argsort(row)[::-1][:3]))

fig, axes = plt.subplots(1, 10, figsize=(12, 1.8))
for c, ax in enumerate(axes):
    ax.imshow(km_d.cluster_centers_[c].reshape(8, 8), cmap="gray_r")
    top = cm_d[:, c].argmax()
    ax.set_title(f"多数是 {top}\n{cm_d[top, c] / cm_d[:, c].sum():.0%}", fontsize=10)
    ax.axis("off")
fig.suptitle("k-means 在手写数字上找到的 10 个中心", y=1.08)
plt.show()
