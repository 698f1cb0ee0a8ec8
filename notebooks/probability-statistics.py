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
# 这个 notebook 不需要任何数据文件：所有数据都由固定种子的随机数生成器产生。它分五步：
# 常见分布的采样与概率质量/密度函数、期望与方差的样本估计、检测阳性的贝叶斯计算与模拟、
# 硬币和正态分布的最大似然估计（公式解与数值优化对照），最后模拟中心极限定理。
# 自己写的公式都和 `scipy.stats` 逐项核对，关键数字用 `assert` 检查。

# %%
from math import comb, factorial
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from scipy import optimize, stats

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 10.5,
    }
)
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ### 1. 四个常见分布：抽样的频率对上理论概率
#
# 先按正文的公式亲手写出伯努利、二项、泊松三个分布的概率质量函数（pmf）和正态分布的概率密度函数（pdf），
# 与 `scipy.stats` 对照。然后每个分布各抽 20,000 个样本：离散分布比较“每个取值出现的频率”和 pmf，
# 正态分布比较直方图（纵轴是密度：频率除以格宽）和 pdf。二项分布用两种方法抽：
# 直接调用 `rng.binomial`，以及把 20 次独立的伯努利试验加起来——后者就是二项分布的定义。

# %%
def bernoulli_pmf(x, p):
    return np.where(x == 1, p, 1 - p)


def binomial_pmf(k, n, p):
    return np.array([comb(n, int(i)) * p**i * (1 - p) ** (n - i) for i in k])


def poisson_pmf(k, lam):
    return np.array([lam**i * np.exp(-lam) / factorial(int(i)) for i in k])


def normal_pdf(x, mu, sigma):
    return np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * np.sqrt(2 * np.pi))


N = 20_000
p_bern = 0.3
n_bin, p_bin = 20, 0.3
lam = 4.0
mu, sigma = 170.0, 7.0

k01 = np.array([0, 1])
k_bin = np.arange(n_bin + 1)
k_poi = np.arange(16)
xs = np.linspace(mu - 4.5 * sigma, mu + 4.5 * sigma, 400)
assert np.allclose(bernoulli_pmf(k01, p_bern), stats.bernoulli.pmf(k01, p_bern))
assert np.allclose(binomial_pmf(k_bin, n_bin, p_bin), stats.binom.pmf(k_bin, n_bin, p_bin))
assert np.allclose(poisson_pmf(k_poi, lam), stats.poisson.pmf(k_poi, lam))
assert np.allclose(normal_pdf(xs, mu, sigma), stats.norm.pdf(xs, mu, sigma))
print("own pmf/pdf formulas match scipy.stats")

samples = {
    "bernoulli": rng.binomial(1, p_bern, N),
    "binomial": rng.binomial(n_bin, p_bin, N),
    "binomial_from_bernoulli": (rng.random((N, n_bin)) < p_bin).sum(axis=1),
    "poisson": rng.poisson(lam, N),
    "normal": rng.normal(mu, sigma, N),
}


def freq(x, support):
    return np.array([(x == k).mean() for k in support])


gaps = {
    "bernoulli": np.abs(freq(samples["bernoulli"], k01) - bernoulli_pmf(k01, p_bern)).max(),
    "binomial": np.abs(freq(samples["binomial"], k_bin) - binomial_pmf(k_bin, n_bin, p_bin)).max(),
    "binomial_from_bernoulli": np.abs(
        freq(samples["binomial_from_bernoulli"], k_bin) - binomial_pmf(k_bin, n_bin, p_bin)
    ).max(),
    "poisson": np.abs(freq(samples["poisson"], k_poi) - poisson_pmf(k_poi, lam)).max(),
}
for name, g in gaps.items():
    print(f"{name:<24} largest |frequency - pmf| = {g:.4f}")
assert max(gaps.values()) < 0.012

# the Poisson distribution is the limit of Binomial(n, lam/n) as n grows
for n_big in [20, 100, 1000]:
    diff = np.abs(stats.binom.pmf(k_poi, n_big, lam / n_big) - poisson_pmf(k_poi, lam)).max()
    print(f"max |Binomial({n_big}, {lam / n_big:g}) - Poisson({lam:g})| = {diff:.5f}")
assert np.abs(stats.binom.pmf(k_poi, 1000, lam / 1000) - poisson_pmf(k_poi, lam)).max() < 1e-3

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
panels = [
    (axes[0], k01, samples["bernoulli"], bernoulli_pmf(k01, p_bern), f"伯努利 p = {p_bern}"),
    (axes[1], k_bin, samples["binomial"], binomial_pmf(k_bin, n_bin, p_bin), f"二项 n = {n_bin}, p = {p_bin}"),
    (axes[2], k_poi, samples["poisson"], poisson_pmf(k_poi, lam), f"泊松 λ = {lam:g}"),
]
for ax, support, x, pmf, title in panels:
    ax.bar(support, freq(x, support), width=0.8, color="C0", alpha=0.55, label="样本频率")
    ax.plot(support, pmf, "o", color="C3", ms=5, label="理论 pmf")
    ax.set_title(title)
    ax.set_xlabel("取值 k")
    ax.grid(alpha=0.3, axis="y")
axes[0].set_xticks([0, 1])
axes[0].set_ylabel("概率 / 频率")
axes[0].legend(fontsize=9, loc="upper right")
fig.suptitle(f"每个分布抽 {N:,} 个样本", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# 柱子（频率）和红点（理论概率）几乎重合，最大差距不到 0.01。二项分布的两种抽法给出同样的结果；
# $\text{Binomial}(1000, 0.004)$ 与 $\text{Poisson}(4)$ 的概率处处相差不到 $10^{-3}$：
# 试验次数多、每次成功的概率小、平均次数 $np = \lambda$ 固定时，二项分布就变成泊松分布。

# %% [markdown]
# ### 2. 期望与方差：样本估计与精确值
#
# 每个分布的期望和方差都有公式（见正文）。用样本均值 $\bar x$ 和样本方差 $s^2$（除以 $n-1$）去估计它们，
# 误差应该在 $\sigma/\sqrt{n}$ 的量级。下面还验证三件事：
#
# - 连续分布的概率是密度曲线下的面积：正态样本落在 $\mu \pm \sigma$、$\mu \pm 2\sigma$ 内的比例与 cdf 之差一致；
#   密度本身不是概率，可以大于 1；
# - 大数定律：样本均值随 $n$ 增大趋于期望，典型偏差按 $\sigma/\sqrt{n}$ 缩小；
# - 样本方差若除以 $n$ 而不是 $n-1$，平均会偏小，恰好是真方差的 $(n-1)/n$ 倍。

# %%
exact = {
    "bernoulli": (p_bern, p_bern * (1 - p_bern)),
    "binomial": (n_bin * p_bin, n_bin * p_bin * (1 - p_bin)),
    "poisson": (lam, lam),
    "normal": (mu, sigma**2),
}
print(f"{'distribution':<12} {'E exact':>9} {'mean':>9} {'Var exact':>10} {'s^2':>9}")
for name, (e, v) in exact.items():
    x = samples[name]
    m, s2 = x.mean(), x.var(ddof=1)
    print(f"{name:<12} {e:9.3f} {m:9.3f} {v:10.3f} {s2:9.3f}")
    assert abs(m - e) < 4 * np.sqrt(v / N)
    assert abs(s2 / v - 1) < 0.05

xn = samples["normal"]
for k_sd in [1, 2]:
    inside = (np.abs(xn - mu) < k_sd * sigma).mean()
    area = stats.norm.cdf(k_sd) - stats.norm.cdf(-k_sd)
    print(f"P(|X - mu| < {k_sd} sigma): sample {inside:.4f}, area under the pdf {area:.4f}")
    assert abs(inside - area) < 0.01
print(f"a density can exceed 1: the N(0, 0.1^2) pdf at 0 is {normal_pdf(0.0, 0.0, 0.1):.3f}")

# law of large numbers: running mean of the Poisson samples
xp = samples["poisson"].astype(float)
steps = np.arange(1, N + 1)
running = np.cumsum(xp) / steps
for n_show in [10, 100, 1000, N]:
    print(f"Poisson running mean after {n_show:>6} draws: {running[n_show - 1]:.4f}  (E = {lam:g})")
assert abs(running[-1] - lam) < 4 * np.sqrt(lam / N)

# the standard deviation of a mean of n draws is sigma / sqrt(n)
n_small, reps = 25, 20_000
means25 = rng.normal(mu, sigma, (reps, n_small)).mean(axis=1)
print(f"std of the mean of {n_small} normal draws: {means25.std():.4f}, theory sigma/sqrt(n) = {sigma / np.sqrt(n_small):.4f}")
assert abs(means25.std() / (sigma / np.sqrt(n_small)) - 1) < 0.03

# dividing by n underestimates the variance by the factor (n - 1) / n
bias_rows = []
for n_b in [2, 3, 5, 10, 20]:
    xb = rng.normal(0.0, sigma, (50_000, n_b))
    r0 = xb.var(axis=1, ddof=0).mean() / sigma**2
    r1 = xb.var(axis=1, ddof=1).mean() / sigma**2
    bias_rows.append((n_b, r0, r1))
    print(f"n = {n_b:>2}: mean of var/n = {r0:.4f} sigma^2 (theory {(n_b - 1) / n_b:.4f}), mean of var/(n-1) = {r1:.4f} sigma^2")
    assert abs(r0 - (n_b - 1) / n_b) < 0.02 and abs(r1 - 1) < 0.02
bias_rows = np.array(bias_rows)

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
ax = axes[0]
ax.hist(xn, bins=60, density=True, color="C0", alpha=0.5, label="样本直方图（密度）")
ax.plot(xs, normal_pdf(xs, mu, sigma), color="C3", lw=2, label="理论 pdf")
band = (xs > mu - sigma) & (xs < mu + sigma)
ax.fill_between(xs[band], normal_pdf(xs[band], mu, sigma), color="C3", alpha=0.15, label="μ±σ 的面积 ≈ 0.683")
ax.set_title(f"正态 μ = {mu:g}, σ = {sigma:g}")
ax.set_xlabel("x")
ax.set_ylabel("密度")
ax.legend(fontsize=8, loc="upper left")
ax.set_ylim(0, 0.082)

ax = axes[1]
ax.semilogx(steps, running, color="C0", lw=1.2, label="样本均值")
ax.plot(steps, lam + 2 * np.sqrt(lam / steps), color="0.5", ls="--", lw=1, label="E ± 2σ/√n")
ax.plot(steps, lam - 2 * np.sqrt(lam / steps), color="0.5", ls="--", lw=1)
ax.axhline(lam, color="C3", lw=1)
ax.set_ylim(2.5, 5.5)
ax.set_xlabel("样本数 n")
ax.set_title("大数定律：泊松(4) 的样本均值")
ax.legend(fontsize=8, loc="upper right")
ax.grid(alpha=0.3)

ax = axes[2]
width = 0.38
pos = np.arange(len(bias_rows))
ax.bar(pos - width / 2, bias_rows[:, 1], width, color="C1", alpha=0.8, label="除以 n")
ax.bar(pos + width / 2, bias_rows[:, 2], width, color="C2", alpha=0.8, label="除以 n−1")
ax.plot(pos - width / 2, (bias_rows[:, 0] - 1) / bias_rows[:, 0], "k_", ms=14, mew=2, label="理论 (n−1)/n")
ax.axhline(1, color="0.4", ls=":", lw=1)
ax.set_xticks(pos, [str(int(v)) for v in bias_rows[:, 0]])
ax.set_xlabel("每组样本数 n")
ax.set_ylabel("样本方差的平均 / σ²")
ax.set_title("样本方差的偏差")
ax.set_ylim(0, 1.45)
ax.legend(fontsize=8, loc="upper center", ncol=3, handlelength=1.2, columnspacing=0.8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 贝叶斯公式：检测阳性，真的患病了吗
#
# 设某病患病率 0.5%，检测的灵敏度（患者测出阳性的概率）98%，特异度（健康人测出阴性的概率）97%，
# 即健康人被误报阳性的概率是 3%。先用贝叶斯公式算 $P(\text{患病}\mid\text{阳性})$，
# 再用“先验几率 × 似然比”的几率形式算一遍；然后模拟 100 万人，直接数阳性者里有多少真患者。
# 第二次检测假设与第一次在给定患病状态下相互独立（条件独立），上一次的后验就是这一次的先验。

# %%
prev, sens, spec = 0.005, 0.98, 0.97
fpr = 1 - spec


def posterior(prior, sens, fpr):
    return sens * prior / (sens * prior + fpr * (1 - prior))


p_pos = sens * prev + fpr * (1 - prev)
post1 = posterior(prev, sens, fpr)
post2 = posterior(post1, sens, fpr)
lr = sens / fpr
odds1 = prev / (1 - prev) * lr
odds2 = odds1 * lr
print(f"P(+) = {p_pos:.5f}")
print(f"P(D | +)  = {post1:.4f}   (odds form: {odds1:.4f} -> {odds1 / (1 + odds1):.4f})")
print(f"P(D | ++) = {post2:.4f}   (odds form: {odds2:.4f} -> {odds2 / (1 + odds2):.4f})")
print(f"likelihood ratio of a positive result: {lr:.2f}")
assert abs(odds1 / (1 + odds1) - post1) < 1e-12 and abs(odds2 / (1 + odds2) - post2) < 1e-12


def simulate(prev, m, rng):
    sick = rng.random(m) < prev
    t1 = np.where(sick, rng.random(m) < sens, rng.random(m) < fpr)
    t2 = np.where(sick, rng.random(m) < sens, rng.random(m) < fpr)
    return sick, t1, t2


M = 1_000_000
sick, t1, t2 = simulate(prev, M, rng)
sim1, sim2 = sick[t1].mean(), sick[t1 & t2].mean()
print(f"simulated {M:,} people: {sick.sum():,} sick, {t1.sum():,} positive, of whom {(sick & t1).sum():,} sick")
print(f"simulated P(D | +)  = {sim1:.4f}   formula {post1:.4f}")
print(f"simulated P(D | ++) = {sim2:.4f}   formula {post2:.4f}   ({(t1 & t2).sum():,} people positive twice)")
assert abs(sim1 - post1) < 0.01 and abs(sim2 - post2) < 0.02
assert post1 < 0.2 < 0.8 < post2

prev_grid = np.logspace(-4, np.log10(0.5), 200)
prev_sim = np.array([0.001, 0.005, 0.02, 0.1, 0.3])
sim_pts = []
for pv in prev_sim:
    s, a, b = simulate(pv, 400_000, rng)
    sim_pts.append((s[a].mean(), s[a & b].mean()))
sim_pts = np.array(sim_pts)
assert np.allclose(sim_pts[:, 0], posterior(prev_sim, sens, fpr), atol=0.02)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.1, 1]})
ax = axes[0]
ax.semilogx(prev_grid, posterior(prev_grid, sens, fpr), color="C0", lw=2, label="一次阳性：公式")
ax.semilogx(prev_grid, posterior(posterior(prev_grid, sens, fpr), sens, fpr), color="C2", lw=2, label="两次阳性：公式")
ax.plot(prev_sim, sim_pts[:, 0], "o", color="C0", mfc="white", label="模拟（每点 40 万人）")
ax.plot(prev_sim, sim_pts[:, 1], "o", color="C2", mfc="white")
ax.axvline(prev, color="0.5", ls=":", lw=1)
ax.text(prev * 1.1, 0.03, "患病率 0.5%", color="0.35", fontsize=9)
ax.set_xlabel("患病率（先验 P(D)）")
ax.set_ylabel("P(D | 阳性)")
ax.set_title("后验概率强烈依赖先验")
ax.legend(fontsize=8.5, loc="upper left")
ax.grid(alpha=0.3, which="both")

ax = axes[1]
per = 100_000
tp1, fp1 = sens * prev * per, fpr * (1 - prev) * per
tp2, fp2 = sens**2 * prev * per, fpr**2 * (1 - prev) * per
rows_y = [1, 0]
ax.barh(rows_y, [tp1, tp2], color="C3", alpha=0.8, label="真患者")
ax.barh(rows_y, [fp1, fp2], left=[tp1, tp2], color="0.6", alpha=0.8, label="健康人（误报）")
for y, tp, fp in [(1, tp1, fp1), (0, tp2, fp2)]:
    ax.text(tp + fp + 60, y, f"{tp:.0f} / {tp + fp:.0f} = {tp / (tp + fp):.1%}", va="center", fontsize=9.5)
ax.set_yticks(rows_y, ["第一次阳性", "两次都阳性"])
ax.set_xlim(0, 5600)
ax.set_xlabel(f"每 {per:,} 人中的人数")
ax.set_title("阳性者里有多少真患者")
ax.legend(fontsize=8.5, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# 十万人里 500 个患者、99,500 个健康人：患者中 490 人阳性，健康人中却有 2,985 人被误报，
# 所以一次阳性后患病的概率只有 14%。复查再阳性时，先验已经从 0.5% 变成 14%，后验升到 84%。
# 左图说明同一个检测，放在患病率不同的人群里，阳性结果的含义天差地别。

# %% [markdown]
# ### 4. 最大似然估计：公式解与数值优化
#
# **硬币。** 一枚偏倚未知的硬币抛 $n$ 次，$k$ 次正面。对数似然 $\ell(p) = k\ln p + (n-k)\ln(1-p)$，
# 令导数为 0 得 $\hat p = k/n$。下面用三种数值方法求同一个最大值并与公式对照：在网格上找最大值；
# 用 `scipy.optimize.minimize_scalar` 最小化负对数似然；以及用上一课的梯度下降——
# 把 $p$ 写成 $p = \sigma(\theta)$（sigmoid），对平均负对数似然 $J(\theta)$ 求导恰好得到 $\sigma(\theta) - k/n$。
# 同时看一眼为什么要取对数：2000 个概率直接相乘，会在 float64 里下溢成 0。

# %%
p_true = 0.35
flips = (rng.random(500) < p_true).astype(int)
n_c, k_c = 50, int(flips[:50].sum())
p_hat = k_c / n_c


def coin_loglik(p, k, n):
    return k * np.log(p) + (n - k) * np.log(1 - p)


grid = np.linspace(0.001, 0.999, 999)
p_grid = grid[np.argmax(coin_loglik(grid, k_c, n_c))]
res_c = optimize.minimize_scalar(lambda p: -coin_loglik(p, k_c, n_c), bounds=(1e-6, 1 - 1e-6), method="bounded",
                                 options={"xatol": 1e-10})


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


theta, eta = 0.0, 2.0
for _ in range(200):
    theta -= eta * (sigmoid(theta) - k_c / n_c)  # dJ/dtheta for J = -ell / n
p_gd = sigmoid(theta)
print(f"{k_c} heads in {n_c} flips (true p = {p_true})")
print(f"closed form k/n = {p_hat:.6f}; grid {p_grid:.3f}; scipy {res_c.x:.6f}; gradient descent on logit {p_gd:.6f}")
assert abs(p_grid - p_hat) < 1e-3 and abs(res_c.x - p_hat) < 1e-6 and abs(p_gd - p_hat) < 1e-9

many = (rng.random(2000) < p_true).astype(int)
probs = np.where(many == 1, p_hat, 1 - p_hat)
print(f"product of 2000 probabilities: {np.prod(probs)}; sum of their logs: {np.sum(np.log(probs)):.1f}")
assert np.prod(probs) == 0.0 and np.isfinite(np.sum(np.log(probs)))

# %% [markdown]
# **正态分布。** 从 $\mathcal N(\mu=2, \sigma=1.5)$ 抽 100 个点，假装不知道参数。公式解是
# $\hat\mu = \bar x$，$\hat\sigma^2 = \frac1n\sum_i (x_i-\bar x)^2$（注意除以 $n$，正是第 2 节那个偏小的估计）。
# 数值上，用梯度下降最小化平均负对数似然，参数取 $(\mu, s = \ln\sigma)$，这样 $\sigma = e^s$ 总是正的；
# 再用 `scipy.optimize.minimize`（BFGS）和 `scipy.stats.norm.fit` 各求一遍。

# %%
x_g = rng.normal(2.0, 1.5, 100)
mu_hat = x_g.mean()
sigma_hat = np.sqrt(np.mean((x_g - mu_hat) ** 2))


def gauss_nll(params, x):
    m, s = params
    return np.mean(0.5 * ((x - m) / np.exp(s)) ** 2 + s + 0.5 * np.log(2 * np.pi))


def gauss_nll_grad(params, x):
    m, s = params
    var = np.exp(2 * s)
    return np.array([-(x.mean() - m) / var, 1 - np.mean((x - m) ** 2) / var])


path = [np.array([0.0, np.log(3.0)])]
for _ in range(300):
    path.append(path[-1] - 0.4 * gauss_nll_grad(path[-1], x_g))
path = np.array(path)
res_g = optimize.minimize(gauss_nll, x0=path[0], args=(x_g,), jac=gauss_nll_grad, method="BFGS", options={"gtol": 1e-10})
fit_loc, fit_scale = stats.norm.fit(x_g)
print(f"closed form:      mu = {mu_hat:.6f}, sigma = {sigma_hat:.6f}")
print(f"gradient descent: mu = {path[-1, 0]:.6f}, sigma = {np.exp(path[-1, 1]):.6f}  ({len(path) - 1} steps)")
print(f"scipy BFGS:       mu = {res_g.x[0]:.6f}, sigma = {np.exp(res_g.x[1]):.6f}  ({res_g.nit} iterations)")
print(f"scipy norm.fit:   mu = {fit_loc:.6f}, sigma = {fit_scale:.6f}")
print(f"sample std with n-1: {x_g.std(ddof=1):.6f} (larger than the MLE by the factor sqrt(n/(n-1)))")
for m_, s_ in [(path[-1, 0], np.exp(path[-1, 1])), (res_g.x[0], np.exp(res_g.x[1])), (fit_loc, fit_scale)]:
    assert abs(m_ - mu_hat) < 1e-5 and abs(s_ - sigma_hat) < 1e-5
assert np.allclose(gauss_nll_grad(np.array([mu_hat, np.log(sigma_hat)]), x_g), 0, atol=1e-12)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
ax = axes[0]
pp = np.linspace(0.005, 0.995, 600)
for n_use, col in [(10, "C1"), (50, "C0"), (500, "C2")]:
    k_use = int(flips[:n_use].sum())
    ll = coin_loglik(pp, k_use, n_use)
    ax.plot(pp, np.exp(ll - ll.max()), color=col, lw=2, label=f"n = {n_use}, k = {k_use}, p̂ = {k_use / n_use:.3f}")
ax.axvline(p_true, color="0.4", ls=":", lw=1.2, label=f"真实 p = {p_true}")
ax.set_xlabel("p")
ax.set_ylabel("L(p) / L(p̂)")
ax.set_ylim(0, 1.1)
ax.set_title("硬币的似然函数：数据越多，峰越窄")
ax.legend(fontsize=8.5, loc="upper right")
ax.grid(alpha=0.3)

ax = axes[1]
mm, ss = np.meshgrid(np.linspace(-0.3, 3.6, 200), np.linspace(np.log(0.7), np.log(4.5), 200))
nll_grid = np.mean(0.5 * ((x_g - mm[..., None]) / np.exp(ss[..., None])) ** 2, axis=-1) + ss + 0.5 * np.log(2 * np.pi)
cs = ax.contour(mm, np.exp(ss), nll_grid, levels=np.min(nll_grid) + np.array([0.02, 0.1, 0.3, 0.6, 1.0, 1.6, 2.4]),
                colors="0.6", linewidths=0.8)
ax.clabel(cs, fontsize=7, fmt="%.2f")
ax.plot(path[:60, 0], np.exp(path[:60, 1]), "o-", color="C0", ms=3, lw=1, label="梯度下降（前 60 步）")
ax.plot(mu_hat, sigma_hat, "*", color="C3", ms=14, label=f"公式解 ({mu_hat:.2f}, {sigma_hat:.2f})")
ax.plot(2.0, 1.5, "x", color="k", ms=8, mew=2, label="真实参数 (2, 1.5)")
ax.set_xlabel("μ")
ax.set_ylabel("σ")
ax.set_title("正态分布的平均负对数似然")
ax.legend(fontsize=8.5, loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图：三条曲线都在 $\hat p = k/n$ 处取最大值；$n$ 从 10 增加到 500，峰的宽度大约按 $1/\sqrt n$ 收窄，
# 估计越来越确定，也越来越接近真实值。右图：等高线是平均负对数似然，梯度下降从 $(0, 3)$ 出发，
# 落到公式解上。公式解与真实参数不重合，是因为 100 个样本本身带着随机误差。

# %% [markdown]
# ### 5. 中心极限定理：偏斜分布的均值变得像正态分布
#
# 指数分布 $\text{Exp}(1)$ 的期望和标准差都是 1，形状严重右偏（偏度 2）。
# 每次抽 $n$ 个数取平均，重复 20,000 次，把均值标准化成 $z = (\bar x - 1)/(1/\sqrt n)$ 后画直方图，
# 与标准正态密度比较。理论上均值的偏度是 $2/\sqrt n$；用 Kolmogorov–Smirnov 距离（两个累积分布函数的最大差）
# 衡量离正态分布还有多远。

# %%
reps_clt = 20_000
ns_clt = [1, 2, 5, 10, 30, 100]
z_by_n, rows_clt = {}, []
for n_m in ns_clt:
    means = rng.exponential(1.0, (reps_clt, n_m)).mean(axis=1)
    z = (means - 1.0) * np.sqrt(n_m)
    z_by_n[n_m] = z
    skew = stats.skew(z)
    ks = stats.kstest(z, "norm").statistic
    rows_clt.append((n_m, z.mean(), z.std(), skew, 2 / np.sqrt(n_m), ks))
    print(f"n = {n_m:>3}: mean(z) = {z.mean():+.3f}, std(z) = {z.std():.3f}, skewness {skew:.3f} "
          f"(theory {2 / np.sqrt(n_m):.3f}), KS distance to N(0,1) {ks:.3f}")
rows_clt = np.array(rows_clt)
assert np.all(np.abs(rows_clt[:, 1]) < 0.03) and np.all(np.abs(rows_clt[:, 2] - 1) < 0.03)
assert np.all(np.abs(rows_clt[:, 3] - rows_clt[:, 4]) < 0.15)
ks_by_n = dict(zip(ns_clt, rows_clt[:, 5]))
assert ks_by_n[1] > 0.1 > ks_by_n[5] > ks_by_n[30] and ks_by_n[100] < 0.03

# %%
fig, axes = plt.subplots(1, 4, figsize=(10, 3.0), sharey=True)
zz = np.linspace(-3.5, 5, 400)
for ax, n_m in zip(axes, [1, 2, 5, 30]):
    z = z_by_n[n_m]
    ax.hist(z, bins=np.linspace(-3.5, 5, 60), density=True, color="C0", alpha=0.55)
    exact_pdf = stats.gamma.pdf(1 + zz / np.sqrt(n_m), a=n_m, scale=1 / n_m) / np.sqrt(n_m)
    ax.plot(zz, exact_pdf, color="C1", lw=1.4, ls="--", label="精确分布")
    ax.plot(zz, stats.norm.pdf(zz), color="C3", lw=1.8, label="N(0, 1)")
    ks = rows_clt[ns_clt.index(n_m), 5]
    ax.set_title(f"n = {n_m}（KS 距离 {ks:.3f}）", fontsize=10)
    ax.set_xlabel("标准化的均值 z")
    ax.set_xlim(-3.5, 5)
axes[0].set_ylabel("密度")
axes[0].set_ylim(0, 1.05)
axes[0].legend(fontsize=8, loc="upper right")
fig.suptitle("指数分布 Exp(1) 的 n 个样本取平均，重复 20,000 次", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# $n = 1$ 时直方图就是指数分布本身，和正态曲线相去甚远；$n = 5$ 时已经像一个略向右偏的钟形；
# $n = 30$ 时几乎贴合正态曲线，只剩一点偏度（理论值 $2/\sqrt{30} \approx 0.37$）。
# 橙色虚线是均值的精确分布（$n$ 个 $\text{Exp}(1)$ 之和服从伽马分布），直方图与它吻合。
# 偏度按 $1/\sqrt n$ 衰减意味着：原分布越偏，需要的 $n$ 越大，“$n \ge 30$ 就够”只是经验说法。
