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
# 这个 notebook 不重复路线一的内容（感知机、从零训练 MNIST、反向传播四个方程的推导都在那两课里），
# 只做吴恩达课程记号特有的四件事：
#
# 1. 在弯月形数据（`make_moons`）上比较逻辑回归和一个单隐藏层网络的决策边界；
# 2. 用课程的 Θ 记号（带偏置列、`x0 = 1`）写出向量化的前向传播，验证它和训练好的 `MLPClassifier`
#    在 `load_digits` 上给出完全相同的 `predict_proba`；
# 3. 按课程的写法实现代价函数、Δ 累加和 D 矩阵，把参数展开（unroll）成一个向量做梯度检验；
# 4. 演示全零初始化让隐藏单元永远一模一样，随机初始化才打破对称。
#
# 数据都来自 scikit-learn 自带的数据集或生成器，随机数都固定了种子。

# %%
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from scipy.optimize import minimize
from sklearn.datasets import load_digits, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {
        "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "figure.dpi": 100,
    }
)
warnings.filterwarnings("ignore", category=ConvergenceWarning)
np.set_printoptions(precision=4, suppress=True)
t_start = time.perf_counter()

# %% [markdown]
# ### 1. 逻辑回归是一个神经元，它只会画直线
#
# 逻辑回归 $h_\theta(x) = g(\theta^\top x)$（$x_0 = 1$）就是一个没有隐藏层、只有一个 sigmoid 输出单元的网络。
# 先确认这一点：把 `LogisticRegression` 的截距放进 $\theta_0$、系数放进 $\theta_1, \theta_2$，
# 手算 $g(\theta^\top x)$ 应该与 `predict_proba` 一致。然后在弯月形数据上，
# 把它和一个有 8 个隐藏单元的网络对比。

# %%
def g(z):
    """The course's activation: the logistic (sigmoid) function."""
    return 1.0 / (1.0 + np.exp(-z))


def add_bias(A):
    """Prepend the bias column of ones (x0 = 1, a0 = 1) as the course does."""
    return np.hstack([np.ones((A.shape[0], 1)), A])


X_moon, y_moon = make_moons(n_samples=600, noise=0.2, random_state=0)
Xm_tr, Xm_te, ym_tr, ym_te = train_test_split(X_moon, y_moon, test_size=0.3, random_state=0, stratify=y_moon)

logreg = LogisticRegression(C=1e4, max_iter=1000).fit(Xm_tr, ym_tr)
theta = np.concatenate([logreg.intercept_, logreg.coef_.ravel()])  # (theta0, theta1, theta2)
h_manual = g(add_bias(Xm_te) @ theta)
one_neuron_gap = np.abs(h_manual - logreg.predict_proba(Xm_te)[:, 1]).max()
print("theta =", theta, " max |g(X theta) - predict_proba| =", f"{one_neuron_gap:.1e}")

net = MLPClassifier(hidden_layer_sizes=(8,), activation="logistic", solver="lbfgs", alpha=1e-2, max_iter=2000, random_state=0)
net.fit(Xm_tr, ym_tr)
acc_lr_tr, acc_lr_te = logreg.score(Xm_tr, ym_tr), logreg.score(Xm_te, ym_te)
acc_nn_tr, acc_nn_te = net.score(Xm_tr, ym_tr), net.score(Xm_te, ym_te)
print(f"logistic regression : train {acc_lr_tr:.3f}, test {acc_lr_te:.3f}")
print(f"2-8-1 network       : train {acc_nn_tr:.3f}, test {acc_nn_te:.3f}")

assert one_neuron_gap < 1e-12
assert acc_lr_te < 0.90  # a straight line cannot follow the moons
assert acc_nn_te > 0.93 and acc_nn_te - acc_lr_te > 0.05

# %%
xx, yy = np.meshgrid(np.linspace(-2.0, 3.0, 300), np.linspace(-1.5, 2.0, 300))
grid = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
for ax, model, title, acc in [
    (axes[0], logreg, "逻辑回归（一个神经元）", acc_lr_te),
    (axes[1], net, "2-8-1 网络（8 个 sigmoid 隐藏单元）", acc_nn_te),
]:
    proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(xx, yy, proba, levels=[0.5], colors="black", linewidths=2)
    ax.scatter(Xm_te[:, 0], Xm_te[:, 1], c=ym_te, cmap="RdBu_r", edgecolors="k", s=22)
    ax.set_title(f"{title}\n测试准确率 {acc:.3f}")
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
fig.suptitle("黑线是 h(x) = 0.5 的决策边界：逻辑回归只能画直线，加一层隐藏层就能弯曲")
fig.tight_layout()
plt.show()

# %% [markdown]
# 隐藏层做的事可以换个角度看：它把 $(x_1, x_2)$ 变成 8 个新特征 $a^{(2)}_1, \dots, a^{(2)}_8$，
# 输出单元再在这些新特征上做一次逻辑回归。下面验证这句话：取出训练好的网络的隐藏层激活值，
# 在它们上面单独拟合一个逻辑回归，准确率应该和整个网络一样高，而在原始特征上只有上面的水平。

# %%
A2_tr = g(Xm_tr @ net.coefs_[0] + net.intercepts_[0])
A2_te = g(Xm_te @ net.coefs_[0] + net.intercepts_[0])
logreg_on_hidden = LogisticRegression(C=1e4, max_iter=5000).fit(A2_tr, ym_tr)
acc_hidden_te = logreg_on_hidden.score(A2_te, ym_te)
print(f"logistic regression on the 8 learned features: test {acc_hidden_te:.3f}")
assert acc_hidden_te > 0.93

# %% [markdown]
# ### 2. 课程的 Θ 记号：前向传播与 scikit-learn 逐位对上
#
# 课程把第 $l$ 层到第 $l+1$ 层的全部参数放进一个矩阵 $\Theta^{(l)}$，形状是 $s_{l+1} \times (s_l + 1)$：
# 第 0 列乘偏置单元 $a^{(l)}_0 = 1$，其余各列乘上一层的激活值。scikit-learn 把同样的数分开存：
# `coefs_[l]` 的形状是 $s_l \times s_{l+1}$（是 $\Theta$ 去掉第 0 列后的转置），`intercepts_[l]` 是第 0 列。
# 路线一的 $W^{l}$、$b^{l}$ 也是分开的，$W$ 与 $\Theta$ 去掉第 0 列后同形。
#
# 下面在 `load_digits`（1,797 张 8×8 手写数字，像素 0–16，除以 16 缩放到 $[0, 1]$）上训练一个
# 64-25-10 的 sigmoid 网络，再把它的参数拼成 $\Theta^{(1)}$、$\Theta^{(2)}$，按课程的步骤
# $a^{(1)} = [1, x]$、$z^{(2)} = \Theta^{(1)} a^{(1)}$、$a^{(2)} = [1, g(z^{(2)})]$、$z^{(3)} = \Theta^{(2)} a^{(2)}$ 算一遍。
# 唯一的差别在输出层：scikit-learn 多分类时用 softmax，课程用 10 个各自独立的 sigmoid。

# %%
digits = load_digits()
X_dig = digits.data / 16.0
y_dig = digits.target
Xd_tr, Xd_te, yd_tr, yd_te = train_test_split(X_dig, y_dig, test_size=0.2, random_state=0, stratify=y_dig)

mlp = MLPClassifier(hidden_layer_sizes=(25,), activation="logistic", solver="lbfgs", alpha=1e-2, max_iter=400, random_state=0)
mlp.fit(Xd_tr, yd_tr)
print("out_activation_ =", mlp.out_activation_, "| test accuracy =", f"{mlp.score(Xd_te, yd_te):.3f}")

Theta1 = np.hstack([mlp.intercepts_[0][:, None], mlp.coefs_[0].T])  # (25, 65)
Theta2 = np.hstack([mlp.intercepts_[1][:, None], mlp.coefs_[1].T])  # (10, 26)
print("Theta1", Theta1.shape, " Theta2", Theta2.shape, " parameters:", Theta1.size + Theta2.size)


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def forward_course(Thetas, X):
    """Vectorised forward propagation in the course's notation; examples are rows."""
    A = add_bias(X)  # a(1) with x0 = 1
    for Theta in Thetas[:-1]:
        A = add_bias(g(A @ Theta.T))  # z(l+1) = Theta(l) a(l); then add a0 = 1
    return A @ Thetas[-1].T  # z(L)


Z3 = forward_course([Theta1, Theta2], Xd_te)
proba_gap = np.abs(softmax(Z3) - mlp.predict_proba(Xd_te)).max()
same_pred_sigmoid = np.array_equal(g(Z3).argmax(axis=1), mlp.predict(Xd_te))
print(f"max |softmax(z3) - predict_proba| = {proba_gap:.1e}")
print("argmax of the course's 10 sigmoid outputs == mlp.predict:", same_pred_sigmoid)
print("first test example, course-style h(x) = g(z3):", g(Z3[0]).round(3), " sum =", f"{g(Z3[0]).sum():.3f}")

assert Theta1.shape == (25, 65) and Theta2.shape == (10, 26)
assert proba_gap < 1e-12, proba_gap
assert same_pred_sigmoid  # g is increasing, so both outputs pick the same class
assert mlp.score(Xd_te, yd_te) > 0.95

# %% [markdown]
# 10 个 sigmoid 输出各自在 0 和 1 之间，但加起来不一定是 1（上面第一个测试样本的和已经打印出来）；
# softmax 的输出加起来恰好是 1。两者对每个 $z^{(3)}_k$ 都是单调递增的，所以取最大值得到的类别完全相同。
#
# ### 3. 课程的反向传播：Δ 累加、D 矩阵、参数展开和梯度检验
#
# 课程的代价函数是 $K$ 个二分类交叉熵之和，加上不含偏置列的 L2 正则项：
#
# $$J(\Theta) = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{K}\Big[y^{(i)}_k \log h_k + (1-y^{(i)}_k)\log(1-h_k)\Big] + \frac{\lambda}{2m}\sum_{l}\sum_{j \ge 1}\sum_{i}\big(\Theta^{(l)}_{ij}\big)^2 .$$
#
# 反向传播按课程的顺序：对每个样本算 $\delta^{(3)} = a^{(3)} - y$，$\delta^{(2)} = (\Theta^{(2)})^\top\delta^{(3)} \odot g'(z^{(2)})$
# 并丢掉偏置对应的那一项，累加 $\Delta^{(l)} \mathrel{+}= \delta^{(l+1)}(a^{(l)})^\top$，最后
# $D^{(l)} = \frac{1}{m}\Delta^{(l)} + \frac{\lambda}{m}\Theta^{(l)}$（第 0 列不加正则项）。
# 优化器和梯度检验都只认识一个长向量，所以把 $\Theta^{(1)}$、$\Theta^{(2)}$ 展开（unroll）再拼起来，用时再重塑回去。

# %%
sizes = (64, 25, 10)


def unroll(Thetas):
    return np.concatenate([T.ravel() for T in Thetas])


def reshape_params(theta_vec, sizes=sizes):
    Thetas, start = [], 0
    for s_in, s_out in zip(sizes[:-1], sizes[1:]):
        n = s_out * (s_in + 1)
        Thetas.append(theta_vec[start : start + n].reshape(s_out, s_in + 1))
        start += n
    return Thetas


def one_hot(y, K=10):
    return np.eye(K)[y]


def course_cost(theta_vec, X, Y, lam):
    T1, T2 = reshape_params(theta_vec)
    H = g(forward_course([T1, T2], X))
    m = X.shape[0]
    data_term = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    reg_term = lam / (2 * m) * (np.sum(T1[:, 1:] ** 2) + np.sum(T2[:, 1:] ** 2))
    return data_term + reg_term


def course_backprop_loop(theta_vec, X, Y, lam, reg_scale=None):
    """One example at a time, accumulating Delta as in the course's for-loop version."""
    T1, T2 = reshape_params(theta_vec)
    m = X.shape[0]
    Delta1, Delta2 = np.zeros_like(T1), np.zeros_like(T2)
    for t in range(m):
        a1 = np.concatenate([[1.0], X[t]])
        z2 = T1 @ a1
        a2 = np.concatenate([[1.0], g(z2)])
        a3 = g(T2 @ a2)
        d3 = a3 - Y[t]
        d2 = (T2.T @ d3)[1:] * g(z2) * (1 - g(z2))  # drop the bias entry
        Delta2 += np.outer(d3, a2)
        Delta1 += np.outer(d2, a1)
    reg_scale = lam / m if reg_scale is None else reg_scale
    D1, D2 = Delta1 / m, Delta2 / m
    D1[:, 1:] += reg_scale * T1[:, 1:]
    D2[:, 1:] += reg_scale * T2[:, 1:]
    return unroll([D1, D2])


def course_backprop(theta_vec, X, Y, lam):
    """The same computation with the loop over examples replaced by matrix products."""
    T1, T2 = reshape_params(theta_vec)
    m = X.shape[0]
    A1 = add_bias(X)
    Z2 = A1 @ T1.T
    A2 = add_bias(g(Z2))
    A3 = g(A2 @ T2.T)
    D3 = A3 - Y
    D2 = (D3 @ T2)[:, 1:] * g(Z2) * (1 - g(Z2))
    G1, G2 = D2.T @ A1 / m, D3.T @ A2 / m
    G1[:, 1:] += lam / m * T1[:, 1:]
    G2[:, 1:] += lam / m * T2[:, 1:]
    return unroll([G1, G2])


def numerical_gradient(J, theta_vec, eps=1e-4):
    grad = np.zeros_like(theta_vec)
    for i in range(theta_vec.size):
        e = np.zeros_like(theta_vec)
        e[i] = eps
        grad[i] = (J(theta_vec + e) - J(theta_vec - e)) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a + b)


# %% [markdown]
# 在 40 个训练样本、$\lambda = 3$、课程那样在 $[-0.12, 0.12]$ 里均匀随机初始化的参数上检验。
# 参数共 1,885 个，中心差分要算 3,770 次代价，只在检验时做一次；训练时要关掉。
# 同时检验一个常见笔误：把正则项的梯度写成 $\lambda\Theta$ 而不是 $\frac{\lambda}{m}\Theta$。

# %%
rng = np.random.default_rng(0)
eps_init = 0.12
theta0 = unroll([rng.uniform(-eps_init, eps_init, size=(s_out, s_in + 1)) for s_in, s_out in zip(sizes[:-1], sizes[1:])])
Xc, Yc, lam_c = Xd_tr[:40], one_hot(yd_tr[:40]), 3.0

grad_loop = course_backprop_loop(theta0, Xc, Yc, lam_c)
grad_vec = course_backprop(theta0, Xc, Yc, lam_c)
grad_num = numerical_gradient(lambda t: course_cost(t, Xc, Yc, lam_c), theta0)
grad_wrong_reg = course_backprop_loop(theta0, Xc, Yc, lam_c, reg_scale=lam_c)  # lambda * Theta, no 1/m

err_loop_vec = rel_error(grad_loop, grad_vec)
err_check = rel_error(grad_vec, grad_num)
err_wrong = rel_error(grad_wrong_reg, grad_num)
print(f"loop (Delta accumulation) vs vectorised : {err_loop_vec:.1e}")
print(f"backprop vs numerical, correct D         : {err_check:.1e}")
print(f"backprop vs numerical, D = Delta/m + lambda*Theta : {err_wrong:.2f}")

assert err_loop_vec < 1e-12
assert err_check < 1e-8, err_check
assert err_wrong > 0.1

# %%
idx = np.arange(theta0.size)
n1 = 25 * 65
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].scatter(grad_num, grad_vec, s=6, label=f"D = Δ/m + (λ/m)Θ，相对误差 {err_check:.1e}")
axes[0].scatter(grad_num, grad_wrong_reg, s=6, alpha=0.5, label=f"D = Δ/m + λΘ，相对误差 {err_wrong:.2f}")
lim = np.abs(grad_num).max() * 1.1
axes[0].plot([-lim, lim], [-lim, lim], "k--", lw=1)
axes[0].set_xlabel("数值梯度（中心差分）")
axes[0].set_ylabel("反向传播给出的 D")
axes[0].set_title("每个点是展开后的一个参数")
axes[0].legend(fontsize=8, loc="upper left")
axes[1].semilogy(idx, np.abs(grad_vec - grad_num) + 1e-20, lw=0.6)
axes[1].axvline(n1, color="gray", ls=":")
axes[1].text(n1 * 0.5, 3e-15, "Θ(1) 的 1,625 个参数", ha="center")
axes[1].text(n1 + 40, 3e-15, "Θ(2) 的 260 个", ha="left")
axes[1].set_xlabel("展开向量中的位置")
axes[1].set_ylabel("|反向传播 − 数值梯度|")
axes[1].set_title("正确实现时，每一项的差都在 1e-9 以下")
fig.tight_layout()
plt.show()
assert np.abs(grad_vec - grad_num).max() < 1e-9

# %% [markdown]
# ### 4. 对称性：全零初始化让隐藏单元一模一样
#
# 用同一个代价函数和梯度，交给 `scipy.optimize.minimize`（L-BFGS）训练 64-25-10 网络 150 步——
# 这正是课程把参数展开后交给 `fminunc`/`fmincg` 的做法。比较两种起点：全部为 0，以及在 $[-0.12, 0.12]$ 里随机。
# 在精确算术里，全零起点下 25 个隐藏单元每一步都收到相同的梯度，永远相同。浮点运算里，矩阵乘法对不同的列
# 可能用不同的代码路径，舍入差约 $10^{-16}$；我们每一步都记录各单元权重之间的最大差，看它怎样变化。

# %%
X_train_c, Y_train_c, lam_train = Xd_tr, one_hot(yd_tr), 1.0
SNAPSHOT = 50  # iteration at which the hidden units are drawn below


def unit_spread(T1):
    """Largest difference between a hidden unit's weights and the mean over units."""
    return np.abs(T1 - T1.mean(axis=0)).max()


def record(theta_vec, run):
    T1_now = reshape_params(theta_vec)[0]
    run["history"].append(course_cost(theta_vec, X_train_c, Y_train_c, lam_train))
    run["spread"].append(unit_spread(T1_now))
    if len(run["history"]) == SNAPSHOT:
        run["T1_snapshot"] = T1_now.copy()


results = {}
for name, start in [("zeros", np.zeros_like(theta0)), ("random", theta0)]:
    run = {"history": [], "spread": []}
    res = minimize(
        course_cost,
        start,
        args=(X_train_c, Y_train_c, lam_train),
        jac=course_backprop,
        method="L-BFGS-B",
        options={"maxiter": 150},
        callback=lambda t, run=run: record(t, run),
    )
    T1, T2 = reshape_params(res.x)
    run["acc"] = np.mean(forward_course([T1, T2], Xd_te).argmax(axis=1) == yd_te)
    results[name] = run
    marks = ", ".join(f"{k}: {run['spread'][k - 1]:.1e}" for k in (10, 20, 50, 100, len(run["spread"])))
    print(f"{name:>6}: max spread of hidden-unit weights after iteration {marks}")
    print(f"        cost after {SNAPSHOT} iterations {run['history'][SNAPSHOT - 1]:.3f}, "
          f"final cost {run['history'][-1]:.3f}, test accuracy {run['acc']:.3f}")

zeros, rand = results["zeros"], results["random"]
assert zeros["spread"][SNAPSHOT - 1] < 1e-8  # identical up to rounding while the tie holds
assert rand["spread"][SNAPSHOT - 1] > 0.5
assert zeros["history"][SNAPSHOT - 1] > 2 * rand["history"][SNAPSHOT - 1]  # 25 copies of one unit learn little
assert zeros["acc"] < rand["acc"] - 0.1 and rand["acc"] > 0.9

# %%
fig, axes = plt.subplots(2, 8, figsize=(11, 3.4))
for row, (name, label) in enumerate([("zeros", "全零起点"), ("random", "随机起点")]):
    T1 = results[name]["T1_snapshot"]
    vmax = np.abs(T1[:8, 1:]).max()
    for j in range(8):
        ax = axes[row, j]
        ax.imshow(T1[j, 1:].reshape(8, 8), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if j == 0:
            ax.set_ylabel(label)
        if row == 0:
            ax.set_title(f"隐藏单元 {j + 1}", fontsize=9)
fig.suptitle(f"第 {SNAPSHOT} 步时前 8 个隐藏单元的输入权重 Θ(1)[j, 1:]，排成 8×8：全零起点各单元相同，随机起点各学各的")
fig.tight_layout()
plt.show()

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for name, label in [("zeros", "全零起点"), ("random", "随机起点 [-0.12, 0.12]")]:
    run = results[name]
    axes[0].plot(run["history"], label=f"{label}，测试准确率 {run['acc']:.3f}")
    axes[1].semilogy(np.maximum(run["spread"], 1e-18), label=label)
axes[0].set_xlabel("L-BFGS 迭代次数")
axes[0].set_ylabel("训练集代价 J(Θ)")
axes[0].set_yscale("log")
axes[0].set_title("单元相同时，网络只相当于一个隐藏单元")
axes[0].legend()
axes[1].axvline(SNAPSHOT, color="gray", ls=":")
axes[1].set_xlabel("L-BFGS 迭代次数")
axes[1].set_ylabel("隐藏单元权重之间的最大差")
axes[1].set_title("舍入误差在对称点附近被逐步放大")
axes[1].legend()
fig.tight_layout()
plt.show()

# %%
print(f"total runtime: {time.perf_counter() - t_start:.1f} s")
