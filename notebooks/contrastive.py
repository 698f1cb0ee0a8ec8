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
# 本 notebook 在 sklearn 自带的 8×8 手写数字上从零实现一个 SimCLR 风格的对比学习：
# 先用 PyTorch 的张量运算写出数据增强（随机仿射、遮挡、噪声），看同一张图的两个视图；
# 再从零写 NT-Xent（InfoNCE）损失，和逐个样本的循环写法对照到 $10^{-6}$，并看温度怎样改变损失；
# 然后只用训练集的**图像**（不用标签）训练一个小卷积编码器加投影头；最后冻结编码器，
# 用少量标签训练线性探针（linear probe），和随机初始化的编码器、原始像素、
# 同结构的有监督小样本模型比较，并检查投影头之前和之后的表示哪个更好。
# 所有随机性都来自固定种子，数据增强和打乱顺序用带种子的 `torch.Generator`。

# %%
import math
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
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import TSNE
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads only add overhead
torch.manual_seed(0)
start_time = time.time()

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixel values 0..16 -> 0..1
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
Xtr = torch.tensor(X_train, dtype=torch.float32).view(-1, 1, 8, 8)
Xte = torch.tensor(X_test, dtype=torch.float32).view(-1, 1, 8, 8)
print(f"train images: {len(Xtr)} (labels NOT used for pre-training), test images: {len(Xte)}")

# %% [markdown]
# ### 1. 数据增强：同一张图的两个视图
#
# 对比学习的“正样本对”就是同一张图经过两次独立随机增强得到的两个视图。这里的增强全部用张量运算
# 成批完成：
#
# - 随机仿射：旋转 ±15°、缩放 0.9–1.1、平移 ±1.5 像素，用 `F.affine_grid` + `F.grid_sample` 双线性插值；
# - 随机遮挡（erasing）：以 0.5 的概率把一个 3×3 的方块置 0；
# - 加性高斯噪声，标准差 0.1。
#
# 8×8 的图太小，SimCLR 论文里最重要的“随机裁剪再放大”在这里用平移加缩放代替。


# %%
def augment(x, gen, max_deg=15.0, max_scale=0.1, max_shift_px=1.5, erase_p=0.5, noise=0.1):
    """Random affine + random 3x3 erasing + Gaussian noise, for a batch x of shape (n, 1, 8, 8)."""
    n, _, h, w = x.shape
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(max_deg)
    scale = 1 + (torch.rand(n, generator=gen) * 2 - 1) * max_scale
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 * max_shift_px / w)  # image spans [-1, 1]
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )  # (n, 2, 3): maps output coordinates to input coordinates
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    # random erasing of one 3x3 square
    r0 = torch.randint(0, h - 2, (n, 1, 1), generator=gen)
    c0 = torch.randint(0, w - 2, (n, 1, 1), generator=gen)
    rows, cols = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
    square = (rows >= r0) & (rows < r0 + 3) & (cols >= c0) & (cols < c0 + 3)
    square &= torch.rand(n, 1, 1, generator=gen) < erase_p
    out = out.masked_fill(square.unsqueeze(1), 0.0)
    return out + noise * torch.randn(out.shape, generator=gen)


gen_show = torch.Generator().manual_seed(1)
show_idx = [int(np.where(y_train == k)[0][0]) for k in range(8)]
originals = Xtr[show_idx]
view_a, view_b = augment(originals, gen_show), augment(originals, gen_show)

fig, axes = plt.subplots(3, 8, figsize=(9, 3.6))
for j in range(8):
    for i, (img, name) in enumerate([(originals, "原图"), (view_a, "视图 1"), (view_b, "视图 2")]):
        axes[i, j].imshow(img[j, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[i, j].set_xticks([])
        axes[i, j].set_yticks([])
        if j == 0:
            axes[i, j].set_ylabel(name)
fig.suptitle("同一张图的两次随机增强构成一个正样本对")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 从零实现 NT-Xent（InfoNCE）损失
#
# 一批 $N$ 张图，每张得到两个视图，共 $2N$ 个向量 $z_1,\dots,z_{2N}$，第 $k$ 个和第 $k+N$ 个互为正样本。
# 先做 L2 归一化，相似度 $s_{ij}=z_i^\top z_j$（余弦相似度）。对锚点 $i$ 和它的正样本 $p(i)$：
#
# $$\ell_i=-\log\frac{\exp(s_{i,p(i)}/\tau)}{\sum_{k\ne i}\exp(s_{ik}/\tau)},$$
#
# 损失是 $2N$ 个 $\ell_i$ 的平均。向量化写法把 $s/\tau$ 当成 logits、对角线设为 $-\infty$（排除自己），
# 目标“类别”是正样本的下标，于是整件事就是一次 `F.cross_entropy`。下面再写一个逐个锚点的双重循环版本，
# 用 float64 比较两者。


# %%
def nt_xent(z1, z2, tau):
    """Vectorised NT-Xent: z1[k] and z2[k] are the two views of image k."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = z @ z.T / tau
    self_mask = torch.eye(2 * n, dtype=torch.bool)
    logits = logits.masked_fill(self_mask, float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(logits, target)


def nt_xent_loop(z1, z2, tau):
    """Reference implementation: one anchor at a time, written as in the formula."""
    z = torch.cat([z1, z2])
    z = z / z.norm(dim=1, keepdim=True)
    two_n, n = z.shape[0], z1.shape[0]
    total = 0.0
    for i in range(two_n):
        pos = (i + n) % two_n
        denom = sum(math.exp(float(z[i] @ z[k]) / tau) for k in range(two_n) if k != i)
        total += -math.log(math.exp(float(z[i] @ z[pos]) / tau) / denom)
    return total / two_n


gen_check = torch.Generator().manual_seed(2)
za = torch.randn(16, 32, generator=gen_check, dtype=torch.float64)
zb = za + 0.5 * torch.randn(16, 32, generator=gen_check, dtype=torch.float64)
for tau in (0.1, 0.5, 1.0):
    fast, slow = nt_xent(za, zb, tau).item(), nt_xent_loop(za, zb, tau)
    print(f"tau={tau}: vectorised {fast:.8f}   loop {slow:.8f}")
    assert abs(fast - slow) < 1e-6

# %% [markdown]
# 温度 $\tau$ 决定 softmax 有多“尖”。取一批 $N=64$ 个 32 维随机向量作锚点，构造两种正样本：
# “对齐”的正样本是锚点加一点噪声（余弦相似度高），“随机”的正样本和锚点毫无关系。
# 灰色虚线是 $\log(2N-1)$：所有相似度都相等时（完全分不出正负）的损失。

# %%
n_demo = 64
za = torch.randn(n_demo, 32, generator=gen_check)
z_aligned = za + 0.3 * torch.randn(n_demo, 32, generator=gen_check)
z_random = torch.randn(n_demo, 32, generator=gen_check)
taus = np.geomspace(0.02, 5, 40)
loss_aligned = [nt_xent(za, z_aligned, t).item() for t in taus]
loss_random = [nt_xent(za, z_random, t).item() for t in taus]
chance = math.log(2 * n_demo - 1)
for t in (0.05, 0.2, 1.0):
    print(f"tau={t}: aligned {nt_xent(za, z_aligned, t).item():.3f}, random {nt_xent(za, z_random, t).item():.3f}")
print(f"log(2N-1) = {chance:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.8))
ax.plot(taus, loss_aligned, label="正样本对齐（锚点 + 小噪声）")
ax.plot(taus, loss_random, label="正样本随机（和锚点无关）")
ax.axhline(chance, color="gray", ls="--", label=r"$\log(2N-1)$")
ax.set_xscale("log")
ax.set_xlabel(r"温度 $\tau$")
ax.set_ylabel("NT-Xent 损失")
ax.set_title("同一批向量，温度越低，好坏两种情形的损失差得越远")
ax.legend()
fig.tight_layout()
plt.show()
assert nt_xent(za, z_aligned, 0.05).item() < 0.1 < chance < nt_xent(za, z_random, 0.05).item()


# %% [markdown]
# ### 3. 在无标签图像上训练 SimCLR
#
# 编码器 $f$ 是一个小卷积网络：两层 3×3 卷积、2×2 最大池化、再一层卷积，展平后接一个全连接层，
# 输出 128 维表示 $h$。投影头 $g$ 是 128→128→32 的两层感知机，输出 $z=g(h)$，损失只在 $z$ 上算。
# 批大小 256（每步 510 个负样本），温度 $\tau=0.2$，Adam 学习率 $10^{-3}$，训练 30 轮。
# 注意训练循环里**没有** `y_train`。

# %%
class Encoder(nn.Module):
    def __init__(self, dim=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(32 * 4 * 4, dim), nn.ReLU(),
        )  # fmt: skip

    def forward(self, x):
        return self.net(x)


def make_head():
    return nn.Sequential(nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 32))


torch.manual_seed(0)
encoder, head = Encoder(), make_head()
random_encoder = Encoder()
random_encoder.load_state_dict(encoder.state_dict())  # same initial weights, never trained
init_state = {k: v.clone() for k, v in encoder.state_dict().items()}

TAU, BATCH, EPOCHS = 0.2, 256, 80
opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=1e-3)
gen_train = torch.Generator().manual_seed(0)
losses = []
t0 = time.time()
for epoch in range(EPOCHS):
    perm = torch.randperm(len(Xtr), generator=gen_train)
    for i in range(0, len(Xtr) - BATCH + 1, BATCH):  # drop the last incomplete batch
        xb = Xtr[perm[i : i + BATCH]]
        z1 = head(encoder(augment(xb, gen_train)))
        z2 = head(encoder(augment(xb, gen_train)))
        loss = nt_xent(z1, z2, TAU)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
print(f"SimCLR: {EPOCHS} epochs, {len(losses)} steps in {time.time() - t0:.1f} s")
print(f"loss: first step {losses[0]:.3f}, mean of last 4 steps {np.mean(losses[-4:]):.3f}, "
      f"log(2N-1) = {math.log(2 * BATCH - 1):.3f}")  # fmt: skip

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(losses, lw=1)
ax.axhline(math.log(2 * BATCH - 1), color="gray", ls="--", label=r"$\log(2N-1)$：完全分不出正负")
ax.set_xlabel("训练步")
ax.set_ylabel("NT-Xent 损失")
ax.set_title("SimCLR 训练损失（没有用任何标签）")
ax.legend()
fig.tight_layout()
plt.show()
assert np.mean(losses[-4:]) < losses[0] - 0.5

# %% [markdown]
# ### 4. 线性探针：冻结编码器，只训练一个逻辑回归
#
# 评价表示的标准做法是线性探针：编码器不再更新，把每张图变成表示 $h$，在上面训练一个（标准化后的）
# 多类逻辑回归，看测试准确率。标签数量取每类 2、5、10、20 张和全部训练集；少标签时随机抽 3 次取平均。
# 对照组：
#
# - 随机编码器：结构相同、权重停在初始化；
# - 原始像素：直接在 64 个像素上做逻辑回归；
# - 投影头之后的 $z$：同一个 SimCLR 模型，但用 $g(h)$ 而不是 $h$。


# %%
def features(module, x):
    module.eval()
    with torch.no_grad():
        return module(x).numpy()


def probe(f_train, f_test, per_class, n_repeats=3):
    """Mean test accuracy of a logistic regression trained on per_class labels per class (None: all labels)."""
    if per_class is None:
        subsets = [np.arange(len(y_train))]
    else:
        subsets = []
        for seed in range(n_repeats):
            r = np.random.default_rng(seed)
            subsets.append(np.concatenate([r.choice(np.where(y_train == k)[0], per_class, replace=False) for k in range(10)]))
    accs = []
    for idx in subsets:
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        clf.fit(f_train[idx], y_train[idx])
        accs.append(clf.score(f_test, y_test))
    return float(np.mean(accs))


reps = {
    "SimCLR 编码器 h": (features(encoder, Xtr), features(encoder, Xte)),
    "SimCLR 投影头后 z": (features(nn.Sequential(encoder, head), Xtr), features(nn.Sequential(encoder, head), Xte)),
    "随机编码器": (features(random_encoder, Xtr), features(random_encoder, Xte)),
    "原始像素": (X_train, X_test),
}
label_counts = [2, 5, 10, 20, None]
results = {name: [probe(ftr, fte, k) for k in label_counts] for name, (ftr, fte) in reps.items()}
print("labels/class " + "".join(f"{str(k or 'all'):>8}" for k in label_counts))
for name, accs in results.items():
    print(f"{name:<14}" + "".join(f"{a:8.3f}" for a in accs))

# %% [markdown]
# 再训练一个有监督的对照：同样的编码器结构（同样的初始权重）接一个线性分类层，只用每类 10 张带标签的图
# 从头训练，训练时也用同样的数据增强，这样它和 SimCLR 见到的“变化”一样多，差别只在于 SimCLR
# 额外看过了全部无标签图像。用和探针相同的 3 个标签子集，各训练 200 步（全批量，Adam，学习率 0.01），取平均。


# %%
def supervised_small(per_class, seed, steps=200):
    r = np.random.default_rng(seed)
    idx = np.concatenate([r.choice(np.where(y_train == k)[0], per_class, replace=False) for k in range(10)])
    enc = Encoder()
    enc.load_state_dict(init_state)
    model = nn.Sequential(enc, nn.Linear(128, 10))
    opt_sup = torch.optim.Adam(model.parameters(), lr=1e-2)
    gen_sup = torch.Generator().manual_seed(seed)
    xs, ys = Xtr[idx], torch.tensor(y_train[idx])
    model.train()
    for _ in range(steps):  # full batch of 100 labelled images
        loss = F.cross_entropy(model(augment(xs, gen_sup)), ys)
        opt_sup.zero_grad()
        loss.backward()
        opt_sup.step()
    model.eval()
    with torch.no_grad():
        return (model(Xte).argmax(1).numpy() == y_test).mean()


t0 = time.time()
sup_acc = {k: float(np.mean([supervised_small(k, s) for s in range(3)])) for k in (10,)}
print(f"supervised, same architecture, trained from scratch ({time.time() - t0:.1f} s):")
for k, a in sup_acc.items():
    print(f"  {k} labels/class: {a:.3f}   SimCLR probe: {results['SimCLR 编码器 h'][label_counts.index(k)]:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
xpos = np.arange(len(label_counts))
styles = {"SimCLR 编码器 h": "o-", "SimCLR 投影头后 z": "s--", "随机编码器": "^-", "原始像素": "d-"}
for name, accs in results.items():
    ax.plot(xpos, accs, styles[name], label=f"线性探针：{name}")
ax.plot([2], [sup_acc[10]], "k*", ms=11, label="有监督，从头训练（同结构，每类 10 张）")
ax.set_xticks(xpos, ["2", "5", "10", "20", "全部"])
ax.set_xlabel("每类带标签的图像数")
ax.set_ylabel("测试准确率")
ax.set_title("标签越少，SimCLR 预训练的好处越大")
ax.legend(fontsize=9)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

simclr_h, simclr_z, rand_acc, raw_acc = (results[k] for k in reps)
i10 = label_counts.index(10)
for i in range(4):  # 2, 5, 10, 20 labels per class: SimCLR clearly beats the random encoder and raw pixels
    assert simclr_h[i] > rand_acc[i] + 0.03, (simclr_h[i], rand_acc[i])
    assert simclr_h[i] > raw_acc[i] + 0.02, (simclr_h[i], raw_acc[i])
# the supervised model with the same augmentations is about as good as the SimCLR probe here (no winner asserted)
assert abs(simclr_h[i10] - sup_acc[10]) < 0.04 and sup_acc[10] > rand_acc[i10]
assert min(simclr_h[-1], rand_acc[-1], raw_acc[-1]) > 0.95  # with all labels everything is close

# %% [markdown]
# 标签少时，SimCLR 表示明显好于随机编码器和原始像素，这是 assert 检查的结论。和有监督对照相比则要老实：
# 同样结构、同样增强、每类 10 张标签从头训练的网络，和只训练了一个线性层的 SimCLR 探针几乎打平。
# 8×8 数字很简单，100 个标签加强增强已经够一个小网络学得不错；标签全部用上时，四种做法都在 0.97 上下。

# %% [markdown]
# ### 5. 表示长什么样：对齐性与均匀性
#
# Wang 和 Isola 把对比损失拆成两种性质：**对齐性**（alignment），正样本对归一化后的距离平方
# $\mathbb E\lVert f(x)-f(x^+)\rVert^2$，越小越好；**均匀性**（uniformity），
# $\log \mathbb E\, e^{-2\lVert f(x)-f(y)\rVert^2}$（$x,y$ 是任意两张图），越小说明表示在单位球面上铺得越开。
# 在测试集上比较随机编码器和 SimCLR 编码器（都取归一化后的 $h$），再用 t-SNE 把 $h$ 画到平面上，按真实类别着色
# （标签只用于着色）。

# %%
def align_uniform(module, x, gen):
    module.eval()
    with torch.no_grad():
        f1 = F.normalize(module(augment(x, gen)), dim=1)
        f2 = F.normalize(module(augment(x, gen)), dim=1)
        f = F.normalize(module(x), dim=1)
    align = (f1 - f2).pow(2).sum(1).mean().item()
    uniform = torch.pdist(f).pow(2).mul(-2).exp().mean().log().item()
    return align, uniform


a_rand, u_rand = align_uniform(random_encoder, Xte, torch.Generator().manual_seed(3))
a_sim, u_sim = align_uniform(encoder, Xte, torch.Generator().manual_seed(3))
print(f"random encoder  alignment {a_rand:.3f}   uniformity {u_rand:.3f}")
print(f"SimCLR encoder  alignment {a_sim:.3f}   uniformity {u_sim:.3f}")
assert u_sim < u_rand - 0.5  # SimCLR spreads the representations out much more

fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
for ax, (name, key) in zip(axes, [("随机编码器", "随机编码器"), ("SimCLR 编码器", "SimCLR 编码器 h")]):
    emb = TSNE(n_components=2, init="pca", perplexity=30, random_state=0).fit_transform(reps[key][1])
    ax.scatter(emb[:, 0], emb[:, 1], c=y_test, cmap="tab10", s=8)
    for k in range(10):
        cx, cy = np.median(emb[y_test == k], axis=0)
        ax.text(cx, cy, str(k), fontsize=13, ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.7))  # fmt: skip
    ax.set_title(f"{name}的表示 h（t-SNE，测试集）")
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 投影头之前还是之后？
#
# 把第 4 节表格里 $h$ 和 $z$ 两行单独拿出来比较。SimCLR 论文发现投影头之前的表示 $h$ 做线性探针更好，
# 而且好 10% 以上。这里的结果如下（数字和上面的表格相同）：标签多时 $h$ 更好，方向一致但差距小得多；
# 每类只有 2 张标签时反而是 32 维的 $z$ 更好。小模型、小图像上的结论不一定和 ImageNet 上一样。

# %%
for k, a_h, a_z in zip(label_counts, simclr_h, simclr_z):
    print(f"{str(k or 'all'):>4} labels/class: h {a_h:.3f}   z {a_z:.3f}   h - z {a_h - a_z:+.3f}")
assert simclr_h[-1] > simclr_z[-1] + 0.005  # all labels: h is better than z
assert simclr_z[0] > simclr_h[0]  # 2 labels per class: z is better than h in this run
print(f"total time: {time.time() - start_time:.1f} s")
