#!/usr/bin/python3
"""The PyTorch peer of the benchmark: the chapter's models with Keras' initialisation and settings, trained on
the identical float32 datasets that bench/Dl4jBench.java exports.

    torch_bench.py DATA_DIR MODEL EPOCHS [--threads N] [--batches N]

Prints one JSON line: model, per-epoch seconds, median s/epoch after the first epoch, final validation metric.
--batches N trains each epoch on the first N batches of 32 only and validates on the first N x 32 validation windows
(a quick check, as bench/Dl4jBench.java's option; not seconds per epoch: the README's table uses full epochs).
Needs Debian's python3-torch (run with /usr/bin/python3).

Training as each notebook compiles its model: notebooks 01-04 Adam (Keras' epsilon 1e-7) on MSE; notebook 05's
ridership models Huber (delta 1) with SGD momentum 0.9 at the book's rates (PyTorch's momentum buffer scaled by the
rate is Keras' velocity, so the updates are the same); notebook 06's Bach model sparse categorical cross-entropy with
Nadam 1e-3.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn


def load(data_dir, kind, split):
    def shape(line):
        return [int(v) for v in line.strip().strip("[]").split(",")]
    with open(f"{data_dir}/{kind}_{split}_shapes.txt") as f:
        xs, ys = shape(f.readline()), shape(f.readline())
    x = np.fromfile(f"{data_dir}/{kind}_{split}_x.f32", dtype="<f4").reshape(xs)
    y = np.fromfile(f"{data_dir}/{kind}_{split}_y.f32", dtype="<f4").reshape(ys)
    return torch.from_numpy(x), torch.from_numpy(y)


def keras_init(module):
    """Glorot-uniform kernels, orthogonal recurrent kernels, zero biases (and no second RNN bias), as Keras."""
    for name, p in module.named_parameters():
        if "weight_hh" in name:
            nn.init.orthogonal_(p)
        elif "weight" in name:
            nn.init.xavier_uniform_(p)
        elif "bias" in name:
            nn.init.zeros_(p)
            if "bias_hh" in name and not isinstance(module, nn.GRU):
                p.requires_grad_(False)  # Keras' SimpleRNN and LSTM have one bias vector
    if isinstance(module, nn.LSTM):
        with torch.no_grad():
            for name, p in module.named_parameters():
                if "bias_ih" in name:
                    n = p.shape[0] // 4
                    p[n:2 * n] = 1.0  # unit_forget_bias


def keras_rnn_cell(n_in, units, layer_norm=False):
    """A simple RNN cell's weights as Keras initialises them: input kernel Glorot uniform, bias zero, recurrent
    kernel orthogonal; with layer_norm, a LayerNorm (epsilon 1e-3) as in the book's LNSimpleRNNCell."""
    parts = {"x": nn.Linear(n_in, units), "h": nn.Linear(units, units, bias=False)}
    if layer_norm:
        parts["norm"] = nn.LayerNorm(units, eps=1e-3)
    cell = nn.ModuleDict(parts)
    nn.init.xavier_uniform_(cell["x"].weight)
    nn.init.zeros_(cell["x"].bias)
    nn.init.orthogonal_(cell["h"].weight)
    return cell


class Recurrent(nn.Module):
    """Stacked recurrent layers (batch first) and a head on the last step or on every step."""

    def __init__(self, cell, sizes, out, seq2seq=False, dense=True, inputs=1):
        super().__init__()
        self.layers = nn.ModuleList()
        n_in = inputs
        for size in sizes:
            layer = cell(n_in, size, batch_first=True)
            keras_init(layer)
            self.layers.append(layer)
            n_in = size
        self.seq2seq = seq2seq
        self.head = None
        if dense:
            self.head = nn.Linear(n_in, out)
            keras_init(self.head)

    def forward(self, x):
        for layer in self.layers:
            x, _ = layer(x)
        if not self.seq2seq:
            x = x[:, -1]
        return self.head(x) if self.head is not None else x


class DropoutRNN(nn.Module):
    """Notebook 02's MC Dropout model: SimpleRNN(20, dropout=0.2, recurrent_dropout=0.2, return_sequences) twice,
    then Dense(10) at every step. Keras' SimpleRNNCell math: in training each sample draws one inverted-dropout mask
    over its step input and one over its previous state, kept for every step of the sequence,
    h' = tanh((x * m) W + b + (h * r) U); no masks in evaluation. nn.RNN has no recurrent dropout, so the cell runs in
    an explicit Python loop over the steps: PyTorch pays per-step Python and dispatch costs here where Keras/TF would
    run a fused loop (the input product, whose mask is the same at every step, is one product for all steps)."""

    def __init__(self, units=20, out=10, rate=0.2, recurrent_rate=0.2):
        super().__init__()
        self.rate = rate
        self.recurrent_rate = recurrent_rate
        self.cells = nn.ModuleList()
        n_in = 1
        for _ in range(2):
            self.cells.append(keras_rnn_cell(n_in, units))
            n_in = units
        self.head = nn.Linear(units, out)
        keras_init(self.head)

    def mask(self, x, size, rate):
        """A per-sample inverted-dropout mask [batch, size] (ones, dropped to 0, kept ones scaled by 1/(1-rate))."""
        return nn.functional.dropout(x.new_ones(x.shape[0], size), rate, training=True)

    def forward(self, x):
        for cell in self.cells:
            units = cell["h"].in_features
            h = x.new_zeros(x.shape[0], units)
            if self.training:
                x = x * self.mask(x, x.shape[2], self.rate)[:, None, :]
                r = self.mask(x, units, self.recurrent_rate)
            xs = cell["x"](x)  # input projection for all steps at once
            outs = []
            for t in range(x.shape[1]):
                h = torch.tanh(xs[:, t] + cell["h"](h * r if self.training else h))
                outs.append(h)
            x = torch.stack(outs, 1)
        return self.head(x)


class BatchNormRNN(nn.Module):
    """SimpleRNN(20) > BatchNormalization > SimpleRNN(20) > BatchNormalization > Dense(10) at every step; Keras'
    momentum 0.99 is PyTorch's 0.01, epsilon 1e-3; statistics over batch and time, as Keras on 3-D input."""

    def __init__(self, out=10):
        super().__init__()
        self.rnns = nn.ModuleList()
        self.norms = nn.ModuleList()
        n_in = 1
        for _ in range(2):
            rnn = nn.RNN(n_in, 20, batch_first=True)
            keras_init(rnn)
            self.rnns.append(rnn)
            self.norms.append(nn.BatchNorm1d(20, eps=1e-3, momentum=0.01))
            n_in = 20
        self.head = nn.Linear(20, out)
        keras_init(self.head)

    def forward(self, x):
        for rnn, norm in zip(self.rnns, self.norms):
            x, _ = rnn(x)
            x = norm(x.transpose(1, 2)).transpose(1, 2)
        return self.head(x)


class LayerNormRNN(nn.Module):
    """The book's RNN(LNSimpleRNNCell(20)) twice: a linear recurrent step, LayerNorm (eps 1e-3), tanh; an explicit
    Python loop over the steps, as the book's cell is run by keras.layers.RNN."""

    def __init__(self, units=20, out=10):
        super().__init__()
        self.cells = nn.ModuleList()
        n_in = 1
        for _ in range(2):
            self.cells.append(keras_rnn_cell(n_in, units, layer_norm=True))
            n_in = units
        self.head = nn.Linear(units, out)
        keras_init(self.head)

    def forward(self, x):
        for cell in self.cells:
            h = x.new_zeros(x.shape[0], cell["h"].in_features)
            xs = cell["x"](x)  # input projection for all steps at once
            outs = []
            for t in range(x.shape[1]):
                h = torch.tanh(cell["norm"](xs[:, t] + cell["h"](h)))
                outs.append(h)
            x = torch.stack(outs, 1)
        return self.head(x)


class ConvGRU(nn.Module):
    """Conv1D(20, 4, strides=2, valid) then GRU(20) x2 then a dense layer at every step."""

    def __init__(self, out=10):
        super().__init__()
        self.conv = nn.Conv1d(1, 20, 4, stride=2)
        keras_init(self.conv)
        self.rnn = Recurrent(nn.GRU, [20, 20], out, seq2seq=True)
        # the recurrent stack reads 20 channels, not 1
        self.rnn.layers[0] = nn.GRU(20, 20, batch_first=True)
        keras_init(self.rnn.layers[0])

    def forward(self, x):
        z = self.conv(x.transpose(1, 2)).transpose(1, 2)
        return self.rnn(z)


class WaveNet(nn.Module):
    """Causal Conv1D(20, 2, relu) with dilations (1, 2, 4, 8) x 2, then Conv1D(10, 1)."""

    def __init__(self, out=10):
        super().__init__()
        self.convs = nn.ModuleList()
        self.rates = [1, 2, 4, 8] * 2
        n_in = 1
        for rate in self.rates:
            conv = nn.Conv1d(n_in, 20, 2, dilation=rate)
            keras_init(conv)
            self.convs.append(conv)
            n_in = 20
        self.head = nn.Conv1d(20, out, 1)
        keras_init(self.head)

    def forward(self, x):
        z = x.transpose(1, 2)
        for conv, rate in zip(self.convs, self.rates):
            z = torch.relu(conv(nn.functional.pad(z, (rate, 0))))  # causal: pad the past only
        return self.head(z).transpose(1, 2)


class OriginalWaveNet(nn.Module):
    """Notebook 04's "original" WaveNet (the book's functional model, as Models.originalWavenet): causal Conv1D(32, 2),
    three residual blocks with dilation rates 1, 2, 4 (causal Conv1D(64, 2), the book code's gated unit
    tanh(tanh(a)) * sigmoid(b), Conv1D(32, 1) as the skip output, the block's input added back), then relu of the sum
    of the skips, Conv1D(32, 1, relu) and Conv1D(10, 1) with a softmax over each step's 10 outputs (the book) or
    linear."""

    def __init__(self, softmax=True, filters=32, out=10):
        super().__init__()
        self.softmax = softmax
        self.conv_in = nn.Conv1d(1, filters, 2)
        self.rates = [1, 2, 4]
        self.dilated = nn.ModuleList()
        self.skips = nn.ModuleList()
        for rate in self.rates:
            self.dilated.append(nn.Conv1d(filters, 2 * filters, 2, dilation=rate))
            self.skips.append(nn.Conv1d(filters, filters, 1))
        self.conv_relu = nn.Conv1d(filters, filters, 1)
        self.conv_out = nn.Conv1d(filters, out, 1)
        for m in [self.conv_in, *self.dilated, *self.skips, self.conv_relu, self.conv_out]:
            keras_init(m)

    def forward(self, x):
        z = self.conv_in(nn.functional.pad(x.transpose(1, 2), (1, 0)))
        skips = []
        for i, (dilated, skip_conv, rate) in enumerate(zip(self.dilated, self.skips, self.rates)):
            a, b = dilated(nn.functional.pad(z, (rate, 0))).chunk(2, dim=1)
            skip = skip_conv(torch.tanh(torch.tanh(a)) * torch.sigmoid(b))
            skips.append(skip)
            if i < len(self.rates) - 1:
                z = z + skip  # the last block's residual sum feeds nothing
        z = torch.relu(self.conv_relu(torch.relu(sum(skips))))
        y = self.conv_out(z)
        if self.softmax:
            y = torch.softmax(y, dim=1)  # over the outputs of each step, as Keras' Conv1D(activation="softmax")
        return y.transpose(1, 2)


class Bach(nn.Module):
    """Notebook 06 (exercise 10): Embedding(47, 5) > causal Conv1D 32/48/64/96 (kernel 2, relu, dilations 1/2/4/8),
    each followed by BatchNormalization (Keras' momentum 0.99 and epsilon 1e-3, statistics over batch and time) >
    LSTM(256, return sequences) > Dense(47). The head returns logits: the softmax is in the loss
    (nn.CrossEntropyLoss), which is the same math as Keras' sparse categorical cross-entropy on a softmax layer's
    output (Keras reads the softmax's logits there), and the argmax for accuracy is the same."""

    def __init__(self, tokens=47, dims=5):
        super().__init__()
        self.embedding = nn.Embedding(tokens, dims)
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)  # Keras' Embedding initialiser
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        self.rates = [1, 2, 4, 8]
        n_in = dims
        for filters, rate in zip([32, 48, 64, 96], self.rates):
            conv = nn.Conv1d(n_in, filters, 2, dilation=rate)
            keras_init(conv)
            self.convs.append(conv)
            self.norms.append(nn.BatchNorm1d(filters, eps=1e-3, momentum=0.01))
            n_in = filters
        self.lstm = nn.LSTM(n_in, 256, batch_first=True)
        keras_init(self.lstm)
        self.head = nn.Linear(256, tokens)
        keras_init(self.head)

    def forward(self, x):
        z = self.embedding(x[..., 0].long()).transpose(1, 2)  # token ids [batch, steps, 1] -> [batch, dims, steps]
        for conv, norm, rate in zip(self.convs, self.norms, self.rates):
            z = norm(torch.relu(conv(nn.functional.pad(z, (rate, 0)))))  # causal: pad the past only
        z, _ = self.lstm(z.transpose(1, 2))
        return self.head(z)


class Linear(nn.Module):
    def __init__(self, steps, out):
        super().__init__()
        self.dense = nn.Linear(steps, out)
        keras_init(self.dense)

    def forward(self, x):
        return self.dense(x.flatten(1))


MODELS = {
    "linear": ("next1", lambda: Linear(50, 1), "val_loss"),
    "simple_rnn": ("next1", lambda: Recurrent(nn.RNN, [1], 1, dense=False), "val_loss"),
    "deep_rnn": ("next1", lambda: Recurrent(nn.RNN, [20, 20, 1], 1, dense=False), "val_loss"),
    "deep_rnn_dense": ("next1", lambda: Recurrent(nn.RNN, [20, 20], 1), "val_loss"),
    "linear_10": ("next10", lambda: Linear(50, 10), "val_loss"),
    "deep_rnn_dense_10": ("next10", lambda: Recurrent(nn.RNN, [20, 20], 10), "val_loss"),
    "seq2seq_rnn": ("seq2seq", lambda: Recurrent(nn.RNN, [20, 20], 10, seq2seq=True), "val_last_time_step_mse"),
    "dropout_rnn": ("seq2seq", lambda: DropoutRNN(), "val_last_time_step_mse"),
    "lstm": ("seq2seq", lambda: Recurrent(nn.LSTM, [20, 20], 10, seq2seq=True), "val_last_time_step_mse"),
    "gru": ("seq2seq", lambda: Recurrent(nn.GRU, [20, 20], 10, seq2seq=True), "val_last_time_step_mse"),
    "batchnorm_rnn": ("seq2seq", lambda: BatchNormRNN(), "val_last_time_step_mse"),
    "layernorm_rnn": ("seq2seq", lambda: LayerNormRNN(), "val_last_time_step_mse"),
    "conv1d_gru": ("seq2seq_conv", lambda: ConvGRU(), "val_last_time_step_mse"),
    "wavenet": ("seq2seq", lambda: WaveNet(), "val_last_time_step_mse"),
    "custom_rnn": ("seq2seq", lambda: LayerNormRNN(), "val_last_time_step_mse"),
    "original_wavenet": ("seq2seq", lambda: OriginalWaveNet(softmax=True), "val_last_time_step_mse"),
    "original_wavenet_linear": ("seq2seq", lambda: OriginalWaveNet(softmax=False), "val_last_time_step_mse"),
    "ridership_linear": ("rail", lambda: Linear(56, 1), "val_mae"),
    "ridership_rnn": ("rail", lambda: Recurrent(nn.RNN, [32], 1), "val_mae"),
    "ridership_deep_rnn": ("rail", lambda: Recurrent(nn.RNN, [32, 32, 32], 1), "val_mae"),
    "ridership_mulvar": ("rail_mulvar", lambda: Recurrent(nn.RNN, [32], 1, inputs=5), "val_mae"),
    "ridership_multitask": ("rail_multitask", lambda: Recurrent(nn.RNN, [32], 2, inputs=5), "val_mae"),
    "ridership_ahead": ("rail_ahead", lambda: Recurrent(nn.RNN, [32], 14, inputs=5), "val_mae"),
    "ridership_seq2seq": ("rail_seq2seq", lambda: Recurrent(nn.RNN, [32], 14, seq2seq=True, inputs=5), "val_mae"),
    "bach": ("chorales", lambda: Bach(), "val_accuracy"),
}

# notebook 05's SGD learning rates (momentum 0.9 for all)
SGD_RATES = {"ridership_linear": 0.02, "ridership_rnn": 0.05, "ridership_deep_rnn": 0.01, "ridership_mulvar": 0.05,
             "ridership_multitask": 0.02, "ridership_ahead": 0.02, "ridership_seq2seq": 0.1}


def keras_params(model):
    """Parameters counted as Keras' summary counts them: the trainable ones plus BatchNormalization's moving mean and
    variance (non-trainable weights in Keras, parameters in DL4J too)."""
    n = sum(p.numel() for p in model.parameters() if p.requires_grad)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            n += m.running_mean.numel() + m.running_var.numel()
    return n


def optimizer(name, params, lr):
    if name in SGD_RATES:
        return torch.optim.SGD(params, lr=lr or SGD_RATES[name], momentum=0.9)
    if name == "bach":
        # Keras' Nadam: beta 0.9/0.999, epsilon 1e-7, momentum schedule decay 0.004 (PyTorch's momentum_decay)
        return torch.optim.NAdam(params, lr=lr or 1e-3, betas=(0.9, 0.999), eps=1e-7, momentum_decay=4e-3)
    lr = lr or {"simple_rnn": 0.005, "seq2seq_rnn": 0.01, "dropout_rnn": 0.01}.get(name, 0.001)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def loss_function(name):
    if name in SGD_RATES:
        return nn.HuberLoss(delta=1.0)  # Keras' Huber(): mean over all values
    if name == "bach":
        ce = nn.CrossEntropyLoss()  # mean over every step of every window, as Keras
        return lambda logits, y: ce(logits.reshape(-1, logits.shape[-1]), y.reshape(-1).long())
    return nn.MSELoss()


def validation(metric, pred, y):
    if metric == "val_last_time_step_mse":
        return float(((pred[:, -1] - y[:, -1]) ** 2).mean())
    if metric == "val_mae":
        return float((pred - y).abs().mean())
    if metric == "val_accuracy":
        return float((pred.argmax(-1) == y[..., 0].long()).float().mean())
    return float(((pred - y) ** 2).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("epochs", type=int)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--batches", type=int, default=0,
                    help="train each epoch on the first N batches only, validate on N x 32 windows (a quick check)")
    args = ap.parse_args()
    if args.batches < 0:
        ap.error(f"--batches must be at least 1 (or 0 for every batch), got {args.batches}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    kind, build, metric = MODELS[args.model]
    x, y = load(args.data_dir, kind, "train")
    xv, yv = load(args.data_dir, kind, "valid")
    if args.batches:
        x, y = x[:args.batches * 32], y[:args.batches * 32]
        xv, yv = xv[:args.batches * 32], yv[:args.batches * 32]
    model = build()
    opt = optimizer(args.model, [p for p in model.parameters() if p.requires_grad], args.lr)
    loss_fn = loss_function(args.model)
    gen = torch.Generator().manual_seed(42)
    seconds = []
    value = float("nan")
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(x.shape[0], generator=gen)
        for i in range(0, x.shape[0], 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(xv)
            value = validation(metric, pred, yv)
        seconds.append(time.perf_counter() - start)
    tail = seconds[1:] if len(seconds) > 1 else seconds
    print(json.dumps({"side": "pytorch", "model": args.model, "params": keras_params(model), "seconds": seconds,
                      "s_per_epoch": statistics.median(tail), "metric": metric, "value": value,
                      "batches": args.batches}))


if __name__ == "__main__":
    main()
