#!/usr/bin/env python3
"""Run a HALP plan's segments and zones with PyTorch on a GPU, check the stitched feature map against the
whole frame, and time every layer on the row counts the plan uses, as a profile in the shared/profiles format.

    bin/halp plan --secondaries 2 --profile xavier --out plan.json
    python3 tools/gpu/run_plan.py plan.json --out gpu-profile.json

Input: the plan JSON written by `plan --out` (or the last line of `plan --json`). Every piece lists its slice
program: per layer the input rows it reads, the border rows to add above/below (the layer's own padding, only
at the frame border) and the output rows. Each layer then runs with zero height padding, as on the CPU.
Only torchvision-layout VGG models (vgg16, vgg11) are built here. Weights are random (seeded): exactness does
not depend on them. TF32 is switched off, so fp32 stitching must be exact (max |diff| 0.0).
"""
import argparse
import json
import sys

import torch
import torch.nn.functional as F
import torchvision


def load_plan(path):
    text = open(path).read().strip()
    try:
        return json.loads(text)  # plan --out FILE
    except json.JSONDecodeError:
        return json.loads(text.splitlines()[-1])  # the output of plan --json


def run_layer(layer, x, pad_top, pad_bottom):
    """One layer on an explicitly padded slice, with zero height padding (width padding kept)."""
    if isinstance(layer, torch.nn.Conv2d):
        x = F.pad(x, (0, 0, pad_top, pad_bottom), value=0.0)
        return F.conv2d(x, layer.weight, layer.bias, layer.stride, (0, layer.padding[1]), layer.dilation, layer.groups)
    if isinstance(layer, torch.nn.MaxPool2d):
        x = F.pad(x, (0, 0, pad_top, pad_bottom), value=float("-inf"))
        pw = layer.padding if isinstance(layer.padding, int) else layer.padding[1]
        return F.max_pool2d(x, layer.kernel_size, layer.stride, (0, pw))
    return layer(x)  # element-wise (ReLU): no rows read beyond its own


def run_piece(features, block_input, steps):
    x = block_input[:, :, steps[0]["input_start"]:steps[0]["input_end"]]
    for s in steps:
        x = run_layer(features[s["layer"]], x, s["pad_top"], s["pad_bottom"])
        assert x.shape[2] == s["output_end"] - s["output_start"], (s, x.shape)
    return x


def cuda_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plan")
    ap.add_argument("--out", help="profile file to write (shared/profiles format)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    plan = load_plan(args.plan)
    if plan["model"] not in ("vgg16", "vgg11"):
        sys.exit("run_plan.py builds torchvision VGG only, plan is for " + plan["model"])
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(args.seed)
    dev = torch.device("cuda")
    features = getattr(torchvision.models, plan["model"])(weights=None).features.to(dev).eval()
    frame = torch.rand(1, 3, plan["height"], plan["width"], device=dev)
    with torch.no_grad():
        whole = features(frame)
        x = frame
        for b, block in enumerate(plan["blocks"]):
            outs = []
            for piece in block["pieces"]:
                if piece["end"] > piece["start"]:
                    outs.append(run_piece(features, x, piece["steps"]))
                    ms = cuda_ms(lambda: run_piece(features, x, piece["steps"]), args.repeats)
                    who = "host zone" if piece["owner"] == "host" else "secondary %d" % piece["index"]
                    print("block %d %-12s rows [%d,%d): %.3f ms" % (b, who, piece["start"], piece["end"], ms))
            x = torch.cat(outs, dim=2)
        diff = (whole - x).abs().max().item()
        print("stitched vs whole frame: max |diff| = %r (%s)" % (diff, "EXACT" if diff == 0 else "DIFFERS"))
        # every layer on the first R rows of its whole-frame input, for each R the plan's slices read
        rows_by_layer = {}
        for block in plan["blocks"]:
            for piece in block["pieces"]:
                for s in piece["steps"]:
                    if s["input_end"] > s["input_start"]:
                        rows_by_layer.setdefault(s["layer"], set()).add(s["input_end"] - s["input_start"])
        layers, h = [], frame
        for i, layer in enumerate(features):
            ms_by_rows = {str(r): cuda_ms(lambda: layer(h[:, :, :r]), args.repeats)
                          for r in sorted(rows_by_layer.get(i, {h.shape[2]}))}
            layers.append({"idx": i, "type": type(layer).__name__, "in_shape": list(h.shape), "ms_by_rows": ms_by_rows})
            h = layer(h)
        full = cuda_ms(lambda: features(frame), args.repeats)
    key = "%dx%d_b1_fp32" % (plan["height"], plan["width"])
    print("whole feature stack %.3f ms" % full)
    if args.out:
        json.dump({"description": "VGG conv stack (torchvision layout, random weights) on one GPU, PyTorch, TF32 off. "
                   "tables: key HxW_bBATCH_DTYPE -> list of layers of the features stack, each with its input shape "
                   "and the median CUDA-event milliseconds to run that layer on the first R input rows "
                   "(ms_by_rows: R -> ms), R = the row counts the plan's slices read. full_frame_ms: whole conv stack.",
                   "device": torch.cuda.get_device_name(), "framework": "PyTorch " + torch.__version__,
                   "full_frame_ms": {key: full}, "tables": {key: layers}}, open(args.out, "w"), indent=1)
    return 0 if diff == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
