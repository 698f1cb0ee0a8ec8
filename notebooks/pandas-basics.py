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
# 这个 notebook 用一张真实的表走完 pandas 的日常流程：葡萄酒数据（wine recognition），178 个样本、13 个化学指标和
# 1 个类别标签。它以 CSV 文件的形式随 scikit-learn 一起安装，我们直接从安装目录读取文件，不联网。
#
# 顺序是：读取 → 查看 → 清洗（改名、类别标签、缺失值、修正类型）→ 选择 → 分组聚合 → 合并 → 作图。
# 每一步的关键结果都用 `assert` 检查。本站环境是 pandas 3，和 pandas 2 行为不同的地方会专门指出来。

# %%
import importlib.resources
import inspect
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import pandas as pd
import sklearn
from matplotlib import font_manager
from sklearn.datasets import load_wine

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 11,
    }
)
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
rng = np.random.default_rng(0)  # used to inject missing values reproducibly

print("pandas", pd.__version__, "| scikit-learn", sklearn.__version__, "| NumPy", np.__version__)
assert int(pd.__version__.split(".")[0]) >= 3, "this notebook is written for pandas 3"

# %% [markdown]
# ### 1. 从 scikit-learn 的安装目录读取 CSV
#
# `importlib.resources.files` 给出一个已安装包内部的路径，不用关心它装在哪里。先别急着 `read_csv`，
# 打开文件看前三行：读表之前先看原始文本，是最省时间的习惯。

# %%
csv_path = importlib.resources.files("sklearn.datasets") / "data" / "wine_data.csv"
with csv_path.open(encoding="utf-8") as f:
    first_lines = [next(f).rstrip("\n") for _ in range(3)]
for line in first_lines:
    print(line)

# %% [markdown]
# 第一行不是列名，而是“178 行、13 个特征、三个类别名”；后面每行有 14 个数（13 个特征 + 类别编号）。
# 如果不看就直接读，pandas 会把第一行当表头。表头只有 5 个字段、数据行有 14 个字段，pandas 不报错，
# 而是把多出来的前 9 列悄悄当成了行索引：

# %%
naive = pd.read_csv(csv_path)
print("shape:", naive.shape, "| columns:", list(naive.columns), "| index levels:", naive.index.nlevels)
assert naive.shape == (178, 5) and naive.index.nlevels == 9

# %% [markdown]
# 正确的读法：跳过第一行、声明没有表头、自己给列名。列名随数据集的元信息一起提供
# （`load_wine().feature_names`），第一行里的数字和类别名我们也解析出来留用。

# %%
header_fields = first_lines[0].split(",")
n_rows, n_features = int(header_fields[0]), int(header_fields[1])
class_names = header_fields[2:]
feature_names = list(load_wine().feature_names)

raw = pd.read_csv(csv_path, skiprows=1, header=None, names=[*feature_names, "target"])
print("shape:", raw.shape, "| classes:", class_names)
assert raw.shape == (n_rows, n_features + 1) == (178, 14)

# the as_frame loader parses the same file; the numbers must agree
frame = load_wine(as_frame=True).frame
assert list(raw.columns) == list(frame.columns)
assert np.array_equal(raw.to_numpy(dtype="float64"), frame.to_numpy(dtype="float64"))
print("identical to load_wine(as_frame=True).frame")

# %% [markdown]
# ### 2. 先看一眼：head、info、describe、dtypes
#
# `head` 看前几行，`info` 看每列的类型和非空个数，`describe` 看每列的分布。

# %%
raw.head()

# %%
raw.info()

# %%
raw.describe().T.round(2)

# %% [markdown]
# 注意两件事。第一，`magnesium`、`proline`、`target` 三列是 `int64`：`read_csv` 看到一列全是整数，就推断成整数。
# `load_wine` 返回的却全是 `float64`，数值相同、类型不同。第二，`proline` 的量级在几百到一千多，
# 而 `hue` 不到 2，后面画图和建模都要留意尺度。

# %%
dtype_counts = raw.dtypes.astype(str).value_counts()
print(dtype_counts)
class_counts = raw["target"].value_counts().sort_index()
print(class_counts)
assert dtype_counts.to_dict() == {"float64": 11, "int64": 3}
assert class_counts.tolist() == [59, 71, 48]
assert int(raw.isna().sum().sum()) == 0  # the shipped table has no missing values

# %% [markdown]
# ### 3. 清洗
#
# **3.1 改列名、加类别标签。** `od280/od315_of_diluted_wines` 里有斜杠，既不能写成 `df.列名`，
# 在 `query` 里也要加反引号，先改成短名。类别编号 0/1/2 不直观，换成类别名。
#
# 用 `map` 把编号映射成文字，得到的列在 pandas 3 里是专门的字符串类型 `str`（pandas 2 里是 `object`）。
# 本环境没有安装 PyArrow，所以它显示 `storage='python'`，底层仍是 Python 字符串对象；判断文字列时，
# 旧代码里的 `dtype == object` 如今会得到 False。
# 只有三种取值的列更适合存成分类类型（categorical）：每行只存一个小整数编码，类别名只存一份。

# %%
df = raw.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
as_text = df["target"].map(dict(enumerate(class_names)))
print("dtype after map:", as_text.dtype, "->", repr(as_text.dtype))
df["cultivar"] = as_text.astype(pd.CategoricalDtype(class_names))

mem_text = int(as_text.memory_usage(deep=True, index=False))
mem_cat = int(df["cultivar"].memory_usage(deep=True, index=False))
print(f"memory: str {mem_text} bytes, category {mem_cat} bytes")
assert as_text.dtype == "str" and isinstance(as_text.dtype, pd.StringDtype)
assert pd.api.types.is_string_dtype(as_text) and not (as_text.dtype == object)
assert (df["cultivar"].cat.codes == df["target"]).all()
assert mem_cat < mem_text / 10

# %% [markdown]
# **3.2 制造缺失值。** 这张表本身没有缺失值（上面已断言），为了练习，我们**人为地**、用固定种子挑出
# `magnesium` 的 12 个值和 `color_intensity` 的 9 个值改成 `NaN`。因为原值还在，我们能检验补得好不好。
#
# 把 `NaN` 写进 `int64` 列时，pandas 会把这一列升级成 `float64`（整数类型里没有 `NaN`）。这是允许的特例；
# 把 1.5 这样的小数写进整数列，pandas 3 会直接报错（pandas 2 只是警告），见下面的两个实验。

# %%
dirty = df.copy()
miss_mg = np.sort(rng.choice(len(dirty), size=12, replace=False))
miss_ci = np.sort(rng.choice(len(dirty), size=9, replace=False))
dirty.loc[miss_mg, "magnesium"] = np.nan
dirty.loc[miss_ci, "color_intensity"] = np.nan
print("magnesium dtype after NaN:", dirty["magnesium"].dtype)
assert dirty["magnesium"].dtype == "float64"

probe = df[["proline"]].copy()
try:
    probe.loc[0, "proline"] = 1065.5
except TypeError as err:
    print("pandas 3 refuses to upcast int64 silently:", err)
else:
    raise AssertionError("expected a TypeError in pandas 3")

# %% [markdown]
# 再模拟一种常见的脏数据：从表格软件导出的数字带千位分隔符，比如 `"1,065"`。这样的列会被当成文本，
# `describe` 也不再统计它。修正办法是去掉逗号再 `pd.to_numeric`。

# %%
dirty["proline"] = dirty["proline"].map("{:,}".format)
print(dirty["proline"].head(3).tolist(), "| dtype:", dirty["proline"].dtype)
assert "proline" not in dirty.describe().columns

dirty["proline"] = pd.to_numeric(dirty["proline"].str.replace(",", "", regex=False))
assert dirty["proline"].dtype == "int64" and dirty["proline"].equals(df["proline"])

# %% [markdown]
# **3.3 处理缺失值。** 先数一数，再决定删还是补。`dropna` 会删掉任何一列有缺失的整行；
# 补值（imputation）常用同类样本的中位数：`groupby(...).transform("median")` 返回与原表等长的一列，
# 每行是它所在类别的中位数，正好交给 `fillna`。

# %%
na_counts = dirty.isna().sum()
print(na_counts[na_counts > 0])
rows_with_na = int(dirty.isna().any(axis=1).sum())
dropped = dirty.dropna()
print(f"rows with any NaN: {rows_with_na}; dropna keeps {len(dropped)} of {len(dirty)}")
assert na_counts["magnesium"] == 12 and na_counts["color_intensity"] == 9
assert len(dropped) == len(dirty) - rows_with_na

filled = dirty.copy()
for col in ["magnesium", "color_intensity"]:
    class_median = filled.groupby("cultivar", observed=True)[col].transform("median")
    filled[col] = filled[col].fillna(class_median)
assert int(filled.isna().sum().sum()) == 0

# how close are the imputed values to the truth we hid?
for col, rows in [("magnesium", miss_mg), ("color_intensity", miss_ci)]:
    truth = df.loc[rows, col].to_numpy(dtype="float64")
    by_class = filled.loc[rows, col].to_numpy()
    overall = np.full_like(truth, dirty[col].mean())
    mae_class = np.abs(by_class - truth).mean()
    mae_overall = np.abs(overall - truth).mean()
    print(f"{col:16s} MAE: class median {mae_class:6.2f} | overall mean {mae_overall:6.2f}")
    assert mae_class < mae_overall

# %% [markdown]
# 同类中位数补出来的值比“全表均值”更接近真值，因为这两个指标在类别之间差别很大。
# 如果一列需要“整数 + 缺失”，可以用可空整数类型 `Int64`（注意大写 I），缺失值显示为 `<NA>`：

# %%
print(dirty["magnesium"].head(8).astype("Int64").tolist())

# %% [markdown]
# ### 4. 选择数据：loc、iloc、布尔掩码、query
#
# `loc` 按**标签**取，切片包含终点；`iloc` 按**位置**取，切片不含终点（和 Python 列表一样）。

# %%
by_label = df.loc[0:4, ["alcohol", "proline"]]
by_position = df.iloc[0:4, [0, 12]]
print(by_label.shape, by_position.shape)
assert by_label.shape == (5, 2) and by_position.shape == (4, 2)
assert list(by_position.columns) == ["alcohol", "proline"]

# %% [markdown]
# 打乱行顺序后，两者的区别一目了然：`loc[0]` 仍是标签为 0 的那一行，`iloc[0]` 变成了新的第一行。
# 同样的道理，两个 Series 做运算时 pandas 先按行标签对齐：打乱后的列减去原来的列，结果全是 0；
# 换成只认位置的 NumPy 数组相减，就不是 0 了。

# %%
shuffled = df.sample(frac=1.0, random_state=0)
print("first label after shuffle:", shuffled.index[0])
assert shuffled.loc[0].equals(df.loc[0])
assert shuffled.iloc[0].equals(df.loc[shuffled.index[0]])

# arithmetic between two Series aligns on labels first; NumPy arrays only know positions
by_labels = shuffled["alcohol"] - df["alcohol"]
by_positions = shuffled["alcohol"].to_numpy() - df["alcohol"].to_numpy()
print(f"max |difference|: aligned by label {by_labels.abs().max():.2f}, by position {np.abs(by_positions).max():.2f}")
assert (by_labels == 0).all() and np.abs(by_positions).max() > 1

# %% [markdown]
# 布尔掩码（boolean mask）是一列 True/False，用 `&`、`|`、`~` 组合，每个条件都要加括号。
# `query` 用字符串写同样的条件，`@` 引用 Python 变量，两种写法结果完全相同。

# %%
alc_min, pro_min = 13.5, 1000
mask = (df["alcohol"] > alc_min) & (df["proline"] > pro_min)
strong = df[mask]
via_query = df.query("alcohol > @alc_min and proline > @pro_min")
print(f"{len(strong)} wines match;", strong["cultivar"].value_counts().to_dict())
assert strong.equals(via_query)
assert len(strong) == int(mask.sum())

try:
    (df["alcohol"] > alc_min) and (df["proline"] > pro_min)
except ValueError as err:
    print("`and` between two Series fails:", err)

# %% [markdown]
# **写时复制（Copy-on-Write）。** pandas 3 里，任何取子集的结果都表现得像一个独立的副本：改它不会改到原表。
# 所以“先取子集、再赋值”的链式赋值（chained assignment）永远不会生效，pandas 会发出
# `ChainedAssignmentError` 警告（这里把警告记录下来展示，而不是打印到错误输出）。
# pandas 2 时代常见的 `SettingWithCopyWarning` 已经不存在了。要改原表，就用一次 `loc[行条件, 列] = 值` 完成。

# %%
col_copy = df["alcohol"]
col_copy.iloc[0] = 0.0  # changes col_copy only
sub = df[df["cultivar"] == "class_0"]
sub["alcohol"] = 0.0  # changes sub only, and no SettingWithCopyWarning any more
assert df.loc[0, "alcohol"] == raw.loc[0, "alcohol"] != 0.0
assert (df["alcohol"] > 0).all() and not hasattr(pd.errors, "SettingWithCopyWarning")

demo = df.copy()
is_c0 = demo["cultivar"] == "class_0"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    demo[is_c0]["alcohol"] = 0.0  # chained assignment: never updates `demo`
print("recorded:", [w.category.__name__ for w in caught])
assert any(issubclass(w.category, pd.errors.ChainedAssignmentError) for w in caught)
assert (demo.loc[is_c0, "alcohol"] > 0).all()

demo.loc[is_c0, "alcohol"] = 0.0  # one step: this does update `demo`
assert (demo.loc[is_c0, "alcohol"] == 0).all() and (df["alcohol"] > 0).all()

# %% [markdown]
# ### 5. 分组与聚合：groupby、agg、pivot_table
#
# `groupby` 按“拆分—应用—合并”（split-apply-combine）工作：按类别把行分成三组，每组算均值，再拼成一张表。
# 先用 NumPy 手算一遍，确认两者相同。

# %%
cols = ["alcohol", "flavanoids", "color_intensity", "proline"]
means = df.groupby("cultivar", observed=True)[cols].mean()
print(means.round(2))

values, codes = df[cols].to_numpy(dtype="float64"), df["target"].to_numpy()
manual = np.vstack([values[codes == k].mean(axis=0) for k in range(3)])
assert np.allclose(means.to_numpy(), manual)
assert list(means.index) == class_names

# %% [markdown]
# `agg` 的命名聚合（named aggregation）一次算多个统计量，并给结果列起名字：`新列名=(原列, 函数)`。

# %%
summary = df.groupby("cultivar", observed=True).agg(
    n=("alcohol", "size"),
    alcohol_mean=("alcohol", "mean"),
    flavanoids_mean=("flavanoids", "mean"),
    proline_median=("proline", "median"),
    proline_max=("proline", "max"),
)
print(summary.round(2))
assert summary["n"].tolist() == [59, 71, 48]
assert summary.loc["class_0", "proline_median"] == df.loc[df["target"] == 0, "proline"].median()

# %% [markdown]
# `pd.cut` 把连续的酒精度切成三档，`pivot_table` 再做一张“酒精度档 × 类别”的交叉表，格子里是颜色强度的均值。
# 它等价于按两列分组后 `unstack`；`crosstab` 给出每格的样本数，没有样本的格子是 `NaN`。

# %%
df["alcohol_band"] = pd.cut(df["alcohol"], bins=[11.0, 12.5, 13.5, 15.0], right=False, labels=["<12.5", "12.5-13.5", ">=13.5"])
pivot = df.pivot_table(index="alcohol_band", columns="cultivar", values="color_intensity", aggfunc="mean", observed=True)
counts = pd.crosstab(df["alcohol_band"], df["cultivar"])
print(pivot.round(2))
print(counts)

same = df.groupby(["alcohol_band", "cultivar"], observed=True)["color_intensity"].mean().unstack()
pd.testing.assert_frame_equal(pivot, same, check_names=False)
assert int(counts.to_numpy().sum()) == 178

# %% [markdown]
# `observed=True` 表示只保留数据里真正出现过的类别组合。pandas 3 把它改成了 `groupby` 和 `pivot_table`
# 的默认值（pandas 2 默认 `False`），这里仍然写出来，让代码在两个版本上结果一致。

# %%
for func in (pd.DataFrame.groupby, pd.DataFrame.pivot_table):
    default = inspect.signature(func).parameters["observed"].default
    print(f"{func.__name__}: observed defaults to {default}")
    assert default is True

# %% [markdown]
# ### 6. 合并：merge 的 how 与 validate
#
# 第二张表来自数据集自带的说明文字：`load_wine().DESCR` 里写着每个类别的样本数。我们用正则表达式把它解析成一张
# 三行的小表，再加上画图要用的中文名和颜色。这种“一个类别一行”的查找表（lookup table）是合并最常见的对象。

# %%
descr = load_wine().DESCR
dist_line = re.search(r":Class Distribution: (.*)", descr).group(1)
print(dist_line)
classes = pd.DataFrame(re.findall(r"(class_\d+) \((\d+)\)", dist_line), columns=["class_name", "n_documented"])
classes["n_documented"] = classes["n_documented"].astype("int64")
classes.insert(0, "class_id", range(len(classes)))
classes["label_zh"] = ["第 0 类", "第 1 类", "第 2 类"]
classes["color"] = ["#1b9e77", "#d95f02", "#7570b3"]
classes

# %% [markdown]
# **一对一：核对样本数。** 每类一行对每类一行，用 `validate="one_to_one"` 让 pandas 替我们检查键是否唯一。

# %%
observed_counts = df.groupby("target").size().rename("n_observed").reset_index()
check = observed_counts.merge(classes, left_on="target", right_on="class_id", how="inner", validate="one_to_one")
print(check[["class_name", "n_observed", "n_documented"]])
assert len(check) == 3 and (check["n_observed"] == check["n_documented"]).all()

# %% [markdown]
# **多对一：给每行贴上类别信息。** 178 行对 3 行，结果应当仍是 178 行。

# %%
lookup = classes[["class_id", "label_zh", "color"]]
tagged = df.merge(lookup, left_on="target", right_on="class_id", how="left", validate="many_to_one")
print(tagged.shape)
assert len(tagged) == len(df) == 178 and tagged["color"].notna().all()

# %% [markdown]
# 两种典型事故。第一，查找表里某个键**重复**了：不加 `validate` 时 merge 照样执行，class_0 的 59 行各被复制一次，
# 行数从 178 悄悄变成 237；加了 `validate="many_to_one"` 就会立刻报 `MergeError`。

# %%
dup_lookup = pd.concat([lookup, lookup.iloc[[0]]], ignore_index=True)
inflated = df.merge(dup_lookup, left_on="target", right_on="class_id", how="left")
print("rows without validate:", len(inflated))
assert len(inflated) == 178 + 59
try:
    df.merge(dup_lookup, left_on="target", right_on="class_id", how="left", validate="many_to_one")
except pd.errors.MergeError as err:
    print("MergeError:", str(err).splitlines()[0])
else:
    raise AssertionError("validate should have caught the duplicate key")

# %% [markdown]
# 第二，查找表**缺了**一个键（这里故意去掉 class_2）：`how="inner"` 只留两边都有的行，class_2 的 48 行消失；
# `how="left"` 保留全部 178 行，缺的信息是 `NaN`。`indicator=True` 会加一列 `_merge` 说明每行来自哪边；
# pandas 3 新增的 `how="left_anti"` 直接返回左表里没匹配上的行。

# %%
partial = lookup[lookup["class_id"] != 2]
inner = df.merge(partial, left_on="target", right_on="class_id", how="inner")
left = df.merge(partial, left_on="target", right_on="class_id", how="left", indicator=True)
anti = df.merge(partial, left_on="target", right_on="class_id", how="left_anti")
print("inner:", len(inner), "| left:", len(left), "| left_anti:", len(anti))
print(left["_merge"].value_counts().to_dict())
assert (len(inner), len(left), len(anti)) == (130, 178, 48)
assert int(left["label_zh"].isna().sum()) == 48

# %% [markdown]
# **用外连接找出对不上的键。** DESCR 里还有一张汇总统计表（每个指标的最小值、最大值、均值、标准差）。
# 把它解析出来，和我们从数据算出的均值、标准差按指标名合并。键是从名字推出来的，`how="outer"` 加
# `indicator=True` 能一次列出两边各自多出来的键。

# %%
stat_rows = re.findall(r"^([A-Za-z][\w /]*?):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", descr, flags=re.M)
doc_stats = pd.DataFrame(stat_rows, columns=["name", "min", "max", "mean", "sd"])
doc_stats["key"] = doc_stats["name"].str.lower().str.replace(" ", "_")
computed = raw.drop(columns="target").agg(["mean", "std"]).T.rename_axis("key").reset_index()
computed["key"] = computed["key"].replace({"od280/od315_of_diluted_wines": "od280_od315"})

diag = computed.merge(doc_stats, on="key", how="outer", indicator=True)
print(diag.loc[diag["_merge"] != "both", ["key", "_merge"]])
assert len(doc_stats) == 13 and (diag["_merge"] == "both").sum() == 11

# %% [markdown]
# 两处对不上：说明文字用英式拼写 `Colour`，而且保留了原来的 `OD280/OD315` 长名。修正键之后再合并，
# 这次要求一一对应。说明表里的数字只保留了一两位，所以比较时允许差一个末位单位。

# %%
fix_keys = {"colour_intensity": "color_intensity", "od280/od315_of_diluted_wines": "od280_od315"}
doc_stats["key"] = doc_stats["key"].replace(fix_keys)
joined = computed.merge(doc_stats, on="key", how="inner", validate="one_to_one", suffixes=("", "_doc"))
assert len(joined) == 13

for ours, doc in [("mean", "mean_doc"), ("std", "sd")]:
    decimals = joined[doc].str.split(".").str[1].str.len().fillna(0)
    gap = (joined[ours] - pd.to_numeric(joined[doc])).abs()
    assert (gap <= 10.0 ** (-decimals)).all(), joined.loc[gap > 10.0 ** (-decimals), "key"].tolist()
print(joined[["key", "mean", "mean_doc", "std", "sd"]].round(3).to_string(index=False))

# %% [markdown]
# ### 7. 用数据作图
#
# 图 1 左边是 pandas 自带的 `boxplot`：按类别画脯氨酸（proline）的箱线图；右边用合并进来的颜色画散点图，
# 每一类一种颜色。

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
df.boxplot(column="proline", by="cultivar", ax=axes[0], grid=False)
axes[0].set_title("各类别的脯氨酸含量")
axes[0].set_xlabel("类别")
axes[0].set_ylabel("proline")
fig.suptitle("")

for (label, color), part in tagged.groupby(["label_zh", "color"]):
    axes[1].scatter(part["alcohol"], part["proline"], s=18, color=color, label=label, alpha=0.8)
axes[1].set_xlabel("alcohol（酒精度）")
axes[1].set_ylabel("proline（脯氨酸）")
axes[1].set_title("酒精度与脯氨酸")
axes[1].legend(frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# 图 2 左边把 13 个指标先标准化（减均值、除以标准差），再按类别求均值，画成热力图：红色表示该类在这个指标上
# 高于全体平均，蓝色表示低于平均，颜色越深差得越多。右边直接用 `pivot.plot.bar` 把第 5 节的交叉表画成
# 分组柱状图；第 0 类在最低一档没有样本，那根柱子是空的。

# %%
features = [c for c in df.columns if c not in ("target", "cultivar", "alcohol_band")]
assert len(features) == 13
z = (df[features] - df[features].mean()) / df[features].std()
profile = z.groupby(df["cultivar"], observed=True).mean()
spread = (profile.max() - profile.min()).sort_values(ascending=False)
print("largest between-class spread (in SD units):")
print(spread.head(4).round(2))
assert spread.index[0] == "flavanoids"

fig, axes = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1.6, 1]})
im = axes[0].imshow(profile.to_numpy(), cmap="RdBu_r", vmin=-1.5, vmax=1.5, aspect="auto")
axes[0].set_xticks(range(len(features)), features, rotation=60, ha="right", fontsize=8)
axes[0].set_yticks(range(3), classes["label_zh"])
axes[0].set_title("各类别的标准化均值")
fig.colorbar(im, ax=axes[0], shrink=0.8, label="标准差单位")

pivot.plot.bar(ax=axes[1], color=classes["color"].tolist(), rot=0)
axes[1].set_xlabel("酒精度分档")
axes[1].set_ylabel("color_intensity 均值")
axes[1].set_title("酒精度分档 × 类别")
axes[1].set_ylim(0, 9.5)
axes[1].legend(classes["label_zh"], frameon=False, fontsize=9, ncol=3, loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. 旧教程里的名字
#
# 网上很多 pandas 教程写于 pandas 1.0 之前。确认两个常见、但在本环境里已经不存在的名字：
# `.ix`（改用 `loc` 或 `iloc`）和 `applymap`（改用 `DataFrame.map`）。

# %%
for name in ["ix", "applymap"]:
    print(f"DataFrame.{name} exists: {hasattr(pd.DataFrame, name)}")
    assert not hasattr(pd.DataFrame, name)
assert hasattr(pd.DataFrame, "map")  # the replacement for applymap

# %% [markdown]
# ### 小结
#
# - 读表前先看原始文本；表头和数据列数不一致时，`read_csv` 可能不报错而给出错位的表。
# - `info`、`describe`、`dtypes` 三件套先行；数字列被读成 `str`，通常是千位分隔符、单位或空白在作怪。
# - 缺失值先数再处理；本例中同类中位数补值比全表均值更接近真值。
# - `loc` 按标签（切片含终点），`iloc` 按位置；条件用 `&`、`|` 并加括号；pandas 3 里修改原表只用一步 `loc` 赋值。
# - `groupby` + `agg` 做分组统计，`pivot_table` 做交叉表；`merge` 时写上 `validate`，并核对行数。
