#!/usr/bin/env python3
"""Writes Fixtures/interop/torch-cnn/: a small PyTorch CNN (torch.nn.Sequential of Conv2d, BatchNorm2d,
ReLU, MaxPool2d, Conv2d, ReLU, AvgPool2d, Flatten, Linear) saved with safetensors, the Cairn graph JSON
that describes it (node names = the Sequential's indices, so tensor names match), five input images and
the logits PyTorch computes for them in eval mode. `CairnEvaluationTests/TorchCNNImportTests` checks that
Cairn computes the same logits (to 1e-5). Needs torch and safetensors; run from the repository root:

    python3 Tests/EndToEnd/make_torch_cnn.py
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

OUT = os.path.join("Fixtures", "interop", "torch-cnn")


def main():
    torch.manual_seed(7)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding="same", bias=False), nn.ReLU(), nn.AvgPool2d(2, padding=1), nn.Flatten(),
        nn.Linear(6 * 3 * 3, 10))
    model.train()
    with torch.no_grad():  # move the batch-norm running statistics away from 0 and 1
        for _ in range(5):
            model(torch.randn(16, 1, 8, 8) * 2 + 0.5)
    model.eval()
    inputs = torch.randn(5, 1, 8, 8)
    with torch.no_grad():
        logits = model(inputs)
    os.makedirs(OUT, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(OUT, "model.safetensors"))
    graph = {"nodes": [
        {"name": "input", "kind": "input", "shape": [1, 8, 8]},
        {"name": "0", "kind": "conv2d", "inputs": ["input"], "channels": 4, "kernel": 3, "padding": 1},
        {"name": "1", "kind": "batch-norm", "inputs": ["0"]},
        {"name": "2", "kind": "relu", "inputs": ["1"]},
        {"name": "3", "kind": "max-pool", "inputs": ["2"], "kernel": 2},
        {"name": "4", "kind": "conv2d", "inputs": ["3"], "channels": 6, "kernel": 3, "padding": "same", "bias": False},
        {"name": "5", "kind": "relu", "inputs": ["4"]},
        {"name": "6", "kind": "avg-pool", "inputs": ["5"], "kernel": 2, "padding": 1},
        {"name": "7", "kind": "flatten", "inputs": ["6"]},
        {"name": "8", "kind": "dense", "inputs": ["7"], "units": 10},
    ]}
    with open(os.path.join(OUT, "graph.json"), "w") as f:
        json.dump(graph, f, indent=1)
        f.write("\n")
    np.save(os.path.join(OUT, "inputs.npy"), inputs.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "logits.npy"), logits.numpy().astype(np.float32))
    print("wrote", OUT, "torch", torch.__version__)


if __name__ == "__main__":
    main()
