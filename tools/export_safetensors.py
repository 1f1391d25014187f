"""Writes a model's weights, batch-norm running statistics included, as a safetensors file for --weights.

DJL reads a TorchScript module's parameters but not its buffers, so a torchvision model with batch norm cannot
give the job its running mean and variance through a .pt file. A safetensors file holds every tensor of the
state dict by name; the job imports them by torchvision's names.

    /usr/bin/python3 tools/export_safetensors.py IN OUT.safetensors

IN: a TorchScript file (torch.jit.save) or a state dict saved with torch.save. Tensors are written as float32
(little-endian); num_batches_tracked counters are left out. Needs only torch (the safetensors package is not
required: the format is an 8-byte header length, a JSON header, then the raw tensors).
"""
import json
import struct
import sys

import torch


def state_dict(path):
    try:
        return torch.jit.load(path, map_location="cpu").state_dict()
    except RuntimeError:
        return torch.load(path, map_location="cpu")


def write(tensors, out):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tensors = {k: v for k, v in state_dict(sys.argv[1]).items() if not k.endswith("num_batches_tracked")}
    write(tensors, sys.argv[2])
    print(f"wrote {len(tensors)} tensors to {sys.argv[2]}")
