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
# 本 notebook 在这台 2 核 CPU 上真的跑一次数据并行：把一个训练脚本写进临时目录，用
# `torchrun`（`python -m torch.distributed.run`）启动 2 个进程，进程之间通过 gloo 后端在本机回环地址
# 127.0.0.1 上通信。脚本有三种模式：`ddp` 用 `DistributedDataParallel` 训练；`manual` 不用 DDP，
# 自己在反向传播之后对每个梯度做 all-reduce 再除以进程数；`bench` 测量每步耗时和纯通信耗时。
# 然后在 notebook 里用单个进程、全局批量重训同一个模型，逐个参数和两个分布式版本对照。
# 其余部分只做计算、不启动进程：在一个进程里模拟的环形 all-reduce、ZeRO 各阶段的显存账、
# 在一个进程里模拟的张量并行、流水线并行的气泡比例。
#
# 数据是 `sklearn` 自带的 8×8 手写数字（取前 1536 张，标准化），模型是一个 64-64-10 的小多层感知机。
# 所有随机性都有种子；只有计时每次运行都不同（机器上还有别的进程），文中的时间只给约数，也不对时间做断言。

# %%
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
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
from sklearn.datasets import load_digits
from torch.utils.data import TensorDataset
from torch.utils.data.distributed import DistributedSampler

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
torch.set_num_threads(1)  # the build runs with one thread; each launched process uses one thread too
torch.manual_seed(0)
start_time = time.perf_counter()

# Fixed data set: the first 1536 digits (1536 = 24 global batches of 64), standardised per pixel.
digits = load_digits()
X_np = digits.data[:1536].astype(np.float32)
X_np = (X_np - X_np.mean(axis=0)) / (X_np.std(axis=0) + 1e-6)
X = torch.from_numpy(X_np)
y = torch.from_numpy(digits.target[:1536].astype(np.int64))

workdir = Path(tempfile.mkdtemp(prefix="dlpaths-ddp-"))
torch.save({"X": X, "y": y}, workdir / "data.pt")

SEED, WORLD, PER_RANK_BATCH, EPOCHS, LR, MOMENTUM = 0, 2, 32, 2, 0.05, 0.9
GLOBAL_BATCH = WORLD * PER_RANK_BATCH
STEPS_PER_EPOCH = len(X) // GLOBAL_BATCH
config = dict(seed=SEED, per_rank_batch=PER_RANK_BATCH, epochs=EPOCHS, lr=LR, momentum=MOMENTUM)
print(f"data {tuple(X.shape)}, global batch {GLOBAL_BATCH} = {WORLD} x {PER_RANK_BATCH}, "
      f"{STEPS_PER_EPOCH} steps/epoch x {EPOCHS} epochs")
print(f"work dir: {workdir}")

# %% [markdown]
# ### 1. 训练脚本：一个进程的视角
#
# 下面这段字符串就是每个进程各自执行的完整脚本。要点：
#
# - `torchrun` 为每个进程设好环境变量 `RANK`、`WORLD_SIZE`、`MASTER_ADDR`、`MASTER_PORT`，
#   `init_process_group("gloo")` 读它们建立进程组；超时设为 30 秒，某个进程卡住时整组会报错退出而不是永远等待。
# - 每个进程用同一个种子建模型，所以初始参数相同（DDP 构造时还会把 0 号进程的参数广播给大家，双重保险）。
# - `DistributedSampler` 用同一个种子打乱全部样本，再让 0 号进程取第 0、2、4……个，1 号进程取第 1、3、5……个；
#   每轮开始调用 `set_epoch(epoch)`，换一种打乱顺序。
# - 只有 0 号进程写结果文件。记录的损失是两个进程损失的平均（也用 all-reduce 求得），即全局批量上的平均损失。

# %%
SCRIPT = textwrap.dedent(
    '''
    import gc, json, os, sys, time
    from datetime import timedelta

    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, TensorDataset
    from torch.utils.data.distributed import DistributedSampler


    def make_mlp(sizes, seed):
        torch.manual_seed(seed)
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)


    def train(mode, cfg, data, rank, world):
        model = make_mlp([64, 64, 10], cfg["seed"])
        net = DDP(model) if mode == "ddp" else model
        opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
        ds = TensorDataset(data["X"], data["y"])
        sampler = DistributedSampler(ds, num_replicas=world, rank=rank, shuffle=True, seed=cfg["seed"])
        loader = DataLoader(ds, batch_size=cfg["per_rank_batch"], sampler=sampler)
        losses, my_indices = [], []
        for epoch in range(cfg["epochs"]):
            sampler.set_epoch(epoch)  # without this every epoch repeats the same order
            my_indices.append(list(sampler))
            for xb, yb in loader:
                opt.zero_grad()
                loss = F.cross_entropy(net(xb), yb)
                loss.backward()  # DDP: gradients are all-reduced (averaged) during this call
                if mode == "manual":
                    for p in model.parameters():
                        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
                        p.grad /= world
                opt.step()
                logged = loss.detach().clone()
                dist.all_reduce(logged, op=dist.ReduceOp.SUM)
                losses.append(logged.item() / world)
        all_indices = [None] * world
        dist.all_gather_object(all_indices, my_indices)
        if rank == 0:  # only one process writes files
            torch.save({"state": model.state_dict(), "losses": losses, "indices": all_indices},
                       cfg["out"] + f"/{mode}.pt")


    def bench(cfg, rank, world):
        results = {}
        for name, sizes, steps in cfg["bench_models"]:
            model = make_mlp(sizes, 0)
            net = DDP(model)
            opt = torch.optim.SGD(net.parameters(), lr=0.01)
            g = torch.Generator().manual_seed(rank)
            xb = torch.randn(cfg["bench_batch"] // world, sizes[0], generator=g)
            yb = torch.randint(0, sizes[-1], (cfg["bench_batch"] // world,), generator=g)
            n_params = sum(p.numel() for p in model.parameters())
            for i in range(steps + 3):  # 3 warm-up steps
                if i == 3:
                    dist.barrier()
                    t0 = time.perf_counter()
                opt.zero_grad()
                F.cross_entropy(net(xb), yb).backward()
                opt.step()
            dist.barrier()
            step_time = torch.tensor([(time.perf_counter() - t0) / steps])
            buf = torch.ones(n_params)  # same number of float32 values as the gradients
            for i in range(steps + 3):
                if i == 3:
                    dist.barrier()
                    t0 = time.perf_counter()
                dist.all_reduce(buf)
            dist.barrier()
            comm_time = torch.tensor([(time.perf_counter() - t0) / steps])
            for t in (step_time, comm_time):
                dist.all_reduce(t, op=dist.ReduceOp.MAX)  # the slower process sets the pace
            results[name] = {"params": n_params, "step_s": step_time.item(), "allreduce_s": comm_time.item()}
        if rank == 0:
            with open(cfg["out"] + "/bench.json", "w") as f:
                json.dump(results, f)


    def main():
        torch.set_num_threads(1)
        cfg = json.loads(sys.argv[1])
        dist.init_process_group("gloo", timeout=timedelta(seconds=30))
        rank, world = dist.get_rank(), dist.get_world_size()
        data = torch.load(cfg["out"] + "/data.pt")
        for mode in cfg["modes"]:
            if mode == "bench":
                bench(cfg, rank, world)
            else:
                train(mode, cfg, data, rank, world)
        if rank == 0:
            print(f"rank 0 of {world}: done {cfg['modes']}", flush=True)
        # Leave together: a process that tears down its connections while the other is still
        # writing files can make the other one abort. Drop the DDP objects first, then wait.
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()


    if __name__ == "__main__":
        main()
    '''
)
script_path = workdir / "train_ddp.py"
script_path.write_text(SCRIPT)
print(f"wrote {script_path} ({len(SCRIPT.splitlines())} lines)")

# %% [markdown]
# ### 2. 用 torchrun 启动 2 个进程
#
# 先向系统要一个空闲端口，再把启动命令打印出来。`subprocess` 设了 60 秒超时，
# 超时就杀掉整个进程组并报错——分布式程序最常见的故障是某个进程在集合通信里永远等下去，
# 这样的挂起必须变成一个响亮的失败。`GLOO_SOCKET_IFNAME=lo` 让 gloo 只用本机回环网卡。

# %%
BENCH_MODELS = [["tiny 64-64-10", [64, 64, 10], 60], ["large 64-1024x3-10", [64, 1024, 1024, 1024, 10], 12]]
BENCH_BATCH = 64


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(modes, nproc=2, timeout=60):
    cfg = dict(config, modes=modes, out=str(workdir), bench_models=BENCH_MODELS, bench_batch=BENCH_BATCH)
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={nproc}",
           "--master_addr=127.0.0.1", f"--master_port={free_port()}", str(script_path), json.dumps(cfg)]
    print("$ python -m torch.distributed.run " + " ".join(cmd[3:-1]) + " '<config json>'")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if sys.platform.startswith("linux"):
        env["GLOO_SOCKET_IFNAME"] = "lo"  # the loopback interface (called lo0 on macOS)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # own process group: a timeout kills every worker
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RuntimeError(f"distributed job hung for more than {timeout} s and was killed") from None
    if proc.returncode != 0:
        raise RuntimeError(f"distributed job failed (exit {proc.returncode}):\n{err[-3000:]}")
    print(out.strip())


t0 = time.perf_counter()
launch(["ddp", "manual", "bench"])
launch_seconds = time.perf_counter() - t0
print(f"wall time of the launch (process start-up, imports, both trainings, benchmark): {launch_seconds:.1f} s")
ddp_run = torch.load(workdir / "ddp.pt")
manual_run = torch.load(workdir / "manual.pt")
bench = json.loads((workdir / "bench.json").read_text())

# %% [markdown]
# ### 3. 两个进程各看到了哪些样本
#
# `DistributedSampler` 先用种子 `seed + epoch` 生成 1536 个样本的一个排列，0 号进程拿排列里的偶数位置、
# 1 号进程拿奇数位置。于是第 $k$ 步两个进程的两个小批量合起来，恰好是这个排列里第 $64k$ 到 $64k+63$ 个样本——
# 单进程训练只要按这个排列每次取 64 个，就和分布式训练看到同样的数据。下面检查这一点，
# 并且在不启动进程组的情况下直接构造采样器，演示忘记 `set_epoch` 会怎样。

# %%
def global_order(epoch):
    sampler = DistributedSampler(TensorDataset(X, y), num_replicas=1, rank=0, shuffle=True, seed=SEED)
    sampler.set_epoch(epoch)
    return list(sampler)


for epoch in range(EPOCHS):
    order = global_order(epoch)
    r0, r1 = ddp_run["indices"][0][epoch], ddp_run["indices"][1][epoch]
    assert len(set(r0) & set(r1)) == 0 and len(r0) + len(r1) == len(X)  # disjoint shards that cover the data
    for k in range(STEPS_PER_EPOCH):
        step_union = r0[k * PER_RANK_BATCH:(k + 1) * PER_RANK_BATCH] + r1[k * PER_RANK_BATCH:(k + 1) * PER_RANK_BATCH]
        assert sorted(step_union) == sorted(order[k * GLOBAL_BATCH:(k + 1) * GLOBAL_BATCH])
print("epoch 0, first 8 indices of rank 0:", ddp_run["indices"][0][0][:8])
print("epoch 0, first 8 indices of rank 1:", ddp_run["indices"][1][0][:8])
print("global order epoch 0, first 16:   ", global_order(0)[:16])

# Forgetting set_epoch: the sampler returns the same order in every epoch.
s = DistributedSampler(TensorDataset(X, y), num_replicas=2, rank=0, shuffle=True, seed=SEED)
no_set_epoch = [list(s)[:6] for _ in range(2)]
s.set_epoch(1)
print("rank 0, epoch 0 and 1 without set_epoch:", no_set_epoch)
print("rank 0, epoch 1 with set_epoch(1):       ", list(s)[:6])
assert no_set_epoch[0] == no_set_epoch[1] and list(s)[:6] != no_set_epoch[0]

# %% [markdown]
# ### 4. 单进程参照：同一个模型、全局批量、同样的样本顺序
#
# 单进程版本用同样的种子建同样的网络，每步取排列里连续的 64 个样本（两个进程的小批量之和），
# 对这 64 个样本的平均损失求梯度。课文“原理”里推导过：两个进程各自对 32 个样本求平均损失的梯度、再把两个梯度平均，
# 恰好等于 64 个样本平均损失的梯度，所以三条训练轨迹应当只差浮点舍入。


# %%
def make_mlp(sizes, seed):  # the same constructor as in the script
    torch.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


single = make_mlp([64, 64, 10], SEED)
opt = torch.optim.SGD(single.parameters(), lr=LR, momentum=MOMENTUM)
single_losses = []
for epoch in range(EPOCHS):
    order = torch.tensor(global_order(epoch))
    for k in range(STEPS_PER_EPOCH):
        idx = order[k * GLOBAL_BATCH:(k + 1) * GLOBAL_BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(single(X[idx]), y[idx])
        loss.backward()
        opt.step()
        single_losses.append(loss.item())


def max_param_diff(state_a, state_b):
    return max((state_a[k] - state_b[k]).abs().max().item() for k in state_a)


single_state = single.state_dict()
diff_ddp = max_param_diff(single_state, ddp_run["state"])
diff_manual = max_param_diff(ddp_run["state"], manual_run["state"])
loss_diff = np.abs(np.array(single_losses) - np.array(ddp_run["losses"])).max()
acc = (single(X).argmax(1) == y).float().mean().item()
print(f"steps: {len(single_losses)}, loss {single_losses[0]:.4f} -> {single_losses[-1]:.4f}, "
      f"train accuracy after training {acc:.3f}")
print(f"max |param single - param DDP|    = {diff_ddp:.2e}")
print(f"max |param DDP - param manual|    = {diff_manual:.2e}")
print(f"max |loss single - loss DDP|      = {loss_diff:.2e}")
assert diff_ddp < 1e-5 and diff_manual < 1e-5 and loss_diff < 1e-5
assert single_losses[-1] < 0.3 * single_losses[0]  # and training actually worked

# %% [markdown]
# 作为对照，把单进程版本改成只用一个进程的 32 个样本（也就是不做梯度平均、只看自己那一半数据），
# 参数很快就和 DDP 分道扬镳——一致性来自梯度平均，不是巧合。

# %%
half = make_mlp([64, 64, 10], SEED)
opt_half = torch.optim.SGD(half.parameters(), lr=LR, momentum=MOMENTUM)
for epoch in range(EPOCHS):
    mine = torch.tensor(ddp_run["indices"][0][epoch])
    for k in range(STEPS_PER_EPOCH):
        idx = mine[k * PER_RANK_BATCH:(k + 1) * PER_RANK_BATCH]
        opt_half.zero_grad()
        F.cross_entropy(half(X[idx]), y[idx]).backward()
        opt_half.step()
diff_half = max_param_diff(half.state_dict(), ddp_run["state"])
print(f"max |param (rank 0 data only, no averaging) - param DDP| = {diff_half:.3f}")
assert diff_half > 1e-2

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
steps = np.arange(1, len(single_losses) + 1)
axes[0].plot(steps, single_losses, lw=3, color="#bbbbbb", label="单进程，全局批量 64")
axes[0].plot(steps, ddp_run["losses"], lw=1.2, color="C0", label="DDP，2 进程 × 32")
axes[0].plot(steps, manual_run["losses"], "x", ms=4, color="C3", label="手写 all-reduce，2 进程 × 32")
axes[0].set(xlabel="训练步", ylabel="全局批量上的平均交叉熵", title="三种训练方式的损失曲线重合")
axes[0].legend(fontsize=8)
abs_diff = np.abs(np.array(single_losses) - np.array(ddp_run["losses"]))
nonzero = abs_diff > 0
axes[1].semilogy(steps[nonzero], abs_diff[nonzero], "o", ms=4, color="C0", label="|单进程 − DDP| > 0 的步")
axes[1].plot(steps[~nonzero], np.full((~nonzero).sum(), 1e-9), "|", ms=8, color="C2", label="完全相等的步（画在底部）")
axes[1].axhline(1e-5, color="k", ls="--", lw=1, label="断言的阈值 1e-5")
axes[1].set(xlabel="训练步", ylabel="损失之差（对数刻度）", title="差别只在 float32 舍入的量级", ylim=(5e-10, 1e-4))
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 环形 all-reduce：在一个进程里模拟
#
# 在进入计时之前，先把课文推导的环形算法写出来：$N$ 个“进程”各持有一个向量，切成 $N$ 块；
# reduce-scatter 的 $N-1$ 轮里，每个进程把一块发给右邻居、对方把它加到自己的那块上；
# all-gather 的 $N-1$ 轮里，再把已经求好和的块沿环传一圈。模拟里记下每个进程发出的字节数，
# 检查结果等于逐元素求和、字节数等于 $2(N-1)/N$ 倍向量大小；作为对比，让所有进程把向量发给 0 号进程、
# 由它求和再发回（参数服务器式的做法），0 号进程要收发的字节数随 $N$ 线性增长。


# %%
def ring_allreduce(vectors):
    """Simulate ring all-reduce; returns every process's result and the bytes each process sent."""
    n = len(vectors)
    chunks = [[c.copy() for c in np.array_split(v, n)] for v in vectors]
    sent = np.zeros(n)
    for step in range(n - 1):  # reduce-scatter
        messages = [(r, (r - step) % n, chunks[r][(r - step) % n].copy()) for r in range(n)]
        for r, c, data in messages:
            chunks[(r + 1) % n][c] += data
            sent[r] += data.nbytes
    # now process r holds the complete sum of chunk (r + 1) % n
    for step in range(n - 1):  # all-gather
        messages = [(r, (r + 1 - step) % n, chunks[r][(r + 1 - step) % n].copy()) for r in range(n)]
        for r, c, data in messages:
            chunks[(r + 1) % n][c] = data
            sent[r] += data.nbytes
    return [np.concatenate(c) for c in chunks], sent


rng = np.random.default_rng(0)
D_FLOATS = 3 * 2**12 * 5 * 7  # divisible by every N below
ring_sim = []
for n_proc in [2, 4, 8, 16, 32]:
    vecs = [rng.standard_normal(D_FLOATS).astype(np.float32) for _ in range(n_proc)]
    results, sent = ring_allreduce(vecs)
    exact = np.sum(np.stack(vecs).astype(np.float64), axis=0)
    assert all(np.allclose(res, exact, atol=1e-4) for res in results)
    d_bytes = D_FLOATS * 4
    assert np.allclose(sent, 2 * (n_proc - 1) / n_proc * d_bytes)
    server_bytes = 2 * (n_proc - 1) * d_bytes  # rank 0 receives n-1 vectors and sends the sum back n-1 times
    ring_sim.append({"N": n_proc, "环形：每个进程发送 / D": sent.max() / d_bytes,
                     "集中式：0 号进程收发 / D": server_bytes / d_bytes})
ring_sim = pd.DataFrame(ring_sim).set_index("N")
print(ring_sim.to_string())

fig, ax = plt.subplots(figsize=(6.5, 3.4))
ax.plot(ring_sim.index, ring_sim["环形：每个进程发送 / D"], "o-", label="环形 all-reduce：每个进程发送（模拟计数）")
ax.plot(ring_sim.index, ring_sim["集中式：0 号进程收发 / D"], "s--", color="C3", label="集中到 0 号进程：它收发的总量")
ax.set(xscale="log", yscale="log", xlabel="进程数 N（对数刻度）", ylabel="字节数 / 梯度大小 D（对数刻度）",
       title="环形 all-reduce 的通信量不随 N 线性增长")
ax.set_xticks(ring_sim.index, [str(v) for v in ring_sim.index])
ax.tick_params(axis="x", which="minor", bottom=False, labelbottom=False)
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()


# %% [markdown]
# ### 6. 两个进程快了吗：计时与通信量
#
# `bench` 模式在每个进程上用 32 个随机样本（全局批量 64）训练两个大小不同的网络若干步，记下每步耗时，
# 再单独测一次对同样数量的 float32 做 all-reduce 要多久。单进程的对照在本 notebook 里测：同一个网络、一次算 64 个样本、
# 不通信。通信量按环形 all-reduce 估算：每个进程发送（也接收）$2(N-1)/N$ 倍的梯度字节数。

# %%
def time_single(sizes, steps, batch):
    model = make_mlp(sizes, 0)
    opt_b = torch.optim.SGD(model.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(0)
    xb, yb = torch.randn(batch, sizes[0], generator=g), torch.randint(0, sizes[-1], (batch,), generator=g)
    for i in range(steps + 3):
        if i == 3:
            t0 = time.perf_counter()
        opt_b.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt_b.step()
    return (time.perf_counter() - t0) / steps


rows = []
for name, sizes, n_steps in BENCH_MODELS:
    b = bench[name]
    t1 = time_single(sizes, n_steps, BENCH_BATCH)
    t_half = time_single(sizes, n_steps, BENCH_BATCH // 2)
    rows.append({"模型": name, "参数个数": b["params"], "每步梯度 MB": b["params"] * 4 / 1e6,
                 "每进程发送 MB (N=2)": b["params"] * 4 * 2 * (WORLD - 1) / WORLD / 1e6,
                 "1 进程 批量64 ms": 1e3 * t1, "1 进程 批量32 ms": 1e3 * t_half,
                 "2 进程 DDP ms": 1e3 * b["step_s"], "其中 all-reduce ms": 1e3 * b["allreduce_s"],
                 "加速比": t1 / b["step_s"]})
bench_table = pd.DataFrame(rows).set_index("模型")
pd.set_option("display.float_format", lambda v: f"{v:,.2f}")
print(bench_table.to_string())
assert bench_table["参数个数"].tolist() == [64 * 64 + 64 + 64 * 10 + 10, 64 * 1024 + 1024 + 2 * (1024 * 1024 + 1024) + 1024 * 10 + 10]

fig, ax = plt.subplots(figsize=(8, 3.6))
pos = np.arange(len(rows))
ax.bar(pos - 0.2, bench_table["1 进程 批量64 ms"], 0.4, label="1 个进程，批量 64", color="#999999")
ax.bar(pos + 0.2, bench_table["2 进程 DDP ms"], 0.4, label="2 个进程 × 批量 32（DDP）", color="C0")
ax.bar(pos + 0.2, bench_table["其中 all-reduce ms"], 0.4, label="单独测的 all-reduce 时间", color="C3", alpha=0.7)
for i, r in enumerate(rows):
    ax.text(i + 0.2, r["2 进程 DDP ms"], f"×{r['加速比']:.2f}", ha="center", va="bottom", fontsize=9)
ax.set_yscale("log")
ax.set_xticks(pos, bench_table.index)
ax.set(ylabel="每步耗时 (ms，对数刻度)", title="2 核 CPU 上的数据并行：每步耗时（柱顶数字为加速比）")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 怎么读这张表：2 个进程时，每个进程每步的时间大约是“1 个进程算 32 个样本”的时间，加上一次 all-reduce，
# 再加上两个进程互相等待的开销。小网络的计算只要零点几毫秒，通信和同步的固定开销就占了大头；
# 大网络的计算多了，但批量减半并不能让矩阵乘法的时间减半（比较表里批量 64 和批量 32 两列），
# 而 8.7 MB 梯度的 all-reduce 又要几毫秒到十几毫秒。再加上这台机器只有 2 个核、还要分给别的进程，
# 两个进程在这里赢不了一个进程。换成每块卡一个进程的 GPU 和 NVLink，计算和通信都快几个数量级，
# DDP 又能把通信藏在反向传播后面，局面才会反过来。
#
# 通信量只取决于参数个数和进程数，和批量无关。下表把环形 all-reduce 每个进程每步要发送的字节数算到更多进程：
# 进程数从 2 增加到很多时，这个数只从 1 倍涨到接近 2 倍梯度大小，不随 $N$ 线性增长——这正是环形算法的好处。

# %%
ring_rows = []
for n in [2, 4, 8, 64, 1024]:
    factor = 2 * (n - 1) / n
    ring_rows.append({"进程数 N": n, "2(N-1)/N": factor,
                      "大网络 每进程发送 MB": bench["large 64-1024x3-10"]["params"] * 4 * factor / 1e6,
                      "7.5B 模型 fp16 梯度 每进程发送 GB": 7.5e9 * 2 * factor / 1e9})
print(pd.DataFrame(ring_rows).set_index("进程数 N").to_string())
assert abs(ring_rows[0]["2(N-1)/N"] - 1.0) < 1e-12 and ring_rows[-1]["2(N-1)/N"] < 2

# %% [markdown]
# ### 7. ZeRO 的显存账（只计算，不运行）
#
# ZeRO 论文按混合精度 Adam 记账：每个参数有 fp16 参数 2 字节、fp16 梯度 2 字节，以及优化器状态
# $K=12$ 字节（fp32 的参数副本、一阶矩、二阶矩各 4 字节），共 16 字节。设参数个数为 $\Psi$、数据并行进程数为 $N_d$，
# 三个阶段依次把优化器状态、梯度、参数切成 $N_d$ 份。下面复算论文图 1 的例子：$\Psi=7.5\times10^9$，$N_d=64$。

# %%
def zero_memory_gb(psi, nd, k=12):
    """Per-device memory of model states (bytes / 1e9) for the baseline and the three ZeRO stages."""
    return {
        "基线数据并行": (2 + 2 + k) * psi / 1e9,
        "阶段 1：切优化器状态 (P_os)": (2 * psi + 2 * psi + k * psi / nd) / 1e9,
        "阶段 2：再切梯度 (P_os+g)": (2 * psi + (2 + k) * psi / nd) / 1e9,
        "阶段 3：再切参数 (P_os+g+p)": (2 + 2 + k) * psi / nd / 1e9,
    }


paper_figure_1 = [120, 31.4, 16.6, 1.9]  # GB per device in Figure 1 of the ZeRO paper
ours = zero_memory_gb(7.5e9, 64)
zero_table = pd.DataFrame({f"N_d={nd}": zero_memory_gb(7.5e9, nd) for nd in [8, 64, 1024]})
zero_table["论文图 1 (N_d=64)"] = paper_figure_1
print("per-device memory for model states, GB (7.5B parameters, mixed-precision Adam, K = 12)")
print(zero_table.to_string())
assert [round(v, 1) for v in ours.values()] == [120.0, 31.4, 16.6, 1.9]

fig, ax = plt.subplots(figsize=(8, 3.4))
psi, nd = 7.5e9, 64
parts = {  # (fp16 params, fp16 grads, optimizer states) per device, GB
    "基线": (2 * psi, 2 * psi, 12 * psi),
    "阶段 1": (2 * psi, 2 * psi, 12 * psi / nd),
    "阶段 2": (2 * psi, 2 * psi / nd, 12 * psi / nd),
    "阶段 3": (2 * psi / nd, 2 * psi / nd, 12 * psi / nd),
}
left = np.zeros(4)
for j, (label, color) in enumerate([("fp16 参数", "C0"), ("fp16 梯度", "C1"), ("优化器状态 (fp32)", "C2")]):
    vals = np.array([p[j] / 1e9 for p in parts.values()])
    ax.barh(list(parts), vals, left=left, color=color, label=label)
    left += vals
for i, total in enumerate(left):
    ax.text(total + 1, i, f"{total:.1f} GB", va="center", fontsize=9)
ax.invert_yaxis()
ax.set(xlabel="每块 GPU 上模型状态的显存 (GB)", title="7.5B 参数、64 路数据并行：ZeRO 各阶段", xlim=(0, 140))
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 8. 张量并行：在一个进程里把矩阵切给两台“设备”
#
# Megatron-LM 把 Transformer 的前馈层 $Z=\mathrm{GeLU}(XA)\,B$ 这样切：$A$ 按列切成 $[A_1, A_2]$，
# 两台设备各算 $Y_i=\mathrm{GeLU}(XA_i)$（GeLU 逐元素作用，不需要通信）；$B$ 按行切成 $[B_1; B_2]$，
# 各算 $Y_iB_i$，最后一次求和（在真实系统里是一次 all-reduce）得到 $Z$。下面用两份张量代表两台设备，
# 检查结果和不切分完全一致；再看如果把 $A$ 按行切，就必须在 GeLU 之前先求和。

# %%
g = torch.Generator().manual_seed(0)
batch, d_model, d_ff = 8, 16, 64
Xt = torch.randn(batch, d_model, generator=g, dtype=torch.float64)
A = torch.randn(d_model, d_ff, generator=g, dtype=torch.float64) / d_model**0.5
B = torch.randn(d_ff, d_model, generator=g, dtype=torch.float64) / d_ff**0.5
Z_full = F.gelu(Xt @ A) @ B

A1, A2 = A.chunk(2, dim=1)  # column split: each device holds d_ff/2 columns
B1, B2 = B.chunk(2, dim=0)  # row split: each device holds the matching d_ff/2 rows
Y1, Y2 = F.gelu(Xt @ A1), F.gelu(Xt @ A2)  # device 0 / device 1, no communication
Z_parallel = Y1 @ B1 + Y2 @ B2  # the one all-reduce (sum) of the forward pass
print("column-parallel then row-parallel, max |diff| =", f"{(Z_full - Z_parallel).abs().max().item():.1e}")
assert torch.allclose(Z_full, Z_parallel, atol=1e-12)

# A single linear layer: column split -> concatenate outputs; row split -> sum partial outputs.
assert torch.allclose(Xt @ A, torch.cat([Xt @ A1, Xt @ A2], dim=1), atol=1e-12)
Ar1, Ar2 = A.chunk(2, dim=0)
Xc1, Xc2 = Xt.chunk(2, dim=1)
assert torch.allclose(Xt @ A, Xc1 @ Ar1 + Xc2 @ Ar2, atol=1e-12)
wrong = F.gelu(Xc1 @ Ar1) + F.gelu(Xc2 @ Ar2)  # row split of A, GeLU before the sum: not the same
print("row split of A with GeLU applied before summing, max |diff| =",
      f"{(F.gelu(Xt @ A) - wrong).abs().max().item():.2f}")
assert (F.gelu(Xt @ A) - wrong).abs().max().item() > 0.1
print(f"each device stores {A1.numel() + B1.numel()} of {A.numel() + B.numel()} weights")

# %% [markdown]
# ### 9. 流水线并行的气泡
#
# GPipe 把模型按层切成 $p$ 段放在 $p$ 台设备上，把一个小批量切成 $m$ 个微批量依次送入。
# 先画出 $p=4$、$m=4$ 时的时间表（每格是一个阶段处理一个微批量的前向或反向，假设每格用时相同），
# 数出空闲格子所占的比例，再和公式 $(p-1)/(m+p-1)$ 对照。

# %%
def gpipe_schedule(p, m):
    """grid[stage, t] = +j (forward of micro-batch j), -j (backward), 0 idle; all forwards, then all backwards."""
    T = 2 * (m + p - 1)
    grid = np.zeros((p, T), dtype=int)
    for s in range(p):
        for j in range(m):
            grid[s, s + j] = j + 1  # forward of micro-batch j reaches stage s at time s + j
            grid[s, (m + p - 1) + (p - 1 - s) + j] = -(j + 1)  # backward runs in reverse stage order
    return grid


def bubble_fraction(p, m):
    return (p - 1) / (m + p - 1)


for p, m in [(4, 1), (4, 4), (4, 16), (8, 32)]:
    grid = gpipe_schedule(p, m)
    counted = (grid == 0).mean()
    assert abs(counted - bubble_fraction(p, m)) < 1e-12
    assert all((grid[s] > 0).sum() == m and (grid[s] < 0).sum() == m for s in range(p))
    print(f"p={p}, m={m:>2}: idle fraction counted from the schedule {counted:.3f}, formula {bubble_fraction(p, m):.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1.5, 1]})
p, m = 4, 4
grid = gpipe_schedule(p, m)
ax = axes[0]
for s in range(p):
    for t in range(grid.shape[1]):
        v = grid[s, t]
        color = "#ffffff" if v == 0 else ("#9ecae1" if v > 0 else "#fdae6b")
        ax.add_patch(plt.Rectangle((t, p - 1 - s), 1, 1, facecolor=color, edgecolor="#555555", lw=0.6))
        if v != 0:
            ax.text(t + 0.5, p - 0.5 - s, f"{'F' if v > 0 else 'B'}{abs(v)}", ha="center", va="center", fontsize=8)
ax.set(xlim=(0, grid.shape[1]), ylim=(0, p), xlabel="时间（格）", title=f"GPipe 时间表：p={p} 段，m={m} 个微批量（白格为气泡）")
ax.set_yticks(np.arange(p) + 0.5, [f"设备 {p - 1 - s}" for s in range(p)])
ms = np.arange(1, 65)
for p_, c in [(2, "C0"), (4, "C1"), (8, "C2")]:
    axes[1].plot(ms, [bubble_fraction(p_, m_) for m_ in ms], color=c, label=f"p = {p_}")
    axes[1].plot(4 * p_, bubble_fraction(p_, 4 * p_), "o", color=c)
axes[1].set(xscale="log", xlabel="微批量个数 m（对数刻度）", ylabel="气泡比例 (p-1)/(m+p-1)",
            title="圆点：m = 4p")
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 小结
#
# 下面汇总本 notebook 断言过的关键结果。

# %%
summary = {
    "max |param| diff, single process vs DDP": f"{diff_ddp:.1e}",
    "max |param| diff, DDP vs manual all-reduce": f"{diff_manual:.1e}",
    "max |param| diff, rank-0 data only vs DDP": f"{diff_half:.3f}",
    "speed-up, tiny / large model (2 processes)": " / ".join(f"{r['加速比']:.2f}" for r in rows),
    "ZeRO per-device GB at N_d=64": " / ".join(f"{v:.1f}" for v in ours.values()),
    "bubble fraction p=4: m=1, 4, 16": " / ".join(f"{bubble_fraction(4, m_):.3f}" for m_ in [1, 4, 16]),
}
for k, v in summary.items():
    print(f"{k:<45} {v}")
shutil.rmtree(workdir)  # the script, data and result files were temporary
print(f"notebook time: {time.perf_counter() - start_time:.1f} s")
