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
# 这个 notebook 用两份随 scikit-learn 安装的数据，不需要联网：`load_wine` 葡萄酒数据（178 个样本、13 个化学指标、3 个品种）
# 和 `load_breast_cancer` 乳腺癌数据（569 个样本、30 个细胞核测量值、良性/恶性两类）。它分六步：
# 估计器 API 与“超参数 vs 学到的属性”、交叉验证与 `KFold`/`StratifiedKFold` 的区别、先缩放再划分造成的数据泄漏及其
# `Pipeline` 修正、用 `ColumnTransformer` 对不同列做不同预处理、对整条流水线做网格搜索、验证曲线。
# 每一步的关键数字都用 `assert` 检查；所有随机性都由固定的 `random_state` 控制。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import sklearn
from matplotlib import font_manager
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
    train_test_split,
    validation_curve,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 100,
    }
)
np.set_printoptions(precision=3, suppress=True)
rng = np.random.default_rng(0)  # only used for the synthetic noise data in section 3
print("scikit-learn", sklearn.__version__)

# %% [markdown]
# ### 1. 估计器 API：超参数写在构造函数里，学到的东西以下划线结尾
#
# 先看葡萄酒数据。13 个特征的量纲差别很大：脯氨酸（proline）的标准差约 314，色调（hue）只有约 0.23。
# 用 `train_test_split` 留出 25% 做测试集，`stratify=y` 让两部分的类别比例与全体一致。
#
# scikit-learn 里所有模型和预处理都是**估计器**（estimator），用法相同：
# 构造时传入**超参数**（如 `n_neighbors`），它们原样保存，`get_params()` 可以读出；
# 调用 `fit` 之后，从数据里**学到的属性**才出现，名字都以下划线结尾（如 `mean_`、`coef_`）。
# 预处理器多一个 `transform`，模型多 `predict` 和 `score`。

# %%
wine = load_wine()
X_wine, y_wine = wine.data, wine.target
print("wine X:", X_wine.shape, "class counts:", np.bincount(y_wine))
print("labels are sorted:", y_wine[:3], "...", y_wine[-3:])
stds = X_wine.std(axis=0)
print(f"feature std: min {stds.min():.3f} ({wine.feature_names[stds.argmin()]}), "
      f"max {stds.max():.1f} ({wine.feature_names[stds.argmax()]})")

X_tr, X_te, y_tr, y_te = train_test_split(X_wine, y_wine, test_size=0.25, stratify=y_wine, random_state=0)
print("train / test sizes:", len(y_tr), len(y_te), "| test class counts:", np.bincount(y_te))

knn = KNeighborsClassifier(n_neighbors=5)
print("hyperparameters:", {k: v for k, v in knn.get_params().items() if k in ("n_neighbors", "weights", "metric")})
try:
    check_is_fitted(knn)
except NotFittedError:
    print("before fit: the model has no learned attributes yet")

knn.fit(X_tr, y_tr)
pred = knn.predict(X_te)
acc_raw = knn.score(X_te, y_te)
assert acc_raw == np.mean(pred == y_te)  # score() of a classifier is plain accuracy
print(f"k-NN on raw features: test accuracy {acc_raw:.3f}")

# %% [markdown]
# `StandardScaler` 的 `fit` 只做一件事：在训练集上记下每列的均值 `mean_` 和标准差 `scale_`；
# `transform` 用这两组数把任何数据变成 $(x-\mu)/\sigma$。测试集用的是**训练集**的 $\mu,\sigma$，
# 所以变换后的测试集各列均值并不恰好为 0——这正是“模型在部署时只见过训练数据”的样子。

# %%
scaler = StandardScaler().fit(X_tr)
print("learned:", [a for a in vars(scaler) if a.endswith("_") and not a.startswith("_")])
Z_tr, Z_te = scaler.transform(X_tr), scaler.transform(X_te)
assert np.allclose(scaler.mean_, X_tr.mean(axis=0)) and np.allclose(scaler.scale_, X_tr.std(axis=0))
assert np.allclose(Z_te, (X_te - X_tr.mean(axis=0)) / X_tr.std(axis=0))  # the test set uses training statistics
print("column means after scaling: train max |mean| =", f"{np.abs(Z_tr.mean(axis=0)).max():.1e}",
      "| test max |mean| =", f"{np.abs(Z_te.mean(axis=0)).max():.2f}")

knn_scaled = KNeighborsClassifier(n_neighbors=5).fit(Z_tr, y_tr)
acc_scaled = knn_scaled.score(Z_te, y_te)
print(f"k-NN on standardized features: test accuracy {acc_scaled:.3f}")
assert acc_scaled > acc_raw + 0.2

logreg = LogisticRegression(C=1.0).fit(Z_tr, y_tr)
print("LogisticRegression learned: coef_", logreg.coef_.shape, "intercept_", logreg.intercept_.shape,
      "classes_", logreg.classes_)
proba = logreg.predict_proba(Z_te)
assert np.allclose(proba.sum(axis=1), 1.0)
assert np.array_equal(logreg.classes_[proba.argmax(axis=1)], logreg.predict(Z_te))  # predict = most probable class
print(f"LogisticRegression test accuracy {logreg.score(Z_te, y_te):.3f}")

fresh = clone(logreg)  # same hyperparameters, nothing learned
assert fresh.get_params() == logreg.get_params() and not hasattr(fresh, "coef_")

fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6), gridspec_kw={"width_ratios": [2.2, 1]})
order = np.argsort(stds)
axes[0].barh(np.array(wine.feature_names)[order], stds[order], color="tab:blue")
axes[0].set_xscale("log")
axes[0].set_xlabel("标准差（对数坐标）")
axes[0].set_title("葡萄酒数据 13 个特征的尺度相差三个数量级", fontsize=10)
axes[0].tick_params(axis="y", labelsize=8)
bars = axes[1].bar(["原始特征", "标准化后"], [acc_raw, acc_scaled], color=["tab:gray", "tab:green"])
axes[1].bar_label(bars, fmt="%.3f")
axes[1].set_ylim(0, 1.08)
axes[1].set_ylabel("测试准确率")
axes[1].set_title("5-近邻分类", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 2. 交叉验证：KFold 与 StratifiedKFold
#
# 单次划分的测试分数取决于“哪些样本恰好被分进测试集”。$K$ 折交叉验证把数据切成 $K$ 份，轮流用一份做验证、
# 其余做训练，得到 $K$ 个分数，报告均值 ± 标准差。
#
# 切法很重要。`load_wine` 的样本**按类别排好了序**（前 59 个都是第 0 类）。`KFold(3)` 默认不打乱，直接按顺序切，
# 第一折的验证集几乎全是第 0 类，而训练集里一个第 0 类都没有。`KFold(shuffle=True)` 随机打乱后再切；
# `StratifiedKFold` 则保证每一折的类别比例都接近整体。下面把三种切法放进同一个“标准化 + 5-近邻”的流水线里比较。

# %%
model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5))
splitters = {
    "KFold(3)": KFold(3),
    "KFold(3, shuffle)": KFold(3, shuffle=True, random_state=0),
    "StratifiedKFold(3, shuffle)": StratifiedKFold(3, shuffle=True, random_state=0),
}
fold_counts, fold_scores = {}, {}
for name, cv in splitters.items():
    fold_counts[name] = [np.bincount(y_wine[test], minlength=3) for _, test in cv.split(X_wine, y_wine)]
    fold_scores[name] = cross_val_score(model, X_wine, y_wine, cv=cv)
    s = fold_scores[name]
    print(f"{name:<28} fold accuracies {s}  mean {s.mean():.3f} ± {s.std():.3f}")

assert fold_scores["KFold(3)"].mean() < 0.4  # unshuffled folds on sorted labels: the model never saw the test class
assert fold_scores["StratifiedKFold(3, shuffle)"].mean() > 0.9
overall = np.bincount(y_wine) / len(y_wine)
for counts in fold_counts["StratifiedKFold(3, shuffle)"]:
    assert np.abs(counts / counts.sum() - overall).max() < 0.02  # each fold mirrors the class proportions

# an integer cv for a classifier means StratifiedKFold without shuffling
assert np.array_equal(cross_val_score(model, X_wine, y_wine, cv=3),
                      cross_val_score(model, X_wine, y_wine, cv=StratifiedKFold(3)))

fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True)
class_colors = ["tab:red", "tab:blue", "tab:orange"]
for ax, name in zip(axes, splitters, strict=True):
    counts = np.array(fold_counts[name])
    left = np.zeros(len(counts))
    for c in range(3):
        ax.barh(np.arange(len(counts)), counts[:, c], left=left, color=class_colors[c], label=f"第 {c} 类")
        left += counts[:, c]
    for i, score in enumerate(fold_scores[name]):
        ax.text(left[i] + 1, i, f"{score:.2f}", va="center", fontsize=9)
    ax.set_xlim(0, 75)
    ax.set_title(name, fontsize=10)
    ax.set_xlabel("验证折中的样本数")
axes[0].set_yticks(range(3), [f"第 {i + 1} 折" for i in range(3)])
axes[0].invert_yaxis()
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=3, frameon=False)
fig.suptitle("每一折验证集的类别构成（右侧数字为该折准确率）", fontsize=10)
fig.tight_layout(rect=(0, 0.06, 1, 1))
plt.show()

# %% [markdown]
# `cross_validate` 比 `cross_val_score` 多给一些信息：可以同时算多个指标，返回训练分数和每折耗时。
# 训练分数明显高于验证分数时，说明模型在记训练集。

# %%
cv5 = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
res = cross_validate(model, X_wine, y_wine, cv=cv5, scoring=["accuracy", "balanced_accuracy"], return_train_score=True)
print("keys:", sorted(res))
for key in ["train_accuracy", "test_accuracy", "test_balanced_accuracy"]:
    print(f"{key:<24} {res[key].mean():.3f} ± {res[key].std():.3f}")
assert res["test_accuracy"].mean() > 0.93 and len(res["test_accuracy"]) == 5

# %% [markdown]
# ### 3. 先缩放、再划分：一个看不出来的错误
#
# 常见写法是先 `StandardScaler().fit_transform(X)` 处理全部数据，再划分或交叉验证。问题在于：
# 缩放器的 $\mu,\sigma$ 是用**包括验证/测试样本在内**的全部数据算的，评估时用到了部署时不可能拥有的信息，
# 这叫数据泄漏（data leakage）。
#
# 泄漏的证据可以直接看到：保持训练样本一个数都不变，只把测试样本的特征值换掉（这里给测试集加上噪声），
# 再走一遍“先缩放后划分”的流程——训练出来的模型变了。用 `Pipeline` 时缩放器只在训练集上 `fit`，模型完全不受测试集影响。

# %%
test_mask = np.zeros(len(y_wine), dtype=bool)
test_mask[train_test_split(np.arange(len(y_wine)), test_size=0.25, stratify=y_wine, random_state=0)[1]] = True
X_other = X_wine.copy()
X_other[test_mask] += rng.normal(scale=stds, size=(test_mask.sum(), X_wine.shape[1]))  # only test rows change
assert np.array_equal(X_other[~test_mask], X_wine[~test_mask])


def leaky_fit(X, y, mask):
    Xs = StandardScaler().fit_transform(X)  # statistics from ALL rows, test rows included
    return LogisticRegression().fit(Xs[~mask], y[~mask])


def pipeline_fit(X, y, mask):
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X[~mask], y[~mask])


leak_a, leak_b = leaky_fit(X_wine, y_wine, test_mask), leaky_fit(X_other, y_wine, test_mask)
pipe_a, pipe_b = pipeline_fit(X_wine, y_wine, test_mask), pipeline_fit(X_other, y_wine, test_mask)
leak_change = np.abs(leak_a.coef_ - leak_b.coef_).max()
pipe_change = np.abs(pipe_a[-1].coef_ - pipe_b[-1].coef_).max()
print(f"max change of coef_ when only the TEST rows change: leaky {leak_change:.3f}, pipeline {pipe_change:.1e}")
assert leak_change > 0.01 and pipe_change == 0.0

# %% [markdown]
# 这个泄漏在分数上有多大？在葡萄酒数据上用 10 种不同的随机 5 折切分，比较“先缩放再交叉验证”和“流水线交叉验证”：
# 平均差别不到千分之一。缩放只用到特征的均值和方差，不看标签，泄漏的信息很少。
#
# 同时验证一件事：`cross_val_score(pipeline)` 与手写的“每折只在训练部分 fit 缩放器和模型”的循环，结果逐折完全相同。

# %%
X_scaled_all = StandardScaler().fit_transform(X_wine)  # the mistake
gaps = []
for seed in range(10):
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    leaky = cross_val_score(KNeighborsClassifier(), X_scaled_all, y_wine, cv=cv)
    clean = cross_val_score(model, X_wine, y_wine, cv=cv)
    gaps.append(leaky.mean() - clean.mean())
gaps = np.array(gaps)
print(f"scaling leak, wine, 10 repetitions: mean gap {gaps.mean():+.1e}, largest {gaps.max():+.4f}")
assert abs(gaps.mean()) < 0.01

manual = []
for train_idx, test_idx in cv5.split(X_wine, y_wine):
    sc = StandardScaler().fit(X_wine[train_idx])
    clf = KNeighborsClassifier().fit(sc.transform(X_wine[train_idx]), y_wine[train_idx])
    manual.append(clf.score(sc.transform(X_wine[test_idx]), y_wine[test_idx]))
pipe_scores = cross_val_score(model, X_wine, y_wine, cv=cv5)
print("manual loop:", np.array(manual), "\npipeline:   ", pipe_scores)
assert np.array_equal(np.array(manual), pipe_scores)

# %% [markdown]
# 分数几乎不变，不等于写法没问题。把缩放换成一个**会看标签**的预处理步骤，同一个错误就会造出一个“好模型”。
# 下面的数据是纯噪声：100 个样本、2000 个与标签毫无关系的随机特征，标签随机各占一半，任何模型的真实准确率都是 50%。
# 先用全部数据挑出与标签最相关的 20 个特征（`SelectKBest`），再做交叉验证，准确率远高于 50%；
# 把挑特征放进流水线、每折只在训练部分挑，准确率回到 50% 附近。

# %%
X_noise = rng.normal(size=(100, 2000))
y_noise = rng.permutation(np.repeat([0, 1], 50))
selector_all = SelectKBest(k=20).fit(X_noise, y_noise)  # the mistake: looks at every label
X_selected_all = selector_all.transform(X_noise)
# for two classes the ANOVA F score ranks features by |correlation with the label|
corr = np.array([np.corrcoef(X_noise[:, k], y_noise)[0, 1] for k in range(X_noise.shape[1])])
top20 = np.argsort(-np.abs(corr))[:20]
assert set(top20) == set(selector_all.get_support(indices=True))
print(f"|corr| of noise features with the label: typical {np.median(np.abs(corr)):.3f} (1/sqrt(n) = {1 / np.sqrt(100):.2f}),"
      f" smallest among the 20 selected {np.abs(corr[top20]).min():.3f}")
sel_leaky = cross_val_score(LogisticRegression(), X_selected_all, y_noise, cv=cv5)
sel_clean = cross_val_score(make_pipeline(SelectKBest(k=20), LogisticRegression()), X_noise, y_noise, cv=cv5)
print(f"feature selection on pure noise: leaky {sel_leaky.mean():.3f} ± {sel_leaky.std():.3f}, "
      f"pipeline {sel_clean.mean():.3f} ± {sel_clean.std():.3f}")
assert sel_leaky.mean() > 0.75 and abs(sel_clean.mean() - 0.5) < 0.15

clean_wine = cross_val_score(model, X_wine, y_wine, cv=cv5)
leaky_wine = cross_val_score(KNeighborsClassifier(), X_scaled_all, y_wine, cv=cv5)
fig, ax = plt.subplots(figsize=(7, 3.4))
groups = [("葡萄酒：先标准化", leaky_wine, clean_wine), ("纯噪声：先挑 20 个特征", sel_leaky, sel_clean)]
for i, (label, leak, clean) in enumerate(groups):
    for j, (scores, color, tag) in enumerate([(leak, "tab:red", "先处理全部数据（泄漏）"),
                                               (clean, "tab:green", "放进 Pipeline")]):
        x = i + (j - 0.5) * 0.36
        ax.bar(x, scores.mean(), width=0.34, yerr=scores.std(), capsize=4, color=color, label=tag if i == 0 else None)
        ax.text(x, scores.mean() + scores.std() + 0.02, f"{scores.mean():.2f}", ha="center", fontsize=9)
ax.hlines(0.5, 0.55, 1.45, color="k", ls=":", lw=1.2)
ax.text(1.47, 0.5, "真实\n准确率\n0.5", va="center", fontsize=8)
ax.set_xticks([0, 1], [g[0] for g in groups])
ax.set_xlim(-0.5, 1.75)
ax.set_ylim(0, 1.15)
ax.set_ylabel("5 折交叉验证准确率")
ax.legend(fontsize=8, loc="upper right")
inflation = 100 * (sel_leaky.mean() - sel_clean.mean())
ax.set_title(f"同一个错误：缩放时几乎无害，挑特征时在纯噪声上多出 {inflation:.0f} 个百分点", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 不同的列，不同的预处理：ColumnTransformer
#
# 真实表格里，不同列往往要不同处理。葡萄酒数据里有几列明显右偏（proline、magnesium、color_intensity、malic_acid），
# 可以先取 $\log(1+x)$ 再标准化，其余列直接标准化。`ColumnTransformer` 把“哪些列走哪条路”写成一个估计器，
# 它同样只在训练部分 `fit`，可以整个放进 `Pipeline`。

# %%
names = list(wine.feature_names)
skewed = [names.index(c) for c in ["proline", "magnesium", "color_intensity", "malic_acid"]]
rest = [i for i in range(len(names)) if i not in skewed]
prep = ColumnTransformer([
    ("log_std", make_pipeline(FunctionTransformer(np.log1p, feature_names_out="one-to-one"), StandardScaler()), skewed),
    ("std", StandardScaler(), rest),
])
ct_model = Pipeline([("prep", prep), ("knn", KNeighborsClassifier())])
out = prep.fit_transform(X_wine)
print("output shape:", out.shape)
print("first output columns:", list(prep.get_feature_names_out(names)[:5]))
assert out.shape == X_wine.shape
assert np.allclose(out[:, len(skewed):], StandardScaler().fit_transform(X_wine[:, rest]))
ct_scores = cross_val_score(ct_model, X_wine, y_wine, cv=cv5)
print(f"ColumnTransformer + 5-NN: {ct_scores.mean():.3f} ± {ct_scores.std():.3f}  "
      f"(plain scaling: {clean_wine.mean():.3f} ± {clean_wine.std():.3f})")
assert ct_scores.mean() > 0.9

# %% [markdown]
# ### 5. 网格搜索：对整条流水线调超参数
#
# 换到乳腺癌数据（569 个样本，恶性 212、良性 357）。先留出 25% 的测试集，之后的所有选择都只看训练集。
# 模型是“标准化 + RBF 核支持向量机（`SVC`）”，要调的是 `C`（越大越不容忍训练样本被分错）和 `gamma`（越大，核函数认为“相似”的范围越窄）。
#
# 流水线里每个步骤的超参数名字是“步骤名 + 两个下划线 + 参数名”，例如 `svc__C`。`GridSearchCV` 对网格上的每个组合
# 做 5 折交叉验证，选平均分最高的组合（并列时取网格中排在前面的），然后（`refit=True`，默认）用这个组合在
# **整个训练集**上重新训练一次，得到 `best_estimator_`。最后只在测试集上评估一次，并与默认参数的 `SVC` 对照。

# %%
cancer = load_breast_cancer()
X_bc, y_bc = cancer.data, cancer.target
print("breast cancer X:", X_bc.shape, "class counts (malignant, benign):", np.bincount(y_bc))
Xb_tr, Xb_te, yb_tr, yb_te = train_test_split(X_bc, y_bc, test_size=0.25, stratify=y_bc, random_state=0)

svc_pipe = Pipeline([("scaler", StandardScaler()), ("svc", SVC())])
print("some parameter names:", [k for k in svc_pipe.get_params() if k.startswith("svc__")][:6])
C_range = np.logspace(-2, 3, 6)
gamma_range = np.logspace(-4, 1, 6)
search = GridSearchCV(svc_pipe, {"svc__C": C_range, "svc__gamma": gamma_range}, cv=cv5, scoring="accuracy")
search.fit(Xb_tr, yb_tr)

mean_scores = search.cv_results_["mean_test_score"].reshape(len(C_range), len(gamma_range))
test_acc = search.score(Xb_te, yb_te)
print("best_params_:", {k: float(v) for k, v in search.best_params_.items()})
print(f"best_score_ (mean CV accuracy of the winner): {search.best_score_:.4f}")
print(f"held-out test accuracy of best_estimator_:   {test_acc:.4f}")

# the winner is the grid point with the highest mean CV score (the grid is C-major)
i, j = np.unravel_index(np.argmax(mean_scores), mean_scores.shape)
assert search.best_params_ == {"svc__C": C_range[i], "svc__gamma": gamma_range[j]}
assert search.best_params_ == {"svc__C": 100.0, "svc__gamma": 0.001}
# refit=True: best_estimator_ is the same pipeline retrained on the whole training set
manual_best = clone(svc_pipe).set_params(**search.best_params_).fit(Xb_tr, yb_tr)
assert np.array_equal(manual_best.predict(Xb_te), search.best_estimator_.predict(Xb_te))
assert test_acc > 0.94

# how much did the search buy? compare with the default SVC (C=1, gamma="scale") under the same folds
default_cv = cross_val_score(svc_pipe, Xb_tr, yb_tr, cv=cv5)
default_test = clone(svc_pipe).fit(Xb_tr, yb_tr).score(Xb_te, yb_te)
print(f"default SVC: CV {default_cv.mean():.4f} ± {default_cv.std():.4f}, test {default_test:.4f}")
assert search.best_score_ >= default_cv.mean()

# ties and noise: the top grid points differ by less than one fold-to-fold standard deviation
ranks = search.cv_results_["rank_test_score"]
stds_cv = search.cv_results_["std_test_score"]
print("grid points ranked first:", int((ranks == 1).sum()),
      f"| std across folds of the winner: {stds_cv[search.best_index_]:.4f}")
assert search.best_index_ == np.flatnonzero(ranks == 1)[0]  # ties go to the earliest grid point

majority = np.bincount(yb_tr).max() / len(yb_tr)
print(f"always predicting 'benign' would score {majority:.3f}")

# %% [markdown]
# 左图是网格上每个组合的平均验证准确率。右上角那一片全是 0.627：`gamma` 太大时，RBF 核只在训练样本的极小邻域内
# 不为零，新样本离谁都“很远”，模型只能退化成总猜多数类（良性占 62.7%）。右图固定 `C` 为最优值，
# 用 `validation_curve` 画出训练分数和验证分数随 `gamma` 的变化（阴影为 5 折的 ±1 个标准差）：
# `gamma` 小时两者都偏低（欠拟合），`gamma` 大时训练分数到 1、验证分数崩塌（过拟合）。

# %%
gamma_fine = np.logspace(-4, 1, 11)
best_C = search.best_params_["svc__C"]
train_sc, valid_sc = validation_curve(
    Pipeline([("scaler", StandardScaler()), ("svc", SVC(C=best_C))]),
    Xb_tr, yb_tr, param_name="svc__gamma", param_range=gamma_fine, cv=cv5,
)
tr_mean, va_mean, va_std, tr_std = train_sc.mean(1), valid_sc.mean(1), valid_sc.std(1), train_sc.std(1)
for g, a, b in zip(gamma_fine[::2], tr_mean[::2], va_mean[::2], strict=True):
    print(f"gamma {g:8.4f}: train {a:.3f}, validation {b:.3f}")
assert tr_mean[-1] == 1.0 and abs(va_mean[-1] - majority) < 0.01  # memorises the training set, predicts the majority
assert va_mean.argmax() not in (0, len(gamma_fine) - 1)  # the best gamma is inside the range

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
im = ax.imshow(mean_scores, cmap="viridis", vmin=0.6, vmax=1.0, origin="lower")
for (r, c), v in np.ndenumerate(mean_scores):
    ax.text(c, r, f"{v:.3f}", ha="center", va="center", fontsize=7.5, color="white" if v < 0.85 else "black")
ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="red", lw=2))
ax.set_xticks(range(len(gamma_range)), [f"{g:g}" for g in gamma_range], fontsize=8)
ax.set_yticks(range(len(C_range)), [f"{c:g}" for c in C_range], fontsize=8)
ax.set_xlabel("svc__gamma")
ax.set_ylabel("svc__C")
ax.set_title("5 折平均验证准确率（红框为 best_params_）", fontsize=10)
fig.colorbar(im, ax=ax, fraction=0.046)

ax = axes[1]
ax.semilogx(gamma_fine, tr_mean, "o-", color="tab:blue", label="训练分数")
ax.fill_between(gamma_fine, tr_mean - tr_std, tr_mean + tr_std, color="tab:blue", alpha=0.2)
ax.semilogx(gamma_fine, va_mean, "s-", color="tab:orange", label="验证分数")
ax.fill_between(gamma_fine, va_mean - va_std, va_mean + va_std, color="tab:orange", alpha=0.2)
ax.axhline(majority, color="k", ls=":", lw=1)
ax.text(1.2e-4, majority + 0.01, "总猜多数类", fontsize=8)
ax.set_xlabel("svc__gamma（对数坐标）")
ax.set_ylabel("准确率")
ax.set_ylim(0.55, 1.03)
ax.set_title(f"验证曲线（C = {best_C:g}）", fontsize=10)
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 小结
#
# - 估计器的超参数在构造时给定、`get_params()` 可读；`fit` 之后才有以下划线结尾的属性。`clone` 只复制超参数。
# - 标签排好序的数据上，不打乱的 `KFold` 会让模型在验证折里遇到训练时从没见过的类别；分类任务用 `StratifiedKFold`
#   （整数 `cv` 对分类器默认就是它），并报告均值 ± 标准差。
# - 先在全部数据上缩放再评估属于数据泄漏：训练出的模型会随测试集变化。在葡萄酒数据上它几乎不改变分数，
#   但同样的写法换成按标签挑特征，纯噪声也能“学”到 90% 左右。`Pipeline` 让每一步都只在训练部分 `fit`，
#   并且与手写的逐折循环结果完全一致。
# - `GridSearchCV` 用 `step__param` 命名流水线里的超参数。`best_score_` 是几十个候选里挑出的最高分，会偏乐观
#   （这里 0.986，测试集 0.958）；最高的几个组合之间的差距小于折间标准差，默认参数的测试准确率也是 0.958。
#   泛化能力以从未参与选择的测试集为准。
