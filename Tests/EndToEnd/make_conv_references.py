#!/usr/bin/env python3
"""Writes Fixtures/kernels/torch-references.json: outputs and gradients of PyTorch's conv1d, conv2d,
max_pool1d/2d, avg_pool1d/2d, adaptive average pooling and batch_norm (training and evaluation) for
small cases, which Tests/CairnEngineTests/TorchReferenceTests.swift compares Cairn's kernels against.

    python3 Tests/EndToEnd/make_conv_references.py

Inputs are not stored: every tensor is the pattern `pattern(count, seed)` below, exact in float32, which
the Swift test rebuilds. The loss is `sum(y * r)` with `r = pattern(y.numel(), 4)`, so the gradients
stored are those of the output gradient `r`. Needs torch (CPU); run with any version >= 1.9.
"""
import json
import os

import numpy
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Fixtures", "kernels", "torch-references.json")


def pattern(count, seed, scale=128.0):
    """((i * 37 + seed * 101) % 199 - 99) / scale: distinct within any 199 consecutive elements."""
    return torch.tensor([((i * 37 + seed * 101) % 199 - 99) / scale for i in range(count)], dtype=torch.float32)


def values(t):
    """The values as the shortest decimals that read back as the same float32s."""
    return [float(str(v)) for v in t.detach().reshape(-1).numpy().astype(numpy.float32)]


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def conv_case(name, shape, out_channels, kernel, stride, padding, dilation, bias=True):
    one_d = len(shape) == 3
    in_channels = shape[1]
    weight_shape = [out_channels, in_channels] + list(kernel)
    x = pattern(numel(shape), 1).reshape(shape).requires_grad_(True)
    w = pattern(numel(weight_shape), 2, scale=256.0).reshape(weight_shape).requires_grad_(True)
    b = pattern(out_channels, 3).requires_grad_(True) if bias else None
    conv = F.conv1d if one_d else F.conv2d
    y = conv(x, w, b, stride=stride, padding=padding, dilation=dilation)
    r = pattern(y.numel(), 4).reshape(y.shape)
    (y * r).sum().backward()
    case = {"name": name, "op": "conv1d" if one_d else "conv2d", "input": shape, "out_channels": out_channels,
            "kernel": list(kernel), "stride": list(stride), "padding": padding if padding == "same" else list(padding),
            "dilation": list(dilation), "bias": bias, "output_shape": list(y.shape),
            "y": values(y), "dx": values(x.grad), "dw": values(w.grad)}
    if bias:
        case["db"] = values(b.grad)
    return case


def pool_case(op, name, shape, kernel, stride, padding):
    one_d = len(shape) == 3
    x = pattern(numel(shape), 1).reshape(shape).requires_grad_(True)
    if op == "max":
        function = F.max_pool1d if one_d else F.max_pool2d
        y, indices = function(x, kernel, stride, padding, return_indices=True)
    elif op == "avg":
        function = F.avg_pool1d if one_d else F.avg_pool2d
        y, indices = function(x, kernel, stride, padding), None
    else:
        y, indices = (F.adaptive_avg_pool1d(x, 1) if one_d else F.adaptive_avg_pool2d(x, 1)).flatten(1), None
    r = pattern(y.numel(), 4).reshape(y.shape)
    (y * r).sum().backward()
    case = {"name": name, "op": op + "_pool" + ("1d" if one_d else "2d"), "input": shape, "kernel": list(kernel),
            "stride": list(stride), "padding": list(padding), "output_shape": list(y.shape),
            "y": values(y), "dx": values(x.grad)}
    if indices is not None:
        case["indices"] = indices.reshape(-1).tolist()
    return case


def batch_norm_case(name, shape, training, momentum=0.1, eps=1e-5):
    channels = shape[1]
    x = pattern(numel(shape), 1).reshape(shape).requires_grad_(True)
    gamma = (1 + pattern(channels, 5, scale=512.0)).requires_grad_(True)
    beta = pattern(channels, 6).requires_grad_(True)
    running_mean = pattern(channels, 7, scale=512.0)
    running_var = 0.5 + pattern(channels, 8).abs()
    y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=training, momentum=momentum, eps=eps)
    r = pattern(y.numel(), 4).reshape(y.shape)
    (y * r).sum().backward()
    return {"name": name, "op": "batch_norm", "input": shape, "training": training, "momentum": momentum, "eps": eps,
            "output_shape": list(y.shape), "y": values(y), "dx": values(x.grad), "dgamma": values(gamma.grad),
            "dbeta": values(beta.grad), "running_mean": values(running_mean), "running_var": values(running_var)}


def main():
    torch.manual_seed(0)
    cases = [
        conv_case("conv2d plain", [2, 1, 6, 6], 2, (3, 3), (1, 1), (0, 0), (1, 1)),
        conv_case("conv2d stride 2x1 padding 1x0", [1, 3, 7, 6], 4, (3, 2), (2, 1), (1, 0), (1, 1)),
        conv_case("conv2d same, even kernel, dilation 2", [1, 2, 7, 8], 3, (4, 3), (1, 1), "same", (2, 1)),
        conv_case("conv2d dilation 2 stride 2, no bias", [1, 2, 9, 8], 2, (3, 3), (2, 2), (2, 1), (2, 2), bias=False),
        conv_case("conv1d stride 2", [3, 1, 12], 4, (5,), (2,), (0,), (1,)),
        conv_case("conv1d same dilation 2", [2, 3, 9], 2, (4,), (1,), "same", (2,)),
        conv_case("conv1d padding 2 stride 3", [2, 2, 10], 3, (3,), (3,), (2,), (1,)),
        pool_case("max", "max_pool2d 2x2", [1, 3, 6, 6], (2, 2), (2, 2), (0, 0)),
        pool_case("max", "max_pool2d 3x3 stride 2 padding 1", [2, 2, 7, 5], (3, 3), (2, 2), (1, 1)),
        pool_case("max", "max_pool1d 3 stride 2 padding 1", [2, 3, 11], (3,), (2,), (1,)),
        pool_case("avg", "avg_pool2d 3x2 stride 2x1 padding 1x1", [2, 2, 7, 6], (3, 2), (2, 1), (1, 1)),
        pool_case("avg", "avg_pool2d 2x2", [1, 3, 6, 6], (2, 2), (2, 2), (0, 0)),
        pool_case("avg", "avg_pool1d 4 stride 3 padding 2", [2, 2, 13], (4,), (3,), (2,)),
        pool_case("global", "global average pooling 2d", [2, 3, 5, 3], (), (), ()),
        pool_case("global", "global average pooling 1d", [2, 3, 7], (), (), ()),
        batch_norm_case("batch_norm2d training", [2, 3, 5, 3], True),
        batch_norm_case("batch_norm1d [N, C, L] training, momentum 0.3", [4, 3, 7], True, momentum=0.3, eps=1e-3),
        batch_norm_case("batch_norm1d [N, C] training", [6, 5], True),
        batch_norm_case("batch_norm2d evaluation", [2, 3, 4, 4], False),
    ]
    with open(OUT, "w") as f:
        json.dump({"generator": "Tests/EndToEnd/make_conv_references.py", "torch": torch.__version__.split("+")[0],
                   "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
