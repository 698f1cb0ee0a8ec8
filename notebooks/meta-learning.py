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
# 本 notebook 在 Finn 等人（2017）的正弦波回归问题上从零实现 MAML，分五步：先定义任务分布并画出几个任务；
# 再写一个“函数式”的多层感知机（参数是一个张量列表，前向计算 `forward(x, params)` 显式接收参数），
# 用它实现二阶 MAML 和一阶近似 FOMAML；然后训练一个“预训练”基线——把许多任务的数据混在一起做普通回归；
# 接着在 100 个固定的新任务上比较四种初始化（MAML、FOMAML、预训练、随机初始化）经过 0 到 10 步梯度下降后的误差；
# 最后在一个很小的 float64 网络上，用有限差分核对 MAML 元梯度里的二阶项。
# 所有随机数都来自带固定种子的 `torch.Generator`，重新运行得到相同的数字。

# %%
import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads only add overhead
torch.manual_seed(0)
start_time = time.time()

# %% [markdown]
# ### 1. 任务分布：振幅和相位各不相同的正弦波
#
# 每个任务 $\mathcal T$ 是一条曲线 $y=A\sin(x-\varphi)$，振幅 $A\sim U[0.1,\,5]$，相位 $\varphi\sim U[0,\,\pi]$，
# 输入 $x\sim U[-5,\,5]$。一个任务给 $K=10$ 个带标签的点作为支持集（support set），
# 另取 $K$ 个点作为查询集（query set）。下面的函数一次抽很多个任务，数据的形状是（任务数, 点数, 1），
# 这样后面所有任务可以一起做批量计算。

# %%
K = 10  # support points per task (K-shot regression)
AMP_RANGE, PHASE_RANGE, X_RANGE = (0.1, 5.0), (0.0, math.pi), (-5.0, 5.0)


def sample_tasks(n, gen):
    """Draw n tasks: amplitudes A and phases phi."""
    amp = AMP_RANGE[0] + (AMP_RANGE[1] - AMP_RANGE[0]) * torch.rand(n, generator=gen)
    phase = PHASE_RANGE[0] + (PHASE_RANGE[1] - PHASE_RANGE[0]) * torch.rand(n, generator=gen)
    return amp, phase


def task_fn(x, amp, phase):
    """y = A sin(x - phi); x has shape (n_tasks, n_points, 1)."""
    return amp[:, None, None] * torch.sin(x - phase[:, None, None])


x_grid = torch.linspace(-5, 5, 200)  # dense grid for plots and evaluation


def sample_points(amp, phase, k, gen):
    x = X_RANGE[0] + (X_RANGE[1] - X_RANGE[0]) * torch.rand(len(amp), k, 1, generator=gen)
    return x, task_fn(x, amp, phase)


# %% [markdown]
# 把所有任务平均起来，每个 $x$ 处的期望输出是 $\mathbb E[A]\,\mathbb E_\varphi[\sin(x-\varphi)]$。
# 因为 $\varphi$ 只在 $[0,\pi]$ 上取值，它并不为 0。下面用 20,000 个任务估计这条“平均曲线”，和闭式解对照，
# 并估计单个任务的典型方差——这决定了“把所有任务混在一起训练”的基线能做到什么程度。

# %%
big_gen = torch.Generator().manual_seed(11)
big_amp, big_phase = sample_tasks(20000, big_gen)
mean_fn = task_fn(x_grid[None, :, None].expand(20000, -1, -1), big_amp, big_phase).mean(0).squeeze()
exact_mean = -2.55 * (2 / math.pi) * torch.cos(x_grid)  # E[A] * E[sin(x - phi)] = -2.55 * (2/pi) cos x
print(f"max |average function|: {mean_fn.abs().max():.3f}; max gap to closed form: {(mean_fn - exact_mean).abs().max():.3f}")
print(f"average task variance E[A^2]/2: {(big_amp**2).mean() / 2:.3f}")
print(f"variance of the average function over x: {(exact_mean**2).mean():.3f}")

demo_gen = torch.Generator().manual_seed(7)
demo_amp, demo_phase = sample_tasks(5, demo_gen)
fig, ax = plt.subplots(figsize=(7.5, 3.6))
for a, p in zip(demo_amp, demo_phase):
    ax.plot(x_grid, a * torch.sin(x_grid - p), lw=1.8, label=f"A={a:.2f}, φ={p:.2f}")
ax.plot(x_grid, exact_mean, "k--", lw=2, label="所有任务的平均曲线")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("从任务分布中抽出的 5 个任务")
ax.legend(fontsize=8, ncol=2, loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# 闭式解：$\mathbb E[A]=2.55$，$\frac{1}{\pi}\int_0^\pi\sin(x-\varphi)\,d\varphi=-\frac{2}{\pi}\cos x$，
# 所以平均曲线是 $-1.62\cos x$（图中黑色虚线），和 20,000 个任务的样本平均几乎重合。单个任务相对于 0 的方差
# $\mathbb E[A^2]/2$ 约 4.2，平均曲线只能“解释”掉其中约 1.2，
# 所以一个只学会平均曲线的模型在新任务上的均方误差约为 $4.2-1.2\approx 3$。
#
# ### 2. 函数式多层感知机与 MAML
#
# MAML 需要“用一组临时参数 $\theta'_i=\theta-\alpha\nabla_\theta\mathcal L_i(\theta)$ 做前向计算，
# 并且让梯度穿过 $\theta'_i$ 回到 $\theta$”。`nn.Module` 把参数藏在模块里，不方便替换，
# 所以这里把网络写成纯函数：参数是一个张量列表 `params = [W1, b1, W2, b2, W3, b3]`，
# 结构与原论文相同，1-40-40-1，ReLU 激活。
#
# 为了让一个元批次里的所有任务一起计算，`adapt` 先把共享参数沿任务维度 `expand` 成（任务数, …）的形状，
# 再对所有任务的损失之和求梯度：因为任务 $i$ 的损失只依赖第 $i$ 份参数，这个梯度的第 $i$ 片恰好是
# $\nabla\mathcal L_i$。`create_graph=True` 让这一步梯度本身也留在计算图里，外层 `backward()` 时
# 才能对它再求导，得到二阶项；FOMAML 则把内层梯度 `detach()`，当成常数。

# %%
SIZES = (1, 40, 40, 1)


def init_params(gen, sizes=SIZES, dtype=torch.float32):
    """Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) like nn.Linear; weights stored as (in, out)."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(fan_in)
        params.append(((torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * bound).to(dtype))
        params.append(((torch.rand(1, fan_out, generator=gen) * 2 - 1) * bound).to(dtype))
    return [p.requires_grad_() for p in params]


def forward(x, params):
    """MLP with ReLU. x: (T, n, 1); each param is shared (in, out) or per task (T, in, out)."""
    h = x
    n_layers = len(params) // 2
    for j in range(n_layers):
        h = h @ params[2 * j] + params[2 * j + 1]
        if j < n_layers - 1:
            h = torch.relu(h)
    return h


def task_mse(pred, y):
    """Mean squared error of each task separately: shape (T,)."""
    return ((pred - y) ** 2).mean(dim=(1, 2))


def adapt(params, x, y, alpha, steps, create_graph=False, first_order=False):
    """`steps` plain gradient steps on each task's support set, all tasks at once."""
    n_tasks = x.shape[0]
    fast = [p.unsqueeze(0).expand(n_tasks, *p.shape) for p in params]
    for _ in range(steps):
        loss = task_mse(forward(x, fast), y).sum()  # task i only touches its own slice
        grads = torch.autograd.grad(loss, fast, create_graph=create_graph)
        if first_order:
            grads = [g.detach() for g in grads]
        fast = [p - alpha * g for p, g in zip(fast, grads)]
    return fast


# %% [markdown]
# 元训练循环：每一步抽 `META_BATCH` 个任务，每个任务抽 $K$ 个支持点和 $K$ 个查询点；
# 在支持集上做一步内层梯度下降（步长 $\alpha=0.01$，与原论文相同），在查询集上算适应后的损失，
# 对所有任务取平均，作为外层目标交给 Adam。网络结构、$K$、$\alpha$ 和 Adam 都与原论文第 5.1 节一致；
# 为了在一分钟内跑完，这里只做 3,000 次元迭代，每次 20 个任务，外层学习率取 0.003。

# %%
ALPHA = 0.01  # inner-loop step size
META_STEPS, META_BATCH, META_LR = 3000, 20, 3e-3


def meta_train(first_order, seed=0):
    gen = torch.Generator().manual_seed(seed)
    params = init_params(torch.Generator().manual_seed(100))  # same initial weights for every method
    opt = torch.optim.Adam(params, lr=META_LR)
    history = []
    for _ in range(META_STEPS):
        amp, phase = sample_tasks(META_BATCH, gen)
        x_s, y_s = sample_points(amp, phase, K, gen)
        x_q, y_q = sample_points(amp, phase, K, gen)
        fast = adapt(params, x_s, y_s, ALPHA, 1, create_graph=not first_order, first_order=first_order)
        meta_loss = task_mse(forward(x_q, fast), y_q).mean()
        opt.zero_grad()
        meta_loss.backward()
        opt.step()
        history.append(meta_loss.item())
    return [p.detach() for p in params], np.array(history)


t0 = time.time()
maml_params, maml_hist = meta_train(first_order=False)
t_maml = time.time() - t0
t0 = time.time()
fomaml_params, fomaml_hist = meta_train(first_order=True)
t_fomaml = time.time() - t0
print(f"MAML   : {t_maml:.1f} s, query loss over the last 300 meta-steps {maml_hist[-300:].mean():.3f}")
print(f"FOMAML : {t_fomaml:.1f} s, query loss over the last 300 meta-steps {fomaml_hist[-300:].mean():.3f}")

# %% [markdown]
# ### 3. 基线：把所有任务混在一起预训练
#
# 预训练（pre-training）基线用同样的网络和同样多的数据：每一步也抽 20 个任务、每个任务 $2K$ 个点，
# 但把它们混成一个大批次，直接最小化均方误差，不做任何内层适应。同一个 $x$ 在不同任务里对应完全不同的 $y$，
# 最小化均方误差的最好办法就是输出条件期望——也就是上面那条平均曲线。
# 随机初始化（random init）基线就是三种方法共同的初始权重，什么也不训练。

# %%
def pretrain(seed=0):
    gen = torch.Generator().manual_seed(seed)
    params = init_params(torch.Generator().manual_seed(100))
    opt = torch.optim.Adam(params, lr=META_LR)
    history = []
    for _ in range(META_STEPS):
        amp, phase = sample_tasks(META_BATCH, gen)
        x, y = sample_points(amp, phase, 2 * K, gen)
        loss = task_mse(forward(x.reshape(1, -1, 1), params), y.reshape(1, -1, 1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    return [p.detach() for p in params], np.array(history)


t0 = time.time()
pre_params, pre_hist = pretrain()
print(f"pre-training: {time.time() - t0:.1f} s, loss over the last 300 steps {pre_hist[-300:].mean():.3f}")
rand_params = [p.detach() for p in init_params(torch.Generator().manual_seed(100))]

with torch.no_grad():
    pre_curve = forward(x_grid[None, :, None], pre_params).squeeze()
print(f"max |pretrained(x) - average function(x)|: {(pre_curve - mean_fn).abs().max():.3f}")

fig, ax = plt.subplots(figsize=(7.5, 3.4))
w = 50
smooth = lambda h: np.convolve(h, np.ones(w) / w, mode="valid")  # noqa: E731
ax.plot(smooth(maml_hist), label="MAML（查询集，适应 1 步后）")
ax.plot(smooth(fomaml_hist), label="FOMAML（查询集，适应 1 步后）")
ax.plot(smooth(pre_hist), label="预训练（混合数据，不适应）")
ax.set_xlabel("元迭代 / 训练步")
ax.set_ylabel(f"均方误差（{w} 步滑动平均）")
ax.set_title("训练曲线")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 在 100 个新任务上评估
#
# 用一个训练时没用过的种子抽 100 个任务。每个任务只给 $K=10$ 个支持点；从某个初始化出发，
# 在这 10 个点上反复做普通梯度下降（每步都用同样的 10 个点），然后在 $[-5,5]$ 上 200 个等距点处
# 计算与真实曲线的均方误差。四种初始化使用相同的步长 $\alpha=0.01$。

# %%
eval_gen = torch.Generator().manual_seed(2024)
N_EVAL = 100
ev_amp, ev_phase = sample_tasks(N_EVAL, eval_gen)
ev_xs, ev_ys = sample_points(ev_amp, ev_phase, K, eval_gen)
ev_xt = x_grid[None, :, None].expand(N_EVAL, -1, -1)
ev_yt = task_fn(ev_xt, ev_amp, ev_phase)
MAX_STEPS = 10


def mse_curve(params, alpha=ALPHA, max_steps=MAX_STEPS):
    """Per-task MSE on the dense grid after 0..max_steps adaptation steps: shape (max_steps+1, N_EVAL)."""
    fast = [p.unsqueeze(0).expand(N_EVAL, *p.shape).clone().requires_grad_() for p in params]
    out = []
    for step in range(max_steps + 1):
        with torch.no_grad():
            out.append(task_mse(forward(ev_xt, fast), ev_yt))
        if step < max_steps:
            loss = task_mse(forward(ev_xs, fast), ev_ys).sum()
            grads = torch.autograd.grad(loss, fast)
            fast = [(p - alpha * g).detach().requires_grad_() for p, g in zip(fast, grads)]
    return torch.stack(out).numpy()


curves = {
    "MAML": mse_curve(maml_params),
    "FOMAML": mse_curve(fomaml_params),
    "预训练": mse_curve(pre_params),
    "随机初始化": mse_curve(rand_params),
}
print(f"{'init':<8}" + "".join(f"{f'{s} steps':>12}" for s in (0, 1, 5, 10)))
for name, c in curves.items():
    print(f"{name:<8}" + "".join(f"{c[s].mean():>12.3f}" for s in (0, 1, 5, 10)))
se = curves["MAML"][1].std() / math.sqrt(N_EVAL)
print(f"standard error of the MAML 1-step mean: {se:.3f}")

# %% [markdown]
# 预训练模型“只是步长不合适”吗？给它一个公平的机会：在 $\{0.01, 0.02, 0.05, 0.1\}$ 里挑 10 步后误差最小的步长
# （这等于偷看了测试任务，对基线是偏袒的），再和 MAML 比。

# %%
best_pre = min(
    ((lr, mse_curve(pre_params, alpha=lr)[MAX_STEPS].mean()) for lr in (0.01, 0.02, 0.05, 0.1)),
    key=lambda t: t[1],
)
print(f"pretrained, best step size {best_pre[0]}: MSE after 10 steps {best_pre[1]:.3f}")
maml_1 = curves["MAML"][1].mean()
pre_10 = curves["预训练"][10].mean()
wins = (curves["MAML"][1] < curves["预训练"][10]).mean()
print(f"MAML after 1 step beats pretrained after 10 steps on {wins:.0%} of the tasks")
assert maml_1 < 0.5 * pre_10, (maml_1, pre_10)
assert maml_1 < 0.5 * best_pre[1], (maml_1, best_pre)
assert curves["MAML"][10].mean() < 0.5 * curves["随机初始化"][10].mean()
assert curves["FOMAML"][1].mean() < 0.5 * pre_10  # the first-order variant also works here
assert curves["MAML"][1].mean() < curves["MAML"][0].mean() / 3  # the MAML init itself is not the answer

# %%
fig, ax = plt.subplots(figsize=(7.5, 4))
styles = {"MAML": "o-", "FOMAML": "s--", "预训练": "^-", "随机初始化": "x:"}
steps = np.arange(MAX_STEPS + 1)
for name, c in curves.items():
    m = c.mean(1)
    err = c.std(1) / math.sqrt(N_EVAL)
    ax.errorbar(steps, m, yerr=err, fmt=styles[name], capsize=2, label=name)
ax.set_xlabel("在 K=10 个支持点上的梯度步数")
ax.set_ylabel("新任务上的均方误差（100 个任务平均）")
ax.set_yscale("log")
ax.set_title("适应步数与误差（误差棒：±1 个标准误）")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# 再看一个具体任务：振幅大、相位离平均曲线远的一个新任务。左图是 MAML：它的初始函数（0 步）本身并不贴近这条曲线，
# 但只走 1 步就大致贴了上去，10 步后连两个支持点之间的空档（$x$ 从 −1.8 到 1 的波谷）也画对了——它“知道”答案是一条正弦波；
# 最左端没有支持点，那里的峰它仍没画出来。右图是预训练模型：10 步之后仍然接近平均曲线，只在支持点附近被拉动了一点。

# %%
def adapt_one(params, x, y, alpha, steps):
    fast = [p.clone().requires_grad_() for p in params]
    for _ in range(steps):
        loss = ((forward(x, fast) - y) ** 2).mean()
        grads = torch.autograd.grad(loss, fast)
        fast = [(p - alpha * g).detach().requires_grad_() for p, g in zip(fast, grads)]
    with torch.no_grad():
        return forward(x_grid[None, :, None], fast).squeeze()


# a large-amplitude task whose phase is far from the average curve's (-1.62 cos x = 1.62 sin(x - pi/2))
i = int(torch.nonzero((ev_amp > 3.5) & ((ev_phase - math.pi / 2).abs() > 1.0))[0])
xs_i, ys_i = ev_xs[i : i + 1], ev_ys[i : i + 1]
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
for ax, (name, params) in zip(axes, [("MAML", maml_params), ("预训练", pre_params)]):
    ax.plot(x_grid, ev_yt[i].squeeze(), "k-", lw=2.5, label="真实曲线")
    ax.plot(xs_i.squeeze(), ys_i.squeeze(), "r^", ms=9, label=f"K={K} 个支持点")
    for steps_, style in [(0, ":"), (1, "--"), (10, "-")]:
        ax.plot(x_grid, adapt_one(params, xs_i, ys_i, ALPHA, steps_), style, lw=1.8, label=f"{name}，{steps_} 步")
    ax.set_title(f"{name}（新任务 A={ev_amp[i]:.2f}, φ={ev_phase[i]:.2f}）")
    ax.set_xlabel("x")
    ax.legend(fontsize=8, loc="best")
axes[0].set_ylabel("y")
plt.tight_layout()
print(f"task {i}: MSE after 10 steps  MAML {curves['MAML'][10][i]:.3f}, pretrained {curves['预训练'][10][i]:.3f}")
plt.show()

# %% [markdown]
# ### 5. 核对元梯度：自动微分 vs. 有限差分
#
# 元目标是 $F(\theta)=\mathcal L^{\text{query}}\big(\theta-\alpha\nabla\mathcal L^{\text{support}}(\theta)\big)$。
# 原理部分推出 $\nabla F(\theta)=(I-\alpha H)\,g'$，其中 $H$ 是支持集损失的海森矩阵，$g'$ 是查询损失在适应后参数处的梯度。
# 下面在一个 1-8-8-1 的小网络上用 float64 计算：(a) 自动微分的二阶元梯度（`create_graph=True`）；
# (b) 对 $F$ 的每个参数做中心差分 $\big(F(\theta+\epsilon e_j)-F(\theta-\epsilon e_j)\big)/2\epsilon$；
# (c) 一阶近似 $g'$；(d) 显式的 $(I-\alpha H)g'$，其中 $Hg'$ 用海森-向量积（Hessian-vector product）算，
# 不需要构造整个 $H$。为了让二阶项明显，这里取较大的内层步长 $\alpha=0.1$。

# %%
tiny_gen = torch.Generator().manual_seed(5)
theta = [p.detach().double() for p in init_params(tiny_gen, sizes=(1, 8, 8, 1))]
t_amp, t_phase = sample_tasks(1, tiny_gen)
x_s, y_s = (t.double() for t in sample_points(t_amp, t_phase, K, tiny_gen))
x_q, y_q = (t.double() for t in sample_points(t_amp, t_phase, K, tiny_gen))
alpha_chk = 0.1


def meta_objective(params, create_graph):
    fast = adapt(params, x_s, y_s, alpha_chk, 1, create_graph=create_graph)
    return task_mse(forward(x_q, fast), y_q).sum()


# (a) autograd through the inner step
params = [p.clone().requires_grad_() for p in theta]
grad_auto = torch.autograd.grad(meta_objective(params, create_graph=True), params)
flat_auto = torch.cat([g.reshape(-1) for g in grad_auto])

# (b) central finite differences of F, one coordinate at a time
flat_theta = torch.cat([p.reshape(-1) for p in theta])
shapes = [p.shape for p in theta]


def unflatten(v):
    out, i0 = [], 0
    for s in shapes:
        n = math.prod(s)
        out.append(v[i0 : i0 + n].reshape(s).clone().requires_grad_())
        i0 += n
    return out


eps = 1e-6
flat_fd = torch.zeros_like(flat_theta)
for j in range(len(flat_theta)):
    e = torch.zeros_like(flat_theta)
    e[j] = eps
    f_plus = meta_objective(unflatten(flat_theta + e), create_graph=False).item()
    f_minus = meta_objective(unflatten(flat_theta - e), create_graph=False).item()
    flat_fd[j] = (f_plus - f_minus) / (2 * eps)

# (c) first-order approximation: gradient of the query loss at the adapted parameters
params = [p.clone().requires_grad_() for p in theta]
fast = adapt(params, x_s, y_s, alpha_chk, 1, first_order=True)
grad_fo = torch.autograd.grad(task_mse(forward(x_q, fast), y_q).sum(), fast)
flat_fo = torch.cat([g.reshape(-1) for g in grad_fo])

# (d) explicit (I - alpha H) g' with a Hessian-vector product of the support loss
params = [p.clone().requires_grad_() for p in theta]
g_sup = torch.autograd.grad(task_mse(forward(x_s, params), y_s).sum(), params, create_graph=True)
hvp = torch.autograd.grad(sum((g * v).sum() for g, v in zip(g_sup, unflatten(flat_fo))), params)
flat_explicit = flat_fo - alpha_chk * torch.cat([h.reshape(-1) for h in hvp])


def rel_err(a, b):
    return ((a - b).norm() / b.norm()).item()


cos_fo = torch.nn.functional.cosine_similarity(flat_fo, flat_auto, dim=0).item()
print(f"{len(flat_theta)} parameters")
print(f"relative error  autograd vs finite differences : {rel_err(flat_auto, flat_fd):.2e}")
print(f"relative error  (I - aH)g' vs autograd          : {rel_err(flat_explicit, flat_auto):.2e}")
print(f"relative error  first-order g' vs true gradient : {rel_err(flat_fo, flat_auto):.3f} (cosine {cos_fo:.3f})")
assert rel_err(flat_auto, flat_fd) < 1e-4
assert rel_err(flat_explicit, flat_auto) < 1e-10

# %%
print(f"total runtime: {time.time() - start_time:.1f} s")
