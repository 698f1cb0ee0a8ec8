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
# 本 notebook 分四步：先在一维的两个已知高斯分布上核对最优判别器 $D^*$ 和 JS 散度的公式；
# 再在平面上 8 个高斯组成的圆环上训练一个小 GAN，画出训练过程中的样本、两个损失和判别器的输出地形，
# 并数出它覆盖了几个模式；然后换一个会模式崩溃的设置，和正常设置对比；最后在 sklearn 自带的
# 8×8 手写数字上训练一个多层感知机 GAN，用一个在真实数字上训练的分类器检查生成样本的类别分布和置信度。
# 所有随机性都来自固定种子（数据采样用带种子的 `torch.Generator`），重新运行得到相同的数字。

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager
from scipy.stats import norm
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads only add overhead
torch.manual_seed(0)
start_time = time.time()

# %% [markdown]
# ### 1. 一维例子：最优判别器与 JS 散度
#
# 取真实分布 $p_{\text{data}}=\mathcal N(0,1)$，生成分布固定为 $p_g=\mathcal N(1.5,\,0.6^2)$。
# 原理部分推出：对固定的 $G$，最优判别器是 $D^*(x)=p_{\text{data}}(x)/(p_{\text{data}}(x)+p_g(x))$。
# 下面不用这个公式，而是只用两边的样本、按判别器的交叉熵损失训练一个小网络，看它学到的 $D$ 是否贴近公式。

# %%
p_data = norm(0.0, 1.0)
p_g = norm(1.5, 0.6)
x_grid = np.linspace(-4, 5, 901)
d_star = p_data.pdf(x_grid) / (p_data.pdf(x_grid) + p_g.pdf(x_grid))

gen1d = torch.Generator().manual_seed(1)
D1 = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
opt1 = torch.optim.Adam(D1.parameters(), lr=3e-3)
for step in range(1500):
    real = torch.randn(512, 1, generator=gen1d)
    fake = 1.5 + 0.6 * torch.randn(512, 1, generator=gen1d)
    # D maximises E[log D(x)] + E[log(1 - D(G(z)))]; softplus(-l) = -log sigmoid(l)
    loss = F.softplus(-D1(real)).mean() + F.softplus(D1(fake)).mean()
    opt1.zero_grad()
    loss.backward()
    opt1.step()

with torch.no_grad():
    d_learned = torch.sigmoid(D1(torch.tensor(x_grid, dtype=torch.float32)[:, None])).numpy().ravel()
mass = (p_data.pdf(x_grid) + p_g.pdf(x_grid)) / 2  # where samples actually fall
region = mass > 0.02
max_gap = np.abs(d_learned - d_star)[region].max()
print(f"max |D_learned - D*| where samples fall: {max_gap:.3f}")
assert max_gap < 0.1, max_gap


# %% [markdown]
# 再验证 $V(D^*,G)=2\,\mathrm{JS}(p_{\text{data}}\,\|\,p_g)-\log 4$。两边分别用数值积分算：
# 左边直接把 $D^*$ 代进价值函数，右边先算混合分布 $m=(p_{\text{data}}+p_g)/2$，再算两个 KL 散度。
# 然后把 $p_g$ 的均值从 0 推到 8（方差取 1），看 JS 散度怎样变化。


# %%
def integrate(f, x):
    return float(np.sum(f) * (x[1] - x[0]))


def value_at_optimum(pd_, pg_, x):
    la, lb = pd_.logpdf(x), pg_.logpdf(x)  # log densities avoid 0 * log 0 in the tails
    log_ds = la - np.logaddexp(la, lb)  # log D*
    log_1m_ds = lb - np.logaddexp(la, lb)  # log(1 - D*)
    return integrate(np.exp(la) * log_ds + np.exp(lb) * log_1m_ds, x)


def js_divergence(pd_, pg_, x):
    la, lb = pd_.logpdf(x), pg_.logpdf(x)
    lm = np.logaddexp(la, lb) - np.log(2)  # log of the mixture m = (p_data + p_g) / 2
    return 0.5 * integrate(np.exp(la) * (la - lm), x) + 0.5 * integrate(np.exp(lb) * (lb - lm), x)


x_wide = np.linspace(-12, 22, 40001)
v_star = value_at_optimum(p_data, p_g, x_wide)
js = js_divergence(p_data, p_g, x_wide)
print(f"V(D*, G) = {v_star:.4f},  2*JS - log 4 = {2 * js - np.log(4):.4f},  JS = {js:.4f}")
assert abs(v_star - (2 * js - np.log(4))) < 1e-6
v_same = value_at_optimum(p_data, p_data, x_wide)
print(f"p_g = p_data: V = {v_same:.4f}, -log 4 = {-np.log(4):.4f}")
assert abs(v_same + np.log(4)) < 1e-6

shifts = np.linspace(0, 8, 33)
js_curve = np.array([js_divergence(p_data, norm(s, 1.0), x_wide) for s in shifts])
js_slope = np.gradient(js_curve, shifts)
print(f"JS at shift 8: {js_curve[-1]:.4f} (log 2 = {np.log(2):.4f}); dJS/dshift at 8: {js_slope[-1]:.1e}")
assert js_curve[-1] > 0.99 * np.log(2) and abs(js_slope[-1]) < 1e-3

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].plot(x_grid, p_data.pdf(x_grid), color="tab:blue", alpha=0.5, label=r"$p_{\mathrm{data}}$")
axes[0].plot(x_grid, p_g.pdf(x_grid), color="tab:red", alpha=0.5, label="$p_g$")
axes[0].plot(x_grid, d_star, "k-", lw=2, label="$D^*$（公式）")
axes[0].plot(x_grid, d_learned, "--", color="tab:orange", lw=2, label="$D$（训练得到）")
axes[0].set_xlabel("$x$")
axes[0].set_title("最优判别器：训练结果贴近公式")
axes[0].legend(fontsize=9)
axes[1].plot(shifts, js_curve, "o-", ms=3, label="JS 散度")
axes[1].plot(shifts, np.minimum(shifts, 8) / 8 * np.log(2), ":", color="gray", label="参照：随距离线性增长")
axes[1].axhline(np.log(2), color="k", lw=0.8)
axes[1].text(0.2, np.log(2) + 0.02, r"$\log 2$")
axes[1].set_xlabel("$p_g$ 的均值（$p_{\\mathrm{data}}$ 的均值为 0）")
axes[1].set_title("分布离得越远，JS 越接近常数 log 2")
axes[1].legend(fontsize=9, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 两种生成器损失的梯度
#
# 设判别器对假样本的输出是 $D=\sigma(\ell)$，$\ell$ 是它的 logit。原始（饱和）损失让 $G$ 最小化
# $\log(1-D)$，对 $\ell$ 的梯度大小是 $D$；非饱和损失让 $G$ 最小化 $-\log D$，梯度大小是 $1-D$。
# 训练初期判别器很容易认出假样本（$D$ 接近 0），这时前者几乎没有梯度。

# %%
logit = torch.linspace(-8, 8, 401, requires_grad=True)
d_fake = torch.sigmoid(logit)
(grad_sat,) = torch.autograd.grad((-F.softplus(logit)).sum(), logit)  # log(1 - D) = -softplus(l)
(grad_ns,) = torch.autograd.grad(F.softplus(-logit).sum(), logit)  # -log D = softplus(-l)
d_np = d_fake.detach().numpy()
at = np.argmin(np.abs(d_np - 0.01))
print(f"at D(G(z)) = {d_np[at]:.3f}: |grad| saturating = {abs(grad_sat[at]):.4f}, non-saturating = {abs(grad_ns[at]):.4f}")
assert abs(grad_ns[at]) > 50 * abs(grad_sat[at])

fig, ax = plt.subplots(figsize=(5.5, 3.6))
ax.plot(d_np, grad_sat.abs().numpy(), label=r"饱和：$\log(1-D)$")
ax.plot(d_np, grad_ns.abs().numpy(), label=r"非饱和：$-\log D$")
ax.set_xlabel("判别器对假样本的输出 $D(G(z))$")
ax.set_ylabel("对 logit 的梯度大小")
ax.set_title("假样本被识破时（左端），饱和损失几乎没有梯度")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 平面上的 8 个高斯：训练一个 GAN
#
# 真实分布是半径 2 的圆上等距摆放的 8 个高斯，每个标准差 $\sigma=0.05$。生成器把 2 维标准正态噪声
# 映射到平面，判别器把平面上的点映射到一个 logit；两者都是两层隐藏层（64 个 ReLU）的多层感知机，
# 用 Adam（学习率 $10^{-3}$，$\beta_1=0.5$），每步各更新一次，生成器用非饱和损失。
#
# 评价方法：离某个中心不到 $3\sigma$ 的样本算“高质量”，并归到那个中心；一个模式至少分到 2% 的样本才算“被覆盖”。

# %%
K, RADIUS, SIGMA, ZDIM = 8, 2.0, 0.05, 2
angles = 2 * np.pi * np.arange(K) / K
centers = torch.tensor(np.stack([RADIUS * np.cos(angles), RADIUS * np.sin(angles)], axis=1), dtype=torch.float32)


def sample_ring(n, gen):
    idx = torch.randint(0, K, (n,), generator=gen)
    return centers[idx] + SIGMA * torch.randn(n, 2, generator=gen)


def mlp(n_in, hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def coverage(x):
    """(modes covered, fraction of high-quality samples, samples per mode)."""
    dist = torch.cdist(x, centers).min(dim=1)
    good = dist.values < 3 * SIGMA
    counts = torch.bincount(dist.indices[good], minlength=K)
    return int((counts >= 0.02 * len(x)).sum()), good.float().mean().item(), counts.tolist()


z_eval = torch.randn(2000, ZDIM, generator=torch.Generator().manual_seed(123))  # fixed noise for evaluation


def train_ring(loss="non_saturating", lr_g=1e-3, lr_d=1e-3, steps=2000, batch=256, seed=0, snap_every=250):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    G, D = mlp(ZDIM, 64, 2), mlp(2, 64, 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    hist = {"d_loss": [], "g_loss": [], "snaps": {}}
    for step in range(1, steps + 1):
        # discriminator step: real -> 1, fake -> 0 (binary cross-entropy on logits)
        real = sample_ring(batch, gen)
        fake = G(torch.randn(batch, ZDIM, generator=gen)).detach()
        d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        # generator step
        logits_fake = D(G(torch.randn(batch, ZDIM, generator=gen)))
        if loss == "non_saturating":
            g_loss = F.softplus(-logits_fake).mean()  # -log D(G(z))
        else:
            g_loss = -F.softplus(logits_fake).mean()  # log(1 - D(G(z)))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        hist["d_loss"].append(d_loss.item())
        hist["g_loss"].append(F.softplus(-logits_fake).mean().item())  # always log -log D(G(z)) for comparability
        if step % snap_every == 0 or step == 1:
            with torch.no_grad():
                hist["snaps"][step] = G(z_eval).numpy()
    with torch.no_grad():
        hist["coverage"] = coverage(G(z_eval))
    return G, D, hist


t0 = time.time()
G_ring, D_ring, hist_ok = train_ring()
modes_ok, quality_ok, counts_ok = hist_ok["coverage"]
print(f"trained in {time.time() - t0:.1f} s")
print(f"modes covered: {modes_ok}/8, high-quality fraction: {quality_ok:.1%}, samples per mode: {counts_ok}")
assert modes_ok >= 6, modes_ok
assert quality_ok > 0.5, quality_ok

# %%
real_show = sample_ring(2000, torch.Generator().manual_seed(7)).numpy()
show_steps = [1, 250, 500, 1000, 1500, 2000]


def plot_snapshots(history, color, title):
    """Generated samples (coloured) over the real ring (grey) at the steps in show_steps."""
    fig, axes = plt.subplots(1, len(show_steps), figsize=(15, 2.9), sharex=True, sharey=True)
    for ax, step in zip(axes, show_steps):
        ax.scatter(real_show[:, 0], real_show[:, 1], s=2, c="lightgray")
        ax.scatter(*history["snaps"][step].T, s=2, c=color, alpha=0.4)
        ax.set_title(f"第 {step} 步")
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
    fig.suptitle(title, y=1.02)
    fig.tight_layout()
    plt.show()


plot_snapshots(hist_ok, "tab:red", "生成样本（红）在训练中逐渐散到 8 个模式上（灰色是真实数据）")

# %% [markdown]
# 两个损失的曲线和判别器最后的输出地形。若判别器完全分不出真假，$D\equiv 1/2$，
# 判别器损失是 $2\log 2\approx 1.386$，生成器损失（$-\log D(G(z))$）是 $\log 2\approx 0.693$。

# %%
window = 50
smooth = lambda v: np.convolve(v, np.ones(window) / window, mode="valid")  # noqa: E731
d_final, g_final = np.mean(hist_ok["d_loss"][-200:]), np.mean(hist_ok["g_loss"][-200:])
print(f"mean of the last 200 steps: D loss {d_final:.3f} (2 log 2 = {2 * np.log(2):.3f}), G loss {g_final:.3f}")

grid = np.linspace(-3, 3, 121)
gx, gy = np.meshgrid(grid, grid)
with torch.no_grad():
    d_map = torch.sigmoid(D_ring(torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)))
d_map = d_map.numpy().reshape(gx.shape)
with torch.no_grad():
    d_on_real = torch.sigmoid(D_ring(torch.tensor(real_show))).mean().item()
    d_on_fake = torch.sigmoid(D_ring(G_ring(z_eval))).mean().item()
print(f"mean D on real samples {d_on_real:.3f}, on generated samples {d_on_fake:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].plot(hist_ok["d_loss"], color="tab:blue", alpha=0.2)
axes[0].plot(np.arange(window - 1, len(hist_ok["d_loss"])), smooth(hist_ok["d_loss"]), color="tab:blue", label="判别器损失")
axes[0].plot(hist_ok["g_loss"], color="tab:red", alpha=0.2)
axes[0].plot(np.arange(window - 1, len(hist_ok["g_loss"])), smooth(hist_ok["g_loss"]), color="tab:red", label=r"生成器损失 $-\log D(G(z))$")
axes[0].axhline(2 * np.log(2), ls=":", color="tab:blue")
axes[0].axhline(np.log(2), ls=":", color="tab:red")
axes[0].set_xlabel("训练步数")
axes[0].set_title("损失不单调下降，而是在平衡点附近摆动")
axes[0].legend()
cs = axes[1].contourf(gx, gy, d_map, levels=20, cmap="RdBu_r")
axes[1].scatter(*G_ring(z_eval).detach().numpy().T, s=2, c="k", alpha=0.3)
axes[1].scatter(*centers.numpy().T, marker="x", c="yellow", s=40)
fig.colorbar(cs, ax=axes[1], label="$D(x)$")
axes[1].set_aspect("equal")
axes[1].set_title("判别器的输出地形（黑点：生成样本，×：模式中心）")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 模式崩溃
#
# 同样的网络、同样的种子，只把判别器的学习率降到 $10^{-4}$（生成器仍是 $10^{-3}$）。
# 判别器跟不上生成器，生成器于是把所有样本挤到判别器当前最“认可”的一小块地方；判别器追过去，
# 它再整体搬家。下面画出这个设置在训练中的样本，并和正常设置比较覆盖的模式数。

# %%
_, _, hist_bad = train_ring(lr_d=1e-4)
modes_bad, quality_bad, counts_bad = hist_bad["coverage"]
print(f"collapsed setting: modes covered {modes_bad}/8, high-quality {quality_bad:.1%}, samples per mode {counts_bad}")
spread_ok = float(np.linalg.norm(hist_ok["snaps"][2000].std(axis=0)))
spread_bad = [float(np.linalg.norm(hist_bad["snaps"][s].std(axis=0))) for s in show_steps[1:]]
print(f"spread (norm of per-axis std) of samples: working {spread_ok:.2f}; collapsed, by snapshot:",
      [round(s, 2) for s in spread_bad])
d_bad = np.mean(hist_bad["d_loss"][-200:])
print(f"mean D loss over the last 200 steps: working {d_final:.3f}, collapsed {d_bad:.3f}")
assert modes_bad <= modes_ok - 4, (modes_bad, modes_ok)


plot_snapshots(hist_bad, "tab:purple", "判别器学习率过小：样本挤成一团并在平面上搬家（模式崩溃）")

# %% [markdown]
# ### 5. 手写数字：8×8 图像上的 GAN
#
# `load_digits` 有 1797 张 8×8 灰度图，像素值 0–16，缩放到 $[-1,1]$ 以配合生成器最后的 tanh。
# 生成器：32 维噪声 → 128 → 256 → 64（LeakyReLU，最后 tanh）；判别器：64 → 256 → 128 → 1（LeakyReLU）。
# 先在真实数字的训练部分上训练一个逻辑回归分类器，稍后用它给生成的数字“阅卷”。

# %%
digits = load_digits()
X_dig = (digits.data / 8.0 - 1.0).astype(np.float32)  # 0..16 -> -1..1
X_tr, X_te, y_tr, y_te = train_test_split(X_dig, digits.target, test_size=0.3, random_state=0, stratify=digits.target)
clf = LogisticRegression(max_iter=2000, C=0.1).fit(X_tr, y_tr)
conf_real = clf.predict_proba(X_te).max(axis=1).mean()
print(f"classifier test accuracy {clf.score(X_te, y_te):.3f}, mean confidence on real test digits {conf_real:.3f}")

ZD = 32
torch.manual_seed(1)
gen_d = torch.Generator().manual_seed(1)
G_dig = nn.Sequential(
    nn.Linear(ZD, 128), nn.LeakyReLU(0.2), nn.Linear(128, 256), nn.LeakyReLU(0.2), nn.Linear(256, 64), nn.Tanh()
)
D_dig = nn.Sequential(nn.Linear(64, 256), nn.LeakyReLU(0.2), nn.Linear(256, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
opt_gd = torch.optim.Adam(G_dig.parameters(), lr=5e-4, betas=(0.5, 0.999))
opt_dd = torch.optim.Adam(D_dig.parameters(), lr=5e-4, betas=(0.5, 0.999))
X_real = torch.tensor(X_tr)
z_fixed = torch.randn(40, ZD, generator=torch.Generator().manual_seed(5))
z_many = torch.randn(1000, ZD, generator=torch.Generator().manual_seed(6))
dig_steps, dig_snaps, dig_stats = 2000, {}, {}
t0 = time.time()
for step in range(1, dig_steps + 1):
    real = X_real[torch.randint(0, len(X_real), (64,), generator=gen_d)]
    fake = G_dig(torch.randn(64, ZD, generator=gen_d))
    d_loss = F.softplus(-D_dig(real)).mean() + F.softplus(D_dig(fake.detach())).mean()
    opt_dd.zero_grad()
    d_loss.backward()
    opt_dd.step()
    g_loss = F.softplus(-D_dig(fake)).mean()
    opt_gd.zero_grad()
    g_loss.backward()
    opt_gd.step()
    if step in (100, 500, 1000, 2000):
        with torch.no_grad():
            dig_snaps[step] = G_dig(z_fixed).numpy()
            proba = clf.predict_proba(G_dig(z_many).numpy())
        dig_stats[step] = (len(np.unique(proba.argmax(1))), proba.max(1).mean())
print(f"digit GAN trained in {time.time() - t0:.1f} s")
for step, (n_cls, conf) in dig_stats.items():
    print(f"step {step:4d}: classes generated {n_cls:2d}, mean classifier confidence {conf:.3f}")

# %%
fig, axes = plt.subplots(len(dig_snaps), 1, figsize=(11, 1.9 * len(dig_snaps)))
for ax, (step, imgs) in zip(axes, dig_snaps.items()):
    rows = [np.hstack([np.pad(im.reshape(8, 8), 1, constant_values=-1) for im in imgs[r * 20 : (r + 1) * 20]]) for r in range(2)]
    ax.imshow(np.vstack(rows), cmap="gray_r", vmin=-1, vmax=1)
    ax.set_title(f"第 {step} 步（同一组噪声）", fontsize=10)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# 用 1000 个新噪声生成数字，看分类器把它们分成哪些类、有多自信。若 GAN 只会画几种数字（模式崩溃），
# 类别分布会挤在少数几类上；若画的是糊成一团的“四不像”，分类器的置信度会明显低于它在真实数字上的置信度。
# 和第 3 节一样，一类至少分到 2% 的样本才算“被覆盖”；作为参照，也给出分类器在均匀噪声图上的平均置信度。

# %%
with torch.no_grad():
    gen_digits = G_dig(z_many).numpy()
proba_gen = clf.predict_proba(gen_digits)
pred_gen = proba_gen.argmax(axis=1)
class_share = np.bincount(pred_gen, minlength=10) / len(pred_gen)
conf_gen = proba_gen.max(axis=1).mean()
noise_imgs = np.random.default_rng(0).uniform(-1, 1, (1000, 64)).astype(np.float32)
conf_noise = clf.predict_proba(noise_imgs).max(axis=1).mean()
n_classes = int((class_share >= 0.02).sum())
print("share of each predicted class:", np.round(class_share, 3))
print(f"classes with >= 2% of samples: {n_classes}/10")
print(f"mean confidence: generated {conf_gen:.3f}, real test {conf_real:.3f}, uniform noise {conf_noise:.3f}")
assert n_classes >= 7 and len(np.unique(pred_gen)) >= 9, (n_classes, np.unique(pred_gen))
assert conf_gen > 0.55 and conf_gen > conf_noise + 0.1, (conf_gen, conf_noise)

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.bar(range(10), class_share, color="tab:green", label="生成样本")
ax.axhline(0.1, ls=":", color="k", label="真实数据（每类约 10%）")
ax.set_xticks(range(10))
ax.set_xlabel("分类器判定的数字")
ax.set_ylabel("比例")
ax.set_title("1000 个生成数字的类别分布")
ax.legend()
fig.tight_layout()
plt.show()

# %%
print(f"total notebook time: {time.time() - start_time:.1f} s")
