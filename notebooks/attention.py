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
# ### 1. 准备数据：把人写的日期翻译成 ISO 格式
#
# 用 faker 随机抽取日期，再用 babel 按不同语言（英、德、法）和不同格式写出来，目标是 `YYYY-MM-DD`。
# 输入统一转成小写。10,000 对用于训练，另外 2,000 对只用于测试。所有随机数都固定了种子。

# %%
import random
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
from babel.dates import format_date
from faker import Faker
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
Faker.seed(0)
fake = Faker()

FORMATS = ["short", "medium", "long", "full", "d MMM yyyy", "dd.MM.yy", "EEEE, d MMMM yyyy", "MMMM d, yyyy", "d/M/yyyy"]
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR"]


def make_pair():
    date = fake.date_between(start_date="-60y", end_date="+20y")
    text = format_date(date, format=random.choice(FORMATS), locale=random.choice(LOCALES))
    return text.lower(), date.isoformat()


pairs = [make_pair() for _ in range(12000)]
for human, iso in pairs[:6]:
    print(f"{human:<36} -> {iso}")

# %%
PAD, SOS = 0, 1
in_chars = sorted({c for h, _ in pairs for c in h})
out_chars = sorted({c for _, iso in pairs for c in iso})
in_vocab = {c: i + 1 for i, c in enumerate(in_chars)}
out_vocab = {c: i + 2 for i, c in enumerate(out_chars)}
out_itos = {i: c for c, i in out_vocab.items()}
MAX_IN = max(len(h) for h, _ in pairs)
OUT_LEN = 10


def encode(pairs_):
    x = torch.zeros(len(pairs_), MAX_IN, dtype=torch.long)
    y = torch.zeros(len(pairs_), OUT_LEN, dtype=torch.long)
    for i, (h, iso) in enumerate(pairs_):
        x[i, : len(h)] = torch.tensor([in_vocab[c] for c in h])
        y[i] = torch.tensor([out_vocab[c] for c in iso])
    return x, y


x_train, y_train = encode(pairs[:10000])
x_test, y_test = encode(pairs[10000:])
print(f"input vocab {len(in_vocab)}, output vocab {len(out_vocab)}, max input length {MAX_IN}")


# %% [markdown]
# ### 2. 模型：编码器、加性注意力和解码器
#
# 编码器是双向 GRU，给出每个输入位置的状态 $h_i$。`AdditiveAttention` 实现
# $e_{t,i} = v^\top \tanh(W_s s_{t-1} + W_h h_i)$，屏蔽填充位置后做 softmax，再对 $h_i$ 加权求和。
# 解码器每一步把上一个输出字符和上下文向量送进 `GRUCell`。`use_attention=False` 时，
# 上下文固定为全部 $h_i$ 的平均值，作为对照组。两个模型都训练同样的步数，然后用贪心解码在测试集上计算
# “10 个字符全部正确”的比例。

# %%
class Encoder(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab + 1, 32, padding_idx=PAD)
        self.rnn = nn.GRU(32, hidden, batch_first=True, bidirectional=True)

    def forward(self, x):
        states, _ = self.rnn(self.embed(x))
        return states  # (batch, T, 2*hidden)


class AdditiveAttention(nn.Module):
    def __init__(self, query_dim, key_dim, hidden):
        super().__init__()
        self.w_q = nn.Linear(query_dim, hidden, bias=False)
        self.w_k = nn.Linear(key_dim, hidden, bias=False)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, query, keys, projected_keys, mask):
        scores = self.v(torch.tanh(self.w_q(query).unsqueeze(1) + projected_keys)).squeeze(-1)
        scores = scores.masked_fill(~mask, -1e9)
        weights = torch.softmax(scores, dim=-1)
        context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
        return context, weights


class Decoder(nn.Module):
    def __init__(self, vocab, hidden, key_dim, use_attention=True):
        super().__init__()
        self.use_attention = use_attention
        self.embed = nn.Embedding(vocab + 2, 32)
        self.cell = nn.GRUCell(32 + key_dim, hidden)
        self.attention = AdditiveAttention(hidden, key_dim, hidden)
        self.out = nn.Linear(hidden + key_dim, vocab + 2)

    def forward(self, keys, mask, targets):
        batch = keys.shape[0]
        state = keys.mean(dim=1)[:, : self.cell.hidden_size].contiguous()
        token = torch.full((batch,), SOS, dtype=torch.long)
        fixed_context = (keys * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        projected_keys = self.attention.w_k(keys)  # computed once, reused at every step
        logits, all_weights = [], []
        for t in range(OUT_LEN):
            if self.use_attention:
                context, weights = self.attention(state, keys, projected_keys, mask)
                all_weights.append(weights)
            else:
                context = fixed_context
            state = self.cell(torch.cat([self.embed(token), context], dim=-1), state)
            step = self.out(torch.cat([state, context], dim=-1))
            logits.append(step)
            token = targets[:, t] if targets is not None else step.argmax(-1)
        weights = torch.stack(all_weights, 1) if all_weights else None
        return torch.stack(logits, 1), weights


class Seq2Seq(nn.Module):
    def __init__(self, use_attention=True, hidden=64):
        super().__init__()
        self.encoder = Encoder(len(in_vocab), hidden)
        self.decoder = Decoder(len(out_vocab), hidden, 2 * hidden, use_attention)

    def forward(self, x, targets=None):
        return self.decoder(self.encoder(x), x != PAD, targets)


def train(model, steps, batch=128, lr=3e-3):
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    gen = torch.Generator().manual_seed(0)
    for step in range(steps):
        idx = torch.randint(0, len(x_train), (batch,), generator=gen)
        logits, _ = model(x_train[idx], y_train[idx])
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y_train[idx].reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        losses.append(loss.item())
    return losses


STEPS = 300


@torch.no_grad()
def exact_match(model):
    logits, _ = model(x_test)
    return (logits.argmax(-1) == y_test).all(dim=1).float().mean().item()


start = time.time()
model = Seq2Seq(use_attention=True)
losses = train(model, STEPS, batch=64)
acc = exact_match(model)
print(f"with attention:    exact match {acc:.3f} on {len(x_test)} held-out dates ({time.time() - start:.1f} s)")

start = time.time()
baseline = Seq2Seq(use_attention=False)
base_losses = train(baseline, STEPS, batch=64)
base_acc = exact_match(baseline)
print(f"without attention: exact match {base_acc:.3f} with the same budget ({time.time() - start:.1f} s)")
assert acc > 0.9, acc
assert acc > base_acc, (acc, base_acc)

# %% [markdown]
# ### 3. 训练曲线
#
# 两个模型的编码器、解码器和训练步数完全相同，唯一的区别是解码器每一步拿到的上下文向量：
# 一个按注意力权重对编码器状态加权，一个始终使用所有状态的平均值。

# %%
def smooth(values, k=15):
    return np.convolve(values, np.ones(k) / k, mode="valid")


fig, ax = plt.subplots(figsize=(7, 3.4))
ax.plot(smooth(losses), label=f"有注意力（测试完全正确率 {acc:.1%}）")
ax.plot(smooth(base_losses), label=f"无注意力，固定上下文（{base_acc:.1%}）")
ax.set_xlabel("训练步数")
ax.set_ylabel("交叉熵损失（滑动平均）")
ax.set_yscale("log")
ax.set_title("同样的训练预算，注意力模型学得更快")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 看看模型在“看”哪里
#
# 热力图的每一行是一个输出字符，每一列是一个输入字符，颜色是注意力权重 $\alpha_{t,i}$。
# 生成年份的数字时，权重集中在输入里的年份上；生成月份时，集中在月份的单词或数字上。

# %%
@torch.no_grad()
def translate(text):
    x, _ = encode([(text, "0000-00-00")])
    logits, weights = model(x)
    output = "".join(out_itos[i] for i in logits.argmax(-1)[0].tolist())
    return output, weights[0, :, : len(text)].numpy()


examples = ["saturday, 21 march 2026", "3/11/1987"]
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), gridspec_kw={"width_ratios": [len(e) for e in examples]})
for ax, text in zip(axes, examples):
    output, weights = translate(text)
    ax.imshow(weights, cmap="Blues", aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(len(text)), list(text), fontsize=8)
    ax.set_yticks(range(len(output)), list(output), fontsize=9)
    ax.set_xlabel("输入字符")
    ax.set_title(f"{text} → {output}", fontsize=10)
axes[0].set_ylabel("输出字符")
fig.tight_layout()
plt.show()

for text in examples + ["1 janvier 2001", "montag, 7. mai 1990"]:
    print(f"{text:<28} -> {translate(text)[0]}")
assert translate("saturday, 21 march 2026")[0] == "2026-03-21"
