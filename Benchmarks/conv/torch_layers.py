#!/usr/bin/env python3
"""PyTorch side of the convolution benchmark: the same layers as cairn-bench-conv, forward + backward,
torch.set_num_threads(THREADS), gradients set to None before each pass (as optimizer.zero_grad does).
Prints one `RESULT {json}` line per layer. Run by run.py; not on its own."""
import json
import sys
import time

import torch

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
# "cpu": the process's processor time (steadier on a shared machine; for 1 thread only), else wall time.
CLOCK = time.process_time if len(sys.argv) > 3 and sys.argv[3] == "cpu" else time.perf_counter
torch.set_num_threads(THREADS)
torch.manual_seed(1)

# (network, name, batch, input shape without batch, out channels, kernel, stride, input gradient)
LAYERS = []
for batch in (128, 32):
    LAYERS.append(("lenet", "conv1 1->6 5x5 on 28x28", batch, (1, 28, 28), 6, 5, 1, False))
    LAYERS.append(("lenet", "conv2 6->16 5x5 on 12x12", batch, (6, 12, 12), 16, 5, 1, True))
for index, (channels, length, kernel) in enumerate([(1, 40, 5), (25, 18, 3), (25, 8, 3)]):
    LAYERS.append(("cnn1d", f"conv{index + 1} {channels}->25 k{kernel} s2 on {length}", 100, (channels, length), 25,
                   kernel, 2, index > 0))


def measure(batch, shape, out_channels, kernel, stride, input_gradient):
    x = torch.rand(batch, *shape) - 0.5
    x.requires_grad_(input_gradient)
    conv = (torch.nn.Conv1d if len(shape) == 2 else torch.nn.Conv2d)(shape[0], out_channels, kernel, stride=stride)
    gradient = torch.rand_like(conv(x)) - 0.5

    def step():
        conv.weight.grad = None
        conv.bias.grad = None
        x.grad = None
        conv(x).backward(gradient)

    for _ in range(20):
        step()
    start, calibration = CLOCK(), 0
    while CLOCK() - start < 0.05:
        step()
        calibration += 1
    iterations = max(1, int(0.2 / ((CLOCK() - start) / calibration)))
    times = []
    for _ in range(REPS):
        begin = CLOCK()
        for _ in range(iterations):
            step()
        times.append((CLOCK() - begin) / iterations)
    return sorted(times)[len(times) // 2]


for network, name, batch, shape, out_channels, kernel, stride, input_gradient in LAYERS:
    seconds = measure(batch, shape, out_channels, kernel, stride, input_gradient)
    print("RESULT " + json.dumps({"network": network, "layer": name, "batch": batch, "seconds": seconds}), flush=True)
