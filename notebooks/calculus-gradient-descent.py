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
# 这个 notebook 只用 NumPy 和 Matplotlib，所有函数都由代码写出，不需要任何数据。它分六步：
# 导数与局部线性近似、梯度与方向导数、链式法则与计算图、一维梯度下降、学习率与稳定性条件、
# 二维狭长碗上的梯度下降与动量法。每一步都把正文里的结论算出来，并用 `assert` 检查。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 11,
    }
)
rng = np.random.default_rng(0)  # nothing below is random; seeded anyway for edits


def slope_loglog(h, err, lo, hi):
    """Least-squares slope of log(err) against log(h) for lo <= h <= hi."""
    m = (h >= lo) & (h <= hi)
    return np.polyfit(np.log10(h[m]), np.log10(err[m]), 1)[0]


# %% [markdown]
# ### 1. 导数：切线的斜率，也是局部线性近似
#
# 整个 notebook 反复使用同一个一维函数 $f(x) = x^4 - 3x^2 + x$，它的导数是 $f'(x) = 4x^3 - 6x + 1$。
# 在 $x_0 = 1.5$ 处画出切线 $y = f(x_0) + f'(x_0)(x - x_0)$，再看三种误差怎样随步长 $h$ 变化：
#
# - 线性近似的误差 $|f(x_0+h) - f(x_0) - f'(x_0)h|$，应该按 $h^2$ 缩小；
# - 前向差分 $\dfrac{f(x_0+h)-f(x_0)}{h}$ 估计导数的误差，按 $h$ 缩小；
# - 中心差分 $\dfrac{f(x_0+h)-f(x_0-h)}{2h}$ 估计导数的误差，按 $h^2$ 缩小。
#
# $h$ 太小时，两个几乎相等的浮点数相减会丢掉有效数字，误差反而变大。全部用 float64 计算。


# %%
def f1(x):
    return x**4 - 3 * x**2 + x


def df1(x):
    return 4 * x**3 - 6 * x + 1


def d2f1(x):
    return 12 * x**2 - 6


x0 = 1.5
h = np.logspace(-12, 0, 121)
lin_err = np.abs(f1(x0 + h) - f1(x0) - df1(x0) * h)
fwd_err = np.abs((f1(x0 + h) - f1(x0)) / h - df1(x0))
ctr_err = np.abs((f1(x0 + h) - f1(x0 - h)) / (2 * h) - df1(x0))

s_lin = slope_loglog(h, lin_err, 1e-4, 1e-2)
s_fwd = slope_loglog(h, fwd_err, 1e-5, 1e-2)
s_ctr = slope_loglog(h, ctr_err, 1e-4, 1e-2)
best = np.argmin(ctr_err)
print(f"f'({x0}) = {df1(x0)}, f''({x0}) = {d2f1(x0)}")
print(f"log-log slopes for small h: linearisation {s_lin:.2f}, forward diff {s_fwd:.2f}, central diff {s_ctr:.2f}")
print(f"forward diff at h=1e-5: error {fwd_err[np.argmin(np.abs(h - 1e-5))]:.1e}")
print(f"central diff: smallest error {ctr_err[best]:.1e} at h = {h[best]:.0e}")
assert abs(s_lin - 2) < 0.05 and abs(s_fwd - 1) < 0.05 and abs(s_ctr - 2) < 0.05
assert ctr_err[best] < 1e-9

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
xs = np.linspace(-2.1, 2.1, 400)
ax = axes[0]
ax.plot(xs, f1(xs), color="C0", lw=2, label=r"$f(x)=x^4-3x^2+x$")
xt = np.linspace(0.6, 2.1, 50)
ax.plot(xt, f1(x0) + df1(x0) * (xt - x0), color="C3", lw=1.6, label=f"$x_0={x0}$ 处的切线，斜率 {df1(x0):.1f}")
ax.plot([x0], [f1(x0)], "o", color="C3")
ax.set_ylim(-4.5, 8)
ax.set_xlabel("$x$")
ax.set_ylabel("$f(x)$")
ax.set_title("导数 = 切线的斜率")
ax.legend(loc="upper center", fontsize=10)
ax.grid(alpha=0.3)

ax = axes[1]
ax.loglog(h, lin_err, color="C0", label=r"线性近似误差（$\propto h^2$）")
ax.loglog(h, fwd_err, color="C1", label=r"前向差分误差（$\propto h$）")
ax.loglog(h, ctr_err, color="C2", label=r"中心差分误差（$\propto h^2$）")
ax.set_xlabel("步长 $h$")
ax.set_ylabel("绝对误差")
ax.set_title("误差随 $h$ 的变化（float64）")
ax.set_ylim(1e-18, 1e2)
ax.legend(fontsize=10, loc="lower right")
ax.grid(alpha=0.3, which="major")
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图：在 $x_0$ 附近，切线和曲线几乎重合，这就是 $f(x_0+h) \approx f(x_0) + f'(x_0)h$。
# 右图：蓝线的斜率是 2，说明线性近似的误差与 $h^2$ 同阶，比 $h$ 本身小得多；
# 中心差分比前向差分准得多，最小误差出现在 $h \approx 10^{-5}$ 附近，再小就被舍入误差主导。

# %% [markdown]
# ### 2. 偏导数、梯度和方向导数
#
# 二元函数 $g(x_1, x_2) = \tfrac12 x_1^2 + 2x_2^2 + \sin(x_1 x_2)$ 的两个偏导数是
# $\partial g/\partial x_1 = x_1 + x_2\cos(x_1x_2)$、$\partial g/\partial x_2 = 4x_2 + x_1\cos(x_1x_2)$。
# 先用中心差分逐个坐标核对梯度，再在点 $p$ 处沿 360 个单位方向 $u$ 数值地求方向导数，
# 看它是否等于 $\nabla g \cdot u$，以及最大值是否出现在梯度方向上。


# %%
def g2(x1, x2):
    return 0.5 * x1**2 + 2 * x2**2 + np.sin(x1 * x2)


def grad_g2(x):
    x1, x2 = x
    c = np.cos(x1 * x2)
    return np.array([x1 + x2 * c, 4 * x2 + x1 * c])


def numerical_grad(func, x, h=1e-5):
    """Central differences, one coordinate at a time (float64)."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (func(x + e) - func(x - e)) / (2 * h)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


p = np.array([1.0, 0.5])
g_formula = grad_g2(p)
g_numeric = numerical_grad(lambda v: g2(*v), p)
print(f"gradient at p: formula {g_formula}, central differences {g_numeric}")
print(f"relative error {rel_error(g_formula, g_numeric):.1e}")
assert rel_error(g_formula, g_numeric) < 1e-9

theta = np.deg2rad(np.arange(360.0))
U = np.stack([np.cos(theta), np.sin(theta)], axis=1)  # unit vectors
hd = 1e-5
dir_num = np.array([(g2(*(p + hd * u)) - g2(*(p - hd * u))) / (2 * hd) for u in U])
dir_formula = U @ g_formula
gnorm = np.linalg.norm(g_formula)
theta_g = np.arctan2(g_formula[1], g_formula[0])
k_best = np.argmax(dir_num)
print(f"max |numerical - grad.u| over 360 directions: {np.max(np.abs(dir_num - dir_formula)):.1e}")
print(f"|grad g| = {gnorm:.4f}, largest directional derivative {dir_num[k_best]:.4f} "
      f"at {np.rad2deg(theta[k_best]):.0f} deg; gradient direction {np.rad2deg(theta_g):.1f} deg")
assert np.max(np.abs(dir_num - dir_formula)) < 1e-8
angle_gap = np.rad2deg(np.angle(np.exp(1j * (theta[k_best] - theta_g))))
assert abs(angle_gap) <= 0.5 + 1e-9 and abs(dir_num[k_best] - gnorm) < 1e-3

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
ax = axes[0]
g1s, g2s = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1.5, 1.5, 150))
cs = ax.contour(g1s, g2s, g2(g1s, g2s), levels=14, cmap="viridis", linewidths=1)
qx, qy = np.meshgrid(np.linspace(-1.8, 1.8, 9), np.linspace(-1.25, 1.25, 7))
G = np.array([grad_g2(v) for v in np.stack([qx.ravel(), qy.ravel()], axis=1)])
ax.quiver(qx.ravel(), qy.ravel(), G[:, 0], G[:, 1], color="0.45", angles="xy", scale=60, width=0.004)
ax.quiver(*p, *(g_formula / gnorm), color="C3", angles="xy", scale_units="xy", scale=2.2, width=0.008,
          label=r"$p$ 点的梯度方向")
ax.quiver(*p, *(-g_formula / gnorm), color="C0", angles="xy", scale_units="xy", scale=2.2, width=0.008,
          label=r"负梯度方向（最陡下降）")
ax.plot(*p, "ko", ms=5)
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("等高线与梯度：梯度垂直于等高线")
ax.legend(loc="lower left", fontsize=9, framealpha=0.9)

ax = axes[1]
deg = np.rad2deg(theta)
ax.plot(deg, dir_formula, color="C0", lw=2, label=r"公式 $\nabla g\cdot u = \|\nabla g\|\cos\theta$")
ax.plot(deg[::15], dir_num[::15], "o", color="C1", ms=5, label="中心差分")
ax.axvline(np.rad2deg(theta_g) % 360, color="C3", ls="--", lw=1.2, label="梯度方向")
ax.axhline(gnorm, color="0.5", ls=":", lw=1)
ax.axhline(-gnorm, color="0.5", ls=":", lw=1)
ax.set_xlabel("方向 $u$ 的角度（度）")
ax.set_ylabel("方向导数")
ax.set_xticks(range(0, 361, 60))
ax.set_title(r"方向导数在梯度方向最大，等于 $\|\nabla g\|$")
ax.legend(fontsize=9, loc="lower left")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 链式法则与一个小计算图
#
# 先核对两个链式法则：一元的 $\frac{d}{dx}\sin(x^2) = \cos(x^2)\cdot 2x$，
# 以及沿曲线 $r(t) = (\cos t, \sin t)$ 走时 $\frac{d}{dt} g(r(t)) = \nabla g(r(t)) \cdot r'(t)$。
#
# 然后是一个单神经元的计算图：$z = wx + b$，$a = \sigma(z)$，$E = \tfrac12(a-y)^2$，
# 再加一项 $R = \tfrac{\lambda}{2} w^2$，总代价 $C = E + R$。参数 $w$ 通过两条路径影响 $C$，
# 反向计算时两条路径的贡献相加。前向算出每个节点的值，反向从 $\partial C/\partial C = 1$ 出发，
# 每经过一个节点就乘上它的局部导数。

# %%
xc = 0.7
chain1 = np.cos(xc**2) * 2 * xc
chain1_num = (np.sin((xc + 1e-5) ** 2) - np.sin((xc - 1e-5) ** 2)) / 2e-5
print(f"d/dx sin(x^2) at x={xc}: chain rule {chain1:.10f}, central diff {chain1_num:.10f}")
assert abs(chain1 - chain1_num) < 1e-9

tc = 0.9
r = np.array([np.cos(tc), np.sin(tc)])
r_dot = np.array([-np.sin(tc), np.cos(tc)])
chain2 = grad_g2(r) @ r_dot
chain2_num = (g2(np.cos(tc + 1e-5), np.sin(tc + 1e-5)) - g2(np.cos(tc - 1e-5), np.sin(tc - 1e-5))) / 2e-5
print(f"d/dt g(r(t)) at t={tc}: grad . r' = {chain2:.10f}, central diff {chain2_num:.10f}")
assert abs(chain2 - chain2_num) < 1e-9


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


x_in, y_t, lam_reg = 1.5, 1.0, 0.1


def forward(w, b):
    z = w * x_in + b
    a = sigmoid(z)
    E = 0.5 * (a - y_t) ** 2
    R = 0.5 * lam_reg * w**2
    return {"z": z, "a": a, "E": E, "R": R, "C": E + R}


w0, b0 = 0.8, -0.5
v = forward(w0, b0)
# backward pass: multiply local derivatives from C back to the inputs
grad = {"C": 1.0}
grad["E"] = grad["C"] * 1.0
grad["R"] = grad["C"] * 1.0
grad["a"] = grad["E"] * (v["a"] - y_t)
grad["z"] = grad["a"] * v["a"] * (1 - v["a"])
grad["b"] = grad["z"] * 1.0
grad["w via z"] = grad["z"] * x_in
grad["w via R"] = grad["R"] * lam_reg * w0
grad["w"] = grad["w via z"] + grad["w via R"]

num_w = (forward(w0 + 1e-6, b0)["C"] - forward(w0 - 1e-6, b0)["C"]) / 2e-6
num_b = (forward(w0, b0 + 1e-6)["C"] - forward(w0, b0 - 1e-6)["C"]) / 2e-6
for k in ["z", "a", "E", "R", "C"]:
    print(f"forward  {k} = {v[k]: .6f}")
for k in ["C", "E", "R", "a", "z", "b", "w via z", "w via R", "w"]:
    print(f"backward dC/d{k:<8}= {grad[k]: .6f}")
print(f"central differences: dC/dw = {num_w:.6f}, dC/db = {num_b:.6f}")
assert abs(grad["w"] - num_w) < 1e-8 and abs(grad["b"] - num_b) < 1e-8
assert abs(grad["w via z"] - num_w) > 1e-3  # forgetting the second path gives a wrong gradient

# %%
nodes = {
    "w": (0.0, 2.0, f"$w$ = {w0}"),
    "x": (0.0, 1.0, f"$x$ = {x_in}"),
    "b": (0.0, 0.0, f"$b$ = {b0}"),
    "z": (1.6, 1.0, "$z = wx+b$"),
    "a": (3.2, 1.0, r"$a = \sigma(z)$"),
    "E": (4.8, 1.0, r"$E = \frac{1}{2}(a-y)^2$"),
    "R": (3.2, 2.3, r"$R = \frac{\lambda}{2}w^2$"),
    "C": (6.4, 1.65, "$C = E+R$"),
}
edges = [("x", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "E"), ("E", "C"), ("R", "C"), ("w", "R")]
values = {"x": None, "w": None, "b": None, "z": v["z"], "a": v["a"], "E": v["E"], "R": v["R"], "C": v["C"]}
grads = {"x": None, "w": grad["w"], "b": grad["b"], "z": grad["z"], "a": grad["a"], "E": 1.0, "R": 1.0, "C": 1.0}

fig, ax = plt.subplots(figsize=(10, 4.2))
for s, t in edges:
    (x1, y1, _), (x2, y2, _) = nodes[s], nodes[t]
    ax.annotate("", xy=(x2 - 0.55, y2), xytext=(x1 + 0.55, y1),
                arrowprops=dict(arrowstyle="->", color="0.4", lw=1.2, shrinkA=0, shrinkB=0))
for k, (xx, yy, label) in nodes.items():
    ax.text(xx, yy, label, ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="0.3"))
    lines = []
    if values[k] is not None:
        lines.append((f"值 {values[k]:.3f}", "black"))
    if grads[k] is not None:
        lines.append((f"∂C/∂{k} = {grads[k]:.3f}", "C3"))
    for i, (txt, col) in enumerate(lines):
        ax.text(xx, yy - 0.33 - 0.22 * i, txt, ha="center", va="center", fontsize=9.5, color=col)
ax.text(3.2, -0.7, f"y = {y_t}，λ = {lam_reg}；黑色：前向算出的值；红色：反向算出的导数", ha="center", fontsize=10)
ax.text(3.2, -1.0, f"w 的两条路径：经 z 贡献 {grad['w via z']:.3f}，经 R 贡献 {grad['w via R']:.3f}，相加得 {grad['w']:.3f}",
        ha="center", fontsize=10, color="C3")
ax.set_xlim(-0.7, 7.1)
ax.set_ylim(-1.2, 2.6)
ax.axis("off")
ax.set_title("计算图：前向传值，反向传导数")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 一维梯度下降：起点决定落在哪个极小值
#
# $f(x) = x^4 - 3x^2 + x$ 有两个极小值，中间隔着一个极大值。令 $f'(x) = 0$ 求出三个临界点，
# 再用学习率 $\eta = 0.05$ 从五个起点出发各走 60 步。梯度下降只看脚下的坡度，
# 所以从极大值左边出发的点落进左边的坑，右边的落进右边的坑。

# %%
crit = np.sort(np.roots([4, 0, -6, 1]).real)
x_glob, x_max, x_loc = crit
print(f"critical points: {np.round(crit, 4)}; f there: {np.round(f1(crit), 4)}")
print(f"f'' at the minima: {d2f1(x_glob):.3f} (global), {d2f1(x_loc):.3f} (local)")


def gd_1d(grad_fn, x_start, eta, steps):
    xs = [x_start]
    for _ in range(steps):
        xs.append(xs[-1] - eta * grad_fn(xs[-1]))
    return np.array(xs)


starts = [-2.0, -0.6, 0.1, 0.3, 1.9]
runs = {s: gd_1d(df1, s, 0.05, 60) for s in starts}
for s, traj in runs.items():
    target = x_glob if s < x_max else x_loc
    print(f"start {s:+.1f} -> x = {traj[-1]:+.6f}, f = {f1(traj[-1]):+.4f}")
    assert abs(traj[-1] - target) < 1e-8

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
ax.plot(xs, f1(xs), color="0.3", lw=1.5)
for i, (s, traj) in enumerate(runs.items()):
    ax.plot(traj[:15], f1(traj[:15]), "o-", color=f"C{i}", ms=4, lw=1, alpha=0.85, label=f"起点 {s:+.1f}")
ax.axvline(x_max, color="0.5", ls=":", lw=1)
ax.text(x_max + 0.05, 6.2, "极大值", color="0.4", fontsize=10)
ax.set_ylim(-4.5, 8)
ax.set_xlabel("$x$")
ax.set_ylabel("$f(x)$")
ax.set_title(r"$\eta=0.05$，前 15 步的轨迹")
ax.legend(fontsize=9, loc="upper center", ncol=2)
ax.grid(alpha=0.3)

ax = axes[1]
for i, (s, traj) in enumerate(runs.items()):
    ax.plot(traj, color=f"C{i}", lw=1.8)
ax.axhline(x_glob, color="0.5", ls="--", lw=1)
ax.axhline(x_loc, color="0.5", ls="--", lw=1)
ax.text(60, x_glob + 0.08, f"全局极小 {x_glob:.3f}", ha="right", fontsize=10)
ax.text(60, x_loc + 0.08, f"局部极小 {x_loc:.3f}", ha="right", fontsize=10)
ax.set_xlabel("迭代步数 $t$")
ax.set_ylabel("$x_t$")
ax.set_title("每条轨迹收敛到起点所在一侧的极小值")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 5. 学习率：太小、合适、太大
#
# 在二次函数 $f(x) = \tfrac{L}{2}(x - x^\ast)^2$（取 $L = 4$，$x^\ast = 1$）上，梯度下降每一步把误差乘以
# $1 - \eta L$，所以 $\eta < 2/L = 0.5$ 时收敛，$\eta > 0.5$ 时发散。下面用同一个函数、同一个起点，
# 比较四个学习率；再逐个学习率测量每步误差的缩放倍数，并用二分法数值地找出收敛与发散的分界。

# %%
Lc, x_star, x_start = 4.0, 1.0, 3.0


def quad_grad(x):
    return Lc * (x - x_star)


etas = {0.02: "太小", 0.2: "合适", 0.45: "偏大：来回振荡", 0.55: "太大：发散"}
quad_runs = {eta: gd_1d(quad_grad, x_start, eta, 30) for eta in etas}
for eta, traj in quad_runs.items():
    print(f"eta = {eta:<4}: |x_30 - x*| = {abs(traj[-1] - x_star):.3e}   (factor 1 - eta*L = {1 - eta * Lc:+.2f})")
assert abs(quad_runs[0.2][-1] - x_star) < 1e-12
assert abs(quad_runs[0.02][-1] - x_star) > 0.1
assert abs(quad_runs[0.55][-1] - x_star) > 100


def diverges(eta, grad_fn, x_start, x_star, steps=200):
    traj = gd_1d(grad_fn, x_start, eta, steps)
    return not abs(traj[-1] - x_star) < abs(x_start - x_star)


lo, hi = 0.3, 0.7
for _ in range(50):
    mid = 0.5 * (lo + hi)
    lo, hi = (lo, mid) if diverges(mid, quad_grad, x_start, x_star) else (mid, hi)
print(f"numerical stability threshold on the quadratic: eta_c = {lo:.6f}, theory 2/L = {2 / Lc}")
assert abs(lo - 2 / Lc) < 1e-6

eta_grid = np.linspace(0.01, 0.7, 70)
measured = []
for eta in eta_grid:
    traj = gd_1d(quad_grad, x_start, eta, 2)
    measured.append(abs(traj[2] - x_star) / abs(traj[1] - x_star))
measured = np.array(measured)
assert np.allclose(measured, np.abs(1 - eta_grid * Lc), atol=1e-9)

# the same rule, applied locally, on the quartic: curvature at the global minimum sets the limit
eta_c_quartic = 2 / d2f1(x_glob)
ok = gd_1d(df1, x_glob + 0.05, 0.95 * eta_c_quartic, 500)
bad = gd_1d(df1, x_glob + 0.05, 1.05 * eta_c_quartic, 500)
print(f"quartic: 2/f''(x*) = {eta_c_quartic:.4f}")
print(f"  eta = 0.95 * that: x_500 = {ok[-1]:.6f}")
print(f"  eta = 1.05 * that: last iterates {bad[-3]:.4f}, {bad[-2]:.4f}, {bad[-1]:.4f} (bouncing across x* = {x_glob:.4f})")
assert abs(ok[-1] - x_glob) < 1e-8
assert abs(bad[-1] - bad[-3]) < 1e-9 and abs(bad[-1] - bad[-2]) > 0.1  # stuck in a 2-cycle around the minimum

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
ax = axes[0]
for i, (eta, label) in enumerate(etas.items()):
    err = np.abs(quad_runs[eta] - x_star)
    ax.semilogy(np.maximum(err, 1e-17), "o-", ms=3, lw=1.4, color=f"C{i}", label=rf"$\eta$={eta}（{label}）")
ax.set_xlabel("迭代步数 $t$")
ax.set_ylabel(r"$|x_t - x^\ast|$")
ax.set_title(r"同一个函数（$L=4$）上的四个学习率")
ax.set_ylim(1e-17, 1e4)
ax.legend(fontsize=9, loc="lower left")
ax.grid(alpha=0.3)

ax = axes[1]
ax.plot(eta_grid, np.abs(1 - eta_grid * Lc), color="C0", lw=2, label=r"理论 $|1-\eta L|$")
ax.plot(eta_grid[::3], measured[::3], "o", color="C1", ms=4, label="实测：每步误差之比")
ax.axhline(1, color="0.4", ls=":", lw=1)
ax.axvline(2 / Lc, color="C3", ls="--", lw=1.2, label=r"$\eta = 2/L$")
ax.axvline(1 / Lc, color="C2", ls="--", lw=1.2, label=r"$\eta = 1/L$（一步到位）")
ax.set_xlabel(r"学习率 $\eta$")
ax.set_ylabel("每步误差的缩放倍数")
ax.set_title("倍数小于 1 才收敛")
ax.legend(fontsize=9, loc="upper center")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 6. 狭长的碗：之字形、条件数与动量法
#
# 二维二次函数 $f(w) = \tfrac12\big[\lambda_1 (w_1 - w_1^\ast)^2 + \lambda_2 (w_2 - w_2^\ast)^2\big]$，
# 取 $\lambda_1 = 1$、$\lambda_2 = 20$：沿 $w_2$ 方向很陡，沿 $w_1$ 方向很平，条件数 $\kappa = \lambda_2/\lambda_1 = 20$。
# 两个坐标互不影响，各自就是第 5 节的一维问题：$w_i$ 的误差每步乘以 $1 - \eta\lambda_i$。
# 稳定性由最陡的方向决定（$\eta < 2/\lambda_2 = 0.1$），速度却被最平的方向拖住。
# 动量法（momentum）多记一个“速度” $v$：$v \leftarrow \beta v - \eta \nabla f(w)$，$w \leftarrow w + v$。

# %%
lam = np.array([1.0, 20.0])
w_star = np.array([1.0, 0.5])
w_start = np.array([-4.0, 1.6])
kappa = lam[1] / lam[0]


def bowl(w1, w2):
    return 0.5 * (lam[0] * (w1 - w_star[0]) ** 2 + lam[1] * (w2 - w_star[1]) ** 2)


def bowl_grad(w):
    return lam * (w - w_star)


def run(eta, beta=0.0, steps=300, w_init=w_start):
    w, vel = w_init.astype(float).copy(), np.zeros(2)
    path = [w.copy()]
    for _ in range(steps):
        vel = beta * vel - eta * bowl_grad(w)
        w = w + vel
        path.append(w.copy())
    return np.array(path)


def steps_to(path, tol=1e-6):
    d = np.linalg.norm(path - w_star, axis=1)
    hit = np.nonzero(d < tol)[0]
    return int(hit[0]) if hit.size else None


eta_best = 2 / (lam[0] + lam[1])
paths = {
    "gd_small": run(0.03),
    "gd_zigzag": run(0.09),
    "gd_best": run(eta_best),
    "gd_unstable": run(1.05 * 2 / lam[1], steps=100),
}

# momentum: pick the best (eta, beta) on a grid, all pairs simulated at once
eta_g = np.linspace(0.01, 0.3, 59)
beta_g = np.linspace(0.0, 0.95, 39)
E, B = np.meshgrid(eta_g, beta_g, indexing="ij")
W = np.broadcast_to(w_start, E.shape + (2,)).copy()
V = np.zeros_like(W)
first_hit = np.full(E.shape, np.inf)
with np.errstate(over="ignore", invalid="ignore"):  # unstable pairs blow up to inf/nan and never hit
    for t in range(1, 301):
        V = B[..., None] * V - E[..., None] * lam * (W - w_star)
        W = W + V
        dist = np.linalg.norm(W - w_star, axis=-1)
        first_hit = np.where((dist < 1e-6) & np.isinf(first_hit), t, first_hit)
i, j = np.unravel_index(np.argmin(first_hit), first_hit.shape)
eta_m, beta_m = eta_g[i], beta_g[j]
paths["momentum"] = run(eta_m, beta_m)

n_gd, n_mom = steps_to(paths["gd_best"]), steps_to(paths["momentum"])
ratio_pred = (kappa - 1) / (kappa + 1)
e = np.linalg.norm(paths["gd_best"] - w_star, axis=1)
ratio_meas = e[41] / e[40]
print(f"kappa = {kappa:.0f}; stability limit 2/lambda_max = {2 / lam[1]:.3f}; best GD eta = 2/(l1+l2) = {eta_best:.4f}")
print(f"GD best eta: error shrinks x{ratio_meas:.4f} per step (theory (k-1)/(k+1) = {ratio_pred:.4f}); "
      f"{n_gd} steps to |w - w*| < 1e-6")
print(f"momentum, best grid pair eta = {eta_m:.3f}, beta = {beta_m:.3f}: {n_mom} steps to |w - w*| < 1e-6")
n_small = steps_to(paths["gd_small"])
print(f"GD eta=0.03: {'more than 300' if n_small is None else n_small} steps;  "
      f"GD eta=0.09: {steps_to(paths['gd_zigzag'])} steps")
print(f"GD eta = 1.05 * 2/lambda_max after 100 steps: |w - w*| = {np.linalg.norm(paths['gd_unstable'][-1] - w_star):.2e}")
zig = np.sign(paths["gd_zigzag"][1:12, 1] - w_star[1])
print(f"eta=0.09, sign of w2 - w2* over the first 11 steps: {zig.astype(int)}")
assert np.linalg.norm(paths["gd_best"][-1] - w_star) < 1e-6
assert abs(ratio_meas - ratio_pred) < 1e-6
assert np.linalg.norm(paths["gd_unstable"][-1] - w_star) > 1e3
assert np.all(zig[1:] == -zig[:-1])  # steep coordinate flips sign every step
assert n_mom < n_gd / 2

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.9))
a1, a2 = np.meshgrid(np.linspace(-4.6, 2.2, 300), np.linspace(-1.4, 2.1, 200))
levels = np.sort(bowl(w_star[0] + np.array([0.15, 0.4, 0.8, 1.4, 2.2, 3.2, 4.4, 5.8]), w_star[1]))
colors = {"gd_small": "C0", "gd_zigzag": "C1", "gd_best": "C4", "momentum": "C2"}
labels = {"gd_small": r"GD $\eta=0.03$", "gd_zigzag": r"GD $\eta=0.09$",
          "gd_best": rf"GD $\eta={eta_best:.3f}$", "momentum": rf"动量 $\eta={eta_m:.3f},\ \beta={beta_m:.3f}$"}
for ax, keys, title in [(axes[0], ["gd_small", "gd_zigzag"], "梯度下降：学习率受陡方向限制"),
                        (axes[1], ["gd_best", "momentum"], "最好的固定学习率 vs 动量法")]:
    ax.contour(a1, a2, bowl(a1, a2), levels=levels, colors="0.65", linewidths=0.8)
    for key in keys:
        pth = paths[key][:40]
        ax.plot(pth[:, 0], pth[:, 1], "o-", ms=3, lw=1.2, color=colors[key], label=labels[key])
    ax.plot(*w_star, "k*", ms=12)
    ax.set_aspect("equal")
    ax.set_xlim(-4.6, 2.2)
    ax.set_ylim(-1.4, 2.1)
    ax.set_xlabel(r"$w_1$（平缓，$\lambda_1=1$）")
    ax.set_ylabel(r"$w_2$（陡峭，$\lambda_2=20$）")
    ax.set_title(title + "（前 40 步）", fontsize=11)
    ax.legend(fontsize=9, loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图：$\eta = 0.03$ 时陡方向很快稳定下来，但沿平缓方向每步只走剩余距离的 3%；
# $\eta = 0.09$ 接近陡方向的上限 0.1，于是在峡谷两壁之间来回跳，而平缓方向依然走得慢。
# 右图：动量法在前几步摆得甚至更厉害，但平缓方向上一致的梯度不断累积进速度，整体快得多。
# 下面把离极小点的距离画在对数坐标上，并比较不同条件数下需要的步数。


# %%
def steps_needed(lams, eta, beta, tol=1e-6, max_steps=40000):
    """All (eta, beta) pairs at once; coordinates decouple so each is a 1-D recursion."""
    eta, beta = np.asarray(eta, float)[..., None], np.asarray(beta, float)[..., None]
    w = np.broadcast_to(np.array([1.0, 1.0]), eta.shape[:-1] + (2,)).copy()
    vel = np.zeros_like(w)
    hit = np.full(eta.shape[:-1], np.inf)
    with np.errstate(over="ignore", invalid="ignore"):  # unstable pairs blow up and never hit
        for t in range(1, max_steps + 1):
            vel = beta * vel - eta * lams * w
            w = w + vel
            done = (np.linalg.norm(w, axis=-1) < tol) & np.isinf(hit)
            hit[done] = t
            if np.all(np.isfinite(hit)):
                break
    return hit


kappas = [10.0, 100.0, 1000.0]
rows = []
for k in kappas:
    lams = np.array([1.0, k])
    n_gd_k = int(steps_needed(lams, 2 / (1 + k), 0.0))
    eg = np.geomspace(0.2 / k, 4.0 / k, 40)
    bg = 1 - np.geomspace(0.002, 1.0, 40)
    EE, BB = np.meshgrid(eg, bg, indexing="ij")
    n_mom_k = int(steps_needed(lams, EE, BB, max_steps=n_gd_k).min())
    rows.append((k, n_gd_k, n_mom_k))
    print(f"kappa = {k:6.0f}: GD {n_gd_k:6d} steps, momentum {n_mom_k:5d} steps, ratio {n_gd_k / n_mom_k:5.1f}")
rows = np.array(rows)
assert np.all(np.diff(rows[:, 1]) > 0)
assert np.all(np.diff(rows[:, 1] / rows[:, 2]) > 0) and rows[0, 1] > rows[0, 2]
slope_gd = np.polyfit(np.log10(rows[:, 0]), np.log10(rows[:, 1]), 1)[0]
slope_mom = np.polyfit(np.log10(rows[:, 0]), np.log10(rows[:, 2]), 1)[0]
print(f"log-log slope of steps vs kappa: GD {slope_gd:.2f}, momentum {slope_mom:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.9))
ax = axes[0]
for key in ["gd_small", "gd_zigzag", "gd_best", "momentum"]:
    d = np.linalg.norm(paths[key] - w_star, axis=1)
    ax.semilogy(np.maximum(d, 1e-16), color=colors[key], lw=1.8, label=labels[key])
ax.axhline(1e-6, color="0.5", ls=":", lw=1)
ax.set_xlim(0, 300)
ax.set_ylim(1e-16, 1e2)
ax.set_xlabel("迭代步数 $t$")
ax.set_ylabel(r"$\|w_t - w^\ast\|$")
ax.set_title(r"$\kappa = 20$ 的碗：离极小点的距离")
ax.legend(fontsize=9, loc="lower left")
ax.grid(alpha=0.3)

ax = axes[1]
ax.loglog(rows[:, 0], rows[:, 1], "o-", color="C4", lw=1.8, label=f"GD（最好的固定 η），斜率 {slope_gd:.2f}")
ax.loglog(rows[:, 0], rows[:, 2], "o-", color="C2", lw=1.8, label=f"动量法（网格搜索最好参数），斜率 {slope_mom:.2f}")
for k, n1, n2 in rows:
    ax.text(k, n1 * 1.35, f"{int(n1)}", ha="center", fontsize=9, color="C4")
    ax.text(k, n2 / 1.6, f"{int(n2)}", ha="center", fontsize=9, color="C2")
ax.set_xlabel(r"条件数 $\kappa = \lambda_{\max}/\lambda_{\min}$")
ax.set_ylabel(r"到 $10^{-6}$ 需要的步数")
ax.set_ylim(10, 3e4)
ax.set_title("条件数越大，差距越大")
ax.legend(fontsize=9, loc="upper left")
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()
