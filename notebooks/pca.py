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
# 这个 notebook 按正文的推导走一遍：先在二维的相关高斯点云上看清“方差最大的方向就是协方差矩阵的特征向量”，
# 再用 NumPy 从零写出两种 PCA（协方差矩阵特征分解、中心化数据的 SVD），和 scikit-learn 的结果逐项对照；
# 然后在 `load_digits` 手写数字（1797 张 8×8 灰度图，64 维）上画解释方差曲线、二维投影和不同 $k$ 的重建，
# 最后用 `load_wine` 葡萄酒数据测一测标准化的影响。数据都随 scikit-learn 安装，不需要联网。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from sklearn.datasets import load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

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

# %% [markdown]
# ### 1. 二维例子：方差最大的方向
#
# 从一个已知协方差的二维高斯分布里抽 500 个点。对中心化后的数据算样本协方差矩阵 $\Sigma$，
# 再做特征分解。右图把单位向量 $u=(\cos\theta, \sin\theta)$ 转一圈，画出两条曲线：
# 数据投影到 $u$ 上的方差 $u^\top \Sigma u$，以及只用这一个方向重建时的平均平方误差。
# 两条曲线之和恒等于总方差，所以“方差最大”和“重建误差最小”在同一个角度取到，而这个角度正是第一特征向量的方向。

# %%
true_cov = np.array([[3.0, 1.6], [1.6, 1.4]])
X2 = rng.multivariate_normal(mean=[2.0, 1.0], cov=true_cov, size=500)

X2c = X2 - X2.mean(axis=0)
n2 = X2.shape[0]
Sigma2 = X2c.T @ X2c / (n2 - 1)
eigvals2, eigvecs2 = np.linalg.eigh(Sigma2)  # ascending order
eigvals2, eigvecs2 = eigvals2[::-1], eigvecs2[:, ::-1]  # sort descending
eigvecs2 = eigvecs2 * np.sign(eigvecs2[0])  # eigenvectors are defined up to sign; point them to the right
u1 = eigvecs2[:, 0]

thetas = np.linspace(0, np.pi, 721)
directions = np.stack([np.cos(thetas), np.sin(thetas)], axis=1)  # unit vectors, one per row
proj_var = np.einsum("ij,jk,ik->i", directions, Sigma2, directions)  # u^T Sigma u for each u
total_var = np.trace(Sigma2)
# reconstruction error of x ≈ (u^T x) u, averaged with the same 1/(n-1) convention
recon_err = np.array([((X2c - np.outer(X2c @ u, u)) ** 2).sum() / (n2 - 1) for u in directions])

best = np.argmax(proj_var)
theta_u1 = np.arctan2(u1[1], u1[0]) % np.pi
print("eigenvalues of Sigma:", eigvals2)
print(f"max projected variance on the grid: {proj_var[best]:.4f}  (lambda_1 = {eigvals2[0]:.4f})")
print(f"best angle on the grid: {np.degrees(thetas[best]):.2f} deg, angle of u1: {np.degrees(theta_u1):.2f} deg")

assert np.allclose(proj_var + recon_err, total_var)  # variance kept + error = total variance
assert np.argmin(recon_err) == best  # max variance and min error pick the same direction
assert abs(thetas[best] - theta_u1) < np.radians(0.5)  # ... which is the first eigenvector
assert proj_var.max() <= eigvals2[0] + 1e-12 and abs(proj_var.min() - eigvals2[1]) < 1e-3

fig, axes = plt.subplots(1, 2, figsize=(9, 4))
ax = axes[0]
ax.scatter(X2[:, 0], X2[:, 1], s=7, color="0.6", linewidths=0, antialiased=False)
centre = X2.mean(axis=0)
for i, color in enumerate(["tab:red", "tab:blue"]):
    arrow = 2 * np.sqrt(eigvals2[i]) * eigvecs2[:, i]  # two standard deviations along the axis
    ax.annotate("", xy=centre + arrow, xytext=centre, arrowprops={"arrowstyle": "->", "color": color, "lw": 2.5})
    ax.text(*(centre + 1.25 * arrow), f"$u_{i + 1}$", color=color, fontsize=13, ha="center", va="center")
ax.set_aspect("equal")
ax.set_title("相关的高斯点云与两个主轴（箭头长 2 倍标准差）")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")

ax = axes[1]
ax.plot(np.degrees(thetas), proj_var, color="tab:red", label="投影方差 $u^\\top\\Sigma u$")
ax.plot(np.degrees(thetas), recon_err, color="tab:blue", label="一维重建误差")
ax.axhline(total_var, color="k", ls=":", lw=1, label="总方差 $\\mathrm{tr}\\,\\Sigma$")
ax.axvline(np.degrees(theta_u1), color="tab:red", ls="--", lw=1)
ax.set_xlabel("方向角 θ（度）")
ax.set_title("转动方向 $u$：方差最大处误差最小")
ax.set_ylim(0, 1.25 * total_var)
ax.legend(fontsize=8, loc="upper center", ncol=3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 从零实现：特征分解与 SVD 两条路
#
# 两个函数输入同一个数据矩阵 $X$（每行一个样本），都先中心化，输出按方差从大到小排好的主成分（每行一个方向）
# 和每个方向上的方差：
#
# - `pca_eig`：算 $\Sigma = \tilde X^\top \tilde X/(n-1)$，再用 `np.linalg.eigh`（对称矩阵专用）做特征分解；
# - `pca_svd`：直接对 $\tilde X$ 做瘦 SVD，$\tilde X = U S V^\top$，方差是 $s_i^2/(n-1)$，方向是 $V$ 的列。

# %%
def pca_eig(X):
    """PCA via the eigendecomposition of the sample covariance matrix."""
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / (X.shape[0] - 1)
    eigvals, eigvecs = np.linalg.eigh(cov)
    order = np.argsort(eigvals)[::-1]
    eigvals = np.clip(eigvals[order], 0.0, None)  # tiny negative values are round-off
    return eigvecs[:, order].T, eigvals


def pca_svd(X):
    """PCA via the thin SVD of the centred data matrix."""
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt, s**2 / (X.shape[0] - 1)


digits = load_digits()
X, y = digits.data, digits.target
n, d = X.shape
print(f"digits: n = {n} samples, d = {d} features (8x8 pixels, values 0..16)")

components_eig, var_eig = pca_eig(X)
components_svd, var_svd = pca_svd(X)
ratio_eig = var_eig / var_eig.sum()
ratio_svd = var_svd / var_svd.sum()
print("largest variances (eig):", var_eig[:5])
print("largest variances (svd):", var_svd[:5])
print("pixels that never change:", int((X.std(axis=0) == 0).sum()))

# %% [markdown]
# ### 3. 与 scikit-learn 对照
#
# `sklearn.decomposition.PCA` 内部也是“中心化 + SVD”，它的 `explained_variance_` 同样除以 $n-1$。
# 特征向量只确定到正负号（$u$ 和 $-u$ 张成同一条直线），所以比较方向时先把符号对齐。
# 有 3 个像素在所有样本里恒为 0，对应的特征值是 0，这几个方向不唯一，因此只比较特征值彼此分得开的前 30 个主成分。

# %%
sk = PCA(svd_solver="full").fit(X)


def align_signs(A, B):
    """Flip rows of A so that each has a non-negative dot product with the matching row of B."""
    signs = np.sign(np.sum(A * B, axis=1))
    signs[signs == 0] = 1.0
    return A * signs[:, None]


top = 30
gap = np.min(-np.diff(var_eig[: top + 1]) / var_eig[1 : top + 1])
ratio_diff = max(np.abs(ratio_eig - sk.explained_variance_ratio_).max(),
                 np.abs(ratio_svd - sk.explained_variance_ratio_).max())
var_diff = np.abs(var_eig - sk.explained_variance_).max() / var_eig[0]
comp_diff_eig = np.abs(align_signs(components_eig[:top], sk.components_[:top]) - sk.components_[:top]).max()
comp_diff_svd = np.abs(align_signs(components_svd[:top], sk.components_[:top]) - sk.components_[:top]).max()

print(f"smallest relative gap between the top {top + 1} eigenvalues: {gap:.3f}")
print(f"max |explained variance ratio difference| vs sklearn: {ratio_diff:.1e}")
print(f"max relative difference of explained_variance_: {var_diff:.1e}")
print(f"max |component difference| after sign alignment: eig {comp_diff_eig:.1e}, svd {comp_diff_svd:.1e}")

assert ratio_diff < 1e-8
assert var_diff < 1e-8
assert comp_diff_eig < 1e-6 and comp_diff_svd < 1e-6
# the principal directions are orthonormal, and the projected coordinates are uncorrelated
Z_all = (X - X.mean(axis=0)) @ components_svd.T
assert np.allclose(components_svd @ components_svd.T, np.eye(d), atol=1e-10)
assert np.allclose(np.cov(Z_all, rowvar=False), np.diag(var_svd), atol=1e-8)

# %% [markdown]
# ### 4. 解释方差：碎石图与累计曲线
#
# 左图是每个主成分的解释方差比（碎石图，scree plot），右图是前 $k$ 个的累计和。
# 手写数字的方差并不集中在一两个方向上：要保留 90% 的方差需要 21 个主成分。

# %%
cumulative = np.cumsum(ratio_svd)
thresholds = [0.5, 0.8, 0.9, 0.95, 0.99]
k_needed = {t: int(np.searchsorted(cumulative, t) + 1) for t in thresholds}
for t, k in k_needed.items():
    print(f"components needed for {t:.0%} of the variance: {k:2d}")
print("first two components explain", f"{cumulative[1]:.1%}")

assert k_needed[0.9] == 21 and k_needed[0.95] == 29
# PCA(n_components=0.9) makes the same choice
assert PCA(n_components=0.9, svd_solver="full").fit(X).n_components_ == k_needed[0.9]

ks = np.arange(1, d + 1)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].bar(ks, ratio_svd, color="tab:blue")
axes[0].set_xlabel("主成分序号")
axes[0].set_ylabel("解释方差比")
axes[0].set_title("碎石图")
axes[1].plot(ks, cumulative, marker=".", color="tab:blue")
for t, color, text_xy in [(0.9, "tab:orange", (30, 0.55)), (0.95, "tab:red", (40, 0.72))]:
    axes[1].axhline(t, color=color, ls=":", lw=1)
    axes[1].annotate(f"{t:.0%} 方差：k = {k_needed[t]}", xy=(k_needed[t], cumulative[k_needed[t] - 1]),
                     xytext=text_xy, color=color, arrowprops={"arrowstyle": "->", "color": color})
axes[1].set_xlabel("保留的主成分个数 k")
axes[1].set_ylabel("累计解释方差比")
axes[1].set_ylim(0, 1.02)
axes[1].set_title("累计曲线")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 把 64 维的手写数字投到 2 维
#
# 只取前两个主成分 $Z = \tilde X V_2$，每个点按真实数字着色。PCA 从头到尾没有看过标签，
# 但 0、4、6、3、2 已经各自成团；1、5、7、8 则挤在中间——两个方向只保留了约 29% 的方差。

# %%
Z2 = Z_all[:, :2]
fig, ax = plt.subplots(figsize=(6.4, 4))
ax.scatter(Z2[:, 0], Z2[:, 1], c=y, cmap="tab10", s=6, linewidths=0, antialiased=False)
for digit in range(10):
    cx, cy = np.median(Z2[y == digit], axis=0)
    ax.text(cx, cy, str(digit), fontsize=13, ha="center", va="center",
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": plt.cm.tab10(digit), "alpha": 0.85})
ax.set_xlabel("第 1 主成分")
ax.set_ylabel("第 2 主成分")
ax.set_title("手写数字在前两个主成分上的投影（颜色 = 真实类别）")
fig.tight_layout()
plt.show()

# a rough measure of how much class information survives in 2-D: cross-validated 5-NN accuracy
knn_2d = cross_val_score(KNeighborsClassifier(5), Z2, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
print(f"5-NN accuracy using only the 2 PCA coordinates: {knn_2d.mean():.3f} (chance = 0.1)")
assert knn_2d.mean() > 0.5

# %% [markdown]
# ### 6. 主成分长什么样，以及用前 k 个主成分重建
#
# 每个主成分本身也是一个 64 维向量，可以画回 8×8 图像（红正蓝负）。
# 重建公式是 $\hat x = \mu + V_k V_k^\top (x-\mu)$。下面对每个 $k$ 实测平均平方重建误差，
# 并和理论值——被丢掉的特征值之和——对照（乘 $(n-1)/n$，因为误差按 $n$ 平均，而方差按 $n-1$）。

# %%
mean = X.mean(axis=0)
Xc = X - mean

fig, axes = plt.subplots(1, 8, figsize=(9, 1.6))
axes[0].imshow(mean.reshape(8, 8), cmap="gray_r")
axes[0].set_title("均值 μ", fontsize=9)
for i in range(7):
    comp = components_svd[i].reshape(8, 8)
    lim = np.abs(comp).max()
    axes[i + 1].imshow(comp, cmap="RdBu_r", vmin=-lim, vmax=lim)
    axes[i + 1].set_title(f"$u_{i + 1}$ ({ratio_svd[i]:.1%})", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %%
def reconstruct(Xc, components, k):
    Vk = components[:k].T  # d x k
    return Xc @ Vk @ Vk.T


k_list = [1, 2, 5, 10, 20, 30, 40, 64]
total_sq = (Xc**2).sum() / n  # mean squared distance to the mean = error of k = 0
print(" k   measured MSE   sum of dropped eigenvalues x (n-1)/n   relative error")
errors = []
for k in k_list:
    R = reconstruct(Xc, components_svd, k)
    mse = ((Xc - R) ** 2).sum() / n  # squared error per image, averaged over images
    theory = var_svd[k:].sum() * (n - 1) / n
    errors.append(mse)
    print(f"{k:2d}   {mse:12.3f}   {theory:12.3f}                           {mse / total_sq:.3f}")
    assert abs(mse - theory) <= 1e-9 * total_sq
errors = np.array(errors)
assert np.all(np.diff(errors) < 0) and errors[-1] < 1e-9  # k = d reconstructs exactly
assert np.allclose(errors[:-1] / total_sq, 1 - cumulative[np.array(k_list[:-1]) - 1])

# PCA beats random k-dimensional subspaces by a wide margin (here k = 10)
k = 10
random_errors = []
for _ in range(200):
    Q, _ = np.linalg.qr(rng.normal(size=(d, k)))  # random orthonormal basis, d x k
    random_errors.append(((Xc - Xc @ Q @ Q.T) ** 2).sum() / n)
pca_error_10 = errors[k_list.index(10)]
print(f"k=10: PCA error {pca_error_10:.1f}, best of 200 random subspaces {min(random_errors):.1f}")
assert pca_error_10 < min(random_errors)

# %%
show_k = [1, 2, 5, 10, 20, 40]
examples = [0, 11, 22, 33]  # a few images of different digits
fig, axes = plt.subplots(len(examples), len(show_k) + 1, figsize=(7, 4.2))
for row, idx in enumerate(examples):
    axes[row, 0].imshow(X[idx].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    for col, k in enumerate(show_k, start=1):
        x_hat = mean + reconstruct(Xc[idx : idx + 1], components_svd, k)[0]
        axes[row, col].imshow(x_hat.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
axes[0, 0].set_title("原图", fontsize=10)
for col, k in enumerate(show_k, start=1):
    rel = errors[k_list.index(k)] / total_sq
    axes[0, col].set_title(f"k={k}\n误差 {rel:.0%}", fontsize=9)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("用前 k 个主成分重建（误差 = 丢掉的方差占总方差的比例）", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 要不要标准化：葡萄酒数据
#
# `load_wine` 有 13 个化学指标，量纲差别很大：脯氨酸（proline）的标准差约 314，
# 而色调（hue）只有约 0.23。PCA 最大化的是“原始单位下”的方差，所以不做标准化时，
# 第一主成分几乎就是 proline 这一个特征。下面比较两种做法的解释方差，并用 5 折交叉验证测
# “只看前两个主成分时 5-近邻分类的准确率”，作为二维投影保留了多少类别信息的粗略度量
# （标准化和 PCA 都放进 pipeline，只在训练折上拟合）。

# %%
X_wine, y_wine = load_wine(return_X_y=True)
feature_names = load_wine().feature_names
print("feature std, min / max:", f"{X_wine.std(axis=0).min():.3f}", "/", f"{X_wine.std(axis=0).max():.1f}",
      f"({feature_names[int(np.argmax(X_wine.std(axis=0)))]})")

cv = StratifiedKFold(5, shuffle=True, random_state=0)
results = {}
for name, scale in [("raw", False), ("standardised", True)]:
    steps = [StandardScaler()] if scale else []
    proj = make_pipeline(*steps, PCA(n_components=2)).fit(X_wine)
    pca_w = proj[-1]
    acc = cross_val_score(make_pipeline(*steps, PCA(n_components=2), KNeighborsClassifier(5)), X_wine, y_wine, cv=cv)
    top_feature = feature_names[int(np.argmax(np.abs(pca_w.components_[0])))]
    results[name] = {
        "Z": proj.transform(X_wine),
        "ratio": pca_w.explained_variance_ratio_,
        "acc": acc.mean(),
        "top_loading": np.abs(pca_w.components_[0]).max(),
    }
    print(f"{name:>12}: explained variance ratio of PC1, PC2 = {pca_w.explained_variance_ratio_}, "
          f"largest |loading| on PC1 = {results[name]['top_loading']:.3f} ({top_feature}), "
          f"5-NN CV accuracy on 2 PCs = {acc.mean():.3f}")

assert results["raw"]["ratio"][0] > 0.99 and results["raw"]["top_loading"] > 0.99
assert results["standardised"]["ratio"][0] < 0.5
assert results["standardised"]["acc"] > results["raw"]["acc"] + 0.2

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
titles = {"raw": "不标准化：PC1 ≈ proline", "standardised": "先 StandardScaler 再 PCA"}
for ax, name in zip(axes, ["raw", "standardised"], strict=True):
    Z = results[name]["Z"]
    for label, marker in zip(range(3), ["o", "s", "^"], strict=True):
        ax.scatter(Z[y_wine == label, 0], Z[y_wine == label, 1], s=14, marker=marker, linewidths=0,
                   antialiased=False, label=f"类别 {label}")
    r = results[name]["ratio"]
    ax.set_xlabel(f"PC1（{r[0]:.1%}）")
    ax.set_ylabel(f"PC2（{r[1]:.1%}）")
    ax.set_title(f"{titles[name]}\n2 维 5-NN 准确率 {results[name]['acc']:.1%}", fontsize=10)
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 小结
#
# - 两种从零实现与 scikit-learn 的解释方差比相差不到 $10^{-15}$，前 30 个主成分在对齐符号后逐元素一致；
# - 重建误差与“丢掉的特征值之和”吻合到机器精度，而且比 200 个随机子空间中最好的那个还小得多；
# - 手写数字要 21 个主成分才保留 90% 方差，前两个只有约 29%，但二维投影里已有一半左右的类别各自成团；
# - 特征量纲悬殊时（葡萄酒数据），不标准化的 PCA 只是在挑方差最大的那一列。
