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
# ### 1. 数据：九种语言的姓氏
#
# faker 为每个地区（locale）带了一份姓氏表，装在 `faker.providers.person.<locale>.Provider` 里，
# 不需要联网。我们取九个地区，把姓氏统一转成小写。波兰语的 Provider 没有自己的 `last_names`（继承来的只是占位的
# `["Doe"]`），真正的数据在 `unisex_last_names`（不分性别的姓）和 `male_last_names`（200 个常见的阳性姓，
# 许多以 -ski 结尾）里，两者合用。
# 同一个姓可能出现在几个地区（例如 müller 同时在德语和捷克语表里），它的“正确答案”不唯一，
# 我们把这类姓从所有地区中删掉。

# %%
import importlib
import random
import time
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
from matplotlib import font_manager
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from sklearn.model_selection import train_test_split

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

torch.set_num_threads(1)  # small matrices: one thread is faster than two fighting over a busy CPU
random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

LANGUAGES = {
    "de_DE": "德语",
    "fr_FR": "法语",
    "it_IT": "意大利语",
    "es_ES": "西班牙语",
    "pt_PT": "葡萄牙语",
    "nl_NL": "荷兰语",
    "pl_PL": "波兰语",
    "cs_CZ": "捷克语",
    "en_US": "英语（美国）",
}
LOCALES = list(LANGUAGES)


def surnames(locale):
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    if locale == "pl_PL":  # pl_PL.last_names is a placeholder; the real lists are these two
        names = provider.unisex_last_names + provider.male_last_names
    else:
        names = provider.last_names  # a tuple, or a dict of name -> frequency (en_US)
    return {name.lower() for name in names}


raw = {loc: surnames(loc) for loc in LOCALES}
counts = Counter(name for names in raw.values() for name in names)
shared = {name for name, k in counts.items() if k > 1}
data = {loc: sorted(names - shared) for loc, names in raw.items()}

print(f"{'locale':<7}{'unique':>8}{'kept':>7}")
for loc in LOCALES:
    print(f"{loc:<7}{len(raw[loc]):>8}{len(data[loc]):>7}  e.g. {', '.join(data[loc][:: len(data[loc]) // 4][:4])}")
print(f"{len(shared)} surnames appear in more than one locale and are dropped, e.g. {sorted(shared)[:8]}")

# %% [markdown]
# 接着按语言分层（stratified）固定划出 20% 作测试集，训练时完全不看它。类别很不均衡：
# 波兰语的姓比葡萄牙语多几十倍。“永远猜最多的那一类”就能拿到的准确率，是我们要超越的基线。

# %%
names = [n for loc in LOCALES for n in data[loc]]
labels = [i for i, loc in enumerate(LOCALES) for _ in data[loc]]
train_names, test_names, train_labels, test_labels = train_test_split(
    names, labels, test_size=0.2, stratify=labels, random_state=0
)
n_classes = len(LOCALES)
train_counts = np.bincount(train_labels, minlength=n_classes)
test_counts = np.bincount(test_labels, minlength=n_classes)
majority = int(train_counts.argmax())
baseline = test_counts[majority] / len(test_labels)
print(f"train {len(train_names)}, test {len(test_names)} names")
print(f"majority class {LOCALES[majority]}: always guessing it gives test accuracy {baseline:.3f}")

chars = sorted({c for n in names for c in n})
char_index = {c: i for i, c in enumerate(chars)}
V = len(chars)
print(f"{V} distinct characters: {''.join(chars)}")


def encode(batch_names):
    """One-hot batch (B, T_max, V), zero-padded at the end, plus the true lengths."""
    lengths = torch.tensor([len(n) for n in batch_names])
    x = torch.zeros(len(batch_names), int(lengths.max()), V)
    for i, n in enumerate(batch_names):
        x[i, torch.arange(len(n)), torch.tensor([char_index[c] for c in n])] = 1.0
    return x, lengths


# %% [markdown]
# ### 2. 自己写一个 RNN
#
# 循环神经网络在每个时间步做同一件事：$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$，$h_0 = 0$。
# 下面的 `ScratchRNN` 就是这一行公式加一个 `for` 循环。名字长短不一，一批里短的名字后面补了零；
# 对已经读完的名字，用掩码（mask）让它的隐藏状态保持不变，这样循环结束时每个名字的 $h$ 都停在它最后一个真实字符上。

# %%
class ScratchRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        scale = hidden_size**-0.5
        self.W_xh = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-scale, scale))
        self.W_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-scale, scale))
        self.b_h = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, x, lengths, keep_states=False):
        batch, steps, _ = x.shape
        h = x.new_zeros(batch, self.W_hh.shape[0])
        states = []
        for t in range(steps):
            h_new = torch.tanh(x[:, t] @ self.W_xh.T + h @ self.W_hh.T + self.b_h)
            alive = (t < lengths).unsqueeze(1)
            h = torch.where(alive, h_new, h)  # finished names keep their last state
            if keep_states:
                h.retain_grad()
                states.append(h)
        return (h, states) if keep_states else h


# %% [markdown]
# 用 PyTorch 自带的 `nn.RNN` 做对照。它有两个偏置 `bias_ih_l0` 和 `bias_hh_l0`，数学上只有它们的和起作用，
# 所以把权重拷过来时令 $b_h$ 等于两者之和。`nn.RNN` 处理不等长序列的办法是打包（packing）：
# `pack_padded_sequence` 告诉它每个名字的真实长度，返回的 `h_n` 就是每个名字最后一个真实字符处的状态。

# %%
H = 128
torch_rnn = nn.RNN(V, H, batch_first=True)  # tanh is the default nonlinearity
scratch = ScratchRNN(V, H)
with torch.no_grad():
    scratch.W_xh.copy_(torch_rnn.weight_ih_l0)
    scratch.W_hh.copy_(torch_rnn.weight_hh_l0)
    scratch.b_h.copy_(torch_rnn.bias_ih_l0 + torch_rnn.bias_hh_l0)

check_names = ["rossi", "kowalczyk", "van der berg", "ng"]
x, lengths = encode(check_names)
packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
output, h_n = torch_rnn(packed)
h_torch = h_n[0]
h_ours = scratch(x, lengths)
print("max |difference| between our h_T and nn.RNN's h_n:", (h_ours - h_torch).abs().max().item())
assert torch.allclose(h_ours, h_torch, atol=1e-6)

# the classic bug: feed the padded batch without packing and take the last time step
padded_out, _ = torch_rnn(x)
wrong_last = padded_out[:, -1]
for name, h_ok, h_bad in zip(check_names, h_torch, wrong_last):
    print(f"{name:<13} |h from packing - h after the padding| = {(h_ok - h_bad).norm():.3f}")

# %% [markdown]
# 只有最长的名字（没有补零）两者相同；其余名字如果直接取补齐后最后一步的输出，读到的是“又吃进几个全零输入之后”的状态。
#
# 下图把 RNN 沿时间展开（unroll）：每一列是同一个单元在不同时刻的副本，共享同一组 $W_{xh}, W_{hh}, b_h$。
# 黑色箭头是前向计算，红色箭头是反向传播时梯度流动的方向——它必须一步步穿过每个 $h_t \to h_{t-1}$ 的连接，
# 这就是“通过时间反向传播”（backpropagation through time，BPTT）。

# %%
def draw_unrolled(word):
    fig, ax = plt.subplots(figsize=(9, 3.6))
    T = len(word)
    for t in range(T + 1):
        xc = 1.6 * t
        ax.add_patch(FancyBboxPatch((xc - 0.45, 1.3), 0.9, 0.7, boxstyle="round,pad=0.05", fc="#dbe7f6", ec="#2b5b94"))
        ax.text(xc, 1.65, f"$h_{t}$", ha="center", va="center", fontsize=13)
        if t > 0:
            ax.add_patch(FancyBboxPatch((xc - 0.35, 0.0), 0.7, 0.55, boxstyle="round,pad=0.05", fc="#f3f3f3", ec="gray"))
            ax.text(xc, 0.27, f"'{word[t - 1]}'", ha="center", va="center", fontsize=12)
            ax.add_patch(FancyArrowPatch((xc, 0.62), (xc, 1.22), arrowstyle="-|>", mutation_scale=14, color="black"))
            ax.add_patch(FancyArrowPatch((xc - 1.1, 1.72), (xc - 0.53, 1.72), arrowstyle="-|>", mutation_scale=14, color="black"))
            ax.add_patch(FancyArrowPatch((xc - 0.53, 1.52), (xc - 1.1, 1.52), arrowstyle="-|>", mutation_scale=14, color="#c0392b"))
            ax.text(xc - 0.8, 1.3, "$W_{hh}$", ha="center", va="top", fontsize=9, color="#2b5b94")
            ax.text(xc + 0.08, 0.9, "$W_{xh}$", ha="left", va="center", fontsize=9, color="#2b5b94")
    xe = 1.6 * T
    ax.add_patch(FancyBboxPatch((xe - 0.6, 2.65), 1.2, 0.6, boxstyle="round,pad=0.05", fc="#f8dcc8", ec="#b0602a"))
    ax.text(xe, 2.95, "softmax → $C$", ha="center", va="center", fontsize=11)
    ax.add_patch(FancyArrowPatch((xe - 0.1, 2.08), (xe - 0.1, 2.58), arrowstyle="-|>", mutation_scale=14, color="black"))
    ax.add_patch(FancyArrowPatch((xe + 0.1, 2.58), (xe + 0.1, 2.08), arrowstyle="-|>", mutation_scale=14, color="#c0392b"))
    ax.text(0.0, 2.95, "黑：前向计算　红：梯度 $\\partial C/\\partial h_t$ 逆着时间流回去", fontsize=11, va="center")
    ax.text(0.0, 0.27, "输入 $x_t$", ha="center", va="center", fontsize=10, color="gray")
    ax.set_xlim(-0.8, xe + 0.9)
    ax.set_ylim(-0.2, 3.4)
    ax.axis("off")
    ax.set_title(f"把读入 “{word}” 的 RNN 沿时间展开：同一组权重用了 {T} 次", fontsize=12)
    fig.tight_layout()
    plt.show()


draw_unrolled("rossi")


# %% [markdown]
# ### 3. 训练姓氏分类器
#
# 分类器是 `nn.RNN`（就是上面验证过的同一个计算）加一个线性输出层：$z = W_{hy} h_T + b_y$，
# softmax 后用交叉熵。为了不让模型只顾着猜波兰语，损失按类别加权：权重与该类训练样本数的平方根成反比。
# 完全按样本数反比加权时，一个葡萄牙语名字的分量是一个波兰语名字的 61 倍，模型会被几十个样本牵着走；
# 开平方是一个折中。优化器用 Adam，学习率先升后降（`OneCycleLR`），并把梯度范数裁剪到 1（训练 RNN 的常规做法）。

# %%
class NameClassifier(nn.Module):
    def __init__(self, vocab, hidden, classes):
        super().__init__()
        self.rnn = nn.RNN(vocab, hidden, batch_first=True)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        return self.out(h_n[0])


x_train, len_train = encode(train_names)
y_train = torch.tensor(train_labels)
x_test, len_test = encode(test_names)
y_test = torch.tensor(test_labels)

class_weights = torch.tensor((train_counts.max() / train_counts) ** 0.5, dtype=torch.float32)
print("class weights:", ", ".join(f"{loc} {w:.2f}" for loc, w in zip(LOCALES, class_weights.tolist())))
print(f"plain inverse-frequency weights would make one {LOCALES[train_counts.argmin()]} name count "
      f"{train_counts.max() / train_counts.min():.0f} times as much as one {LOCALES[majority]} name")
loss_fn = nn.CrossEntropyLoss(weight=class_weights)

EPOCHS, BATCH = 15, 64
torch.manual_seed(0)
model = NameClassifier(V, H, n_classes)
print(f"{sum(p.numel() for p in model.parameters())} parameters")
optimiser = torch.optim.Adam(model.parameters())
steps_per_epoch = -(-len(train_names) // BATCH)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=1e-2, total_steps=EPOCHS * steps_per_epoch)


@torch.no_grad()
def predict(x, lengths):
    model.eval()
    return model(x, lengths).argmax(1)


gen = torch.Generator().manual_seed(0)
history = []
start = time.time()
for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(train_names), generator=gen)
    total = 0.0
    for i in range(0, len(perm), BATCH):
        idx = perm[i : i + BATCH]
        batch_len = len_train[idx]
        logits = model(x_train[idx, : int(batch_len.max())], batch_len)
        loss = loss_fn(logits, y_train[idx])
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        total += loss.item() * len(idx)
    acc = (predict(x_test, len_test) == y_test).float().mean().item()
    history.append((epoch, total / len(perm), acc))
print("\n".join(f"epoch {e:2d}: train loss {l:.3f}, test accuracy {a:.3f}" for e, l, a in history))
print(f"training took {time.time() - start:.1f} s")

pred = predict(x_test, len_test).numpy()
test_acc = float((pred == y_test.numpy()).mean())
per_class = np.array([(pred[y_test.numpy() == k] == k).mean() for k in range(n_classes)])
print(f"test accuracy {test_acc:.3f} vs majority-class baseline {baseline:.3f}")
print(f"mean per-language accuracy {per_class.mean():.3f} vs chance {1 / n_classes:.3f}")
assert test_acc > baseline + 0.3, (test_acc, baseline)
assert per_class.mean() > 0.6, per_class

# %%
epochs, losses, accs = zip(*history)
fig, ax1 = plt.subplots(figsize=(7, 3.4))
ax1.plot(epochs, losses, "o-", color="#2b5b94", label="训练损失（加权交叉熵）")
ax1.set_xlabel("训练轮数（epoch）")
ax1.set_ylabel("训练损失")
ax2 = ax1.twinx()
ax2.plot(epochs, accs, "s-", color="#b0602a", label="测试准确率")
ax2.axhline(baseline, color="gray", ls="--", lw=1)
ax2.text((EPOCHS + 1) / 2, baseline + 0.015, f"多数类基线 {baseline:.1%}", ha="center", va="bottom", color="gray", fontsize=9)
ax2.set_ylabel("测试准确率")
ax2.set_ylim(0, 1)
handles = ax1.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
ax2.legend(handles, [h.get_label() for h in handles], loc="lower left")
ax1.set_title("字符级 RNN 的训练曲线")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 哪些语言容易混淆
#
# 混淆矩阵（confusion matrix）的每一行是真实语言，每一列是模型的判断，按行归一化，
# 对角线就是每种语言的测试准确率。

# %%
confusion = np.zeros((n_classes, n_classes))
for true, guess in zip(y_test.numpy(), pred):
    confusion[true, guess] += 1
confusion /= confusion.sum(1, keepdims=True)

names_zh = [LANGUAGES[loc] for loc in LOCALES]
fig, ax = plt.subplots(figsize=(7.2, 6.2))
im = ax.imshow(confusion, cmap="Blues", vmin=0, vmax=1)
for i in range(n_classes):
    for j in range(n_classes):
        if confusion[i, j] >= 0.01:
            ax.text(j, i, f"{confusion[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if confusion[i, j] > 0.6 else "black")
ax.set_xticks(range(n_classes), names_zh, rotation=45, ha="right")
ax.set_yticks(range(n_classes), [f"{z}（{c}）" for z, c in zip(names_zh, test_counts)])
ax.set_xlabel("模型判断")
ax.set_ylabel("真实语言（测试样本数）")
ax.set_title("测试集混淆矩阵（按行归一化）")
fig.colorbar(im, ax=ax, fraction=0.046)
fig.tight_layout()
plt.show()

for k in np.argsort(-per_class):
    row = confusion[k].copy()
    row[k] = 0
    print(f"{LOCALES[k]} accuracy {per_class[k]:.2f}  (n={test_counts[k]:3d}; most often confused with {LOCALES[row.argmax()]})")

# %% [markdown]
# ### 5. 没见过的名字
#
# 下面这些姓都不在 faker 的任何一张表里（代码里有断言检查）。模型输出的是 softmax 概率，我们列出前三名。

# %%
new_names = {
    "oberhuber": "de_DE", "zimmermann": "de_DE", "courtemanche": "fr_FR", "beaulieu": "fr_FR",
    "buonarroti": "it_IT", "ferraresi": "it_IT", "casillas": "es_ES", "etxeberria": "es_ES",
    "conceição": "pt_PT", "carvalhal": "pt_PT", "van nistelrooij": "nl_NL", "cruijff": "nl_NL",
    "szczęsny": "pl_PL", "grzegorczyk": "pl_PL", "nedvěd": "cs_CZ", "vondráček": "cs_CZ",
    "whitworth": "en_US", "blackwood": "en_US",
}
known = set(names) | shared
assert not any(n in known for n in new_names)

x_new, len_new = encode(list(new_names))
with torch.no_grad():
    model.eval()
    probs = torch.softmax(model(x_new, len_new), 1)
hits = 0
for (name, truth), p in zip(new_names.items(), probs):
    top = p.topk(3)
    guesses = ", ".join(f"{LOCALES[i]} {v:.2f}" for v, i in zip(top.values.tolist(), top.indices.tolist()))
    hits += LOCALES[top.indices[0]] == truth
    print(f"{name:<15} ({truth}) -> {guesses}")
print(f"{hits} of {len(new_names)} top-1 guesses match")
assert hits >= len(new_names) // 2, hits

# %% [markdown]
# ### 6. 梯度怎样穿过时间
#
# 把训练好的权重拷进 `ScratchRNN`，对每个时间步的隐藏状态调用 `retain_grad()`，反向传播之后就能读出
# $\lVert \partial C / \partial h_t \rVert$。横轴是“离最后一个字符还有几步”。左图蓝线是测试集里至少 10 个字符的名字；
# 橙线把几个测试名字用空格连起来、截成 40 个字符，标签取最后一个名字的语言，看梯度能不能传回 40 步之前。
# 右图换成随机初始化的单元：$W_{hh}$ 取一个随机正交矩阵乘以倍数 0.5、1 或 2（这样它的所有奇异值都等于这个倍数），
# 读入 40 个随机字符，只在最后一步计算损失。

# %%
def grad_norms_through_time(cell, head, x, lengths, y):
    h_T, states = cell(x, lengths, keep_states=True)
    loss = nn.functional.cross_entropy(head(h_T), y, reduction="sum")
    loss.backward()
    T = x.shape[1]
    norms = torch.stack([s.grad.norm(dim=1) for s in states], 1)  # (B, T)
    by_distance = [[] for _ in range(T)]
    for b in range(x.shape[0]):
        L = int(lengths[b])
        for t in range(L):
            by_distance[L - 1 - t].append(norms[b, t].item())
    return np.array([np.mean(v) if v else np.nan for v in by_distance])


trained_cell = ScratchRNN(V, H)
with torch.no_grad():
    trained_cell.W_xh.copy_(model.rnn.weight_ih_l0)
    trained_cell.W_hh.copy_(model.rnn.weight_hh_l0)
    trained_cell.b_h.copy_(model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0)
long_idx = [i for i, n in enumerate(test_names) if len(n) >= 10]
xl, ll = encode([test_names[i] for i in long_idx])
trained_curve = grad_norms_through_time(trained_cell, model.out, xl, ll, y_test[long_idx])[:10]
# 40-character strings made of several test names joined by spaces; the label is that of the last name
rng = np.random.default_rng(0)
joined, joined_labels = [], []
while len(joined) < 64:
    picks = rng.choice(len(test_names), 8, replace=False)
    text = " ".join(test_names[i] for i in picks)
    if len(text) >= 40:
        joined.append(text[-40:])
        joined_labels.append(test_labels[picks[-1]])
xj, lj = encode(joined)
joined_curve = grad_norms_through_time(trained_cell, model.out, xj, lj, torch.tensor(joined_labels))
sigma_trained = torch.linalg.matrix_norm(model.rnn.weight_hh_l0.detach(), ord=2).item()
print(f"{len(long_idx)} test names with >= 10 characters; largest singular value of trained W_hh: {sigma_trained:.2f}")
print("real names, mean ||dC/dh_t|| at 0, 3, 6, 9 steps before the end:", np.round(trained_curve[[0, 3, 6, 9]], 4))
print("40-char joined names, at 0, 10, 20, 39 steps before the end:", np.array2string(joined_curve[[0, 10, 20, 39]], precision=3))

torch.manual_seed(1)
T_long = 40
random_chars = torch.randint(0, V, (64, T_long))
x_rand = nn.functional.one_hot(random_chars, V).float()
len_rand = torch.full((64,), T_long)
y_rand = torch.randint(0, n_classes, (64,))
q, _ = torch.linalg.qr(torch.randn(H, H))
head = nn.Linear(H, n_classes)
curves = {}
for gain in [0.5, 1.0, 2.0]:
    cell = ScratchRNN(V, H)
    with torch.no_grad():
        cell.W_hh.copy_(gain * q)  # orthogonal times gain: every singular value equals gain
    curves[gain] = grad_norms_through_time(cell, head, x_rand, len_rand, y_rand)
    print(f"gain {gain}: ||dC/dh|| at the end {curves[gain][0]:.3g}, 39 steps earlier {curves[gain][-1]:.3g}")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].semilogy(range(10), trained_curve, "o-", color="#2b5b94", label=f"测试集里 ≥10 字符的名字（{len(long_idx)} 个）")
axes[0].semilogy(range(40), joined_curve, "s-", ms=3, color="#b0602a", label="几个名字用空格连成 40 个字符")
axes[0].legend(fontsize=9)
axes[0].set_xlabel("离最后一个字符的步数 $T-t$")
axes[0].set_ylabel(r"平均 $\|\partial C/\partial h_t\|$")
axes[0].set_title("训练好的姓氏 RNN")
for gain, style in zip(curves, ["o-", "s-", "^-"]):
    axes[1].semilogy(range(T_long), curves[gain], style, ms=3, label=f"$W_{{hh}}$ 奇异值 = {gain}")
axes[1].set_xlabel("离最后一步的步数 $T-t$")
axes[1].set_title("随机 RNN：梯度随步数指数变化")
axes[1].legend()
fig.tight_layout()
plt.show()
assert curves[0.5][-1] < 1e-6 * curves[0.5][0]  # vanishing: shrinks by many orders of magnitude
assert joined_curve[39] < 1e-3 * joined_curve[0]  # the trained RNN's gradient also vanishes over 40 steps
