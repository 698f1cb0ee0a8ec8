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
# 本 notebook 分四步：先从 FrozenLake 环境里读出完整的转移概率，用价值迭代算出最优价值函数和最优策略，
# 再用解线性方程组的办法精确算出最优策略的成功率——这是后面一切比较的“标准答案”；
# 然后假装不知道转移概率，只靠和环境交互，用表格型 Q 学习学出一个策略，与标准答案对比；
# 接着在 CartPole 上用 PyTorch 写一个带“未来回报”和基线的 REINFORCE 智能体；
# 最后在一个三臂老虎机上，把 REINFORCE 的梯度估计和解析梯度逐项核对。
# 环境来自 `gymnasium`，不需要联网；所有随机性都来自固定种子（环境用 `reset(seed=...)`，
# 智能体用 NumPy 的 `default_rng` 和 `torch.Generator`），重新运行得到相同的数字。

# %%
import time
from pathlib import Path

import gymnasium as gym
import matplotlib.pyplot as plt
import mplfonts
import numpy as np
import torch
import torch.nn as nn
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # tiny networks: threads only add overhead
torch.manual_seed(0)
start_time = time.time()

# %% [markdown]
# ### 1. FrozenLake：把 MDP 读出来
#
# FrozenLake 4×4 是一块 4×4 的冰面：从左上角 S 出发，走到右下角 G 得奖励 1，掉进洞 H 回合结束、奖励 0，
# 其余每步奖励 0。`is_slippery=True` 时冰面很滑：选定方向后，只有 1/3 的概率真的朝那个方向走，
# 另外各有 1/3 的概率滑向与它垂直的两个方向。环境把完整的转移模型存在 `env.unwrapped.P` 里：
# `P[s][a]` 是若干个 `(概率, 下一状态, 奖励, 是否终止)`。我们把它整理成数组
# $T[s,a,s']=P(s'\mid s,a)$ 和期望即时奖励 $R[s,a]$。

# %%
env = gym.make("FrozenLake-v1", map_name="4x4", is_slippery=True)
P = env.unwrapped.P
desc = env.unwrapped.desc.astype(str)  # the map as a 4x4 array of letters
n_states, n_actions = env.observation_space.n, env.action_space.n
ACTION_NAMES = ["左", "下", "右", "上"]  # gymnasium's order: 0 left, 1 down, 2 right, 3 up

T = np.zeros((n_states, n_actions, n_states))
R = np.zeros((n_states, n_actions))
for s in range(n_states):
    for a in range(n_actions):
        for prob, s_next, reward, _ in P[s][a]:
            T[s, a, s_next] += prob
            R[s, a] += prob * reward
terminal = np.array([c in "HG" for c in desc.ravel()])
nonterminal = ~terminal

print("map:\n" + "\n".join("".join(row) for row in desc))
print("episode time limit:", env.spec.max_episode_steps, "steps")
print("state 14 (left of G), action right:", P[14][2])
assert np.allclose(T.sum(axis=2), 1.0)

# %% [markdown]
# 状态 14 在 G 的左边。选“右”时有三种结果，各 1/3：真的到 G（奖励 1）、滑到上面的 10、滑到下面——
# 下面是边界，所以原地不动。注意终止状态（洞和终点）在表里被写成“原地不动、奖励 0”，
# 下面我们把它们当作吸收状态：进去以后不再有奖励。
#
# ### 2. 价值迭代：最优价值 V* 和最优策略
#
# 价值迭代反复应用贝尔曼最优方程 $V(s)\leftarrow \max_a \big[R(s,a)+\gamma\sum_{s'}T(s,a,s')V(s')\big]$，
# 直到相邻两次的最大变化小于 $10^{-10}$。折扣取 $\gamma=0.99$。

# %%
gamma = 0.99


def value_iteration(gamma, tol=1e-10):
    V = np.zeros(n_states)
    for it in range(1, 100_000):
        Q = R + gamma * T @ V  # (n_states, n_actions): one Bellman optimality backup
        V_new = Q.max(axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new, Q, it
        V = V_new
    raise RuntimeError("no convergence")


V_star, Q_star, n_iter = value_iteration(gamma)
pi_star = Q_star.argmax(axis=1)
print(f"value iteration converged after {n_iter} sweeps")
print("V* (gamma = 0.99):\n", V_star.reshape(4, 4).round(3))
print("optimal policy:\n", np.array(ACTION_NAMES)[pi_star].reshape(4, 4))

# %% [markdown]
# ### 3. 精确评估一个策略：成功率是多少？
#
# 固定策略 $\pi$ 后，状态价值满足线性方程 $v=r_\pi+\gamma T_\pi v$，其中 $T_\pi[s,s']=T(s,\pi(s),s')$，
# $r_\pi[s]=R(s,\pi(s))$。取 $\gamma=1$、并把终止状态的出边清零，$v(s)$ 就是“从 $s$ 出发最终到达 G 的概率”，
# 解 $(I-T_\pi)v=r_\pi$ 即可。但 gymnasium 给 FrozenLake 4×4 加了 100 步的时间上限，
# 所以真正能在环境里测到的是“100 步内到达 G 的概率”，它用 100 次 $v\leftarrow r_\pi+T_\pi v$ 精确算出。

# %%
def policy_matrices(pi):
    T_pi = T[np.arange(n_states), pi].copy()
    r_pi = R[np.arange(n_states), pi]
    T_pi[terminal] = 0.0  # absorbing: no more reward after a hole or the goal
    return T_pi, r_pi


def success_infinite(pi):
    T_pi, r_pi = policy_matrices(pi)
    return np.linalg.solve(np.eye(n_states) - T_pi, r_pi)


def success_within(pi, horizon=100):
    T_pi, r_pi = policy_matrices(pi)
    v = np.zeros(n_states)
    for _ in range(horizon):
        v = r_pi + T_pi @ v
    return v


p_inf = success_infinite(pi_star)[0]
p_opt = success_within(pi_star)[0]
print(f"optimal policy: P(reach G eventually) = {p_inf:.4f} (= 14/17 = {14 / 17:.4f})")
print(f"optimal policy: P(reach G within 100 steps) = {p_opt:.4f}   <- the ground truth for the env")

# a random policy for comparison, by simulation in the real environment
rng_eval = np.random.default_rng(123)
random_success = []
for k in range(1000):
    s, _ = env.reset(seed=10_000 + k)
    while True:
        s, r, term, trunc, _ = env.step(int(rng_eval.integers(n_actions)))
        if term or trunc:
            break
    random_success.append(r)
print(f"uniform random policy: success rate over 1000 episodes = {np.mean(random_success):.3f}")
assert abs(p_inf - 14 / 17) < 1e-6 and 0.72 < p_opt < 0.76

# the discount factor is part of the problem: a smaller gamma values quick success more than safe success
_, Q_short, _ = value_iteration(0.9)
pi_short = Q_short.argmax(axis=1)
changed = np.flatnonzero((pi_short != pi_star) & nonterminal)
print(f"gamma = 0.9 changes the action in states {changed.tolist()}: "
      + ", ".join(f"{ACTION_NAMES[pi_star[s]]} -> {ACTION_NAMES[pi_short[s]]}" for s in changed))
print(f"gamma = 0.9 policy: P(reach G eventually) = {success_infinite(pi_short)[0]:.4f}, "
      f"within 100 steps = {success_within(pi_short)[0]:.4f}")
assert success_infinite(pi_short)[0] < p_inf

# %% [markdown]
# 折扣因子是问题定义的一部分：$\gamma=0.9$ 时更看重“快”，第 2 号格子（第一行第三格）的动作由“上”变成“左”，
# 这个策略最终到达终点的概率反而更低。
#
# 下图左边是 $V^*$ 的热图和最优策略的箭头。最优策略看起来很“怪”：起点处它选“左”，
# 因为在左上角选“左”的三种结果是撞墙原地、滑到下面、撞墙原地，永远不会滑向右边价值较低的格子；
# 其余格子里，它选的方向让滑进洞的概率尽量小（除了左右都是洞的第 6 号格子，别的非终止格子都能做到完全不掉洞）。
# 在滑冰面上，最优做法是绕远路但不冒险。

# %%
ARROWS = {0: (-1, 0), 1: (0, 1), 2: (1, 0), 3: (0, -1)}  # dx, dy in image coordinates


def draw_grid(ax, values, policy, title, vmax=1.0):
    im = ax.imshow(values.reshape(4, 4), cmap="Blues", vmin=0, vmax=vmax)
    for s in range(n_states):
        row, col = divmod(s, 4)
        letter = desc[row, col]
        if letter in "HG":
            ax.text(col, row, "洞" if letter == "H" else "终点", ha="center", va="center",
                    fontsize=12, color="crimson" if letter == "H" else "darkgreen")
            continue
        dx, dy = ARROWS[policy[s]]
        ax.arrow(col - 0.25 * dx, row - 0.25 * dy + 0.15, 0.4 * dx, 0.4 * dy, head_width=0.12,
                 color="black", length_includes_head=True)
        ax.text(col, row - 0.3, f"{values[s]:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks([]), ax.set_yticks([])
    ax.set_title(title)
    return im


fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
im = draw_grid(axes[0], V_star, pi_star, "最优价值 V*（γ=0.99）与最优策略")
fig.colorbar(im, ax=axes[0], fraction=0.046)
im = draw_grid(axes[1], success_within(pi_star), pi_star, "最优策略 100 步内到达终点的概率")
fig.colorbar(im, ax=axes[1], fraction=0.046)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 表格型 Q 学习：不看转移概率，只靠交互
#
# 现在假装不知道 `P`。智能体只能 `reset` 和 `step`，每走一步就用
# $Q(s,a)\leftarrow Q(s,a)+\alpha\,[\,r+\gamma\max_{a'}Q(s',a')-Q(s,a)\,]$ 更新一格（终止时目标里没有后一项）。
# 行为策略是 ε-贪心：ε 在前一半回合里从 1 线性降到 0.05，之后保持不变；学习率 $\alpha=0.1$，共 5000 个回合。
# 贪心时若有并列的最大值，随机选一个（否则全零的 Q 表会让智能体永远只走动作 0）。

# %%
def q_learning(seed, n_episodes=5000, alpha=0.1, eps_min=0.05, decay_fraction=0.5):
    rng = np.random.default_rng(seed)
    env = gym.make("FrozenLake-v1", map_name="4x4", is_slippery=True)
    Q = np.zeros((n_states, n_actions))
    success, epsilons = np.zeros(n_episodes), np.zeros(n_episodes)
    for ep in range(n_episodes):
        eps = max(eps_min, 1.0 - ep / (decay_fraction * n_episodes))
        s, _ = env.reset(seed=seed * 1_000_000 + ep)
        while True:
            if rng.random() < eps:
                a = int(rng.integers(n_actions))  # explore
            else:
                q = Q[s]
                a = int(rng.choice(np.flatnonzero(q == q.max())))  # exploit, random tie-break
            s_next, r, term, trunc, _ = env.step(a)
            target = r if term else r + gamma * Q[s_next].max()  # truncation is not termination
            Q[s, a] += alpha * (target - Q[s, a])
            s = s_next
            if term or trunc:
                break
        success[ep], epsilons[ep] = r, eps
    return Q, success, epsilons


t0 = time.time()
Q_learned, train_success, eps_schedule = q_learning(seed=0)
pi_q = Q_learned.argmax(axis=1)
print(f"Q-learning: 5000 episodes in {time.time() - t0:.1f} s")
print("greedy policy from Q:\n", np.array(ACTION_NAMES)[pi_q].reshape(4, 4))

# %% [markdown]
# 训练时的成功率（含探索）不能代表学到的策略有多好。下面关掉探索，用贪心策略在 1000 个固定种子的回合里
# 测成功率，并用第 3 节的方法精确算出它 100 步内的成功概率，与最优值比较。

# %%
def run_greedy(pi, n_episodes=1000, seed=50_000):
    wins = 0.0
    for k in range(n_episodes):
        s, _ = env.reset(seed=seed + k)
        while True:
            s, r, term, trunc, _ = env.step(int(pi[s]))
            if term or trunc:
                break
        wins += r
    return wins / n_episodes


sim_q, sim_star = run_greedy(pi_q), run_greedy(pi_star)
exact_q = success_within(pi_q)[0]
agree = (pi_q == pi_star)[nonterminal]
q_err = np.abs(Q_learned.max(axis=1) - V_star)[nonterminal]
print(f"optimum (exact, 100 steps)        : {p_opt:.3f}")
print(f"Q-learning greedy, exact          : {exact_q:.3f}")
print(f"Q-learning greedy, 1000 episodes  : {sim_q:.3f}   (standard error ~ {np.sqrt(p_opt * (1 - p_opt) / 1000):.3f})")
print(f"optimal policy, same 1000 episodes: {sim_star:.3f}")
print(f"greedy action = optimal action on {agree.sum()} of {agree.size} non-terminal states")
print(f"max |max_a Q(s,a) - V*(s)| over non-terminal states: {q_err.max():.3f}")
assert sim_q >= p_opt - 0.1
assert exact_q >= p_opt - 0.02
assert agree.sum() >= 9

# %%
def moving_average(x, w):
    return np.convolve(x, np.ones(w) / w, mode="valid")


fig, ax = plt.subplots(figsize=(8, 3.8))
w = 200
ax.plot(np.arange(w - 1, len(train_success)), moving_average(train_success, w), label=f"训练时成功率（{w} 回合滑动平均）")
ax.plot(eps_schedule, color="gray", ls=":", label="探索率 ε")
ax.axhline(p_opt, color="C3", ls="--", label=f"最优策略 {p_opt:.3f}")
ax.axhline(sim_q, color="C2", ls="-.", label=f"学到的贪心策略（评估）{sim_q:.3f}")
ax.set_xlabel("回合"), ax.set_ylabel("成功率")
ax.set_ylim(0, 1.02)
ax.set_title("FrozenLake 上的 Q 学习")
ax.legend(loc="lower right", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 训练曲线停在 0.5 左右，比最优值低一截：这是 ε=0.05 的探索和学习中的策略共同造成的，
# 关掉探索后贪心策略的成功率才是它的真实水平。下图把学到的 $\max_a Q(s,a)$ 与 $V^*$ 并排画出。

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
draw_grid(axes[0], V_star, pi_star, "价值迭代：V* 与最优策略")
im = draw_grid(axes[1], Q_learned.max(axis=1), pi_q, "Q 学习：max Q(s,a) 与贪心策略")
fig.colorbar(im, ax=axes, fraction=0.03)
plt.show()

# %% [markdown]
# ### 5. CartPole：带基线的 REINFORCE
#
# CartPole-v1 的状态是 4 个实数（小车位置、速度、杆的角度、角速度），动作是向左或向右推；
# 杆没倒、车没出界，每一步奖励 1，最多 500 步。状态连续，表格存不下，所以策略用一个小网络
# $\pi_\theta(a\mid s)$：4 → 32（tanh）→ 2 个 logit。
#
# 每次更新先用当前策略并行玩 8 个回合（每个回合有自己的种子），然后：
#
# 1. 对每一步算折扣的“未来回报”（reward-to-go）$G_t=\sum_{k\ge t}\gamma^{k-t}r_k$，$\gamma=0.99$；
# 2. 减去基线 $b_t$：这 8 个回合在同一时刻 $t$ 的 $G_t$ 的平均（它不依赖该回合的动作，所以不引入偏差）；
# 3. 把优势 $G_t-b_t$ 除以它的标准差做缩放，最小化 $-\frac18\sum_{i,t}\log\pi_\theta(a_t\mid s_t)\,(G_t-b_t)$，Adam，学习率 0.01。
#
# 共 60 次更新（480 个回合）。为了看出结果对随机种子有多敏感，用 3 个种子各训练一次。

# %%
class Policy(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.Tanh(), nn.Linear(hidden, 2))

    def forward(self, x):
        return self.net(x)  # logits


def reward_to_go(rewards, gamma):
    out, g = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


def reinforce(seed, n_updates=60, n_envs=8, lr=0.01, gamma=0.99):
    torch.manual_seed(seed)
    policy = Policy()
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    envs = [gym.make("CartPole-v1") for _ in range(n_envs)]
    episode_returns = []
    for update in range(n_updates):
        # 1) play n_envs episodes with the current policy, batching the forward pass over live envs
        obs = {i: e.reset(seed=seed * 100_000 + update * n_envs + i)[0] for i, e in enumerate(envs)}
        states, actions, rewards = ([[] for _ in envs] for _ in range(3))
        alive = list(range(n_envs))
        while alive:
            x = torch.as_tensor(np.stack([obs[i] for i in alive]), dtype=torch.float32)
            with torch.no_grad():
                probs = torch.softmax(policy(x), dim=-1)
            acts = torch.multinomial(probs, 1, generator=gen).squeeze(1).tolist()
            still = []
            for i, a in zip(alive, acts):
                states[i].append(obs[i])
                actions[i].append(a)
                obs[i], r, term, trunc, _ = envs[i].step(a)
                rewards[i].append(r)
                if not (term or trunc):
                    still.append(i)
            alive = still
        # 2) reward-to-go minus a time-indexed baseline (mean over the batch at the same t)
        rtg = [reward_to_go(r, gamma) for r in rewards]
        padded = np.full((n_envs, max(map(len, rtg))), np.nan)
        for i, g in enumerate(rtg):
            padded[i, : len(g)] = g
        baseline = np.nanmean(padded, axis=0)
        adv = np.concatenate([g - baseline[: len(g)] for g in rtg])
        adv = adv / (adv.std() + 1e-8)
        # 3) one gradient step on the surrogate loss  -mean_episodes sum_t log pi(a_t|s_t) * adv_t
        S = torch.as_tensor(np.concatenate([np.stack(s) for s in states]), dtype=torch.float32)
        A = torch.as_tensor(np.concatenate(actions))
        logp = torch.log_softmax(policy(S), dim=-1)[torch.arange(len(A)), A]
        loss = -(logp * torch.as_tensor(adv, dtype=torch.float32)).sum() / n_envs
        opt.zero_grad()
        loss.backward()
        opt.step()
        episode_returns.append([len(r) for r in rewards])  # reward is 1 per step
    return policy, np.array(episode_returns)


t0 = time.time()
runs = {seed: reinforce(seed) for seed in [0, 1, 2]}
print(f"REINFORCE: 3 seeds x 480 episodes in {time.time() - t0:.1f} s")
for seed, (_, rets) in runs.items():
    print(f"seed {seed}: mean return of the 8 episodes at updates 1/20/40/60: "
          + ", ".join(f"{rets[u].mean():.0f}" for u in [0, 19, 39, 59]))

# %% [markdown]
# 训练完后，在 20 个新的固定种子回合上评估：贪心（取概率最大的动作）和按策略采样各测一次，
# 再和均匀随机策略对比。

# %%
def evaluate(act, n_episodes=20, seed=900_000):
    env_cp, returns = gym.make("CartPole-v1"), []
    for k in range(n_episodes):
        s, _ = env_cp.reset(seed=seed + k)
        total = 0.0
        while True:
            s, r, term, trunc, _ = env_cp.step(act(s))
            total += r
            if term or trunc:
                break
        returns.append(total)
    return np.array(returns)


def greedy_act(policy):
    def act(s):
        with torch.no_grad():
            return int(policy(torch.as_tensor(s, dtype=torch.float32)).argmax())
    return act


def sampled_act(policy, seed=7):
    gen = torch.Generator().manual_seed(seed)

    def act(s):
        with torch.no_grad():
            probs = torch.softmax(policy(torch.as_tensor(s, dtype=torch.float32)), dim=-1)
        return int(torch.multinomial(probs, 1, generator=gen))
    return act


rng_random = np.random.default_rng(0)
random_returns = evaluate(lambda s: int(rng_random.integers(2)))
greedy_scores = {seed: evaluate(greedy_act(pol)).mean() for seed, (pol, _) in runs.items()}
sampled_score = evaluate(sampled_act(runs[0][0])).mean()
print(f"random policy           : mean return {random_returns.mean():.1f}")
for seed, score in greedy_scores.items():
    print(f"seed {seed}, greedy policy  : mean return {score:.1f}")
print(f"seed 0, sampled policy  : mean return {sampled_score:.1f}")
assert random_returns.mean() < 40
assert min(greedy_scores.values()) >= 195
assert greedy_scores[0] >= 450

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
episodes = np.arange(1, 61) * 8
for seed, (_, rets) in runs.items():
    ax.plot(episodes, rets.mean(axis=1), marker=".", label=f"种子 {seed}")
ax.axhline(random_returns.mean(), color="gray", ls=":", label=f"随机策略 {random_returns.mean():.0f}")
ax.axhline(500, color="C3", ls="--", lw=1, label="上限 500")
ax.set_xlabel("已玩回合数"), ax.set_ylabel("每批 8 个回合的平均回报")
ax.set_title("CartPole-v1 上的 REINFORCE（训练时按策略采样）")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 核对策略梯度估计：三臂老虎机
#
# 最后在一个能算出精确答案的问题上检查 REINFORCE 的梯度公式。三臂老虎机，
# 臂 $a$ 的奖励是伯努利分布，均值 $\mu=(0.2,0.5,0.8)$；策略是 softmax：$\pi_\theta(a)=e^{\theta_a}/\sum_b e^{\theta_b}$，
# 取 $\theta=(0.5,0,-0.5)$。期望奖励 $J(\theta)=\sum_a\pi_\theta(a)\mu_a$ 的精确梯度是
# $\partial J/\partial\theta_k=\pi_\theta(k)\,(\mu_k-J)$。REINFORCE 估计是样本平均 $\frac1N\sum_i (R_i-b)\nabla_\theta\log\pi_\theta(a_i)$，
# 对 softmax 有 $\nabla_\theta\log\pi_\theta(a)=e_a-\pi_\theta$。先用 PyTorch 的自动求导核对这一项，再比较估计值与精确值。

# %%
mu = np.array([0.2, 0.5, 0.8])
theta = torch.tensor([0.5, 0.0, -0.5], requires_grad=True)
pi_bandit = torch.softmax(theta, 0).detach().numpy()
J = pi_bandit @ mu
grad_exact = pi_bandit * (mu - J)

# autograd check of the score function for one action
a_check = 2
torch.log_softmax(theta, 0)[a_check].backward()
assert np.allclose(theta.grad.numpy(), np.eye(3)[a_check] - pi_bandit, atol=1e-6)

rng_b = np.random.default_rng(0)
N = 200_000
a_samples = rng_b.choice(3, size=N, p=pi_bandit)
r_samples = (rng_b.random(N) < mu[a_samples]).astype(float)
score = np.eye(3)[a_samples] - pi_bandit  # grad of log pi(a_i), one row per sample
per_sample = {"无基线": r_samples[:, None] * score, "基线 b=J": (r_samples - J)[:, None] * score}
print(f"pi = {pi_bandit.round(4)}, J = {J:.4f}")
print(f"exact gradient          : {grad_exact.round(4)}")
for name, g in per_sample.items():
    print(f"REINFORCE, {name:7s}: {g.mean(0).round(4)}   total variance per sample {g.var(0).sum():.4f}")
for g in per_sample.values():
    assert np.abs(g.mean(0) - grad_exact).max() < 0.005
assert per_sample["基线 b=J"].var(0).sum() < per_sample["无基线"].var(0).sum()

# %% [markdown]
# 两种估计都无偏，但方差不同。下图用同一批样本的前 $N$ 个来估计，看估计误差怎样随样本数下降（取 200 组独立重复的均方根）。

# %%
sizes = np.array([10, 30, 100, 300, 1000, 3000])
n_rep = 200
errors = {name: [] for name in per_sample}
for n in sizes:
    a_s = rng_b.choice(3, size=(n_rep, n), p=pi_bandit)
    r_s = (rng_b.random((n_rep, n)) < mu[a_s]).astype(float)
    sc = np.eye(3)[a_s] - pi_bandit  # (n_rep, n, 3)
    for name, b in [("无基线", 0.0), ("基线 b=J", J)]:
        est = ((r_s - b)[..., None] * sc).mean(axis=1)
        errors[name].append(np.sqrt(((est - grad_exact) ** 2).sum(axis=1).mean()))

fig, ax = plt.subplots(figsize=(6.5, 4))
for name, err in errors.items():
    ax.loglog(sizes, err, marker="o", label=name)
ax.loglog(sizes, errors["无基线"][0] * np.sqrt(sizes[0] / sizes), color="gray", ls=":", label="∝ 1/√N")
ax.set_xlabel("样本数 N"), ax.set_ylabel("梯度估计误差（均方根）")
ax.set_title("REINFORCE 梯度估计：误差随样本数下降")
ax.legend()
fig.tight_layout()
plt.show()
ratio = errors["无基线"][-1] / errors["基线 b=J"][-1]
print(f"at N = {sizes[-1]}: error without baseline / with baseline = {ratio:.2f}")
assert ratio > 1.2
print(f"total time {time.time() - start_time:.1f} s")
