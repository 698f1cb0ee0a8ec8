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
# 本 notebook 分四步：先用 `sklearn` 自带的 8×8 手写数字生成一个“移动数字”视频数据集，标签是运动方向，
# 单看一帧无法回答；再用同样的训练设置比较五种模型：单帧 2-D 卷积网络、帧平均、晚融合、小型 3-D 卷积网络
# 和双流网络；然后把一个训练好的 2-D 网络按 I3D 的办法“膨胀”成 3-D 网络，数值验证它在“静止视频”上的输出
# 与原网络完全相同；最后数一数 2-D、3-D 和 (2+1)-D 卷积层的参数量和乘加次数。
# 所有随机性都固定了种子，DataLoader 也用带种子的生成器打乱顺序。

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
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.flop_counter import FlopCounterMode

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)
rng = np.random.default_rng(0)
t_start = time.perf_counter()

# %% [markdown]
# ### 1. 生成移动数字数据集
#
# 每个片段有 $T=8$ 帧，每帧 24×24 像素。从 1797 张 8×8 数字里随机取一张，让它以每帧 2 个像素的恒定速度
# 向右、向左、向下或向上移动，标签就是这 4 个方向之一（随机猜的准确率是 25%）。
#
# 为了让单独一帧不泄露答案，起点的分布是精心设计的：沿运动方向，数字左上角的坐标是 $x_0+2t$，
# 其中 $x_0$ 从 $\{0,1,2\}$ 中均匀抽取（向左或向上时再镜像成 $16-(x_0+2t)$）；垂直于运动方向的坐标
# 也从同一个分布里抽。这样，在随机的某一时刻，四个方向下数字位置的分布完全相同，位置本身不含方向信息。

# %%
T, SIZE, DIGIT, SPEED = 8, 24, 8, 2
SPAN = SIZE - DIGIT  # top-left coordinate ranges over 0..SPAN (=16)
DIRECTIONS = ["向右", "向左", "向下", "向上"]
digits = load_digits().images / 16.0  # (1797, 8, 8) in [0, 1]


def make_clips(n, seed):
    """Return clips (n, T, SIZE, SIZE) float32 and direction labels (n,)."""
    r = np.random.default_rng(seed)
    labels = r.integers(0, 4, size=n)
    clips = np.zeros((n, T, SIZE, SIZE), dtype=np.float32)
    for i in range(n):
        img = digits[r.integers(len(digits))]
        along = r.integers(0, 3) + SPEED * np.arange(T)  # 0..16 over time, moving in + direction
        if labels[i] in (1, 3):  # left / up: mirror the trajectory
            along = SPAN - along
        across = r.integers(0, 3) + SPEED * r.integers(0, T)  # same marginal as "along", fixed in time
        for t in range(T):
            row, col = (across, along[t]) if labels[i] in (0, 1) else (along[t], across)
            clips[i, t, row : row + DIGIT, col : col + DIGIT] = img
    return clips, labels


N_TRAIN, N_TEST = 1500, 600
x_train_np, y_train_np = make_clips(N_TRAIN, seed=1)
x_test_np, y_test_np = make_clips(N_TEST, seed=2)
x_train, y_train = torch.from_numpy(x_train_np), torch.from_numpy(y_train_np)
x_test, y_test = torch.from_numpy(x_test_np), torch.from_numpy(y_test_np)
print("train clips:", tuple(x_train.shape), " test clips:", tuple(x_test.shape))
print("label counts (train):", np.bincount(y_train_np).tolist())

# %% [markdown]
# 先看几个片段。每一行是一个片段的 8 帧，从左到右是时间；行首写着它的标签。

# %%
fig, axes = plt.subplots(4, T, figsize=(T * 1.1, 4 * 1.25))
for row, label in enumerate(range(4)):
    i = int(np.flatnonzero(y_train_np == label)[0])
    for t in range(T):
        ax = axes[row, t]
        ax.imshow(x_train_np[i, t], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        if row == 0:
            ax.set_title(f"t={t}", fontsize=9)
    axes[row, 0].set_ylabel(DIRECTIONS[label], rotation=0, labelpad=22, fontsize=11)
fig.suptitle("移动数字片段：每行 8 帧，标签是运动方向", fontsize=12)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 位置分布不泄露方向
#
# 口说无凭，算一算：把 $x_0\in\{0,1,2\}$ 和 $t\in\{0,\dots,7\}$ 的 24 种等可能组合全部列出来，
# 得到随机一帧里沿运动方向的坐标 $x_0+2t$ 的精确分布；向左运动时坐标是 $16-(x_0+2t)$。
# 两个分布若相同（即关于 8 对称），单帧位置就不含“向左还是向右”的信息；垂直方向的坐标按构造本来就同分布。

# %%
along_right = np.array([x0 + SPEED * t for x0 in range(3) for t in range(T)])
p_right = np.bincount(along_right, minlength=SPAN + 1) / along_right.size
p_left = np.bincount(SPAN - along_right, minlength=SPAN + 1) / along_right.size
print("P(coordinate), moving right:", np.round(p_right, 3).tolist())
print("identical for moving left :", bool(np.allclose(p_right, p_left)))
assert np.allclose(p_right, p_left)

frame_idx_train = torch.from_numpy(np.random.default_rng(3).integers(0, T, size=N_TRAIN))
frame_idx_test = torch.from_numpy(np.random.default_rng(4).integers(0, T, size=N_TEST))

# %% [markdown]
# 所以只看随机的一帧，最好的策略也只是瞎猜；下面的单帧模型会用实验确认这一点。
#
# ### 3. 五种模型，同样的训练设置
#
# - **单帧**：每个片段随机取一帧，送进一个两层卷积的 2-D 网络。
# - **帧平均**：先把 8 帧在时间上求平均（得到一条“拖影”），再送进同样的 2-D 网络。
# - **晚融合（late fusion）**：同一个 2-D 网络分别处理 8 帧，把 8 个特征向量求平均后再分类。
# - **3-D 卷积网络**：卷积核是 $3\times3\times3$，同时在时间和空间上滑动。
# - **双流（two-stream）**：空间流是单帧网络；时间流把相邻帧的 7 张差分图 $x_{t+1}-x_t$ 叠成 7 个
#   输入通道（光流的廉价替身），两条流分别训练，测试时把两者的 softmax 概率平均。
#
# 所有模型都用 Adam、学习率 3e-3、批大小 64、训练 5 轮，每轮结束时在 600 个测试片段上算一次准确率。

# %%
C1, C2 = 8, 16


class Frame2D(nn.Module):
    """Two conv layers + global average pooling + linear classifier, on one image with in_ch channels."""

    def __init__(self, in_ch=1, n_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_ch, C1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(C1, C2, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.head = nn.Linear(C2, n_classes)

    def forward(self, x):
        return self.head(self.features(x))


class LateFusion(nn.Module):
    """Apply the same 2-D network to every frame, average the per-frame features, then classify."""

    def __init__(self):
        super().__init__()
        self.frame_net = Frame2D()

    def forward(self, clip):  # clip: (N, T, H, W)
        n, t, h, w = clip.shape
        feats = self.frame_net.features(clip.reshape(n * t, 1, h, w)).reshape(n, t, -1)
        return self.frame_net.head(feats.mean(dim=1))


class Small3D(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(1, C1, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),
            nn.Conv3d(C1, C2, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool3d(1), nn.Flatten(),
        )
        self.head = nn.Linear(C2, n_classes)

    def forward(self, clip):  # clip: (N, T, H, W) -> add the channel axis: (N, 1, T, H, W)
        return self.head(self.features(clip.unsqueeze(1)))


def pick_frame(clips, idx):
    return clips[torch.arange(len(clips)), idx].unsqueeze(1)  # (N, 1, H, W)


views = {  # model input for each approach: (train tensor, test tensor)
    "single": (pick_frame(x_train, frame_idx_train), pick_frame(x_test, frame_idx_test)),
    "mean": (x_train.mean(dim=1, keepdim=True), x_test.mean(dim=1, keepdim=True)),
    "clip": (x_train, x_test),
    "diff": (x_train[:, 1:] - x_train[:, :-1], x_test[:, 1:] - x_test[:, :-1]),
}


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def train(make_model, view, epochs=5, batch_size=64, lr=3e-3, seed=0):
    torch.manual_seed(seed)
    model = make_model()
    xtr, xte = views[view]
    loader = DataLoader(
        TensorDataset(xtr, y_train), batch_size=batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history, start = [], time.perf_counter()
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.append((model(xte).argmax(dim=1) == y_test).float().mean().item())
    return model, history, time.perf_counter() - start


runs = {
    "单帧 2-D": (lambda: Frame2D(1), "single"),
    "帧平均 2-D": (lambda: Frame2D(1), "mean"),
    "晚融合 2-D": (LateFusion, "clip"),
    "3-D 卷积": (Small3D, "clip"),
    "时间流（帧差分）": (lambda: Frame2D(T - 1), "diff"),
}
models, histories = {}, {}
for name, (make_model, view) in runs.items():
    models[name], histories[name], seconds = train(make_model, view)
    print(f"{name:<10} params {n_params(models[name]):>6,}  test acc by epoch {np.round(histories[name], 3).tolist()}  ({seconds:.1f} s)")

# %% [markdown]
# 双流网络的空间流就是上面的单帧网络。把两条流的 softmax 概率平均，得到双流的预测：

# %%
with torch.no_grad():
    p_spatial = F.softmax(models["单帧 2-D"](views["single"][1]), dim=1)
    p_temporal = F.softmax(models["时间流（帧差分）"](views["diff"][1]), dim=1)
two_stream_acc = ((p_spatial + p_temporal) / 2).argmax(dim=1).eq(y_test).float().mean().item()

acc = {name: h[-1] for name, h in histories.items()}
acc["双流（平均融合）"] = two_stream_acc
print(f"{'model':<12}{'test accuracy':>14}")
for name, a in acc.items():
    print(f"{name:<12}{a:>14.3f}")

chance = 0.25
assert abs(acc["单帧 2-D"] - chance) < 0.08, acc  # a single frame carries no direction information
assert acc["3-D 卷积"] > 0.9 and acc["双流（平均融合）"] > 0.9, acc
assert acc["3-D 卷积"] - acc["单帧 2-D"] > 0.5 and acc["双流（平均融合）"] - acc["单帧 2-D"] > 0.5, acc
assert acc["晚融合 2-D"] < 0.65 and acc["帧平均 2-D"] < 0.65, acc  # order-free pooling loses the arrow of time

# %% [markdown]
# 左图是测试准确率随训练轮数的变化，右图是帧平均和晚融合模型在测试集上的混淆矩阵：
# 它们能分清“水平”还是“竖直”，却分不清“向右”还是“向左”。

# %%
def confusion(model, x):
    with torch.no_grad():
        pred = model(x).argmax(dim=1).numpy()
    m = np.zeros((4, 4), dtype=int)
    np.add.at(m, (y_test_np, pred), 1)
    return m


fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for name, h in histories.items():
    axes[0].plot(range(1, len(h) + 1), h, marker="o", ms=3, label=name)
axes[0].axhline(chance, color="gray", ls="--", lw=1)
axes[0].text(1, chance + 0.02, "随机猜 25%", color="gray", fontsize=9)
axes[0].set(xlabel="训练轮数", ylabel="测试准确率", ylim=(0, 1.05), title="测试准确率")
axes[0].legend(fontsize=8)
for ax, name, view in [(axes[1], "帧平均 2-D", "mean"), (axes[2], "晚融合 2-D", "clip")]:
    m = confusion(models[name], views[view][1])
    ax.imshow(m, cmap="Blues")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, v, ha="center", va="center", fontsize=9, color="black" if v < m.max() / 2 else "white")
    ax.set_xticks(range(4), DIRECTIONS), ax.set_yticks(range(4), DIRECTIONS)
    ax.set(xlabel="预测", ylabel="真实", title=f"{name} 的混淆矩阵")
fig.tight_layout()
plt.show()

conf_mean = confusion(models["帧平均 2-D"], views["mean"][1])
axis_acc = (conf_mean[:2, :2].sum() + conf_mean[2:, 2:].sum()) / conf_mean.sum()
print(f"帧平均模型：方向准确率 {acc['帧平均 2-D']:.3f}，只看“水平/竖直”的准确率 {axis_acc:.3f}")
assert axis_acc > 0.9, axis_acc

# %% [markdown]
# 帧平均模型把所有样本都归到“向左”或“向上”：它认出了运动所在的直线，但只能在两个相反方向里固定选一个，
# 所以准确率是 50%。晚融合模型更糟：它的每帧网络以全局平均池化结尾，特征与数字在画面里的位置无关，
# 8 帧给出的特征几乎相同，平均之后连“水平还是竖直”也没有留下，于是和单帧模型一样只能猜（左图里两条线重合在 25% 附近）。
# 把全局池化换成保留位置的展平层，晚融合理论上就能像帧平均一样认出直线，但仍然分不出正反，因为求平均与帧的顺序无关。
#
# ### 4. 网络在看什么：时间差分与 3-D 卷积核
#
# 上排是一个向右运动片段的前 4 帧差分 $x_{t+1}-x_t$：数字的前沿为正（红），后沿为负（蓝），
# 正负的左右顺序就编码了方向；这正是时间流能做对、而帧平均做不到的原因。下排是 3-D 网络第一层一个卷积核的
# 3 个时间切片。

# %%
i_right = int(np.flatnonzero(y_test_np == 0)[0])
w3 = models["3-D 卷积"].features[0].weight.detach()[:, 0]  # (C1, 3, 3, 3)
k_best = int(w3.diff(dim=1).abs().sum(dim=(1, 2, 3)).argmax())  # the kernel that changes most over time
fig, axes = plt.subplots(2, 4, figsize=(9, 4.6))
diff = views["diff"][1][i_right]
vmax = float(diff.abs().max())
for t in range(4):
    axes[0, t].imshow(diff[t], cmap="bwr", vmin=-vmax, vmax=vmax)
    axes[0, t].set_title(f"x[{t + 1}] − x[{t}]", fontsize=10)
vmax_w = float(w3[k_best].abs().max())
for t in range(3):
    axes[1, t].imshow(w3[k_best, t], cmap="bwr", vmin=-vmax_w, vmax=vmax_w)
    axes[1, t].set_title(f"卷积核 {k_best}，时间切片 {t}", fontsize=10)
axes[1, 3].axis("off")
for ax in axes.flat:
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle("上：向右运动片段的帧差分（红正蓝负）；下：3-D 卷积第一层的一个卷积核", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. I3D 的“膨胀”：静止视频上输出不变
#
# 把 2-D 卷积核 $W\in\mathbb{R}^{D\times C\times k\times k}$ 沿时间方向复制 $t$ 份、再除以 $t$，就得到
# 3-D 卷积核 $\tilde W\in\mathbb{R}^{D\times C\times t\times k\times k}$。把一张图片重复成一段“静止视频”，
# 3-D 卷积在每个时间位置上把 $t$ 张相同的帧各乘 $W/t$ 再相加，结果正好等于 2-D 卷积。下面对训练好的单帧网络
# 整体膨胀：两层卷积都膨胀成时间宽度 3（时间方向用复制填充，首尾帧也满足等式），池化层改成只在空间上池化，
# 然后在测试图片构成的静止视频上比较逐层输出和最终的 logits。

# %%
def inflate_conv(conv2d, t):
    conv3d = nn.Conv3d(conv2d.in_channels, conv2d.out_channels, (t, *conv2d.kernel_size),
                       padding=(0, *conv2d.padding))
    with torch.no_grad():
        conv3d.weight.copy_(conv2d.weight.unsqueeze(2).repeat(1, 1, t, 1, 1) / t)
        conv3d.bias.copy_(conv2d.bias)
    return conv3d


class Inflated3D(nn.Module):
    """3-D version of a trained Frame2D; time is padded by replication so every output step is defined."""

    def __init__(self, net2d, t=3):
        super().__init__()
        self.t = t
        self.conv1 = inflate_conv(net2d.features[0], t)
        self.conv2 = inflate_conv(net2d.features[3], t)
        self.head = net2d.head

    def pad_time(self, x):
        p = self.t // 2
        return torch.cat([x[:, :, :1]] * p + [x] + [x[:, :, -1:]] * p, dim=2)

    def forward(self, clip):  # (N, T, H, W)
        x = clip.unsqueeze(1)
        x = F.max_pool3d(F.relu(self.conv1(self.pad_time(x))), (1, 2, 2))
        x = F.relu(self.conv2(self.pad_time(x)))
        return self.head(x.mean(dim=(2, 3, 4)))


net2d = models["单帧 2-D"].eval()
net3d = Inflated3D(net2d, t=3).eval()
frames = views["single"][1][:200]  # (200, 1, H, W)
boring = frames.repeat(1, T, 1, 1)  # the same frame T times: (200, T, H, W)
with torch.no_grad():
    out2d = net2d.features[0](frames)  # first layer, 2-D
    out3d = net3d.conv1(net3d.pad_time(boring.unsqueeze(1)))  # first layer, 3-D: (200, C1, T, H, W)
    logits2d, logits3d = net2d(frames), net3d(boring)
layer_err = (out3d - out2d.unsqueeze(2)).abs().max().item()
logit_err = (logits3d - logits2d).abs().max().item()
print(f"inflated kernel shape: {tuple(net3d.conv1.weight.shape)} (from {tuple(net2d.features[0].weight.shape)})")
print(f"max |3-D − 2-D| on boring video: first layer {layer_err:.2e}, logits {logit_err:.2e}")
assert torch.allclose(out3d, out2d.unsqueeze(2).expand_as(out3d), atol=1e-5)
assert torch.allclose(logits3d, logits2d, atol=1e-4)

with torch.no_grad():
    moving_acc = net3d(x_test).argmax(dim=1).eq(y_test).float().mean().item()
print(f"inflated net on real (moving) test clips: accuracy {moving_acc:.3f} — inflation copies what the 2-D net knows, no more")

# %% [markdown]
# 膨胀后的网络在静止视频上和原网络一模一样，但它对运动方向仍然一无所知：膨胀只是一个好的起点，
# 学会运动要靠在视频上继续训练。
#
# ### 6. 参数量与计算量：2-D、3-D 与 (2+1)-D
#
# 取一个典型的中间层：输入输出都是 64 个通道，输入 8 帧、每帧 28×28，卷积核空间大小 3×3，时间宽度 3。
# (2+1)-D 卷积先做 $1\times3\times3$ 的空间卷积（输出 $M$ 个通道），再做 $3\times1\times1$ 的时间卷积；
# R(2+1)D 论文按 $M=\lfloor t d^2 N_{i-1}N_i/(d^2N_{i-1}+tN_i)\rfloor$ 选 $M$，使参数量与 3-D 卷积相当。
# 乘加次数用 PyTorch 的 `FlopCounterMode` 实测（它把一次乘加记为 2 次浮点运算）。

# %%
c_in = c_out = 64
t_k, d_k, T_in, H_in = 3, 3, 8, 28
M = (t_k * d_k**2 * c_in * c_out) // (d_k**2 * c_in + t_k * c_out)
layers = {
    "2-D 3×3（逐帧）": nn.Conv2d(c_in, c_out, d_k, padding=1, bias=False),
    "3-D 3×3×3": nn.Conv3d(c_in, c_out, (t_k, d_k, d_k), padding=1, bias=False),
    f"(2+1)-D，M={M}": nn.Sequential(
        nn.Conv3d(c_in, M, (1, d_k, d_k), padding=(0, 1, 1), bias=False),
        nn.Conv3d(M, c_out, (t_k, 1, 1), padding=(1, 0, 0), bias=False),
    ),
}
inputs = {
    "2-D 3×3（逐帧）": torch.zeros(T_in, c_in, H_in, H_in),  # the T frames as a batch
    "3-D 3×3×3": torch.zeros(1, c_in, T_in, H_in, H_in),
    f"(2+1)-D，M={M}": torch.zeros(1, c_in, T_in, H_in, H_in),
}
counts = {}
for name, layer in layers.items():
    with FlopCounterMode(display=False) as fc, torch.no_grad():
        layer(inputs[name])
    counts[name] = (n_params(layer), fc.get_total_flops() // 2)
    print(f"{name:<16} params {counts[name][0]:>8,}   multiply-adds {counts[name][1] / 1e6:>7.1f} M")

p2, m2 = counts["2-D 3×3（逐帧）"]
p3, m3 = counts["3-D 3×3×3"]
p21, m21 = counts[f"(2+1)-D，M={M}"]
assert p2 == c_in * c_out * d_k**2 and p3 == t_k * p2  # 3-D = t times the 2-D kernel
assert m3 == t_k * m2 == T_in * H_in * H_in * c_out * c_in * t_k * d_k**2
assert abs(p21 - p3) / p3 < 0.01, (p21, p3)  # R(2+1)D chooses M to match the parameter count
print(f"M = {M}; (2+1)-D / 3-D parameters = {p21 / p3:.4f}, ReLU layers between them: 1 -> 2")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
names = list(counts)
axes[0].bar(names, [counts[n][0] / 1e3 for n in names], color=["#4C72B0", "#DD8452", "#55A868"])
axes[0].set(ylabel="参数量（千）", title="一层卷积的参数量")
axes[1].bar(names, [counts[n][1] / 1e6 for n in names], color=["#4C72B0", "#DD8452", "#55A868"])
axes[1].set(ylabel="乘加次数（百万）", title="8 帧 28×28 输入的计算量")
for ax in axes:
    ax.tick_params(axis="x", labelsize=9)
fig.tight_layout()
plt.show()

print(f"total notebook time: {time.perf_counter() - t_start:.1f} s")
