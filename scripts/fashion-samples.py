#!/usr/bin/env python3
"""Writes the image page's sample images from the Fashion-MNIST test set.

    python3 scripts/fashion-samples.py [--per-class N] [--out DIR]

Reads Debian's Fashion-MNIST (package dataset-fashion-mnist: /usr/share/datasets/fashion-mnist,
or the folder $AEREC_FASHION_MNIST_DIR) and writes into DIR (default web/demo/fashion-mnist):

  samples.bin   the images, 28 x 28 bytes each (0 = background, 255 = ink), row by row, one
                after another, in test-set order
  samples.json  {"count", "height", "width", "labels", "indices", "label_names", "source"}:
                the class and test-set index of each image

The images are the first N (default 30) of each class in test-set order, so the same files come
out every time. Only the test set is used: the page's model never trained on these images.
"""

import argparse
import gzip
import json
import os
import struct
import sys
from pathlib import Path

LABEL_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
DEFAULT_DIR = '/usr/share/datasets/fashion-mnist'
IMAGES = 't10k-images-idx3-ubyte.gz'
LABELS = 't10k-labels-idx1-ubyte.gz'


def fail(message):
    print(f'fashion-samples.py: {message}', file=sys.stderr)
    sys.exit(1)


def read_idx(path, magic, dims):
    """The payload of an IDX file (gzipped) and its dimensions, checking the magic number."""
    try:
        with gzip.open(path, 'rb') as f:
            data = f.read()
    except OSError as error:
        fail(f'cannot read {path}: {error} (apt-get install dataset-fashion-mnist, '
             'or set AEREC_FASHION_MNIST_DIR)')
    header = 4 + 4 * dims
    if len(data) < header or struct.unpack('>I', data[:4])[0] != magic:
        fail(f'{path} is not an IDX file of {dims} dimension(s)')
    shape = struct.unpack(f'>{dims}I', data[4:header])
    size = 1
    for d in shape:
        size *= d
    if len(data) != header + size:
        fail(f'{path}: {len(data) - header} bytes of data for a shape of {shape}')
    return data[header:], shape


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--per-class', type=int, default=30, help='images of each class (default 30)')
    parser.add_argument('--out', type=Path,
                        default=Path(__file__).resolve().parent.parent / 'web' / 'demo' / 'fashion-mnist',
                        help='the folder to write (default web/demo/fashion-mnist)')
    args = parser.parse_args()
    if args.per_class < 1:
        fail('--per-class must be at least 1')

    source = Path(os.environ.get('AEREC_FASHION_MNIST_DIR') or DEFAULT_DIR)
    pixels, (count, height, width) = read_idx(source / IMAGES, 0x00000803, 3)
    labels, (label_count,) = read_idx(source / LABELS, 0x00000801, 1)
    if label_count != count:
        fail(f'{count} images but {label_count} labels')
    if any(label >= len(LABEL_NAMES) for label in labels):
        fail(f'{source / LABELS} has a label outside 0..{len(LABEL_NAMES) - 1}')

    taken = [0] * len(LABEL_NAMES)
    indices = []
    for i, label in enumerate(labels):
        if taken[label] < args.per_class:
            taken[label] += 1
            indices.append(i)
    if min(taken) < args.per_class:
        fail(f'the test set has only {min(taken)} images of some class')

    size = height * width
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / 'samples.bin').write_bytes(b''.join(pixels[i * size:(i + 1) * size] for i in indices))
    meta = {
        'count': len(indices),
        'height': height,
        'width': width,
        'labels': [labels[i] for i in indices],
        'indices': indices,
        'label_names': LABEL_NAMES,
        'source': f'Fashion-MNIST test set (t10k): the first {args.per_class} images of each class, '
                  f'from test images {indices[0]}..{indices[-1]} ("indices" says which). '
                  '\u00a9 2017 Zalando SE, MIT licence: see NOTICE.',
    }
    # One line, no spaces: the page fetches it (serve.mjs gzips it further).
    (args.out / 'samples.json').write_text(json.dumps(meta, separators=(',', ':')) + '\n')
    print(f'wrote {len(indices)} images of {height}x{width} ({args.per_class} of each of '
          f'{len(LABEL_NAMES)} classes) to {args.out}')


if __name__ == '__main__':
    main()
