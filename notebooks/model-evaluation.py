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
# 这个 notebook 用 scikit-learn 自带的两份数据和一份自己生成的数据，把“模型评估”里的每个结论算出来：
# 在乳腺癌数据（`load_breast_cancer`）上从零实现混淆矩阵、精确率、召回率、F1、ROC 曲线和 AUC，
# 并与 `sklearn.metrics` 逐个对照；在手写数字（`load_digits`）上看“准确率悖论”、学习曲线和错误分析；
# 在 $y=\sin(2\pi x)+\varepsilon$ 的模拟数据上用 400 份训练集估计偏差和方差。
# 所有随机数都固定了种子，不联网。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    cross_val_predict,
    learning_curve,
    train_test_split,
    validation_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 11,
    }
)
np.set_printoptions(precision=4, suppress=True)
# every matrix here is small: one BLAS thread is faster than several, above all on a busy machine
threadpool_limits(limits=1)

# %% [markdown]
# ### 1. 混淆矩阵、精确率、召回率和 F1：从零实现
#
# 乳腺癌数据有 569 个样本、30 个特征。scikit-learn 里 `target == 0` 表示恶性（malignant）；
# 我们关心的是找出恶性肿瘤，所以把恶性记为正类（positive，标签 1）。
# 按类别比例分层留出 30% 做测试集，模型是“标准化 + 逻辑回归”的流水线。

# %%
cancer = load_breast_cancer()
X_bc = cancer.data
y_bc = (cancer.target == 0).astype(int)  # 1 = malignant (the class we want to find)
X_tr, X_te, y_tr, y_te = train_test_split(X_bc, y_bc, test_size=0.3, stratify=y_bc, random_state=0)
clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
clf.fit(X_tr, y_tr)
y_pred = clf.predict(X_te)
print(f"train: {len(y_tr)} samples, test: {len(y_te)} samples, malignant in test: {y_te.sum()}")


def confusion_counts(y_true, y_pred):
    """Return TN, FP, FN, TP for binary labels in {0, 1}."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    return tn, fp, fn, tp


def binary_metrics(y_true, y_pred):
    tn, fp, fn, tp = confusion_counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    accuracy = (tp + tn) / (tp + tn + fp + fn)
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


tn, fp, fn, tp = confusion_counts(y_te, y_pred)
ours = binary_metrics(y_te, y_pred)
print("confusion matrix (rows = true 0/1, columns = predicted 0/1):")
print(np.array([[tn, fp], [fn, tp]]))
for name, value in ours.items():
    print(f"{name:>9s} = {value:.4f}")

assert np.array_equal(np.array([[tn, fp], [fn, tp]]), confusion_matrix(y_te, y_pred))
assert abs(ours["precision"] - precision_score(y_te, y_pred)) < 1e-12
assert abs(ours["recall"] - recall_score(y_te, y_pred)) < 1e-12
assert abs(ours["f1"] - f1_score(y_te, y_pred)) < 1e-12
assert abs(ours["accuracy"] - accuracy_score(y_te, y_pred)) < 1e-12
assert ours["accuracy"] > 0.95 and ours["recall"] > 0.9

# %% [markdown]
# F1 是精确率和召回率的调和平均。调和平均总是靠近两者中较小的那个：
# 下面把精确率固定为 0.9，让召回率从 0 变到 1，比较算术平均和 F1。

# %%
r_grid = np.array([0.01, 0.1, 0.5, 0.9, 1.0])
f1_grid = 2 * 0.9 * r_grid / (0.9 + r_grid)
for r, f in zip(r_grid, f1_grid):
    print(f"P = 0.90, R = {r:.2f}: arithmetic mean = {(0.9 + r) / 2:.3f}, F1 = {f:.3f}")
assert f1_grid[0] < 0.02  # a useless recall drags F1 to near zero

# %% [markdown]
# ### 2. 准确率悖论：类别不平衡时准确率会骗人
#
# 在手写数字数据上提一个二分类问题：“这张图是不是 9？”1797 张图里只有约十分之一是 9。
# 一个永远回答“不是”的分类器什么也没学，准确率却接近 90%。

# %%
digits = load_digits()
X_dg, y_dg = digits.data, digits.target
y9 = (y_dg == 9).astype(int)
Xd_tr, Xd_te, y9_tr, y9_te, yd_tr, yd_te = train_test_split(
    X_dg, y9, y_dg, test_size=0.5, stratify=y_dg, random_state=0
)
print(f"share of nines in the test set: {y9_te.mean():.4f}")

always_no = np.zeros_like(y9_te)
m_dummy = binary_metrics(y9_te, always_no)
print("always 'not 9':     ", {k: round(v, 4) for k, v in m_dummy.items()})

clf9 = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
clf9.fit(Xd_tr, y9_tr)
m_lr = binary_metrics(y9_te, clf9.predict(Xd_te))
print("logistic regression:", {k: round(v, 4) for k, v in m_lr.items()})

assert 0.88 < m_dummy["accuracy"] < 0.92
assert m_dummy["recall"] == 0.0 and m_dummy["f1"] == 0.0
assert m_lr["accuracy"] > 0.95 and m_lr["recall"] > 0.8

# %% [markdown]
# ### 3. 阈值：精确率与召回率此消彼长
#
# `predict` 在概率大于 0.5（等价于 `decision_function` 大于 0）时判为正类。这个 0.5 只是默认值。
# 阈值越低，判为正类的样本越多：召回率上升、精确率下降。
# 选阈值属于调参，不能看测试集：下面用训练集上的 5 折交叉验证得到每个训练样本的“样本外”分数，
# 在这些分数上选出使召回率至少为 0.98 的最高阈值，再拿到测试集上只评估一次。

# %%
cv5 = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
score_oof = cross_val_predict(clf, X_tr, y_tr, cv=cv5, method="decision_function")
thresholds = np.linspace(-6, 6, 241)
prec_t = np.array([binary_metrics(y_tr, (score_oof > t).astype(int))["precision"] for t in thresholds])
rec_t = np.array([binary_metrics(y_tr, (score_oof > t).astype(int))["recall"] for t in thresholds])

t_star = thresholds[rec_t >= 0.98].max()
score_te = clf.decision_function(X_te)
m_default = binary_metrics(y_te, (score_te > 0).astype(int))
m_star = binary_metrics(y_te, (score_te > t_star).astype(int))
print(f"threshold chosen on out-of-fold training scores: {t_star:.2f}")
print(f"test, threshold 0    : precision {m_default['precision']:.4f}, recall {m_default['recall']:.4f}")
print(f"test, threshold {t_star:.2f}: precision {m_star['precision']:.4f}, recall {m_star['recall']:.4f}")

assert np.all(np.diff(rec_t) <= 1e-12)  # recall can only fall as the threshold rises
assert t_star < 0 and m_star["recall"] >= m_default["recall"]

fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(thresholds, prec_t, label="精确率")
ax.plot(thresholds, rec_t, label="召回率")
ax.axvline(0, color="gray", ls=":", label="默认阈值 0（概率 0.5）")
ax.axvline(t_star, color="C3", ls="--", label=f"召回率 ≥ 0.98 的阈值 {t_star:.2f}")
ax.set_xlabel("decision_function 的阈值")
ax.set_ylabel("训练集 5 折样本外分数上的值")
ax.set_title("阈值越高，精确率越高、召回率越低")
ax.legend(loc="lower center", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. ROC 曲线与 AUC：两种从零实现
#
# 第一种：按分数从高到低排序，依次把阈值降到每个不同的分数，累计真正例和假正例，
# 得到一串 (FPR, TPR) 点，再用梯形法则求曲线下面积。分数相同的样本必须一起越过阈值，
# 所以按“不同的分数”取点。
#
# 第二种：AUC 等于“随机取一个正例和一个负例，正例分数更高”的概率（分数相等算半个）。
# 直接把所有正负样本对比较一遍。

# %%
def roc_points(y_true, scores):
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], y_true[order]
    last_of_each_score = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp_cum = np.cumsum(y)[last_of_each_score]
    fp_cum = np.cumsum(1 - y)[last_of_each_score]
    tpr = np.r_[0.0, tp_cum / y.sum()]
    fpr = np.r_[0.0, fp_cum / (len(y) - y.sum())]
    return fpr, tpr


def auc_trapezoid(y_true, scores):
    fpr, tpr = roc_points(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def auc_pairwise(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


auc_sk = roc_auc_score(y_te, score_te)
auc_a, auc_b = auc_trapezoid(y_te, score_te), auc_pairwise(y_te, score_te)
print(f"AUC: trapezoid {auc_a:.6f}, pairwise {auc_b:.6f}, sklearn {auc_sk:.6f}")
assert abs(auc_a - auc_sk) < 1e-12 and abs(auc_b - auc_sk) < 1e-12

# ties: round the scores to integers so that many are equal
score_rounded = np.round(score_te, 0)
print(f"with tied scores: trapezoid {auc_trapezoid(y_te, score_rounded):.6f}, "
      f"pairwise {auc_pairwise(y_te, score_rounded):.6f}, sklearn {roc_auc_score(y_te, score_rounded):.6f}")
assert abs(auc_trapezoid(y_te, score_rounded) - roc_auc_score(y_te, score_rounded)) < 1e-12
assert abs(auc_pairwise(y_te, score_rounded) - roc_auc_score(y_te, score_rounded)) < 1e-12

# AUC only depends on the ranking: any strictly increasing transform leaves it unchanged
proba_te = clf.predict_proba(X_te)[:, 1]
assert abs(auc_pairwise(y_te, np.exp(score_te)) - auc_sk) < 1e-12
print(f"AUC of predict_proba: {roc_auc_score(y_te, proba_te):.6f}")

fpr_ours, tpr_ours = roc_points(y_te, score_te)
fpr_sk, tpr_sk, _ = roc_curve(y_te, score_te, drop_intermediate=False)
assert np.allclose(fpr_ours, fpr_sk) and np.allclose(tpr_ours, tpr_sk)

# %% [markdown]
# ### 5. ROC 与 PR 曲线：类别不平衡时看哪条
#
# ROC 曲线的两个坐标 TPR 和 FPR 分别只在正类、负类内部计算，所以**与正负比例无关**。
# 精确率却把两类混在一起：负例一多，同样的 FPR 会带来更多假正例。
# 下面把乳腺癌测试集里的每个良性样本复制 10 份（分类器和分数完全不变，只是负例变多），
# 比较两条曲线和两个面积。平均精确率（average precision，AP）是 PR 曲线的一种面积：
# $\mathrm{AP}=\sum_k (R_k-R_{k-1})P_k$，也从零实现并与 sklearn 对照。

# %%
def average_precision(y_true, scores):
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], y_true[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp_cum = np.cumsum(y)[last]
    pred_pos = last + 1
    precision = tp_cum / pred_pos
    recall = np.r_[0.0, tp_cum / y.sum()]
    return float(np.sum(np.diff(recall) * precision))


neg_idx = np.nonzero(y_te == 0)[0]
rep = np.r_[np.arange(len(y_te)), np.repeat(neg_idx, 9)]  # each benign sample now appears 10 times
y_imb, s_imb = y_te[rep], score_te[rep]
print(f"share of positives: original {y_te.mean():.3f}, with copied negatives {y_imb.mean():.3f}")

auc_bal, auc_imb = roc_auc_score(y_te, score_te), roc_auc_score(y_imb, s_imb)
ap_bal, ap_imb = average_precision(y_te, score_te), average_precision(y_imb, s_imb)
print(f"ROC AUC: {auc_bal:.4f} -> {auc_imb:.4f}")
print(f"AP     : {ap_bal:.4f} -> {ap_imb:.4f}")
m_bal = binary_metrics(y_te, (score_te > 0).astype(int))
m_imb = binary_metrics(y_imb, (s_imb > 0).astype(int))
print(f"at threshold 0: precision {m_bal['precision']:.4f} -> {m_imb['precision']:.4f}, "
      f"recall {m_bal['recall']:.4f} -> {m_imb['recall']:.4f}")

# precision predicted from TPR, FPR and the share of positives pi (Bayes' rule)
tn0, fp0, fn0, tp0 = confusion_counts(y_te, (score_te > 0).astype(int))
tpr0, fpr0, pi_imb = tp0 / (tp0 + fn0), fp0 / (fp0 + tn0), y_imb.mean()
p_formula = tpr0 * pi_imb / (tpr0 * pi_imb + fpr0 * (1 - pi_imb))
print(f"precision from TPR = {tpr0:.4f}, FPR = {fpr0:.4f}, pi = {pi_imb:.4f}: {p_formula:.4f}")
assert abs(p_formula - m_imb["precision"]) < 1e-12

assert abs(ap_bal - average_precision_score(y_te, score_te)) < 1e-12
assert abs(ap_imb - average_precision_score(y_imb, s_imb)) < 1e-12
assert abs(auc_bal - auc_imb) < 1e-12  # ROC does not see the class ratio
assert ap_imb < ap_bal - 0.01 and m_imb["precision"] < m_bal["precision"] - 0.1

# the "is it a 9?" task: a genuinely imbalanced problem
s9 = clf9.decision_function(Xd_te)
auc9, ap9 = roc_auc_score(y9_te, s9), average_precision_score(y9_te, s9)
print(f"digits 'is it a 9?': ROC AUC {auc9:.4f}, AP {ap9:.4f}, base rate {y9_te.mean():.4f}")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for y_, s_, label in [(y_te, score_te, "原测试集"), (y_imb, s_imb, "负例复制 10 倍")]:
    f_, t_, _ = roc_curve(y_, s_)
    p_, r_, _ = precision_recall_curve(y_, s_)
    axes[0].plot(f_, t_, label=f"{label}，AUC = {roc_auc_score(y_, s_):.3f}")
    axes[1].plot(r_, p_, label=f"{label}，AP = {average_precision_score(y_, s_):.3f}")
axes[0].plot([0, 1], [0, 1], color="gray", ls=":", label="随机打分")
axes[0].set(xlabel="假正例率 FPR", ylabel="真正例率 TPR（召回率）", title="ROC 曲线：两条完全重合")
axes[1].set(xlabel="召回率", ylabel="精确率", title="PR 曲线：负例变多，精确率下降", ylim=(0, 1.02))
for ax in axes:
    ax.legend(loc="lower right" if ax is axes[0] else "lower left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 偏差–方差分解：用模拟把期望算出来
#
# 真实函数 $f(x)=\sin(2\pi x)$，噪声 $\varepsilon\sim\mathcal N(0,0.3^2)$。训练输入固定为 $[0,1]$ 上 15 个等距点，
# 每份训练集只重新抽噪声；一共抽 $R=400$ 份训练集，在每份上拟合 1 到 12 次多项式
# （把 $x$ 映射到 $[-1,1]$，用勒让德多项式做特征、`lstsq` 求解，避免病态）。在 200 个固定的测试点 $x_0$ 上：
#
# - 平均预测 $\bar h(x_0)$ = 400 个模型预测的平均；
# - 偏差平方 = $(\bar h(x_0)-f(x_0))^2$；方差 = 400 个预测围绕 $\bar h(x_0)$ 的方差；噪声 = $\sigma^2=0.09$；
# - 期望测试误差：给每个模型的每个测试点另抽一个带噪声的 $y_0$，算平方误差再平均。
#
# 三项都在测试点上平均。分解若成立，偏差² + 方差 + 噪声应当等于直接估计的期望测试误差。

# %%
sigma, n_train, R = 0.3, 15, 400
degrees = np.arange(1, 13)
x_train = np.linspace(0, 1, n_train)
x_test = np.linspace(0, 1, 200)
f_test = np.sin(2 * np.pi * x_test)
sim = np.random.default_rng(1)
y_sets = np.sin(2 * np.pi * x_train) + sigma * sim.normal(size=(R, n_train))  # one row per training set
y0 = f_test + sigma * sim.normal(size=(R, len(x_test)))  # fresh test targets, one draw per model


def vander(x, degree):
    return np.polynomial.legendre.legvander(2 * x - 1, degree)


def fit_all(degree):
    """Fit one polynomial per training set; return predictions at x_test, shape (R, len(x_test))."""
    coef = np.linalg.lstsq(vander(x_train, degree), y_sets.T, rcond=None)[0]
    return (vander(x_test, degree) @ coef).T


bias2, var, test_mse = [], [], []
for deg in degrees:
    preds = fit_all(deg)
    h_bar = preds.mean(axis=0)
    bias2.append(np.mean((h_bar - f_test) ** 2))
    var.append(np.mean(preds.var(axis=0)))
    test_mse.append(np.mean((preds - y0) ** 2))
bias2, var, test_mse = map(np.array, (bias2, var, test_mse))
total = bias2 + var + sigma**2
rel_gap = np.abs(total - test_mse) / test_mse

print("deg   bias^2   variance  noise   sum     test MSE  rel.diff")
for k, deg in enumerate(degrees):
    print(f"{deg:3d}   {bias2[k]:.4f}   {var[k]:.4f}    {sigma**2:.2f}   {total[k]:.4f}  {test_mse[k]:.4f}    {rel_gap[k]:.4f}")
best_deg = degrees[np.argmin(test_mse)]
print(f"lowest expected test MSE at degree {best_deg}; largest relative difference {rel_gap.max():.4f}")

assert rel_gap.max() < 0.02
assert bias2[0] > 0.15 and np.all(bias2[4:] < 0.005)  # a line cannot follow a sine; degree >= 5 can
assert np.all(np.diff(var) > 0) and var[-1] > 20 * var[0]  # variance grows with degree
assert 3 <= best_deg <= 6 and test_mse[-1] > 3 * test_mse.min()  # U shape

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
ax = axes[0]
ax.plot(degrees, bias2, "o-", label="偏差²")
ax.plot(degrees, var, "s-", label="方差")
ax.axhline(sigma**2, color="gray", ls=":", label="噪声 σ² = 0.09")
ax.plot(degrees, test_mse, "k^-", label="期望测试误差（直接估计）")
ax.plot(degrees, total, "r--", lw=1, label="偏差² + 方差 + 噪声")
ax.set_yscale("log")
ax.set(xlabel="多项式次数", ylabel="均方误差", title="偏差–方差分解：U 形的测试误差")
ax.legend(fontsize=9)
ax = axes[1]
for deg, color in [(1, "C0"), (5, "C2"), (12, "C3")]:
    preds = fit_all(deg)[:15]
    for r in range(15):
        ax.plot(x_test, preds[r], color=color, alpha=0.35, lw=1, label=f"{deg} 次" if r == 0 else None)
ax.plot(x_test, f_test, "k", lw=2, label="真实函数")
ax.set(ylim=(-2, 2), xlabel="x", ylabel="y", title="15 份训练集各自拟合出的曲线")
ax.legend(fontsize=9, loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 7. 学习曲线：高偏差还是高方差
#
# 回到手写数字的十分类。两个故意选的模型：
#
# - **高偏差**：先用 PCA 把 64 个像素压到 2 维，再做逻辑回归。两个数字不足以区分十个类。
# - **高方差**：不限深度的决策树，它能把任何训练集背下来。
#
# `learning_curve` 对每个训练集大小做 10 次随机划分（每次留 20% 做验证），画出训练和验证准确率的均值。

# %%
models = {
    "PCA(2) + 逻辑回归（高偏差）": make_pipeline(StandardScaler(), PCA(n_components=2), LogisticRegression(max_iter=2000)),
    "不限深度的决策树（高方差）": DecisionTreeClassifier(random_state=0),
}
split10 = ShuffleSplit(n_splits=10, test_size=0.2, random_state=0)
curves = {}
for name, model in models.items():
    sizes, tr_sc, va_sc = learning_curve(
        model, X_dg, y_dg, cv=split10, train_sizes=np.linspace(0.1, 1.0, 8), n_jobs=1
    )
    curves[name] = (sizes, tr_sc.mean(axis=1), va_sc.mean(axis=1), va_sc.std(axis=1))
    print(f"{name}: m = {sizes[0]} -> train {tr_sc.mean(axis=1)[0]:.3f}, valid {va_sc.mean(axis=1)[0]:.3f};"
          f" m = {sizes[-1]} -> train {tr_sc.mean(axis=1)[-1]:.3f}, valid {va_sc.mean(axis=1)[-1]:.3f}")

(hb_sizes, hb_tr, hb_va, _), (hv_sizes, hv_tr, hv_va, _) = curves.values()
assert hb_tr[-1] < 0.75 and hb_va[-1] < 0.75 and abs(hb_tr[-1] - hb_va[-1]) < 0.05  # converge low
assert hv_tr[-1] > 0.999 and hv_tr[-1] - hv_va[-1] > 0.1  # a persistent gap
assert hv_va[-1] > hv_va[0] + 0.05  # more data helps the high-variance model

fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, (name, (sizes, tr, va, va_sd)) in zip(axes, curves.items()):
    ax.plot(sizes, tr, "o-", label="训练准确率")
    ax.plot(sizes, va, "s-", label="验证准确率")
    ax.fill_between(sizes, va - va_sd, va + va_sd, alpha=0.2, color="C1")
    ax.set(xlabel="训练样本数 m", title=name, ylim=(0.3, 1.02))
    ax.legend(loc="lower right")
axes[0].set_ylabel("准确率")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. 验证曲线：用正则化强度控制复杂度
#
# 学习曲线看的是数据量，验证曲线看的是一个超参数。回到第 6 节的正弦数据（这次只用一份 40 个点的训练集），
# 固定 12 次多项式特征，用 `validation_curve` 扫描岭回归的 $\alpha$（5 折交叉验证，分数是负的 MSE，取反后画出）。
# $\alpha$ 大，模型被压得接近常数（高偏差）；$\alpha$ 小，12 次多项式自由摆动（高方差）。

# %%
gen_vc = np.random.default_rng(2)
x_vc = gen_vc.uniform(0, 1, size=40)
y_vc = np.sin(2 * np.pi * x_vc) + sigma * gen_vc.normal(size=40)
alphas = np.logspace(-5, 2, 15)
ridge12 = make_pipeline(PolynomialFeatures(12, include_bias=False), StandardScaler(), Ridge())
tr_vc, va_vc = validation_curve(
    ridge12, x_vc[:, None], y_vc, param_name="ridge__alpha", param_range=alphas,
    cv=KFold(5, shuffle=True, random_state=0), scoring="neg_mean_squared_error",
)
tr_mse, va_mse = -tr_vc.mean(axis=1), -va_vc.mean(axis=1)
best_alpha = alphas[np.argmin(va_mse)]
print(f"validation MSE: alpha = {alphas[0]:.0e}: {va_mse[0]:.3f}, best alpha = {best_alpha:.1e}: "
      f"{va_mse.min():.3f}, alpha = {alphas[-1]:.0e}: {va_mse[-1]:.3f}")
assert np.all(np.diff(tr_mse) > -1e-9)  # training error only grows with alpha
assert 0 < np.argmin(va_mse) < len(alphas) - 1  # the best alpha is inside the range
assert va_mse.min() < 0.8 * min(va_mse[0], va_mse[-1])

fig, ax = plt.subplots(figsize=(7, 3.8))
ax.semilogx(alphas, tr_mse, "o-", label="训练 MSE")
ax.semilogx(alphas, va_mse, "s-", label="验证 MSE（5 折平均）")
ax.axhline(sigma**2, color="gray", ls=":", label="噪声 σ² = 0.09")
ax.axvline(best_alpha, color="C3", ls="--", label=f"最佳 α ≈ {best_alpha:.0e}")
ax.set(xlabel="岭回归的 α（越大越简单）", ylabel="均方误差", title="验证曲线：左边高方差，右边高偏差")
ax.set_yscale("log")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 9. 错误分析：看错在哪里
#
# 用逻辑回归做手写数字十分类（训练、测试各一半）。先看多类混淆矩阵，去掉对角线后哪些格子最亮；
# 再把错误按（真实类, 预测类）分桶计数，最后把错得最“自信”的几张图画出来。

# %%
clf10 = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000))
clf10.fit(Xd_tr, yd_tr)
pred10 = clf10.predict(Xd_te)
proba10 = clf10.predict_proba(Xd_te)
cm10 = confusion_matrix(yd_te, pred10)
err = np.nonzero(pred10 != yd_te)[0]
print(f"test accuracy {accuracy_score(yd_te, pred10):.4f}, errors: {len(err)} of {len(yd_te)}")
assert len(err) == cm10.sum() - np.trace(cm10)

pairs, counts = np.unique(np.c_[yd_te[err], pred10[err]], axis=0, return_counts=True)
order = np.argsort(-counts, kind="stable")
print("most frequent (true -> predicted) pairs:")
for (t, p), c in zip(pairs[order][:6], counts[order][:6]):
    print(f"  {t} -> {p}: {c}")
per_class_recall = np.diag(cm10) / cm10.sum(axis=1)
print("per-class recall:", per_class_recall)
assert counts.max() >= 3 and counts.sum() == len(err)

# macro, micro and weighted averages, from scratch
tp_k = np.diag(cm10).astype(float)
fp_k = cm10.sum(axis=0) - tp_k
fn_k = cm10.sum(axis=1) - tp_k
prec_k, rec_k = tp_k / (tp_k + fp_k), tp_k / (tp_k + fn_k)
f1_k = 2 * prec_k * rec_k / (prec_k + rec_k)
macro_f1 = f1_k.mean()
micro_p = tp_k.sum() / (tp_k.sum() + fp_k.sum())
micro_r = tp_k.sum() / (tp_k.sum() + fn_k.sum())
micro_f1 = 2 * micro_p * micro_r / (micro_p + micro_r)
weighted_f1 = np.sum(f1_k * cm10.sum(axis=1)) / cm10.sum()
print(f"F1: macro {macro_f1:.4f}, micro {micro_f1:.4f} (= accuracy), weighted {weighted_f1:.4f}")
assert abs(macro_f1 - f1_score(yd_te, pred10, average="macro")) < 1e-12
assert abs(micro_f1 - f1_score(yd_te, pred10, average="micro")) < 1e-12
assert abs(weighted_f1 - f1_score(yd_te, pred10, average="weighted")) < 1e-12
assert abs(micro_f1 - accuracy_score(yd_te, pred10)) < 1e-12

conf_wrong = proba10[err, pred10[err]]
print(f"confidence of the predicted class on errors: median {np.median(conf_wrong):.3f}; "
      f"on correct predictions: median {np.median(proba10[pred10 == yd_te].max(axis=1)):.3f}")
print(f"errors with confidence > 0.9: {np.sum(conf_wrong > 0.9)}")

fig = plt.figure(figsize=(11, 4.4))
ax = fig.add_subplot(1, 2, 1)
cm_off = cm10.astype(float)
np.fill_diagonal(cm_off, np.nan)
im = ax.imshow(cm_off, cmap="Reds")
for i in range(10):
    for j in range(10):
        if i != j and cm10[i, j] > 0:
            color = "white" if cm10[i, j] > 0.6 * np.nanmax(cm_off) else "black"
            ax.text(j, i, cm10[i, j], ha="center", va="center", fontsize=9, color=color)
ax.set(xticks=range(10), yticks=range(10), xlabel="预测类别", ylabel="真实类别", title="混淆矩阵（去掉对角线）")
fig.colorbar(im, ax=ax, fraction=0.046)
worst = err[np.argsort(-conf_wrong)][:8]
for k, i in enumerate(worst):
    a = fig.add_subplot(2, 8, 5 + (k // 4) * 8 + k % 4)
    a.imshow(Xd_te[i].reshape(8, 8), cmap="gray_r")
    a.set_title(f"真 {yd_te[i]} → 判 {pred10[i]}\n{proba10[i, pred10[i]]:.2f}", fontsize=9)
    a.axis("off")
fig.suptitle("右：错得最自信的 8 张图（标题下方是预测类别的概率）", x=0.75, y=0.04, fontsize=10)
fig.tight_layout(rect=(0, 0.05, 1, 1))
plt.show()

# %% [markdown]
# ### 小结
#
# - 混淆矩阵的四个数决定了精确率、召回率、F1 和准确率；在 10% 正例的任务上，全判负的分类器准确率约 0.90，召回率为 0。
# - 阈值是在验证数据（这里是训练集的交叉验证分数）上选的，测试集只用来报告最后的结果。
# - AUC 既是 ROC 曲线下的面积，也是“正例排在负例前面”的概率，两种算法与 sklearn 一致到 $10^{-12}$；
#   复制负例不改变 ROC，却压低了 PR 曲线。
# - 模拟中偏差² + 方差 + 噪声与直接估计的期望测试误差相差不到 2%；偏差随次数下降、方差随次数上升。
# - 学习曲线上，高偏差模型的两条线在低处汇合，高方差模型留着一道缝；错误分析告诉我们错误集中在哪几对类别上。
