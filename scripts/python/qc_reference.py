"""OpenSlideFM's own arithmetic (NB03 QC, NB04 tiling, NB05 tile preprocessing), written from its notebooks, as the
reference that slidebatch's parity tests and scripts/parity-thumbnail compare against. Python peers: Debian's
python3-openslide, python3-pil, python3-numpy (python3-torchvision for `preprocess`).

usage:
  qc_reference.py thumb SLIDE OUTDIR SIZE...           thumbnails: SIZE = N (NB03/NB04: long side N, OpenSlideFM's
                                                         size rule) or WxH (get_thumbnail((W, H)), wsistream's call);
                                                         writes OUTDIR/<SIZE>.raw, prints "SIZE w h" lines
  qc_reference.py qc SLIDE [openslidefm|none]          NB03 metrics on the 1024-px thumbnail; prints JSON
  qc_reference.py qcimage RAW W H OUTDIR               NB03 on a raw RGB image: metrics (JSON) and its PIL HSV and L
                                                         planes and tissue overlay (OUTDIR/hsv.raw, l.raw, overlay.raw)
  qc_reference.py tokens SLIDE MPP [osfm|fixed]        NB04 candidates per scale (mask on 2048 px); prints JSON
  qc_reference.py preprocess RAW W H OUT.raw           NB05: Resize((224,224), BILINEAR) -> ToTensor -> Normalize
"""
import json
import sys

import numpy as np
from PIL import Image


def thumbnail(slide, max_side):
    # NB03 / NB04: scale = max(w,h)/max_side if larger; (int(w/scale), int(h/scale)); get_thumbnail
    w, h = slide.dimensions
    scale = max(w, h) / max_side if max(w, h) > max_side else 1.0
    tw, th = int(w / scale), int(h / scale)
    return slide.get_thumbnail((tw, th)).convert('RGB')


def qc_metrics(img, pen_rule='openslidefm'):
    hsv = np.array(img.convert('HSV'))
    H, S, V = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    tissue = (S >= 20) & (V < 230)
    white = (V >= 230) & (S <= 30)
    pen = (H >= 170) & (H <= 255) & (S >= 60)
    gray = np.asarray(img.convert('L'), dtype=np.float32)
    p = np.pad(gray, 1, mode='reflect')
    lap = -4 * p[1:-1, 1:-1] + p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    blur = float(np.var(lap[tissue])) if tissue.any() else 0.0
    if tissue.any():
        bm, sm = float(V[tissue].mean()), float(S[tissue].mean())
    else:
        bm, sm = float(V.mean()), float(S.mean())
    m = dict(tissue_pct=float(tissue.mean()), white_pct=float(white.mean()), pen_pct=float(pen.mean()),
             blur_var=blur, brightness_mean=bm, saturation_mean=sm)
    reasons = []
    if m['tissue_pct'] < 0.10:
        reasons.append(f"low_tissue<{0.10:.2f}")
    if m['white_pct'] > 0.75:
        reasons.append(f"white>{0.75:.2f}")
    if m['blur_var'] < 15.0:
        reasons.append(f"blur<{15.0:.1f}")
    if pen_rule == 'openslidefm' and m['pen_pct'] > 0.02:
        reasons.append(f"pen>{0.02:.2f}")
    m['reasons'] = ';'.join(reasons)
    m['width'], m['height'] = img.size
    return m


def base_mpp(slide, fallback):
    props = slide.properties
    for k in ('openslide.mpp-x', 'aperio.MPP'):
        if k in props:
            try:
                return float(props[k])
            except ValueError:
                pass
    return fallback


def tokens(slide, mpp, clamp='osfm'):
    thumb = thumbnail(slide, 2048)
    hsv = np.array(thumb.convert('HSV'))
    mask = (hsv[..., 1] >= 20) & (hsv[..., 2] < 230)
    tw, th = thumb.size
    W0, H0 = slide.dimensions
    out = {'mask_width': tw, 'mask_height': th}
    for target in (0.5, 2.0):
        best_level, best_mpp = 0, mpp
        for lvl in range(slide.level_count):
            m = mpp * slide.level_downsamples[lvl]
            if abs(m - target) < abs(best_mpp - target):
                best_level, best_mpp = lvl, m
        ds = slide.level_downsamples[best_level]
        Wl, Hl = slide.level_dimensions[best_level]
        sx, sy = tw / W0 * ds, th / H0 * ds
        mh, mw = mask.shape
        cand = []
        for y in range(0, max(Hl - 256, 0) + 1, 224):
            for x in range(0, max(Wl - 256, 0) + 1, 224):
                mx0, my0 = int(x * sx), int(y * sy)
                mx1, my1 = int((x + 256) * sx), int((y + 256) * sy)
                mx0, my0 = max(mx0, 0), max(my0, 0)
                if clamp == 'osfm':
                    mx1, my1 = min(mx1, mw - 1), min(my1, mh - 1)
                else:
                    mx1, my1 = min(mx1, mw), min(my1, mh)
                if mx1 <= mx0 or my1 <= my0:
                    cov = 0.0
                else:
                    cov = float(mask[my0:my1, mx0:mx1].mean())
                if cov >= 0.30:
                    cand.append([x, y])
        out[str(target)] = {'level': best_level, 'approx_mpp': best_mpp, 'tiles': cand}
    return out


def main(argv):
    cmd = argv[1]
    if cmd in ('thumb', 'qc', 'tokens'):
        import openslide
        slide = openslide.OpenSlide(argv[2])
    if cmd == 'thumb':
        for size in argv[4:]:
            if 'x' in size:
                w, h = map(int, size.split('x'))
                img = slide.get_thumbnail((w, h)).convert('RGB')
            else:
                img = thumbnail(slide, int(size))
            open('%s/%s.raw' % (argv[3], size), 'wb').write(img.tobytes())
            print(size, img.size[0], img.size[1])
    elif cmd == 'qc':
        print(json.dumps(qc_metrics(thumbnail(slide, 1024), argv[3] if len(argv) > 3 else 'openslidefm')))
    elif cmd == 'qcimage':
        w, h, out = int(argv[3]), int(argv[4]), argv[5]
        img = Image.frombytes('RGB', (w, h), open(argv[2], 'rb').read())
        hsv = np.array(img.convert('HSV'))
        tissue = (hsv[..., 1] >= 20) & (hsv[..., 2] < 230)
        arr = np.asarray(img)
        ov = arr.copy()
        ov[tissue] = (0.35 * arr[tissue] + 0.65 * np.array([255, 0, 0])).astype(np.uint8)
        open(out + '/hsv.raw', 'wb').write(hsv.tobytes())
        open(out + '/l.raw', 'wb').write(img.convert('L').tobytes())
        open(out + '/overlay.raw', 'wb').write(ov.tobytes())
        print(json.dumps(qc_metrics(img)))
    elif cmd == 'tokens':
        print(json.dumps(tokens(slide, float(argv[3]), argv[4] if len(argv) > 4 else 'osfm')))
    elif cmd == 'preprocess':
        import torchvision.transforms as T
        w, h = int(argv[3]), int(argv[4])
        img = Image.frombytes('RGB', (w, h), open(argv[2], 'rb').read())
        tf = T.Compose([T.Resize((224, 224), interpolation=T.InterpolationMode.BILINEAR), T.ToTensor(),
                        T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
        x = tf(img).numpy().astype('<f4')
        open(argv[5], 'wb').write(x.tobytes())
        print(*x.shape)
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main(sys.argv)
