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
# 本 notebook 分四步：先把 LSTM 和 GRU 的单元结构画出来；再用几行张量运算从零写一个 LSTM 单元（和 GRU 单元），
# 把 `nn.LSTM` 的权重拷过来，确认两者的输出完全一致；然后在 faker 自带的德语名字上训练一个字符级名字生成器；
# 最后在“加法问题”上比较普通 RNN、LSTM 和 GRU 记住远处信息的能力。所有模型都很小，整个 notebook 在 2 核 CPU 上
# 半分钟左右跑完。数据都来自已安装的包或由代码生成，不需要联网。

# %%
import random
import re
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
from faker.providers.person.de_DE import Provider as GermanNames
from matplotlib import font_manager, patheffects
from matplotlib.patches import Circle, FancyBboxPatch

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
torch.set_num_threads(1)  # the models are tiny: one thread is faster than two fighting over small matrices
notebook_start = time.time()

# %% [markdown]
# ### 1. 把两个单元画出来
#
# 下面两张图是本课“原理”一节公式的示意。粗的横线是跨时间步传递的状态：LSTM 里是记忆单元 $c$，
# GRU 里是隐藏状态 $h$。方框是带激活函数的线性层（σ 表示 sigmoid，输出 0 到 1 之间的“门”），
# 圆圈是逐元素运算：⊗ 是逐元素相乘，⊕ 是逐元素相加。底部的细线把 $h_{t-1}$ 和 $x_t$ 一起送进每个方框。

# %%
STATE, WIRE = "#1d3557", "#555555"
GATE, TANH = "#f4a261", "#8ecae6"


def box(ax, x, y, text, color, label=None, w=0.9, h=0.6):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                fc=color, ec="#333333", lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=4)
    if label:
        ax.text(x, y - h / 2 - 0.1, label, ha="center", va="top", fontsize=10, color="#333333", zorder=4,
                bbox=dict(fc="#f6f6f6", ec="none", pad=1.5))


def op(ax, x, y, symbol, r=0.22):
    ax.add_patch(Circle((x, y), r, fc="white", ec="#333333", lw=1.2, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=13, zorder=4)


def wire(ax, points, color=WIRE, lw=1.6, arrow=True, bridge=False, z=1):
    xs, ys = zip(*points)
    effects = [patheffects.withStroke(linewidth=lw + 5, foreground="white")] if bridge else None
    ax.plot(xs[:-1] + (xs[-1],), ys, color=color, lw=lw, solid_capstyle="butt", zorder=z, path_effects=effects)
    if arrow:
        ax.annotate("", xy=points[-1], xytext=points[-2], zorder=z + 0.5,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, mutation_scale=14, shrinkA=0, shrinkB=0))


def frame(ax, title):
    ax.add_patch(FancyBboxPatch((0.5, 0.35), 9.0, 4.85, boxstyle="round,pad=0.05,rounding_size=0.3",
                                fc="#f6f6f6", ec="#bbbbbb", lw=1, zorder=0))
    ax.set_xlim(-0.4, 10.6)
    ax.set_ylim(-0.6, 5.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=13)


R = 0.22
fig, ax = plt.subplots(figsize=(8.5, 4.9))
frame(ax, "LSTM 单元：记忆单元 c 沿粗线流过，只经过一次逐元素乘和一次逐元素加")
# cell state line: c_{t-1} -> (x f) -> (+ i*g) -> c_t
wire(ax, [(-0.2, 4.6), (2.4 - R, 4.6)], STATE, lw=3.5, arrow=False)
wire(ax, [(2.4 + R, 4.6), (5.0 - R, 4.6)], STATE, lw=3.5, arrow=False)
wire(ax, [(5.0 + R, 4.6), (10.3, 4.6)], STATE, lw=3.5)
ax.text(-0.2, 4.85, "$c_{t-1}$", fontsize=13, ha="left")
ax.text(10.3, 4.85, "$c_t$", fontsize=13, ha="right")
op(ax, 2.4, 4.6, "×")
op(ax, 5.0, 4.6, "+")
# input bus: h_{t-1} and x_t
wire(ax, [(-0.2, 0.9), (7.2, 0.9)], WIRE, arrow=False)
ax.text(-0.2, 1.05, "$h_{t-1}$", fontsize=13, ha="left", va="bottom")
wire(ax, [(1.2, -0.45), (1.2, 0.9)], WIRE, arrow=False)
ax.text(1.35, -0.45, "$x_t$", fontsize=13, ha="left", va="bottom")
for x in (2.4, 3.8, 5.0, 7.2):
    wire(ax, [(x, 0.9), (x, 1.7)])
box(ax, 2.4, 2.0, "σ", GATE, "遗忘门 $f_t$")
box(ax, 3.8, 2.0, "σ", GATE, "输入门 $i_t$")
box(ax, 5.0, 2.0, "tanh", TANH, "候选 $g_t$")
box(ax, 7.2, 2.0, "σ", GATE, "输出门 $o_t$")
wire(ax, [(2.4, 2.3), (2.4, 4.6 - R)])
wire(ax, [(3.8, 2.3), (3.8, 3.4), (5.0 - R, 3.4)])
op(ax, 5.0, 3.4, "×")
wire(ax, [(5.0, 2.3), (5.0, 3.4 - R)])
wire(ax, [(5.0, 3.4 + R), (5.0, 4.6 - R)])
# output: h_t = o * tanh(c_t)
wire(ax, [(8.4, 4.6), (8.4, 3.7)])
box(ax, 8.4, 3.4, "tanh", TANH, w=0.8, h=0.5)
wire(ax, [(8.4, 3.15), (8.4, 2.0 + R)])
op(ax, 8.4, 2.0, "×")
wire(ax, [(7.2 + 0.45, 2.0), (8.4 - R, 2.0)])
wire(ax, [(8.4, 2.0 - R), (8.4, 0.9), (10.3, 0.9)])
ax.text(10.3, 1.05, "$h_t$", fontsize=13, ha="right", va="bottom")
ax.text(3.7, 5.0, "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$", fontsize=11, ha="center", color=STATE)
fig.tight_layout()
plt.show()

# %% [markdown]
# GRU 没有单独的记忆单元，隐藏状态 $h$ 自己走在粗线上。更新门 $z_t$ 在“保留旧状态”和“换成候选状态 $n_t$”之间插值，
# 重置门 $r_t$ 决定算候选状态时看多少旧状态。插值按 PyTorch 的约定：$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$。
# 为了画得简单，图中把重置门画成先乘旧状态；PyTorch 实际上把它乘在 $W_{hn} h_{t-1} + b_{hn}$ 上，第 2 节的代码按后者实现。

# %%
fig, ax = plt.subplots(figsize=(8.5, 4.9))
frame(ax, "GRU 单元：更新门 z 在旧状态和候选状态之间插值")
wire(ax, [(-0.2, 4.6), (6.4 - R, 4.6)], STATE, lw=3.5, arrow=False)
wire(ax, [(6.4 + R, 4.6), (8.6 - R, 4.6)], STATE, lw=3.5, arrow=False)
wire(ax, [(8.6 + R, 4.6), (10.3, 4.6)], STATE, lw=3.5)
ax.text(-0.2, 4.85, "$h_{t-1}$", fontsize=13, ha="left")
ax.text(10.3, 4.85, "$h_t$", fontsize=13, ha="right")
op(ax, 6.4, 4.6, "×")
op(ax, 8.6, 4.6, "+")
# h_{t-1} also goes down to the input bus, x_t joins it
wire(ax, [(0.8, 4.6), (0.8, 0.9), (7.4, 0.9)], WIRE, arrow=False)
wire(ax, [(1.4, -0.45), (1.4, 0.9)], WIRE, arrow=False)
ax.text(1.55, -0.45, "$x_t$", fontsize=13, ha="left", va="bottom")
for x in (2.4, 4.6, 7.4):
    wire(ax, [(x, 0.9), (x, 1.7)])
box(ax, 2.4, 2.0, "σ", GATE, "重置门 $r_t$")
box(ax, 4.6, 2.0, "σ", GATE, "更新门 $z_t$")
box(ax, 7.4, 2.0, "tanh", TANH, "候选 $n_t$")
# reset gate scales the old state before it enters the candidate
wire(ax, [(2.4, 2.3), (2.4, 3.4 - R)])
wire(ax, [(2.4, 4.6), (2.4, 3.4 + R)])
op(ax, 2.4, 3.4, "×")
wire(ax, [(2.4 + R, 3.4), (7.0, 3.4), (7.0, 2.3)])
# update gate: z goes to the old-state product, 1 - z goes to the candidate product
wire(ax, [(4.6, 2.3), (4.6, 2.75), (6.4, 2.75), (6.4, 4.6 - R)], bridge=True, z=2)
wire(ax, [(6.4, 2.75), (7.9, 2.75), (7.9, 3.05)], bridge=True, z=2, arrow=False)
box(ax, 7.9, 3.3, "1−", "white", w=0.5, h=0.4)
wire(ax, [(8.15, 3.3), (8.6 - R, 3.3)])
op(ax, 8.6, 3.3, "×")
wire(ax, [(7.85, 2.0), (8.6, 2.0), (8.6, 3.3 - R)])
wire(ax, [(8.6, 3.3 + R), (8.6, 4.6 - R)])
ax.text(4.3, 5.0, "$h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot n_t$", fontsize=11, ha="center", color=STATE)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 从零写一个 LSTM 单元，和 `nn.LSTM` 逐位对照
#
# `nn.LSTM` 把四组权重竖着拼成一个 $4H \times D$ 的矩阵 `weight_ih_l0`（$H$ 是隐藏状态维数，$D$ 是输入维数），
# 顺序是 **i, f, g, o**：输入门、遗忘门、候选、输出门。`weight_hh_l0`、`bias_ih_l0`、`bias_hh_l0` 也按同样的顺序拼接。
# 下面先按这个顺序把它们切开，分别叫 $W_{xi}, W_{hi}, b_i$ 等，然后逐个时间步套用原理一节的公式。

# %%
def split_gates(module, names):
    """Cut PyTorch's stacked weights into one (W_x, W_h, b) triple per gate, in the order given by `names`."""
    H = module.hidden_size
    w_ih, w_hh = module.weight_ih_l0.detach(), module.weight_hh_l0.detach()
    b = (module.bias_ih_l0 + module.bias_hh_l0).detach()
    return {name: (w_ih[k * H:(k + 1) * H], w_hh[k * H:(k + 1) * H], b[k * H:(k + 1) * H])
            for k, name in enumerate(names)}


def lstm_step(x, h, c, p):
    """One LSTM time step. x: (batch, D); h, c: (batch, H); p: per-gate weights from split_gates."""
    def pre(gate):
        W_x, W_h, b = p[gate]
        return x @ W_x.T + h @ W_h.T + b

    i = torch.sigmoid(pre("i"))   # input gate: how much of the candidate to write
    f = torch.sigmoid(pre("f"))   # forget gate: how much of the old cell to keep
    g = torch.tanh(pre("g"))      # candidate values
    o = torch.sigmoid(pre("o"))   # output gate: how much of the cell to show
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c, f


def run_lstm(x, p, H):
    h = c = torch.zeros(x.shape[0], H)
    outputs = []
    for t in range(x.shape[1]):
        h, c, _ = lstm_step(x[:, t], h, c, p)
        outputs.append(h)
    return torch.stack(outputs, 1), h, c


D, H = 3, 5
reference = nn.LSTM(D, H, batch_first=True)
x = torch.randn(4, 7, D)  # 4 sequences, 7 time steps
with torch.no_grad():
    ref_out, (ref_h, ref_c) = reference(x)

ours_out, ours_h, ours_c = run_lstm(x, split_gates(reference, "ifgo"), H)
wrong_out, _, _ = run_lstm(x, split_gates(reference, "ifog"), H)  # a common mistake: gates in the "textbook" order
print(f"order i,f,g,o: max |ours - nn.LSTM| = {(ours_out - ref_out).abs().max():.2e}")
print(f"order i,f,o,g: max |ours - nn.LSTM| = {(wrong_out - ref_out).abs().max():.2e}")
assert torch.allclose(ours_out, ref_out, atol=1e-6)
assert torch.allclose(ours_h, ref_h[0], atol=1e-6) and torch.allclose(ours_c, ref_c[0], atol=1e-6)
assert (wrong_out - ref_out).abs().max() > 1e-2

# %% [markdown]
# 顺序对了，误差只有浮点舍入的量级；把 g 和 o 的位置弄反，代码照样能跑，结果却完全不同。
#
# 接着验证原理一节的关键式子：固定 $h_{t-1}$ 和 $x_t$，$c_t$ 对 $c_{t-1}$ 的雅可比矩阵就是以 $f_t$ 为对角线的对角矩阵。

# %%
p = split_gates(reference, "ifgo")
x1, h_prev, c_prev = torch.randn(1, D), torch.randn(1, H), torch.randn(1, H)
jacobian = torch.autograd.functional.jacobian(lambda c: lstm_step(x1, h_prev, c, p)[1], c_prev).reshape(H, H)
f_t = lstm_step(x1, h_prev, c_prev, p)[2][0]
print("diagonal of dc_t/dc_{t-1}:", np.round(torch.diagonal(jacobian).numpy(), 4))
print("forget gate f_t:          ", np.round(f_t.numpy(), 4))
assert torch.allclose(jacobian, torch.diag(f_t), atol=1e-6)

# %% [markdown]
# GRU 也照此办理。`nn.GRU` 的拼接顺序是 **r, z, n**，而且重置门乘在 $W_{hn} h_{t-1} + b_{hn}$ 上，
# 所以这里不能像 LSTM 那样把两组偏置提前相加。

# %%
def gru_step(x, h, module):
    Hg = module.hidden_size
    gi = x @ module.weight_ih_l0.T + module.bias_ih_l0   # input part of r, z, n
    gh = h @ module.weight_hh_l0.T + module.bias_hh_l0   # hidden part of r, z, n
    r = torch.sigmoid(gi[:, :Hg] + gh[:, :Hg])
    z = torch.sigmoid(gi[:, Hg:2 * Hg] + gh[:, Hg:2 * Hg])
    n = torch.tanh(gi[:, 2 * Hg:] + r * gh[:, 2 * Hg:])
    return (1 - z) * n + z * h


gru = nn.GRU(D, H, batch_first=True)
with torch.no_grad():
    gru_ref, _ = gru(x)
    h = torch.zeros(x.shape[0], H)
    gru_ours = []
    for t in range(x.shape[1]):
        h = gru_step(x[:, t], h, gru)
        gru_ours.append(h)
    gru_ours = torch.stack(gru_ours, 1)
print(f"GRU: max |ours - nn.GRU| = {(gru_ours - gru_ref).abs().max():.2e}")
assert torch.allclose(gru_ours, gru_ref, atol=1e-6)

# %% [markdown]
# ### 3. 字符级名字生成器
#
# faker 的 `de_DE`（德语）语言包里有两千个名字（first names）。只保留纯字母的名字并转成小写，随机留出 10% 做验证集。
# 模型每读一个字符，就预测下一个字符的概率分布；用 `.` 同时表示“开始”和“结束”。
# 为了判断模型学到了多少，先算两个不用神经网络的基线在验证集上的交叉熵（单位：nats/字符）：
# 一元模型（unigram）只看字符的总体频率，二元模型（bigram）只看前一个字符。

# %%
names = sorted({n.lower() for n in GermanNames.first_names if re.fullmatch(r"[a-zäöüß]+", n.lower())})
random.Random(0).shuffle(names)
n_val = len(names) // 10
val_names, train_names = names[:n_val], names[n_val:]
chars = sorted(set("".join(names)))
stoi = {ch: k + 1 for k, ch in enumerate(chars)}
itos = {k: ch for ch, k in stoi.items()}
itos[0] = "."
V = len(chars) + 1
MAX_LEN = max(len(n) for n in names) + 1
print(f"{len(names)} names ({len(train_names)} train, {len(val_names)} val), {V} symbols; e.g. {train_names[:6]}")


def encode_names(batch_names):
    x = torch.zeros(len(batch_names), MAX_LEN, dtype=torch.long)          # starts with "." (index 0)
    y = torch.full((len(batch_names), MAX_LEN), -100, dtype=torch.long)   # -100 = ignored padding
    for k, name in enumerate(batch_names):
        ids = torch.tensor([stoi[ch] for ch in name])
        x[k, 1:len(ids) + 1] = ids
        y[k, :len(ids)] = ids
        y[k, len(ids)] = 0                                                # predict "." after the last letter
    return x, y


x_train, y_train = encode_names(train_names)
x_val, y_val = encode_names(val_names)
mask_train, mask_val = y_train >= 0, y_val >= 0

unigram = torch.bincount(y_train[mask_train], minlength=V).float() + 1
unigram_loss = -torch.log(unigram / unigram.sum())[y_val[mask_val]].mean().item()
bigram = torch.ones(V, V)
bigram.index_put_((x_train[mask_train], y_train[mask_train]), torch.ones(int(mask_train.sum())), accumulate=True)
bigram_loss = -torch.log(bigram / bigram.sum(1, keepdim=True))[x_val[mask_val], y_val[mask_val]].mean().item()
print(f"validation cross-entropy: unigram {unigram_loss:.3f}, bigram {bigram_loss:.3f} nats/char")

# %% [markdown]
# 模型是“嵌入层 → 单层 LSTM（64 维）→ 线性层”，一共约两万个参数。每步随机取 128 个名字，训练 250 步，
# 每 25 步在验证集上算一次交叉熵。

# %%
class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden=64, embed=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        h, state = self.lstm(self.embed(x), state)
        return self.out(h), state


def char_loss(model, x, y):
    logits, _ = model(x)
    return nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))


torch.manual_seed(0)
namer = CharLSTM(V)
optimiser = torch.optim.Adam(namer.parameters(), lr=1e-2)
gen = torch.Generator().manual_seed(0)
train_curve, val_curve = [], []
start = time.time()
for step in range(1, 251):
    idx = torch.randint(0, len(x_train), (128,), generator=gen)
    loss = char_loss(namer, x_train[idx], y_train[idx])
    optimiser.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(namer.parameters(), 1.0)
    optimiser.step()
    train_curve.append(loss.item())
    if step % 25 == 0:
        with torch.no_grad():
            val_curve.append((step, char_loss(namer, x_val, y_val).item()))
val_loss = val_curve[-1][1]
n_params = sum(p.numel() for p in namer.parameters())
print(f"{n_params} parameters, trained in {time.time() - start:.1f} s; validation loss {val_loss:.3f} nats/char")
assert val_loss < bigram_loss < unigram_loss, (val_loss, bigram_loss, unigram_loss)

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(range(10, 251), np.convolve(train_curve, np.ones(10) / 10, mode="valid"), color="#999999", lw=1,
        label="训练集（10 步滑动平均）")
ax.plot(*zip(*val_curve), "o-", color=STATE, label=f"验证集（最终 {val_loss:.2f}）")
ax.axhline(unigram_loss, color="#e76f51", ls="--", label=f"一元模型基线 {unigram_loss:.2f}")
ax.axhline(bigram_loss, color="#2a9d8f", ls="--", label=f"二元模型基线 {bigram_loss:.2f}")
ax.set_xlabel("训练步数")
ax.set_ylabel("交叉熵（nats/字符）")
ax.set_ylim(1.5, 3.5)
ax.set_title("字符级 LSTM 在没见过的名字上胜过两个计数基线")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 采样时从 `.` 出发，每一步把输出的 logits 除以温度 $\tau$ 再做 softmax，按概率抽下一个字符，抽到 `.` 就结束。
# $\tau < 1$ 让分布更尖，模型更保守；$\tau > 1$ 让分布更平，更“有创意”也更容易出错。
# 对每个温度抽 200 个名字，统计其中有多少是训练集里原样出现过的名字。

# %%
@torch.no_grad()
def sample_names(model, n, temperature, generator):
    token = torch.zeros(n, 1, dtype=torch.long)
    state, done = None, torch.zeros(n, dtype=torch.bool)
    letters = [[] for _ in range(n)]
    for _ in range(20):
        logits, state = model(token, state)
        probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
        token = torch.multinomial(probs, 1, generator=generator)
        done |= token[:, 0] == 0
        for k in range(n):
            if not done[k]:
                letters[k].append(itos[token[k, 0].item()])
    return ["".join(w) for w in letters]


train_set = set(train_names)
gen = torch.Generator().manual_seed(1)
copied = {}
for tau in (0.5, 1.0, 1.5):
    samples = sample_names(namer, 200, tau, gen)
    copied[tau] = np.mean([s in train_set for s in samples])
    print(f"τ = {tau}: {copied[tau]:.0%} are training names | " + ", ".join(samples[:10]))
assert copied[0.5] > copied[1.5]

# %% [markdown]
# ### 4. 谁记得住远处的信息：加法问题
#
# 加法问题（adding problem）是 1997 年 LSTM 原论文里的实验之一，这里用一个简化版本：每个时间步输入两个数，
# 第一个是 $[0, 1]$ 上的随机数，第二个是标记（0 或 1）。整条序列里只有两个位置被标记，一个在前半段、一个在后半段，
# 模型要在序列末尾输出这两个被标记的数之和。它必须把前半段那个数一直记到最后，同时忽略中间所有没被标记的数。
# 什么都没学会的模型只能输出常数 1（两个均匀随机数之和的均值），均方误差约为 $1/6 \approx 0.167$。
#
# 对每个长度上限 $T \in \{5, 10, 25, 50\}$，三个模型（隐藏状态都是 32 维）各训练 500 步，每步的序列长度在 2 到 $T$ 之间随机取，
# 最后在 1,000 条长度恰为 $T$ 的新序列上算均方误差。三个模型的优化器、学习率、步数和随机种子都相同；
# 唯一的特殊处理是把 LSTM 遗忘门的偏置初始化为 1（原理一节解释了原因）。

# %%
def adding_batch(n, T, generator):
    values = torch.rand(n, T, generator=generator)
    marks = torch.zeros(n, T)
    first = torch.randint(0, max(1, T // 2), (n,), generator=generator)
    second = torch.randint(T // 2, T, (n,), generator=generator)
    marks[torch.arange(n), first] = 1
    marks[torch.arange(n), second] = 1
    return torch.stack([values, marks], dim=-1), (values * marks).sum(1)


class Regressor(nn.Module):
    def __init__(self, kind, hidden=32):
        super().__init__()
        self.rnn = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind](2, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)
        if kind == "LSTM":  # forget-gate bias = 1, so f starts near 0.73 instead of 0.5
            with torch.no_grad():
                self.rnn.bias_ih_l0[hidden:2 * hidden].fill_(1.0)
                self.rnn.bias_hh_l0[hidden:2 * hidden].fill_(0.0)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h[:, -1]).squeeze(-1)


def train_adding(kind, T, steps=500, seed=0):
    torch.manual_seed(seed)
    model = Regressor(kind)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    gen, lengths = torch.Generator().manual_seed(seed), random.Random(seed)
    for _ in range(steps):
        x, y = adding_batch(32, lengths.randint(2, T), gen)
        loss = nn.functional.mse_loss(model(x), y)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
    x, y = adding_batch(1000, T, torch.Generator().manual_seed(123))
    with torch.no_grad():
        return model, nn.functional.mse_loss(model(x), y).item()


LENGTHS, KINDS = [5, 10, 25, 50], ["RNN", "LSTM", "GRU"]
results, trained = {}, {}
start = time.time()
for T in LENGTHS:
    for kind in KINDS:
        trained[kind, T], results[kind, T] = train_adding(kind, T)
print(f"{len(results)} models trained in {time.time() - start:.1f} s\n")
print("test MSE (baseline: always answer 1.0 -> about 0.167)")
print(f"{'T':>4}" + "".join(f"{kind:>10}" for kind in KINDS))
for T in LENGTHS:
    print(f"{T:>4}" + "".join(f"{results[kind, T]:>10.4f}" for kind in KINDS))
long_T = LENGTHS[-1]
assert results["LSTM", long_T] < 0.2 * results["RNN", long_T], results
assert results["GRU", long_T] < 0.2 * results["RNN", long_T], results
assert results["RNN", long_T] > 0.1, results  # the plain RNN is no better than guessing at T = 50

# %%
colors = {"RNN": "#e76f51", "LSTM": STATE, "GRU": "#2a9d8f"}
fig, ax = plt.subplots(figsize=(7, 3.8))
for kind in KINDS:
    ax.plot(LENGTHS, [results[kind, T] for T in LENGTHS], "o-", color=colors[kind], lw=2, label=kind)
ax.axhline(1 / 6, color="#999999", ls="--", label="只会输出常数 1 的基线（1/6）")
ax.set_yscale("log")
ax.set_xticks(LENGTHS)
ax.set_xlabel("序列长度 T（两个被标记的数最远相隔约 T 步）")
ax.set_ylabel("测试均方误差（对数刻度）")
ax.set_title("加法问题：序列一长，普通 RNN 退回到瞎猜的水平")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 为什么会这样？看梯度。取 $T = 50$ 时训练好的三个模型，对 256 条新序列计算输出对每个时间步输入的梯度大小
# $\lVert \partial \hat{y} / \partial x_t \rVert$，按“离序列末尾还有几步”对齐后取平均。它衡量的是：第 $t$ 步的输入变一点，
# 最终答案会跟着变多少——也就是反向传播时，误差信号能传回到多远。

# %%
x, _ = adding_batch(256, long_T, torch.Generator().manual_seed(7))
sensitivity = {}
for kind in KINDS:
    xg = x.clone().requires_grad_(True)
    trained[kind, long_T](xg).sum().backward()
    sensitivity[kind] = xg.grad.norm(dim=-1).mean(0).flip(0).numpy()  # index 0 = last step

fig, ax = plt.subplots(figsize=(7, 3.8))
for kind in KINDS:
    ax.semilogy(range(long_T), sensitivity[kind], color=colors[kind], lw=2, label=kind)
ax.set_xlabel("离序列末尾的步数 k（输入 $x_{T-k}$）")
ax.set_ylabel(r"平均 $\|\partial \hat{y} / \partial x_{T-k}\|$（对数刻度）")
ax.set_title("训练后的模型对远处输入的敏感度")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()
far = slice(long_T // 2, long_T)  # the first half of the sequence, where the first marked number lives
for kind in KINDS:
    print(f"{kind:>4}: mean gradient from the first half {sensitivity[kind][far].mean():.2e}, "
          f"from the last step {sensitivity[kind][0]:.2e}")
assert sensitivity["LSTM"][far].mean() > 10 * sensitivity["RNN"][far].mean()
assert sensitivity["GRU"][far].mean() > 10 * sensitivity["RNN"][far].mean()
print(f"\nwhole notebook: {time.time() - notebook_start:.1f} s")
