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
# ### 准备：一个能精确评估的玩具“助手”任务
#
# 这个 notebook 把 InstructGPT 的整条流水线缩小到几秒钟能跑完的规模：预训练 → 监督微调（SFT）→
# 用偏好对训练奖励模型 → 带 KL 惩罚的策略梯度（一个小型 RLHF）→ 在同一批偏好对上做 DPO。
#
# **任务。** 提示（prompt）$x$ 由一条指令和三个数字组成，指令是“升序”“降序”“倒序”之一，数字取自 0–4；
# 回答 $y$ 是三个数字。例如 `升序 3 1 4` 的正确回答是 `1 3 4`。
# **隐藏的“人类”。** 我们手里有一条评分规则 $s(x,y)$ = 回答中放对位置的数字个数（0–3），
# 它扮演人类心中的标准：训练过程中任何模型都看不到它，它只用来（1）生成带噪声的偏好标注，（2）在最后当裁判。
#
# 回答空间只有 $5^3=125$ 种，所以对每个提示都能把全部回答列出来，**精确**算出策略的期望得分、
# 相对 SFT 模型的胜率和 KL 散度，不受采样误差影响。策略是一个很小的自回归模型：
# $\pi(y\mid x)=\prod_{t=1}^{3}\pi(y_t\mid x,y_{<t})$，和 GPT 的分解方式相同，只是把 Transformer 换成了一个多层感知机。

# %%
import copy
import itertools
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: one thread is enough and keeps runs repeatable
torch.manual_seed(0)
rng = np.random.default_rng(0)
start_time = time.time()

N_DIGITS, LENGTH = 5, 3
INSTRUCTIONS = ["升序", "降序", "倒序"]  # ascending sort, descending sort, reverse


def target_of(k, x):
    if k == 0:
        return sorted(x)
    if k == 1:
        return sorted(x, reverse=True)
    return list(reversed(x))


# every prompt (instruction, three digits) and every possible response
PROMPTS = [(k, list(x)) for k in range(3) for x in itertools.product(range(N_DIGITS), repeat=LENGTH)]
ALL_Y = torch.tensor(list(itertools.product(range(N_DIGITS), repeat=LENGTH)))  # (125, 3)
K_ALL = torch.tensor([k for k, _ in PROMPTS])
X_ALL = torch.tensor([x for _, x in PROMPTS])
T_ALL = torch.tensor([target_of(k, x) for k, x in PROMPTS])
perm = rng.permutation(len(PROMPTS))
train_idx, test_idx = torch.tensor(perm[:300]), torch.tensor(perm[300:])
# hidden score of every response to every prompt: (375, 125)
S_ALL = (ALL_Y[None, :, :] == T_ALL[:, None, :]).sum(-1)
print(f"{len(PROMPTS)} prompts ({len(train_idx)} train, {len(test_idx)} held out), {len(ALL_Y)} responses each")


def show(i, y):
    k, x = PROMPTS[i]
    return f"{INSTRUCTIONS[k]} {' '.join(map(str, x))} → {' '.join(map(str, y))}"


print(show(int(test_idx[0]), T_ALL[test_idx[0]].tolist()), "(correct answer)")

# %% [markdown]
# ### 1. 策略模型和精确评估
#
# 策略网络在第 $t$ 步的输入是：指令和三个输入数字的独热编码、已经生成的 $y_{<t}$（没生成的位置填 0）
# 和位置 $t$ 的独热编码，输出下一个数字的 5 个 logits。`log_prob` 用教师强制一次算出整句的
# $\log\pi(y\mid x)=\sum_t\log\pi(y_t\mid x,y_{<t})$；`exact_logp` 把 125 个回答全部喂进去，
# 得到每个提示下完整的回答分布。

# %%
class Policy(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        n_in = 3 + LENGTH * N_DIGITS + LENGTH * N_DIGITS + LENGTH
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, N_DIGITS))

    def step_inputs(self, k, x, y):
        n = len(k)
        base = torch.cat([F.one_hot(k, 3), F.one_hot(x, N_DIGITS).flatten(1)], 1).float()  # (n, 18)
        y_oh = F.one_hot(y, N_DIGITS).float()  # (n, 3, 5)
        prev_mask = torch.tril(torch.ones(LENGTH, LENGTH), diagonal=-1)  # row t: positions < t are visible
        prev = (prev_mask[None, :, :, None] * y_oh[:, None, :, :]).flatten(2)  # (n, 3, 15)
        pos = torch.eye(LENGTH).expand(n, LENGTH, LENGTH)
        feats = torch.cat([base[:, None, :].expand(n, LENGTH, base.shape[1]), prev, pos], 2)
        return feats.to(self.net[0].weight.dtype)

    def log_prob(self, k, x, y):
        logits = self.net(self.step_inputs(k, x, y.clamp(min=0)))  # (n, 3, 5)
        return torch.log_softmax(logits, -1).gather(2, y[..., None]).squeeze(-1).sum(1)

    @torch.no_grad()
    def sample(self, k, x, gen):
        y = torch.zeros(len(k), LENGTH, dtype=torch.long)
        for t in range(LENGTH):
            logits = self.net(self.step_inputs(k, x, y))[:, t]
            y[:, t] = torch.multinomial(torch.softmax(logits, -1), 1, generator=gen).squeeze(1)
        return y


def exact_logp(policy, idx):
    """log pi(y|x) for all 125 responses of each prompt in idx: (len(idx), 125)."""
    n = len(idx)
    k = K_ALL[idx].repeat_interleave(len(ALL_Y))
    x = X_ALL[idx].repeat_interleave(len(ALL_Y), 0)
    y = ALL_Y.repeat(n, 1)
    return policy.log_prob(k, x, y).view(n, len(ALL_Y))


@torch.no_grad()
def evaluate(policy, ref_logp=None, idx=test_idx):
    """Exact expected hidden score, P(fully correct), win rate against the reference and KL(pi || ref)."""
    logp = exact_logp(policy, idx)
    p = logp.exp()
    S = S_ALL[idx]
    q = torch.stack([(p * (S == s)).sum(1) for s in range(LENGTH + 1)], 1)  # distribution of the score
    out = {"score": float((p * S).sum(1).mean()), "correct": float(q[:, LENGTH].mean())}
    if ref_logp is not None:
        q_ref = torch.stack([(ref_logp.exp() * (S == s)).sum(1) for s in range(LENGTH + 1)], 1)
        better = torch.tril(torch.ones(LENGTH + 1, LENGTH + 1), diagonal=-1)  # [a, b] = 1 if a > b
        win = torch.einsum("na,ab,nb->n", q, better, q_ref) + 0.5 * (q * q_ref).sum(1)
        out["win"] = float(win.mean())
        out["kl"] = float((p * (logp - ref_logp)).sum(1).mean())
    return out


# %% [markdown]
# ### 2. 预训练：会“续写”，不会听指令
#
# 真实的预训练语料是网页文本，模型学到的是“接着往下写”。这里的“网页文本”是：提示后面跟着
# 把输入原样抄一遍（70%）或三个随机数字（30%），和指令毫无关系。预训练出的基础模型（base model）
# 因此学会了输出格式和“抄输入”，却不理会指令——这正是 GPT-3 常常答非所问的缩影。

# %%
def fit(policy, k, x, y, steps, lr=3e-3, batch=256, seed=0):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    for _ in range(steps):
        b = torch.randint(len(k), (batch,), generator=gen)
        loss = -policy.log_prob(k[b], x[b], y[b]).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


n_pre = 20000
pre_i = torch.tensor(rng.integers(len(PROMPTS), size=n_pre))
pre_y = X_ALL[pre_i].clone()
noise_rows = torch.tensor(rng.random(n_pre) < 0.3)
pre_y[noise_rows] = torch.tensor(rng.integers(N_DIGITS, size=(int(noise_rows.sum()), LENGTH)))
base = Policy()
fit(base, K_ALL[pre_i], X_ALL[pre_i], pre_y, steps=200, seed=1)
base_eval = evaluate(base)
print(f"base model on held-out prompts: expected score {base_eval['score']:.2f} / 3, "
      f"fully correct {base_eval['correct']:.1%}")

# %% [markdown]
# ### 3. 监督微调（SFT）：模仿标注员写的示范
#
# 标注员为每个训练提示写 4 个示范回答，但人会出错：一半是正确答案，1/4 把相邻两个数字写反，
# 1/4 把某一位写成别的数字。SFT 就是在这些（提示，示范）对上继续最小化交叉熵。
# SFT 模型学会了听指令，但它模仿的是标注员——连同他们的错误率一起。

# %%
def labeler_demo(i):
    y = T_ALL[i].clone()
    u = rng.random()
    if u < 0.25:  # swap two neighbours
        j = rng.integers(LENGTH - 1)
        y[[j, j + 1]] = y[[j + 1, j]]
    elif u < 0.5:  # one wrong digit
        j = rng.integers(LENGTH)
        y[j] = (y[j] + rng.integers(1, N_DIGITS)) % N_DIGITS
    return y


sft_i = train_idx.repeat_interleave(4)
sft_y = torch.stack([labeler_demo(int(i)) for i in sft_i])
demo_score = float((sft_y == T_ALL[sft_i]).sum(1).float().mean())
sft = copy.deepcopy(base)
fit(sft, K_ALL[sft_i], X_ALL[sft_i], sft_y, steps=600, seed=2)
with torch.no_grad():
    ref_logp_test = exact_logp(sft, test_idx)
sft_eval = evaluate(sft, ref_logp_test)
print(f"labeler demonstrations: mean score {demo_score:.2f} / 3")
print(f"SFT model on held-out prompts: expected score {sft_eval['score']:.2f} / 3, "
      f"fully correct {sft_eval['correct']:.1%}")
assert sft_eval["score"] > base_eval["score"] + 0.5

# %% [markdown]
# 下图对比基础模型和 SFT 模型在留出提示上的得分分布（精确计算，不是采样）。

# %%
@torch.no_grad()
def score_hist(policy, idx=test_idx):
    p = exact_logp(policy, idx).exp()
    return [float((p * (S_ALL[idx] == s)).sum(1).mean()) for s in range(LENGTH + 1)]


fig, ax = plt.subplots(figsize=(6.5, 3.6))
w = 0.38
for j, (name, model) in enumerate([("预训练基础模型", base), ("SFT 模型", sft)]):
    ax.bar(np.arange(LENGTH + 1) + (j - 0.5) * w, score_hist(model), w, label=name)
ax.set_xticks(range(LENGTH + 1))
ax.set_xlabel("隐藏评分 s（放对位置的数字个数）")
ax.set_ylabel("概率（留出提示上平均）")
ax.set_title("SFT 让模型开始听指令，但只学到标注员的水平")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 偏好数据和奖励模型
#
# 和 InstructGPT 一样，偏好数据来自 SFT 模型自己的回答：对每个训练提示采样两条回答，交给“人”比较。
# 人按 Bradley–Terry 模型带噪声地选择：$P(y_1\succ y_2)=\sigma\big((s_1-s_2)/\tau\big)$，$\tau=0.5$；
# 两条回答得分相同时人说“一样好”，这一对丢掉。
#
# 奖励模型 $r_\phi(x,y)$ 是另一个小网络，输入提示和整条回答的独热编码，输出一个标量；
# 损失是 $-\log\sigma\big(r_\phi(x,y_w)-r_\phi(x,y_l)\big)$。评估时在**留出提示**上另采一批回答对，
# 用隐藏规则给出无噪声的正确答案，看奖励模型判断对了多少。

# %%
def make_pairs(idx, per_prompt, seed, noisy=True):
    gen = torch.Generator().manual_seed(seed)
    i = idx.repeat_interleave(per_prompt)
    y1 = sft.sample(K_ALL[i], X_ALL[i], gen)
    y2 = sft.sample(K_ALL[i], X_ALL[i], gen)
    s1, s2 = (y1 == T_ALL[i]).sum(1), (y2 == T_ALL[i]).sum(1)
    keep = s1 != s2
    i, y1, y2, s1, s2 = i[keep], y1[keep], y2[keep], s1[keep], s2[keep]
    if noisy:
        first_wins = torch.rand(len(i), generator=gen) < torch.sigmoid((s1 - s2).float() / 0.5)
    else:
        first_wins = s1 > s2
    yw = torch.where(first_wins[:, None], y1, y2)
    yl = torch.where(first_wins[:, None], y2, y1)
    label_correct = (torch.where(first_wins, s1, s2) > torch.where(first_wins, s2, s1)).float().mean()
    return i, yw, yl, float(label_correct)


pair_i, pair_w, pair_l, label_acc = make_pairs(train_idx, 48, seed=3)
test_pi, test_pw, test_pl, _ = make_pairs(test_idx, 16, seed=4, noisy=False)
print(f"{len(pair_i)} training preference pairs (ties dropped); "
      f"{label_acc:.1%} of the human labels agree with the hidden rule")
print(f"{len(test_pi)} held-out pairs with noise-free labels")


class RewardModel(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        n_in = 3 + 2 * LENGTH * N_DIGITS
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 1))

    def forward(self, k, x, y):
        z = torch.cat([F.one_hot(k, 3), F.one_hot(x, N_DIGITS).flatten(1), F.one_hot(y, N_DIGITS).flatten(1)], 1)
        return self.net(z.float()).squeeze(-1)


rm = RewardModel()
gen = torch.Generator().manual_seed(5)
opt = torch.optim.Adam(rm.parameters(), lr=2e-3, weight_decay=1e-3)
rm_curve = []
for step in range(800):
    b = torch.randint(len(pair_i), (256,), generator=gen)
    k, x = K_ALL[pair_i[b]], X_ALL[pair_i[b]]
    loss = -F.logsigmoid(rm(k, x, pair_w[b]) - rm(k, x, pair_l[b])).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 49:
        with torch.no_grad():
            kt, xt = K_ALL[test_pi], X_ALL[test_pi]
            acc = float((rm(kt, xt, test_pw) > rm(kt, xt, test_pl)).float().mean())
        rm_curve.append((step + 1, loss.item(), acc))
rm_acc = rm_curve[-1][2]
print(f"reward model: final train loss {rm_curve[-1][1]:.3f}, held-out pair accuracy {rm_acc:.1%}")
assert rm_acc > 0.75

# %% [markdown]
# 奖励的尺度是任意的（给所有回答加同一个常数，偏好概率不变）。和 InstructGPT 类似，我们把它平移缩放，
# 使 SFT 模型的回答在训练提示上平均得 0 分、标准差为 1，这样后面的 β 才有可比的含义。

# %%
with torch.no_grad():
    kk = K_ALL[train_idx].repeat_interleave(len(ALL_Y))
    xx = X_ALL[train_idx].repeat_interleave(len(ALL_Y), 0)
    r_train = rm(kk, xx, ALL_Y.repeat(len(train_idx), 1)).view(len(train_idx), -1)
    p_sft_train = exact_logp(sft, train_idx).exp()
    r_mean = float((p_sft_train * r_train).sum(1).mean())
    r_std = float(((p_sft_train * (r_train - r_mean) ** 2).sum(1).mean()).sqrt())


def reward(k, x, y):
    return (rm(k, x, y) - r_mean) / r_std


with torch.no_grad():
    kk = K_ALL[test_idx].repeat_interleave(len(ALL_Y))
    xx = X_ALL[test_idx].repeat_interleave(len(ALL_Y), 0)
    R_TEST = reward(kk, xx, ALL_Y.repeat(len(test_idx), 1)).view(len(test_idx), -1)
r_by_score = [float(R_TEST[S_ALL[test_idx] == s].mean()) for s in range(LENGTH + 1)]
print("mean learned reward of held-out responses by hidden score 0..3:", [round(v, 2) for v in r_by_score])

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
steps_, losses_, accs_ = zip(*rm_curve)
axes[0].plot(steps_, losses_, "o-", label="训练损失")
axes[0].plot(steps_, accs_, "s-", label="留出偏好对准确率")
axes[0].set_xlabel("训练步数")
axes[0].set_title("奖励模型的训练")
axes[0].legend()
data = [R_TEST[S_ALL[test_idx] == s].numpy() for s in range(LENGTH + 1)]
axes[1].boxplot(data, positions=range(LENGTH + 1), widths=0.5, showfliers=False)
axes[1].set_xlabel("隐藏评分 s")
axes[1].set_ylabel("奖励模型打分（标准化后）")
axes[1].set_title("留出提示上全部 125 个回答的打分")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 小型 RLHF：带 KL 惩罚的策略梯度
#
# 从 SFT 模型出发，最大化 $\mathbb E_{y\sim\pi_\theta}[r(x,y)]-\beta\,\mathrm{KL}(\pi_\theta\,\|\,\pi_\text{ref})$，
# 参考模型 $\pi_\text{ref}$ 是冻结的 SFT 模型。每一步：取 32 个训练提示，每个采样 8 条回答；
# 每条回答的“总奖励”是 $r(x,y)-\beta\big(\log\pi_\theta(y\mid x)-\log\pi_\text{ref}(y\mid x)\big)$，
# 它的期望正是上面的目标；减去同一提示 8 条回答的平均值作基线，再做 REINFORCE 更新
# （见[强化学习](rl.md)的策略梯度一节）。InstructGPT 用的是 PPO 和逐词元的 KL 惩罚，
# 这里用最朴素的策略梯度，因为回答只有 3 个词元、问题很小。
#
# 我们对几个 β 各训练一次，看 KL 和隐藏评分怎样此消彼长。

# %%
def rlhf(beta, steps=150, seed=6, n_prompts=32, n_samples=8, lr=2e-3):
    policy = copy.deepcopy(sft)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    for _ in range(steps):
        i = train_idx[torch.randint(len(train_idx), (n_prompts,), generator=gen)].repeat_interleave(n_samples)
        k, x = K_ALL[i], X_ALL[i]
        y = policy.sample(k, x, gen)
        logp = policy.log_prob(k, x, y)
        with torch.no_grad():
            total = reward(k, x, y) - beta * (logp - sft.log_prob(k, x, y))
            total = total.view(n_prompts, n_samples)
            adv = (total - total.mean(1, keepdim=True)).flatten()
        loss = -(adv * logp).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return policy


def learned_reward_of(policy):
    with torch.no_grad():
        return float((exact_logp(policy, test_idx).exp() * R_TEST).sum(1).mean())


rlhf_betas = [1.0, 0.3, 0.1, 0.03]
rlhf_models = {b: rlhf(b) for b in rlhf_betas}
rlhf_evals = {b: evaluate(m, ref_logp_test) | {"reward": learned_reward_of(m)} for b, m in rlhf_models.items()}
print(f"{'beta':>6} {'KL':>6} {'learned r':>10} {'score':>6} {'correct':>8} {'win vs SFT':>11}")
print(f"{'SFT':>6} {0:6.3f} {learned_reward_of(sft):10.2f} {sft_eval['score']:6.2f} {sft_eval['correct']:8.1%} "
      f"{sft_eval['win']:11.1%}")
for b, e in rlhf_evals.items():
    print(f"{b:6.2f} {e['kl']:6.3f} {e['reward']:10.2f} {e['score']:6.2f} {e['correct']:8.1%} {e['win']:11.1%}")

# %% [markdown]
# ### 6. DPO：不训练奖励模型、不采样，直接在偏好对上训练
#
# DPO 的损失只需要策略和参考模型在偏好对上的对数概率：
#
# $$-\log\sigma(\beta h),\qquad h=\log\frac{\pi_\theta(y_w\mid x)}{\pi_\text{ref}(y_w\mid x)}-\log\frac{\pi_\theta(y_l\mid x)}{\pi_\text{ref}(y_l\mid x)}.$$
#
# 先把它写成函数，用有限差分核对自动求导给出的梯度（float64），再核对课文推出的梯度公式
#
# $$\nabla_\theta L=-\beta\,\sigma(-\beta h)\,\big[\nabla_\theta\log\pi_\theta(y_w\mid x)-\nabla_\theta\log\pi_\theta(y_l\mid x)\big],$$
#
# 最后在与奖励模型**完全相同**的偏好对上训练。

# %%
def dpo_loss(policy, ref_w, ref_l, i, yw, yl, beta):
    k, x = K_ALL[i], X_ALL[i]
    h = (policy.log_prob(k, x, yw) - ref_w) - (policy.log_prob(k, x, yl) - ref_l)
    return -F.logsigmoid(beta * h).mean(), h


# gradient checks on a float64 copy of the SFT model, slightly perturbed so that h != 0
torch.manual_seed(7)
pol64 = copy.deepcopy(sft).double()
with torch.no_grad():
    for prm in pol64.parameters():
        prm.add_(0.05 * torch.randn_like(prm))
sft64 = copy.deepcopy(sft).double()
ci = torch.arange(32)
with torch.no_grad():
    rw64 = sft64.log_prob(K_ALL[pair_i[ci]], X_ALL[pair_i[ci]], pair_w[ci])
    rl64 = sft64.log_prob(K_ALL[pair_i[ci]], X_ALL[pair_i[ci]], pair_l[ci])
beta_chk = 0.5
params = list(pol64.parameters())
loss64, h64 = dpo_loss(pol64, rw64, rl64, pair_i[ci], pair_w[ci], pair_l[ci], beta_chk)
grads = torch.autograd.grad(loss64, params)
direction = [torch.randn_like(prm) for prm in params]
autograd_dir = sum((g * d).sum() for g, d in zip(grads, direction))
eps = 1e-6
with torch.no_grad():
    for prm, d in zip(params, direction):
        prm.add_(eps * d)
    lp = dpo_loss(pol64, rw64, rl64, pair_i[ci], pair_w[ci], pair_l[ci], beta_chk)[0]
    for prm, d in zip(params, direction):
        prm.sub_(2 * eps * d)
    lm = dpo_loss(pol64, rw64, rl64, pair_i[ci], pair_w[ci], pair_l[ci], beta_chk)[0]
    for prm, d in zip(params, direction):
        prm.add_(eps * d)
fd_dir = (lp - lm) / (2 * eps)
rel_fd = abs(float(autograd_dir - fd_dir)) / abs(float(fd_dir))
# the formula: sum over pairs of weights w_n = -beta * sigmoid(-beta h_n) / N times grad of (logp_w - logp_l)
weights = (-beta_chk * torch.sigmoid(-beta_chk * h64) / len(ci)).detach()
k_, x_ = K_ALL[pair_i[ci]], X_ALL[pair_i[ci]]
surrogate = (weights * (pol64.log_prob(k_, x_, pair_w[ci]) - pol64.log_prob(k_, x_, pair_l[ci]))).sum()
formula_grads = torch.autograd.grad(surrogate, params)
rel_formula = max(float((g - fg).norm() / g.norm()) for g, fg in zip(grads, formula_grads))
print(f"directional derivative: autograd {float(autograd_dir):.8f}, finite difference {float(fd_dir):.8f}, "
      f"relative error {rel_fd:.1e}")
print(f"gradient formula vs autograd: max relative error {rel_formula:.1e}")
assert rel_fd < 1e-6 and rel_formula < 1e-10

# %%
with torch.no_grad():
    ref_w_all = sft.log_prob(K_ALL[pair_i], X_ALL[pair_i], pair_w)
    ref_l_all = sft.log_prob(K_ALL[pair_i], X_ALL[pair_i], pair_l)


def dpo(beta, steps=200, seed=8, lr=1e-3, batch=256):
    policy = copy.deepcopy(sft)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    for _ in range(steps):
        b = torch.randint(len(pair_i), (batch,), generator=gen)
        loss, _ = dpo_loss(policy, ref_w_all[b], ref_l_all[b], pair_i[b], pair_w[b], pair_l[b], beta)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return policy


dpo_betas = [1.0, 0.3, 0.1]
dpo_models = {b: dpo(b) for b in dpo_betas}
dpo_evals = {b: evaluate(m, ref_logp_test) | {"reward": learned_reward_of(m)} for b, m in dpo_models.items()}
print(f"{'beta':>6} {'KL':>6} {'learned r':>10} {'score':>6} {'correct':>8} {'win vs SFT':>11}")
for b, e in dpo_evals.items():
    print(f"{b:6.2f} {e['kl']:6.3f} {e['reward']:10.2f} {e['score']:6.2f} {e['correct']:8.1%} {e['win']:11.1%}")

# %% [markdown]
# ### 7. 比较：胜率和 KL
#
# 胜率（win rate）= 从新策略和 SFT 模型各抽一条回答，隐藏评分更高的一方获胜、平局各算半场，
# 新策略获胜的概率；SFT 对自己的胜率恰好是 50%。横轴是新策略偏离 SFT 模型的 KL 散度。
# 右图把“真实目标”（隐藏评分）和“代理目标”（奖励模型打分）相对 SFT 的提升画在一起：
# 两者同步上升，说明优化奖励模型确实在优化人想要的东西；两者分叉，就是过度优化的信号。

# %%
fig, axes = plt.subplots(1, 2, figsize=(10.5, 4))
for name, evals, marker, offset in [("RLHF（策略梯度 + KL）", rlhf_evals, "o-", (4, -12)),
                                   ("DPO", dpo_evals, "s--", (4, 6))]:
    kls = [0.0] + [e["kl"] for e in evals.values()]
    wins = [sft_eval["win"]] + [e["win"] for e in evals.values()]
    axes[0].plot(kls, wins, marker, label=name)
    for b, e in evals.items():
        axes[0].annotate(f"β={b}", (e["kl"], e["win"]), textcoords="offset points", xytext=offset, fontsize=8)
axes[0].axhline(0.5, color="gray", lw=0.8, ls=":")
axes[0].set_xlabel("KL(π ‖ π_SFT)（nats，留出提示上平均）")
axes[0].set_ylabel("隐藏规则下对 SFT 的胜率")
axes[0].set_title("胜率与 KL 的权衡")
axes[0].legend()
for name, evals, color in [("RLHF", rlhf_evals, "C0"), ("DPO", dpo_evals, "C1")]:
    kls = [0.0] + [e["kl"] for e in evals.values()]
    sft_r = learned_reward_of(sft)
    axes[1].plot(kls, [0.0] + [e["score"] - sft_eval["score"] for e in evals.values()], "o-", color=color,
                 label=f"{name}：隐藏评分的提升（真实目标）")
    axes[1].plot(kls, [0.0] + [e["reward"] - sft_r for e in evals.values()], "s:", color=color,
                 label=f"{name}：奖励模型打分的提升（代理目标）")
axes[1].axhline(0, color="gray", lw=0.8, ls=":")
axes[1].set_xlabel("KL(π ‖ π_SFT)")
axes[1].set_ylabel("相对 SFT 模型的提升")
axes[1].set_title("代理奖励与真实评分")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()

best_rlhf = max(rlhf_evals, key=lambda b: rlhf_evals[b]["win"])
best_dpo = max(dpo_evals, key=lambda b: dpo_evals[b]["win"])
print(f"SFT: win {sft_eval['win']:.1%}; best RLHF (beta={best_rlhf}): win {rlhf_evals[best_rlhf]['win']:.1%}, "
      f"KL {rlhf_evals[best_rlhf]['kl']:.3f}; best DPO (beta={best_dpo}): win {dpo_evals[best_dpo]['win']:.1%}, "
      f"KL {dpo_evals[best_dpo]['kl']:.3f}")
best_rlhf, best_dpo = rlhf_evals[best_rlhf], dpo_evals[best_dpo]
assert best_rlhf["win"] > sft_eval["win"] + 0.05 and best_dpo["win"] > sft_eval["win"] + 0.05
assert rlhf_evals[1.0]["kl"] < rlhf_evals[0.03]["kl"]

# %% [markdown]
# ### 8. “你的语言模型其实是个奖励模型”
#
# DPO 推导的关键一步是：KL 正则化目标的最优策略满足 $r(x,y)=\beta\log\frac{\pi^*(y\mid x)}{\pi_\text{ref}(y\mid x)}+\beta\log Z(x)$。
# 所以训练好的 DPO 策略自带一个**隐式奖励** $\hat r(x,y)=\beta\log\frac{\pi_\theta(y\mid x)}{\pi_\text{ref}(y\mid x)}$。
# 下面（1）在 SFT 模型答对概率最接近一半的那个留出提示上，用奖励模型算出精确最优策略 $\pi^*\propto\pi_\text{ref}\,e^{r/\beta}$，核对目标函数在 $\pi^*$ 处等于 $\beta\log Z$；
# （2）用 DPO 的隐式奖励去判断留出偏好对，和奖励模型比一比。

# %%
with torch.no_grad():
    beta_star = 0.3
    # the held-out prompt on which the SFT model is closest to a coin flip between right and wrong
    p_correct_sft = ref_logp_test.exp()[S_ALL[test_idx] == LENGTH]
    j = int(torch.argmin((p_correct_sft - 0.5).abs()))
    r_j, lref_j = R_TEST[j].double(), ref_logp_test[j].double()
    log_z = torch.logsumexp(lref_j + r_j / beta_star, 0)
    l_star = lref_j + r_j / beta_star - log_z
    p_star = l_star.exp()

    def objective(logp):
        return float((logp.exp() * (r_j - beta_star * (logp - lref_j))).sum())

    print(f"objective at pi*: {objective(l_star):.6f}, beta*log Z: {beta_star * float(log_z):.6f}, "
          f"at SFT: {objective(lref_j):.6f}")
    assert abs(objective(l_star) - beta_star * float(log_z)) < 1e-9 and objective(lref_j) < objective(l_star)
    # random perturbations of pi* never do better
    gen_p = torch.Generator().manual_seed(9)
    worse = all(objective(torch.log_softmax(l_star + 0.3 * torch.randn(len(l_star), generator=gen_p,
                                                                          dtype=torch.float64), 0))
                < objective(l_star) for _ in range(200))
    print("200 random perturbations of pi* all score lower:", worse)
    assert worse

    dpo_model = dpo_models[0.1]
    kt, xt = K_ALL[test_pi], X_ALL[test_pi]
    implicit = 0.1 * ((dpo_model.log_prob(kt, xt, test_pw) - sft.log_prob(kt, xt, test_pw))
                      - (dpo_model.log_prob(kt, xt, test_pl) - sft.log_prob(kt, xt, test_pl)))
    implicit_acc = float((implicit > 0).float().mean())
print(f"held-out pair accuracy: reward model {rm_acc:.1%}, DPO implicit reward {implicit_acc:.1%}")

fig, ax = plt.subplots(figsize=(6.5, 3.6))
order = torch.argsort(torch.maximum(p_star, lref_j.exp()), descending=True)[:10]
labels = [" ".join(map(str, ALL_Y[o].tolist())) for o in order]
ax.bar(np.arange(10) - 0.2, lref_j.exp()[order].numpy(), 0.4, label="π_SFT")
ax.bar(np.arange(10) + 0.2, p_star[order].numpy(), 0.4, label=f"π*（β={beta_star}）")
ax.set_xticks(range(10), labels, rotation=45)
ax.set_ylabel("概率")
target_j = " ".join(map(str, T_ALL[test_idx[j]].tolist()))
prompt_j = show(int(test_idx[j]), T_ALL[test_idx[j]].tolist()).split("→")[0].strip()
ax.set_title(f"提示“{prompt_j}”（正确答案 {target_j}）：π* 按奖励重新加权")
print(f"prompt {prompt_j}: P(correct) under SFT {float(p_correct_sft[j]):.3f}, under pi* "
      f"{float(p_star[S_ALL[test_idx[j]] == LENGTH].sum()):.3f}")
ax.legend()
plt.tight_layout()
plt.show()

# %%
elapsed = time.time() - start_time
print(f"total time: {elapsed:.1f} s, cpu {time.process_time():.1f} s")
