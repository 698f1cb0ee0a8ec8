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
# 这个 notebook 按正文的顺序走一遍：先在手写数字 0 和 1 上比较“人写的规则”和“从数据里挑出来的规则”；
# 再各用一个小例子看无监督学习（k 均值聚类）和强化学习（三臂老虎机）；然后用一个纯靠运气的实验说明
# 为什么测试集只能用一次；最后在 `load_digits` 的 10 类手写数字上，完整走一遍
# “训练集拟合 → 验证集选超参数 → 测试集报告一次”。数据都随 scikit-learn 安装，或由代码生成，不需要联网。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Rectangle
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False})
rng = np.random.default_rng(0)

digits = load_digits()
X_all, y_all, images_all = digits.data, digits.target, digits.images
print(f"load_digits: {X_all.shape[0]} images of {images_all.shape[1]}x{images_all.shape[2]} pixels, "
      f"grey levels {X_all.min():.0f}..{X_all.max():.0f}, classes {np.unique(y_all)}")
assert X_all.shape == (1797, 64) and X_all.max() == 16

# %% [markdown]
# ### 1. 手写规则与从数据中学到的规则
#
# 只看数字 0 和 1。观察一下就会发现：0 是一个圈，中间是空的；1 是一竖，正好穿过中间。
# 于是可以造一个特征（feature）：图像中间 4×2 个像素的平均灰度。
#
# - **手写规则**：人拍脑袋定阈值——“中间的平均灰度超过 8（最大灰度 16 的一半）就判为 1”。
# - **从数据中学**：把阈值当作待定的参数，在训练集上把所有可能的阈值都试一遍，挑训练准确率最高的那个。
#
# 两条规则都只在训练集上“看过”数据，最后都在同一份没见过的测试集上打分。

# %%
CENTER = (slice(2, 6), slice(3, 5))  # rows 2..5, columns 3..4


def center_ink(imgs):
    return imgs[:, CENTER[0], CENTER[1]].mean(axis=(1, 2))


mask01 = (y_all == 0) | (y_all == 1)
feat01 = center_ink(images_all[mask01])
lab01 = y_all[mask01]
idx01 = np.arange(mask01.sum())
i_tr, i_te = train_test_split(idx01, test_size=0.4, random_state=0, stratify=lab01)
f_tr, f_te, l_tr, l_te = feat01[i_tr], feat01[i_te], lab01[i_tr], lab01[i_te]


def rule(feature, threshold):
    return (feature > threshold).astype(int)


hand_threshold = 8.0
# learning = searching: try every threshold halfway between two neighbouring training values
values = np.unique(f_tr)
candidates = (values[:-1] + values[1:]) / 2
train_acc_curve = np.array([np.mean(rule(f_tr, t) == l_tr) for t in candidates])
learned_threshold = candidates[np.argmax(train_acc_curve)]

acc = {
    "hand": (np.mean(rule(f_tr, hand_threshold) == l_tr), np.mean(rule(f_te, hand_threshold) == l_te)),
    "learned": (train_acc_curve.max(), np.mean(rule(f_te, learned_threshold) == l_te)),
}
print(f"0-vs-1 subset: {len(l_tr)} training images, {len(l_te)} test images")
print(f"hand-written rule   (threshold {hand_threshold:.2f}): train {acc['hand'][0]:.3f}, test {acc['hand'][1]:.3f}")
print(f"learned rule        (threshold {learned_threshold:.2f}): train {acc['learned'][0]:.3f}, "
      f"test {acc['learned'][1]:.3f}  ({len(candidates)} thresholds tried)")

# the same idea with no hand-made feature at all: let k-NN look at all 64 pixels
X01 = X_all[mask01]
knn01 = KNeighborsClassifier(n_neighbors=1).fit(X01[i_tr], lab01[i_tr])
acc_knn01 = knn01.score(X01[i_te], lab01[i_te])
print(f"1-nearest neighbour on all 64 pixels:            test {acc_knn01:.3f}")
assert acc["learned"][0] >= acc["hand"][0]  # the search can only match or beat any fixed threshold on training data
assert acc["hand"][1] > 0.95 and acc["learned"][1] > 0.95 and acc_knn01 >= acc["learned"][1]

# %%
fig = plt.figure(figsize=(10, 3.3))
gs = fig.add_gridspec(1, 4, width_ratios=[0.55, 0.55, 1.5, 1.5])
for j, digit in enumerate([0, 1]):
    ax = fig.add_subplot(gs[0, j])
    example = images_all[np.nonzero(y_all == digit)[0][0]]
    ax.imshow(example, cmap="gray_r", vmin=0, vmax=16)
    ax.add_patch(Rectangle((2.5, 1.5), 2, 4, fill=False, edgecolor="C3", lw=2))
    ax.set_title(f"数字 {digit}", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])

ax = fig.add_subplot(gs[0, 2])
bins = np.linspace(0, 16, 17)
ax.hist(f_tr[l_tr == 0], bins=bins, alpha=0.6, color="C0", label="训练集中的 0")
ax.hist(f_tr[l_tr == 1], bins=bins, alpha=0.6, color="C1", label="训练集中的 1")
ax.axvline(hand_threshold, color="0.3", ls="--", lw=1.5, label=f"手写阈值 {hand_threshold:.1f}")
ax.axvline(learned_threshold, color="C3", lw=1.8, label=f"学到的阈值 {learned_threshold:.2f}")
ax.set_xlabel("红框内的平均灰度")
ax.set_ylabel("图像数")
ax.legend(fontsize=8, loc="upper center")

ax = fig.add_subplot(gs[0, 3])
ax.plot(candidates, train_acc_curve, color="C2", lw=1.8)
ax.plot(learned_threshold, train_acc_curve.max(), "o", color="C3", ms=7)
ax.axvline(hand_threshold, color="0.3", ls="--", lw=1.5)
ax.set_xlabel("阈值")
ax.set_ylabel("训练准确率")
ax.set_title("学习 = 在候选规则里挑最好的", fontsize=10)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# 右图就是“学习”最朴素的样子：规则的形式（“中间灰度大于阈值就是 1”）是人定的，
# 阈值这个参数由训练数据决定。红框这个特征也是人想出来的；最后一行的 1-近邻直接比较 64 个像素，
# 连特征都不用人设计。要区分全部 10 个数字，手写规则几乎写不出来，而第 5 节的做法照样适用。
#
# ### 2. 无监督学习：不给标签，k 均值自己把数字分成 10 堆
#
# 把 1797 张图片的 64 维像素向量交给 k 均值聚类（k-means），只告诉它“分成 10 簇”，不给任何标签。
# 它反复做两步：把每张图分给最近的簇中心，再把簇中心更新为簇内图片的平均值。
# 标签只在事后用来检查：每一簇里最常见的数字是什么、占多大比例（纯度，purity）。

# %%
kmeans = KMeans(n_clusters=10, n_init=4, random_state=0).fit(X_all)
clusters = kmeans.labels_
majority = np.array([np.bincount(y_all[clusters == c], minlength=10).argmax() for c in range(10)])
sizes = np.bincount(clusters, minlength=10)
purity_each = np.array([np.mean(y_all[clusters == c] == majority[c]) for c in range(10)])
purity = float(np.sum(purity_each * sizes) / len(y_all))
print("cluster sizes:          ", sizes)
print("most common digit:      ", majority)
print("share of that digit:    ", np.round(purity_each, 2))
print(f"overall purity = {purity:.3f}; digits that own no cluster: {sorted(set(range(10)) - set(majority))}")
eights = np.bincount(majority[clusters[y_all == 8]], minlength=10)  # count by the cluster's majority digit
print(f"where the {eights.sum()} eights went, by the majority digit of their cluster:",
      {d: int(n) for d, n in enumerate(eights) if n > 0})
assert purity > 0.7

order = np.argsort(majority, kind="stable")
fig, axes = plt.subplots(2, 5, figsize=(8, 4.3))
for ax, c in zip(axes.ravel(), order):
    ax.imshow(kmeans.cluster_centers_[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_title(f"{sizes[c]} 张\n{purity_each[c]:.0%} 是 {majority[c]}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("k 均值的 10 个簇中心（没有用任何标签）", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# 簇中心看上去就是一张张“平均数字”，纯度 0.78，而算法从没见过一个标签。但簇只是“彼此相似的一堆”，
# 不是“正确类别”：这一次 1 被拆成了两簇，8 却没有自己的簇——174 个 8 里有 100 个落进了以 1 为主的两簇，
# 59 个落进了以 3 为主的那一簇。
#
# ### 3. 强化学习：三臂老虎机
#
# 三台老虎机，拉一下分别以 0.4、0.5、0.7 的概率给 1 分，玩家事先不知道这些概率。
# 每一步只能拉一台，只看到这一台给的分数——没有人告诉你“这一步本该拉哪台”。
# 玩家用 ε-贪心（ε-greedy）策略：以概率 ε 随便拉一台（探索），否则拉目前平均得分最高的那台（利用）。
# 下面同时模拟 2000 个玩家，每人玩 1000 步，统计每一步有多大比例的玩家拉的是最好的第 3 台。

# %%
p_win = np.array([0.4, 0.5, 0.7])
best_arm = int(np.argmax(p_win))
n_runs, n_steps = 2000, 1000


def play_bandit(eps, seed):
    r = np.random.default_rng(seed)
    q_est = np.zeros((n_runs, 3))  # running average reward of each arm
    pulls = np.zeros((n_runs, 3))
    chose_best = np.zeros(n_steps)
    reward_mean = np.zeros(n_steps)
    rows = np.arange(n_runs)
    for t in range(n_steps):
        noisy = q_est + 1e-9 * r.random((n_runs, 3))  # break ties at random
        greedy = noisy.argmax(axis=1)
        explore = r.random(n_runs) < eps
        arm = np.where(explore, r.integers(0, 3, n_runs), greedy)
        reward = (r.random(n_runs) < p_win[arm]).astype(float)
        pulls[rows, arm] += 1
        q_est[rows, arm] += (reward - q_est[rows, arm]) / pulls[rows, arm]
        chose_best[t] = np.mean(arm == best_arm)
        reward_mean[t] = reward.mean()
    return chose_best, reward_mean, q_est


bandit = {eps: play_bandit(eps, seed=1) for eps in [0.0, 0.01, 0.1]}
for eps, (chose_best, reward_mean, q_est) in bandit.items():
    print(f"eps = {eps:<4}: best arm chosen in last 100 steps {chose_best[-100:].mean():.3f}, "
          f"mean reward per step {reward_mean.mean():.3f}, mean estimate of the best arm {q_est[:, best_arm].mean():.3f}")
assert bandit[0.1][0][-100:].mean() > 0.85
assert bandit[0.0][0][-100:].mean() < 0.6
assert bandit[0.1][1].mean() > bandit[0.0][1].mean()

fig, ax = plt.subplots(figsize=(7, 3.4))
for i, (eps, (chose_best, _, _)) in enumerate(bandit.items()):
    smooth = np.convolve(chose_best, np.ones(10) / 10, mode="valid")
    ax.plot(np.arange(len(smooth)) + 10, smooth, color=f"C{i}", lw=1.6, label=f"ε = {eps}")
ax.axhline(1 - 0.1 + 0.1 / 3, color="C2", ls=":", lw=1)
ax.set_ylim(0, 1)
ax.set_xlabel("第几步")
ax.set_ylabel("拉最好那台的玩家比例")
ax.set_title("只靠奖励学习：不探索就可能一直守着一台差的机器", fontsize=10)
ax.legend(fontsize=9, loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# 点线是 ε = 0.1 的上限 $0.9 + 0.1/3 \approx 0.933$：即使已经知道哪台最好，它仍有 10% 的步数在随机探索。
#
# ### 4. 为什么测试集只能用一次
#
# 准备一个有 100 个样本的二分类测试集，再准备 200 个“模型”——它们其实都在瞎猜，每个预测都是抛硬币，
# 真实准确率都是 0.5。如果我们挨个在测试集上打分、挑分最高的那个，报告出来的数字会是多少？
# 再拿一份 1 万个样本的全新数据检验一下被挑中的模型。

# %%
r4 = np.random.default_rng(4)
n_test_small, n_models = 100, 200
y_test_small = r4.integers(0, 2, n_test_small)
guesses = r4.integers(0, 2, (n_models, n_test_small))  # every "model" is a coin flip
test_scores = (guesses == y_test_small).mean(axis=1)
winner = int(np.argmax(test_scores))
y_fresh = r4.integers(0, 2, 10_000)
fresh_score = np.mean(r4.integers(0, 2, 10_000) == y_fresh)  # the winner guesses again on new data
print(f"test accuracy of the 200 coin-flip models: mean {test_scores.mean():.3f}, "
      f"std {test_scores.std():.3f}, best {test_scores.max():.2f}")
print(f"the 'best' model on 10,000 fresh examples: {fresh_score:.3f}")
print(f"standard error predicted by sqrt(p(1-p)/n) = {np.sqrt(0.25 / n_test_small):.3f}")
assert test_scores.max() >= 0.62 and abs(fresh_score - 0.5) < 0.02

# how optimistic is "the best of M test scores"? average over 2000 repetitions
ms = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
sims = r4.binomial(n_test_small, 0.5, size=(2000, ms.max())) / n_test_small
best_of_m = np.maximum.accumulate(sims, axis=1)[:, ms - 1].mean(axis=0)
for m, b in zip(ms, best_of_m):
    print(f"  best of {m:>4} models: {b:.3f}")
assert np.all(np.diff(best_of_m) > 0) and abs(best_of_m[0] - 0.5) < 0.005

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
ax = axes[0]
ax.hist(test_scores, bins=np.arange(0.315, 0.70, 0.02), color="C0", alpha=0.75)
ax.axvline(test_scores.max(), color="C3", lw=2, label=f"测试集上挑出的最好者 {test_scores.max():.2f}")
ax.axvline(fresh_score, color="C2", lw=2, ls="--", label=f"它在新数据上 {fresh_score:.2f}")
ax.set_xlabel("测试准确率（100 个样本）")
ax.set_ylabel("模型数")
ax.set_title("200 个瞎猜的模型", fontsize=10)
ax.legend(fontsize=8, loc="upper left")

ax = axes[1]
ax.semilogx(ms, best_of_m, "o-", color="C3", lw=1.8, label="M 个里测试分最高者的平均")
ax.axhline(0.5, color="C2", ls="--", lw=1.5, label="每个模型真实的准确率")
ax.set_xlabel("在测试集上比较过的模型数 M")
ax.set_ylabel("报告出来的准确率")
ax.set_title("看得越多，报告的数字越虚高", fontsize=10)
ax.legend(fontsize=8, loc="upper left")
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# 真实的模型当然不是瞎猜，但道理一样：测试分数里有一部分是运气，在许多候选里挑分数最高的，
# 就把运气一起挑了进来。所以候选之间的比较放在验证集上做，测试集留到最后只看一次。
#
# ### 5. 端到端：在 10 类手写数字上用验证集选 k，测试集只报告一次
#
# 先说一个划分时的坑：有的数据集是按类别排好序的。`load_iris` 的 150 朵花前 50 朵都是第 0 类，
# 如果不打乱、直接把最后 30 朵当测试集，测试集里就只有一个类别。

# %%
iris_y = load_iris().target
print("iris labels, first 10:", iris_y[:10], " last 10:", iris_y[-10:])
print("classes in the last 30 rows:", np.unique(iris_y[-30:]))
_, iris_test_y = train_test_split(iris_y, test_size=30, random_state=0, stratify=iris_y)
print("classes in a shuffled, stratified test set of 30:", np.bincount(iris_test_y))
assert np.unique(iris_y[-30:]).tolist() == [2] and np.all(np.bincount(iris_test_y) == 10)

# %% [markdown]
# 现在按 60% / 20% / 20% 把 1797 张手写数字分成训练集、验证集和测试集，分层抽样保证每一份里 10 个数字的比例相同。
# 模型是 k 近邻（k-nearest neighbors）：预测一张新图时，在训练集里找与它欧氏距离最近的 k 张图，让它们投票。
# k 是超参数（hyper-parameter），不是从训练集学出来的，我们在验证集上选它。
#
# k 近邻的“训练”只是把训练集存起来，所以可以先用 NumPy 一次算出所有距离，几行代码就能得到每个 k 的准确率；
# 再核对一下它和 scikit-learn 的 `KNeighborsClassifier` 给出的预测完全相同。

# %%
X_trval, X_test, y_trval, y_test = train_test_split(X_all, y_all, test_size=0.2, random_state=0, stratify=y_all)
X_train, X_val, y_train, y_val = train_test_split(X_trval, y_trval, test_size=0.25, random_state=0, stratify=y_trval)
print(f"train {len(y_train)}, validation {len(y_val)}, test {len(y_test)}")
print("test images per digit:", np.bincount(y_test))
assert (len(y_train), len(y_val), len(y_test)) == (1077, 360, 360)


def sq_dist(A, B):
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b ; exact here because pixels are small integers
    return (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * A @ B.T


def knn_predict_all_k(X_ref, y_ref, X_query, ks):
    nearest = np.argsort(sq_dist(X_query, X_ref), axis=1, kind="stable")[:, : max(ks)]
    neighbour_labels = y_ref[nearest]  # shape (n_query, max k)
    preds = {}
    for k in ks:
        votes = np.zeros((len(X_query), 10), dtype=int)
        np.add.at(votes, (np.arange(len(X_query))[:, None], neighbour_labels[:, :k]), 1)
        preds[k] = votes.argmax(axis=1)  # ties go to the smaller digit, as in scikit-learn
    return preds


ks = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 50, 100]
pred_val = knn_predict_all_k(X_train, y_train, X_val, ks)
pred_train = knn_predict_all_k(X_train, y_train, X_train, ks)
val_acc = np.array([np.mean(pred_val[k] == y_val) for k in ks])
train_acc = np.array([np.mean(pred_train[k] == y_train) for k in ks])
for k, a_tr, a_va in zip(ks, train_acc, val_acc):
    print(f"k = {k:>3}: train {a_tr:.3f}   validation {a_va:.3f}  ({round(a_va * len(y_val))}/{len(y_val)})")

k_best = ks[int(np.argmax(val_acc))]  # first (smallest) k among ties
print(f"chosen on the validation set: k = {k_best}, validation accuracy {val_acc.max():.3f}")
print(f"chosen on the training set it would always be k = {ks[int(np.argmax(train_acc))]} (train accuracy {train_acc.max():.3f})")

sk_val = KNeighborsClassifier(n_neighbors=k_best).fit(X_train, y_train).predict(X_val)
assert np.array_equal(sk_val, pred_val[k_best])  # our few lines agree with scikit-learn
assert train_acc[0] == 1.0  # with k = 1 every training image is its own nearest neighbour
assert val_acc.max() > 0.97

# %% [markdown]
# 选好 k 之后，把训练集和验证集合在一起重新拟合（k 近邻就是把这 1437 张图都存起来），
# 然后在测试集上打分——整个 notebook 里测试集只在这里用这一次。作为对照，再算一个永远猜“训练集里最常见的数字”的基线。

# %%
final_model = KNeighborsClassifier(n_neighbors=k_best).fit(X_trval, y_trval)
y_pred_test = final_model.predict(X_test)
test_acc = float(np.mean(y_pred_test == y_test))
n_wrong = int(np.sum(y_pred_test != y_test))
baseline_acc = float(np.mean(y_test == np.bincount(y_trval).argmax()))
se = np.sqrt(test_acc * (1 - test_acc) / len(y_test))
print(f"k-NN (k = {k_best}) trained on train+validation: test accuracy {test_acc:.4f} "
      f"({len(y_test) - n_wrong}/{len(y_test)}, {n_wrong} mistakes)")
print(f"standard error sqrt(p(1-p)/n) = {se:.4f}")
print(f"majority-class baseline: test accuracy {baseline_acc:.3f}")
assert test_acc >= 0.97, test_acc
assert baseline_acc < 0.15

# %%
fig, ax = plt.subplots(figsize=(7.5, 3.6))
ax.semilogx(ks, train_acc, "o-", color="C0", ms=4, lw=1.6, label="训练集")
ax.semilogx(ks, val_acc, "o-", color="C1", ms=4, lw=1.6, label="验证集")
ax.plot(k_best, val_acc.max(), "s", color="C1", ms=10, mfc="none", mew=2, label=f"验证集选出 k = {k_best}")
ax.plot(k_best, test_acc, "*", color="C3", ms=13, label=f"测试集（只看一次）{test_acc:.3f}")
ax.set_xlabel("k（邻居个数，对数坐标）")
ax.set_ylabel("准确率")
ax.set_ylim(0.88, 1.005)
ax.set_title("k 近邻：k 越大，判决越“平滑”", fontsize=10)
ax.legend(fontsize=9, loc="lower left")
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# 最后看看测试集上认错的是哪些图，错误往往比准确率本身更能说明模型缺什么。

# %%
wrong = np.nonzero(y_pred_test != y_test)[0]
fig, axes = plt.subplots(1, len(wrong), figsize=(1.1 * len(wrong), 1.6))
for ax, i in zip(np.atleast_1d(axes), wrong):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_title(f"真 {y_test[i]} 判 {y_pred_test[i]}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
