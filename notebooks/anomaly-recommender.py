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
# 这个 notebook 分两部分，数据全部由代码生成，随机数都固定了种子。
#
# - **异常检测**：生成一批“服务器监控”数据（CPU 利用率和网络流量，两者强相关），
#   分别用逐特征独立的高斯模型和多元高斯模型估计密度，在带标签的验证集上按 F1 选阈值 ε，
#   看独立模型为什么漏掉“每个特征单看都正常、组合起来不正常”的点；再看偏态特征取对数的效果，
#   以及监督学习为什么抓不住没见过的异常；最后与 scikit-learn 的 `EllipticEnvelope`、`IsolationForest` 对照。
# - **推荐系统**：生成一个已知真实低秩结构的“用户 × 物品”评分矩阵，只观察到 20% 的条目，
#   从零实现带正则的矩阵分解（梯度下降和交替最小二乘两种解法），画出训练与留出 RMSE 随 λ 和秩的变化，
#   处理没有任何评分的新用户（均值归一化），并用学到的物品因子找相似物品。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from scipy.stats import multivariate_normal, skew
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

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

# %% [markdown]
# ### 1. 数据：服务器的 CPU 利用率与网络流量
#
# 正常服务器的两个指标来自一个二元正态分布：CPU 利用率均值 50%、标准差 10，网络流量均值 100 MB/s、标准差 20，
# 相关系数 0.9（负载越高流量越大）。异常有两种，各占一半：
#
# - **过载**：两个指标一起变得极大，沿着相关方向远离中心；
# - **失配**：CPU 偏高（约 63%）而流量偏低（约 78 MB/s），例如进程卡死在空转。两个数单看都在正常范围内。
#
# 训练集只有正常样本（实际中是“几乎全是正常”的无标签数据）；验证集和测试集各含 1000 个正常样本和 20 个异常，
# 异常占 2%。

# %%
MU_TRUE = np.array([50.0, 100.0])
SD_TRUE = np.array([10.0, 20.0])
RHO = 0.9
COV_TRUE = np.array(
    [[SD_TRUE[0] ** 2, RHO * SD_TRUE[0] * SD_TRUE[1]], [RHO * SD_TRUE[0] * SD_TRUE[1], SD_TRUE[1] ** 2]]
)


def make_normal(n):
    return rng.multivariate_normal(MU_TRUE, COV_TRUE, size=n)


def make_anomalies(n_each):
    overload = rng.normal([95.0, 190.0], [4.0, 8.0], size=(n_each, 2))
    mismatch = rng.normal([63.0, 78.0], [3.0, 5.0], size=(n_each, 2))
    X = np.vstack([overload, mismatch])
    kind = np.array(["overload"] * n_each + ["mismatch"] * n_each)
    return X, kind


def make_split(n_normal, n_each):
    Xa, kind = make_anomalies(n_each)
    X = np.vstack([make_normal(n_normal), Xa])
    y = np.r_[np.zeros(n_normal, dtype=int), np.ones(len(Xa), dtype=int)]
    kinds = np.r_[np.array(["normal"] * n_normal), kind]
    return X, y, kinds


X_train = make_normal(2000)
X_val, y_val, kind_val = make_split(1000, 10)
X_test, y_test, kind_test = make_split(1000, 10)
print(f"train {X_train.shape}, validation {X_val.shape} ({y_val.sum()} anomalies), "
      f"test {X_test.shape} ({y_test.sum()} anomalies)")
mis = X_test[kind_test == "mismatch"]
z_mis = (mis - X_train.mean(axis=0)) / X_train.std(axis=0)
print("mismatch anomalies, per-feature z-scores (mean over the 10 test points):", z_mis.mean(axis=0))
print(f"accuracy of 'everything is normal' on the test set: {np.mean(y_test == 0):.3f}")
assert abs(np.corrcoef(X_train.T)[0, 1] - RHO) < 0.03

# %% [markdown]
# ### 2. 两个密度模型：逐特征独立的高斯与多元高斯
#
# 独立模型对每个特征估计 $\mu_j$、$\sigma_j^2$，密度是各特征一元正态密度的乘积；
# 多元模型估计均值向量 $\mu$ 和协方差矩阵 $\Sigma$。两者都是最大似然估计（除以 $m$ 而不是 $m-1$）。
# 密度在高维或尾部会小到下溢，所以一律计算对数密度 $\log p(x)$，阈值也放在对数尺度上比较。
# 多元高斯的对数密度用 Cholesky 分解计算，不显式求 $\Sigma^{-1}$ 和行列式，并与 `scipy.stats` 对照。

# %%
def fit_independent(X):
    return X.mean(axis=0), X.var(axis=0)


def logpdf_independent(X, params):
    mu, var = params
    return np.sum(-0.5 * np.log(2 * np.pi * var) - (X - mu) ** 2 / (2 * var), axis=1)


def fit_multivariate(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    return mu, Xc.T @ Xc / len(X)


def logpdf_multivariate(X, params):
    mu, Sigma = params
    L = np.linalg.cholesky(Sigma)                 # Sigma = L L^T
    Z = np.linalg.solve(L, (X - mu).T)            # whitened residuals, shape (d, m)
    maha2 = np.sum(Z**2, axis=0)                  # squared Mahalanobis distance
    logdet = 2 * np.sum(np.log(np.diag(L)))
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + logdet + maha2)


ind = fit_independent(X_train)
mvn = fit_multivariate(X_train)
print("mu =", mvn[0], " sigma =", np.sqrt(ind[1]))
print("Sigma =\n", mvn[1])
ref = multivariate_normal(mvn[0], mvn[1]).logpdf(X_val)
print(f"max |our logpdf - scipy| = {np.abs(logpdf_multivariate(X_val, mvn) - ref).max():.1e}")
assert np.allclose(logpdf_multivariate(X_val, mvn), ref, atol=1e-9)
# the independent model is the multivariate one with the off-diagonal covariances set to zero
assert np.allclose(logpdf_independent(X_val, ind), logpdf_multivariate(X_val, (ind[0], np.diag(ind[1]))))

# %% [markdown]
# ### 3. 在验证集上按 F1 选阈值
#
# 把“异常”当作正类：对数密度低于 $\log\varepsilon$ 就判为异常。候选阈值取验证集上所有样本的对数密度
# （在相邻两个值之间取中点），对每个候选值算精确率、召回率和 F1，取 F1 最大的那个。
# 准确率在这里没有用：上面已经看到，把所有样本都判为正常就有 98% 的准确率。

# %%
def prf(y_true, y_pred):
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true == 0))
    fn = np.sum((y_pred == 0) & (y_true == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def select_threshold(logp, y):
    s = np.sort(logp)
    candidates = (s[:-1] + s[1:]) / 2
    f1s = np.array([prf(y, (logp < c).astype(int))[2] for c in candidates])
    best = int(np.argmax(f1s))
    return candidates[best], candidates, f1s


results = {}
for name, fit, logpdf in [("independent", fit_independent, logpdf_independent),
                          ("multivariate", fit_multivariate, logpdf_multivariate)]:
    params = fit(X_train)
    lp_val, lp_test = logpdf(X_val, params), logpdf(X_test, params)
    log_eps, cands, f1s = select_threshold(lp_val, y_val)
    pred_val, pred_test = (lp_val < log_eps).astype(int), (lp_test < log_eps).astype(int)
    p, r, f = prf(y_test, pred_test)
    caught = {k: int(pred_test[kind_test == k].sum()) for k in ["overload", "mismatch"]}
    acc = np.mean(pred_test == y_test)
    results[name] = dict(params=params, log_eps=log_eps, cands=cands, f1s=f1s, f1_test=f, pred_test=pred_test)
    print(f"{name:>12}: log eps = {log_eps:7.2f}, validation F1 = {f1s.max():.3f} | test precision {p:.3f}, "
          f"recall {r:.3f}, F1 {f:.3f}, accuracy {acc:.3f}; caught overload {caught['overload']}/10, "
          f"mismatch {caught['mismatch']}/10")
    assert np.isclose(f, f1_score(y_test, pred_test))

f1_ind, f1_mvn = results["independent"]["f1_test"], results["multivariate"]["f1_test"]
assert f1_mvn > 0.85, f1_mvn
assert f1_mvn > f1_ind + 0.25, (f1_mvn, f1_ind)

# %% [markdown]
# ### 4. 密度等高线和被标记的点
#
# 左图是独立模型：等高线是与坐标轴对齐的椭圆，它“看不见”两个特征之间的相关；
# 右图是多元模型：等高线沿着数据的斜向拉长。粗线是所选的阈值 $p(x)=\varepsilon$，红圈是测试集里被判为异常的点。

# %%
g1, g2 = np.meshgrid(np.linspace(10, 100, 220), np.linspace(10, 200, 220))
grid = np.column_stack([g1.ravel(), g2.ravel()])
fig, axes = plt.subplots(1, 2, figsize=(10, 4.3), sharey=True)
for ax, (name, logpdf, title) in zip(
    axes,
    [("independent", logpdf_independent, "逐特征独立的高斯"), ("multivariate", logpdf_multivariate, "多元高斯")],
):
    res = results[name]
    lp_grid = logpdf(grid, res["params"]).reshape(g1.shape)
    ax.contour(g1, g2, lp_grid, levels=np.arange(-20, -7, 2), colors="0.7", linewidths=0.8)
    ax.contour(g1, g2, lp_grid, levels=[res["log_eps"]], colors="C0", linewidths=2)
    normal = kind_test == "normal"
    ax.scatter(*X_test[normal].T, s=6, c="0.45", label="正常")
    ax.scatter(*X_test[kind_test == "overload"].T, s=30, marker="^", c="C1", label="异常：过载")
    ax.scatter(*X_test[kind_test == "mismatch"].T, s=30, marker="s", c="C3", label="异常：失配")
    flagged = res["pred_test"] == 1
    ax.scatter(*X_test[flagged].T, s=110, facecolors="none", edgecolors="red", linewidths=1.2, label="被判为异常")
    ax.set_title(f"{title}（测试集 F1 = {res['f1_test']:.2f}）")
    ax.set_xlabel("CPU 利用率（%）")
axes[0].set_ylabel("网络流量（MB/s）")
axes[1].legend(loc="upper left", fontsize=9)
fig.tight_layout()
plt.show()

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for name, label in [("independent", "逐特征独立"), ("multivariate", "多元高斯")]:
    res = results[name]
    ax.plot(res["cands"], res["f1s"], label=label)
    ax.axvline(res["log_eps"], ls=":", c=ax.lines[-1].get_color())
ax.set_xlim(-25, -6)
ax.set_xlabel("阈值 log ε")
ax.set_ylabel("验证集 F1")
ax.set_title("F1 随阈值变化：太低漏报，太高误报")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 偏态特征：先取对数
#
# 第三个指标是响应时间，正常时服从对数正态分布（中位数 200 ms，右偏）。异常是“快得反常”的请求
# （约 30 ms，例如直接返回了错误页）。直接对原始值拟合高斯，右尾把 $\sigma$ 撑大，
# 左侧的异常落在 $\mu - 2\sigma$ 以内；取对数后分布接近对称，这些点离中心很远。

# %%
def make_rt(n_normal, n_anom):
    normal = np.exp(rng.normal(np.log(200), 0.5, size=n_normal))
    anom = np.exp(rng.normal(np.log(30), 0.15, size=n_anom))
    return np.r_[normal, anom], np.r_[np.zeros(n_normal, dtype=int), np.ones(n_anom, dtype=int)]


rt_train = np.exp(rng.normal(np.log(200), 0.5, size=2000))
rt_val, yrt_val = make_rt(1000, 20)
rt_test, yrt_test = make_rt(1000, 20)
print(f"skewness of the training data: raw {skew(rt_train):.2f}, after log {skew(np.log(rt_train)):.2f}")

rt_f1 = {}
for name, f in [("raw", lambda v: v), ("log", np.log)]:
    params = fit_independent(f(rt_train)[:, None])
    lp_val = logpdf_independent(f(rt_val)[:, None], params)
    lp_test = logpdf_independent(f(rt_test)[:, None], params)
    log_eps, _, f1s = select_threshold(lp_val, yrt_val)
    p, r, f1 = prf(yrt_test, (lp_test < log_eps).astype(int))
    rt_f1[name] = f1
    mu, var = params
    print(f"{name:>4}: mu {mu[0]:8.2f}, sigma {np.sqrt(var[0]):7.2f}; test precision {p:.3f}, recall {r:.3f}, F1 {f1:.3f}")
assert rt_f1["log"] > 0.8 and rt_f1["log"] > rt_f1["raw"] + 0.3, rt_f1

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
axes[0].hist(rt_train, bins=60, color="0.6")
axes[0].hist(rt_test[yrt_test == 1], bins=10, color="C3", label="异常")
axes[0].set_xlabel("响应时间（ms）")
axes[0].set_title(f"原始值：偏度 {skew(rt_train):.2f}")
axes[1].hist(np.log(rt_train), bins=60, color="0.6")
axes[1].hist(np.log(rt_test[yrt_test == 1]), bins=10, color="C3", label="异常")
axes[1].set_xlabel("log(响应时间)")
axes[1].set_title(f"取对数后：偏度 {skew(np.log(rt_train)):.2f}")
axes[0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 为什么不直接训练一个分类器
#
# 设想过去只见过“过载”这一种异常：把 200 个正常样本和 10 个过载样本交给逻辑回归，它学到的是“负载越大越可疑”。
# 测试集里的“失配”异常它几乎全部放过；而高斯模型只描述“正常长什么样”，任何落在低密度区的点都会被标出来。

# %%
X_sup = np.vstack([make_normal(200), make_anomalies(10)[0][:10]])
y_sup = np.r_[np.zeros(200, dtype=int), np.ones(10, dtype=int)]
clf = LogisticRegression(C=10.0, max_iter=1000).fit((X_sup - MU_TRUE) / SD_TRUE, y_sup)
pred_clf = clf.predict((X_test - MU_TRUE) / SD_TRUE)
for k in ["overload", "mismatch"]:
    print(f"{k:>9}: logistic regression caught {pred_clf[kind_test == k].sum()}/10, "
          f"multivariate Gaussian caught {results['multivariate']['pred_test'][kind_test == k].sum()}/10")
assert pred_clf[kind_test == "mismatch"].sum() <= 2
assert results["multivariate"]["pred_test"][kind_test == "mismatch"].sum() >= 8

# %% [markdown]
# ### 7. 与 scikit-learn 对照
#
# `EllipticEnvelope` 用稳健的最小协方差行列式（MCD）估计 $\mu$ 和 $\Sigma$，再用马氏距离打分，
# 本质上就是上面的多元高斯模型，只是对训练集里混入的异常更不敏感。`IsolationForest` 不估计密度，
# 而是看一个点要被随机的坐标轴切分隔离几次。两者的 `score_samples` 都是“越小越异常”，
# 这里同样在验证集上按 F1 选阈值，再在测试集上评估。

# %%
for name, est in [("EllipticEnvelope", EllipticEnvelope(random_state=0)),
                  ("IsolationForest", IsolationForest(n_estimators=200, random_state=0))]:
    est.fit(X_train)
    thr, _, _ = select_threshold(est.score_samples(X_val), y_val)
    pred = (est.score_samples(X_test) < thr).astype(int)
    p, r, f1 = prf(y_test, pred)
    print(f"{name:>16}: test precision {p:.3f}, recall {r:.3f}, F1 {f1:.3f}; "
          f"mismatch caught {pred[kind_test == 'mismatch'].sum()}/10")

# %% [markdown]
# ### 8. 推荐系统的数据：已知真相的低秩评分矩阵
#
# 400 个用户、300 个物品。每个用户 $u$ 有一个 4 维的真实偏好向量 $p_u$，每个物品 $i$ 有一个 4 维的真实特征向量 $q_i$
# 和一个“口碑”偏置 $b_i$。真实评分是 $3.5 + b_i + p_u^\top q_i$，观测到的评分再加上标准差 0.5 的噪声。
# 这里的评分是连续值（真实评分通常是 1–5 的整数），这样噪声水平恰好是 0.5：
# 任何模型在新数据上的 RMSE 都不可能稳定地低于它。每个条目以 20% 的概率被观测到（80% 缺失），
# 观测到的条目再按 8:2 分成训练集和留出集。

# %%
n_users, n_items, k_true, noise = 400, 300, 4, 0.5
scale = k_true ** -0.25                           # makes the interaction term p_u^T q_i have variance about 1
P_true = rng.normal(0, scale, size=(n_users, k_true))
Q_true = rng.normal(0, scale, size=(n_items, k_true))
b_item = rng.normal(0, 0.5, size=n_items)
R_clean = 3.5 + b_item[None, :] + P_true @ Q_true.T
R_obs = R_clean + noise * rng.normal(size=R_clean.shape)

observed = rng.random(R_clean.shape) < 0.2
split = rng.random(R_clean.shape) < 0.8
M_train = observed & split
M_test = observed & ~split
print(f"observed {observed.mean():.1%} of the matrix: {M_train.sum()} training and {M_test.sum()} held-out ratings")
print(f"training ratings per user: min {M_train.sum(1).min()}, median {int(np.median(M_train.sum(1)))}; "
      f"per item: min {M_train.sum(0).min()}")
print(f"std of the interaction term p_u^T q_i: {np.std(P_true @ Q_true.T):.3f}")
assert M_train.sum(0).min() > 0 and M_train.sum(1).min() > 0


def rmse(pred, mask):
    return float(np.sqrt(np.mean((pred - R_obs)[mask] ** 2)))


global_mean = R_obs[M_train].mean()
item_mean = np.nansum(np.where(M_train, R_obs, 0), axis=0) / M_train.sum(0)
base_global = rmse(np.full(R_obs.shape, global_mean), M_test)
base_item = rmse(np.broadcast_to(item_mean, R_obs.shape), M_test)
oracle = rmse(R_clean, M_test)
print(f"held-out RMSE: global mean {base_global:.3f}, item mean {base_item:.3f}, "
      f"true clean ratings (noise floor) {oracle:.3f}")

# %% [markdown]
# ### 9. 目标函数、梯度，以及梯度检验
#
# 先做均值归一化：每个评分减去该物品在训练集上的平均分，得到 $Y$。模型是 $\hat y_{ui} = p_u^\top q_i$，目标函数只对训练集里观测到的条目求和：
#
# $$J(P, Q) = \frac12\sum_{(u,i)\in\Omega}(p_u^\top q_i - y_{ui})^2 + \frac{\lambda}{2}\big(\lVert P\rVert_F^2 + \lVert Q\rVert_F^2\big).$$
#
# 用 0/1 掩码矩阵 $M$ 表示哪些条目被观测到，残差矩阵 $E = M \odot (PQ^\top - Y)$，梯度就是
# $\nabla_P J = EQ + \lambda P$、$\nabla_Q J = E^\top P + \lambda Q$。先用中心差分检查一下。

# %%
Y = np.where(M_train, R_obs - item_mean[None, :], 0.0)
Mf = M_train.astype(float)


def mf_loss(P, Q, lam, Y=Y, M=Mf):
    E = M * (P @ Q.T - Y)
    return 0.5 * np.sum(E**2) + 0.5 * lam * (np.sum(P**2) + np.sum(Q**2))


def mf_grad(P, Q, lam, Y=Y, M=Mf):
    E = M * (P @ Q.T - Y)
    return E @ Q + lam * P, E.T @ P + lam * Q


k, lam = 4, 1.0
P0 = rng.normal(0, 0.1, size=(n_users, k))
Q0 = rng.normal(0, 0.1, size=(n_items, k))
gP, gQ = mf_grad(P0, Q0, lam)
h = 1e-5
worst = 0.0
for (u, j) in [(0, 0), (7, 2), (150, 3)]:
    Pp, Pm = P0.copy(), P0.copy()
    Pp[u, j] += h
    Pm[u, j] -= h
    num = (mf_loss(Pp, Q0, lam) - mf_loss(Pm, Q0, lam)) / (2 * h)
    worst = max(worst, abs(num - gP[u, j]) / abs(gP[u, j]))
for (i, j) in [(0, 1), (99, 0), (199, 3)]:
    Qp, Qm = Q0.copy(), Q0.copy()
    Qp[i, j] += h
    Qm[i, j] -= h
    num = (mf_loss(P0, Qp, lam) - mf_loss(P0, Qm, lam)) / (2 * h)
    worst = max(worst, abs(num - gQ[i, j]) / abs(gQ[i, j]))
print(f"largest relative difference between analytic and numerical gradient: {worst:.1e}")
assert worst < 1e-6

# %% [markdown]
# ### 10. 两种解法：梯度下降与交替最小二乘（ALS）
#
# 梯度下降同时更新 $P$ 和 $Q$。ALS 交替地固定一方、精确地解另一方：固定 $Q$ 时，
# 每个用户的 $p_u$ 是一个岭回归，闭式解 $p_u = (Q_u^\top Q_u + \lambda I)^{-1} Q_u^\top y_u$，
# 其中 $Q_u$ 只含该用户评过分的物品。所有用户的 $k\times k$ 方程组用 `np.linalg.solve` 一次批量解完。

# %%
def als_half(F, Y, M, lam):
    """Solve, for every row r of Y, min_x sum_c M[r,c] (x.F[c] - Y[r,c])^2 + lam |x|^2."""
    kk = F.shape[1]
    outer = (F[:, :, None] * F[:, None, :]).reshape(len(F), kk * kk)   # q_c q_c^T for every column c
    A = (M @ outer).reshape(-1, kk, kk) + lam * np.eye(kk)
    b = (M * Y) @ F
    return np.linalg.solve(A, b[:, :, None])[:, :, 0]


def fit_als(k, lam, n_sweeps=25, Y=Y, M=Mf, seed=1, track=False):
    g = np.random.default_rng(seed)
    P = g.normal(0, 0.1, size=(M.shape[0], k))
    Q = g.normal(0, 0.1, size=(M.shape[1], k))
    history = []
    for _ in range(n_sweeps):
        P = als_half(Q, Y, M, lam)
        Q = als_half(P, Y.T, M.T, lam)
        if track:
            history.append(mf_loss(P, Q, lam, Y, M))
    return P, Q, history


def fit_gd(k, lam, n_steps, lr, seed=1):
    g = np.random.default_rng(seed)
    P = g.normal(0, 0.1, size=(n_users, k))
    Q = g.normal(0, 0.1, size=(n_items, k))
    history = []
    for _ in range(n_steps):
        gP, gQ = mf_grad(P, Q, lam)
        P, Q = P - lr * gP, Q - lr * gQ
        history.append(mf_loss(P, Q, lam))
    return P, Q, history


def predict(P, Q):
    return P @ Q.T + item_mean[None, :]


P_als, Q_als, hist_als = fit_als(4, 1.0, n_sweeps=30, track=True)
P_gd, Q_gd, hist_gd = fit_gd(4, 1.0, n_steps=1000, lr=0.01)
_, _, hist_gd3 = fit_gd(4, 1.0, n_steps=1000, lr=0.03)
with np.errstate(over="ignore", invalid="ignore"):
    _, _, hist_gd4 = fit_gd(4, 1.0, n_steps=30, lr=0.04)
J_star = min(hist_als[-1], hist_gd[-1])
print(f"final objective: ALS {hist_als[-1]:.3f} after 30 sweeps, gradient descent (lr 0.01) {hist_gd[-1]:.3f} "
      f"after 1000 steps")
print(f"gradient descent with lr 0.03: J = {hist_gd3[-1]:.1f} after 1000 steps; lr 0.04: J = {hist_gd4[-1]:.3g} after 30")
for s in [1, 5, 10, 30]:
    print(f"ALS sweep {s:2d}: relative gap {(hist_als[s - 1] - J_star) / J_star:.1e}")
for s in [10, 30, 100]:
    print(f"GD step {s:4d}: relative gap {(hist_gd[s - 1] - J_star) / J_star:.1e}")
print(f"held-out RMSE: ALS {rmse(predict(P_als, Q_als), M_test):.4f}, GD {rmse(predict(P_gd, Q_gd), M_test):.4f}")
assert abs(hist_gd[-1] - hist_als[-1]) < 1e-4 * J_star
assert np.all(np.diff(hist_als) <= 1e-8)            # every ALS step can only lower J
assert hist_gd3[-1] > 1.1 * J_star
assert not np.isfinite(hist_gd4[-1]) or hist_gd4[-1] > 10 * J_star

fig, ax = plt.subplots(figsize=(6.5, 3.6))
gap = lambda h: np.maximum((np.array(h) - J_star) / J_star, 1e-12)
ax.plot(np.arange(1, 31), gap(hist_als), "o-", ms=3, label="ALS（横轴：轮数）")
ax.plot(np.arange(1, 1001), gap(hist_gd), label="梯度下降 lr=0.01（横轴：步数）")
ax.plot(np.arange(1, 1001), gap(hist_gd3), label="梯度下降 lr=0.03")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("迭代次数")
ax.set_ylabel("(J − J*) / J*")
ax.set_title("两种解法到达同一个最小值；学习率稍大，梯度下降就不收敛")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 11. 训练与留出 RMSE 随 λ 和秩的变化
#
# 左图固定秩 $k$，扫描正则化系数 $\lambda$；右图固定 $\lambda$，扫描秩。灰色虚线是物品均值基线，黑色虚线是噪声水平。

# %%
lams = np.array([0.01, 0.1, 0.3, 1, 3, 10, 30, 100])
curves = {}
for kk in [4, 10]:
    tr, te = [], []
    for lam_ in lams:
        P, Q, _ = fit_als(kk, lam_)
        tr.append(rmse(predict(P, Q), M_train))
        te.append(rmse(predict(P, Q), M_test))
    curves[kk] = (np.array(tr), np.array(te))
    best = int(np.argmin(te))
    print(f"rank {kk:2d}: " + "  ".join(f"λ={l:g}: {a:.3f}/{b:.3f}" for l, a, b in zip(lams, tr, te)))
    print(f"         best held-out RMSE {te[best]:.3f} at λ = {lams[best]:g}")

lam_best = lams[int(np.argmin(curves[4][1]))]
ranks = np.arange(1, 11)
rank_tr, rank_te = [], []
for kk in ranks:
    P, Q, _ = fit_als(kk, lam_best)
    rank_tr.append(rmse(predict(P, Q), M_train))
    rank_te.append(rmse(predict(P, Q), M_test))
print("by rank (λ = %g): " % lam_best + "  ".join(f"k={kk}: {b:.3f}" for kk, b in zip(ranks, rank_te)))

best_mf = float(min(curves[4][1].min(), curves[10][1].min(), min(rank_te)))
print(f"best held-out RMSE {best_mf:.3f}; item-mean baseline {base_item:.3f}; noise floor {oracle:.3f}")
assert best_mf < 0.6 * base_item
assert best_mf < 1.2 * oracle
assert curves[10][0][0] < noise < curves[10][1][0]   # rank 10 without regularisation: train below noise, held-out above

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for kk, c in [(4, "C0"), (10, "C1")]:
    axes[0].plot(lams, curves[kk][0], "--", c=c, label=f"训练，k={kk}")
    axes[0].plot(lams, curves[kk][1], "-o", ms=3, c=c, label=f"留出，k={kk}")
axes[0].set_xscale("log")
axes[0].set_xlabel("λ")
axes[0].set_ylabel("RMSE")
axes[0].set_title("随正则化系数变化")
axes[1].plot(ranks, rank_tr, "--", c="C0", label="训练")
axes[1].plot(ranks, rank_te, "-o", ms=3, c="C0", label="留出")
axes[1].set_xlabel("秩 k")
axes[1].set_title(f"随秩变化（λ = {lam_best:g}）")
for ax in axes:
    ax.axhline(base_item, c="0.6", ls=":", label="物品均值基线")
    ax.axhline(oracle, c="k", ls=":", label="噪声水平")
    ax.set_ylim(0, 1.3)
axes[0].legend(fontsize=8, ncol=2)
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 12. 新用户：均值归一化与冷启动
#
# 一个没有任何评分的新用户，目标函数里关于 $p_u$ 的部分只剩 $\frac{\lambda}{2}\lVert p_u\rVert^2$，最优解是 $p_u = 0$。
# 不做均值归一化时，这意味着对所有物品都预测 0 分；做了归一化，预测就是各物品的平均分。
# 再看新用户陆续给出 1、3、10、30 个评分后，用一次岭回归求出 $p_u$（物品因子不动），对其余物品的预测误差怎样下降。

# %%
P_fin, Q_fin, _ = fit_als(4, lam_best)
Y_raw = np.where(M_train, R_obs, 0.0)
P_raw, Q_raw, _ = fit_als(4, lam_best, Y=Y_raw)
p_new = als_half(Q_fin, np.zeros((1, n_items)), np.zeros((1, n_items)), lam_best)[0]
print("new user, factor vector:", p_new)
print("predictions without mean normalisation:", (p_new @ Q_raw.T)[:5], "...")
print("predictions with mean normalisation:   ", (p_new @ Q_fin.T + item_mean)[:5], "...")
print("item means:                            ", item_mean[:5], "...")

n_new = 200
P_new_true = rng.normal(0, scale, size=(n_new, k_true))
R_new = 3.5 + b_item[None, :] + P_new_true @ Q_true.T + noise * rng.normal(size=(n_new, n_items))
cold = {}
for n_known in [0, 1, 3, 10, 30]:
    errs = []
    for s in range(n_new):
        order = rng.permutation(n_items)
        known, rest = order[:n_known], order[n_known:]
        m = np.zeros((1, n_items))
        m[0, known] = 1
        y = np.where(m > 0, R_new[s] - item_mean, 0.0)
        p = als_half(Q_fin, y, m, lam_best)[0]
        errs.append((p @ Q_fin[rest].T + item_mean[rest] - R_new[s, rest]) ** 2)
    cold[n_known] = float(np.sqrt(np.mean(np.concatenate(errs))))
print("RMSE on a new user's other items vs number of known ratings:",
      {n: round(v, 3) for n, v in cold.items()})
assert np.allclose(p_new, 0)
assert cold[0] > cold[3] > cold[10] > cold[30] and cold[30] < 1.2 * oracle

# %% [markdown]
# ### 13. 用物品因子找相似物品
#
# 学到的物品因子 $q_i$ 可以当作物品的嵌入：余弦相似度高的两个物品，被同一批用户喜欢或不喜欢。
# 因为知道真相，可以检验：对每个物品找出因子空间里最近的邻居，计算两者的真实评分（去掉物品偏置、不含噪声）
# 在全部用户上的相关系数。随机配对的平均相关系数在 0 附近。

# %%
Qn = Q_fin / np.linalg.norm(Q_fin, axis=1, keepdims=True)
S = Qn @ Qn.T
np.fill_diagonal(S, -np.inf)
nearest = S.argmax(axis=1)
signal = P_true @ Q_true.T                         # users x items, true taste without bias and noise
corr = np.corrcoef(signal.T)
nn_corr = corr[np.arange(n_items), nearest]
rand_partner = (np.arange(n_items) + rng.integers(1, n_items, size=n_items)) % n_items
rand_corr = corr[np.arange(n_items), rand_partner]
print(f"mean true correlation with the nearest item by learned factors: {nn_corr.mean():.3f}; "
      f"with a random item: {rand_corr.mean():.3f}")
item = 0
top = np.argsort(-S[item])[:5]
print(f"item {item}: nearest items {top}, cosine {S[item, top].round(3)}, true correlation {corr[item, top].round(3)}")
assert nn_corr.mean() > 0.8 and abs(rand_corr.mean()) < 0.15

fig, ax = plt.subplots(figsize=(6, 3.6))
ax.hist(rand_corr, bins=30, alpha=0.7, color="0.6", label="随机配对")
ax.hist(nn_corr, bins=30, alpha=0.8, color="C0", label="学到的因子里最近的物品")
ax.set_xlabel("两物品真实评分在所有用户上的相关系数")
ax.set_ylabel("物品数")
ax.set_title("因子空间里的邻居，真实口味也相近")
ax.legend()
fig.tight_layout()
plt.show()
