"""Pillow reference for PilImaging parity: applies operations to a raw RGB image and writes the results.

usage: pil_ops.py RAW WIDTH HEIGHT OUTDIR OP...
  thumb:W:H                Image.thumbnail((W, H), LANCZOS)      (openslide-python's call)
  resize:FILTER:W:H        Image.resize((W, H), FILTER)          (torchvision's call on PIL images)
  reduce:FX:FY:X0:Y0:X1:Y1 Image.reduce((FX, FY), box)
Writes OUTDIR/<i>.raw per operation and prints "<i> <width> <height>" lines.
"""
import sys
from PIL import Image

raw, w, h, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
src = Image.frombytes('RGB', (w, h), open(raw, 'rb').read())
F = getattr(Image, 'Resampling', Image)
for i, op in enumerate(sys.argv[5:]):
    parts = op.split(':')
    if parts[0] == 'thumb':
        im = src.copy()
        im.thumbnail((int(parts[1]), int(parts[2])), F.LANCZOS)
    elif parts[0] == 'resize':
        im = src.resize((int(parts[2]), int(parts[3])), getattr(F, parts[1]))
    elif parts[0] == 'reduce':
        fx, fy, x0, y0, x1, y1 = map(int, parts[1:])
        im = src.reduce((fx, fy), box=(x0, y0, x1, y1))
    else:
        raise SystemExit('unknown op ' + op)
    open('%s/%d.raw' % (out, i), 'wb').write(im.tobytes())
    print(i, im.size[0], im.size[1])
