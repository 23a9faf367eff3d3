#!/usr/bin/env bash
# Writes the seed corpora under fuzz/corpus/ again: small hand-made examples
# of every text format (valid ones and slightly broken ones), tiny IDX files,
# and model files, checkpoints and a taste map that an aerec CLI makes from
# a synthetic ratings file (never MovieLens's: its data is not ours to
# commit). Usage: fuzz/make-seeds.sh [AEREC] (default build/native-release/native/aerec)
set -euo pipefail
cd "$(dirname "$0")/.."
aerec=$(realpath "${1:-build/native-release/native/aerec}")
corpus=fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seed() {  # seed TARGET NAME: stdin becomes the seed
  mkdir -p "$corpus/$1"
  cat >"$corpus/$1/$2"
}

# --- rating files -------------------------------------------------------
printf '1\t10\t5\t881250949\n1\t20\t3\t881250950\n2\t10\t4\t891717742\n3\t30\t1\t878887116\n' | seed rating_tab valid
printf '1\t10\t5\t881250949\r\n\r\n2\t20\t3\t891717742' | seed rating_tab crlf-blank-no-newline
printf '\xef\xbb\xbf7\t70\t2\t1\n' | seed rating_tab bom
printf '1\t10\t5\n' | seed rating_tab three-fields
printf '1\t10\t6\t881250949\n1\tx\t3\t1\n' | seed rating_tab out-of-range
printf '1::10::5::978300760\n1::20::3::978302109\n2::10::4.5::978301968\n' | seed rating_dat valid
printf '1::10::5\n2::30::0.5\n' | seed rating_dat three-fields
printf '1::10::5::978300760\n1::20::3\n' | seed rating_dat mixed-fields
printf '1:10:5\n' | seed rating_dat one-colon
printf 'userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,30,4.5,964981247\n2,10,0.5,964982224\n' | seed rating_csv valid
printf 'movieId,userId,extra,rating\n10,1,x,3.5\n20,2,,5\n' | seed rating_csv reordered-extra
printf 'userId,movieId,rating\r\n1,10,3\r\n' | seed rating_csv no-timestamp
printf 'userId,movieId,rating,timestamp\n1,10,-1,2\n1,10,3.25.5,4\n' | seed rating_csv bad-numbers
printf 'user;item;stars;when\n1;10;4;100\n2;20;3.5;200\n' | seed rating_delimited semicolon
printf 'userId::movieId::rating\n1::10::4\n' | seed rating_delimited colons
printf 'userId | movieId | rating | timestamp\n1 | 10 | 3 | 5\n' | seed rating_delimited spaced-bar
printf 'user;user;item;stars\n1;1;2;3\n' | seed rating_delimited twice-named

# --- movie files (invented titles) -----------------------------------------
printf '1::A Made-Up Film (1995)::Animation|Comedy\n2::Another One, The (2001)::(no genres listed)\n3::Caf\xe9 Noir (1999)::Drama\n' | seed movies_dat valid
printf '4::Title With :: Inside (2000)::Drama\n5::No Year::\n' | seed movies_dat odd
printf 'movieId,title,genres\n1,A Made-Up Film (1995),Animation|Comedy\n2,"Film, With a Comma (2003)",Drama\n3,"Say ""Hi"" (2010)",(no genres listed)\n' | seed movies_csv valid
printf 'movieId,title,genres\r\n4,"Unclosed (1990),Drama\r\n' | seed movies_csv unclosed-quote
printf 'movieId,title,genres\n5,Mid"quote (1980),Drama\n6,"Closed"after,Drama\n' | seed movies_csv stray-quotes
flags19='0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0'
printf '1|A Made-Up Film (1995)|01-Jan-1995||http://example.com/1|%s\n2|Caf\xe9 Film (1996)|01-Jan-1996||http://example.com/2|%s\n' "$flags19" "$flags19" | seed movies_u_item valid
printf 'unknown|0\nAction|1\nComedy|2\n\n\0001|Made Up (1997)|01-Jan-1997||u|0|1|1\n' | seed movies_u_item own-genres
printf 'Action|0\nComedy|2\n\0001|Made Up (1997)|d||u|0|1\n' | seed movies_u_item bad-genres
printf '1|Too Few Flags (1998)|d||u|0|1\n' | seed movies_u_item few-flags

# --- IDX files ------------------------------------------------------------
/usr/bin/python3 - "$corpus/idx" <<'PY'
import gzip, os, struct, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def idx(dims, values, type_=8):
    return bytes([0, 0, type_, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)
images = idx([2, 3, 3], range(18))
labels = idx([2], [1, 7])
seeds = {"images": images, "labels": labels, "images.gz": gzip.compress(images, mtime=0),
         "labels.gz": gzip.compress(labels, mtime=0), "float-type": idx([1], [0, 0, 0, 0], 0x0D),
         "truncated": images[:-3], "two-members.gz": gzip.compress(labels, mtime=0) * 2}
for name, data in seeds.items():
    open(os.path.join(out, name), "wb").write(data)
PY

# --- models, checkpoints and a taste map, from synthetic ratings ------------
/usr/bin/python3 - "$tmp" <<'PY'
import os, random, sys
random.seed(22)
tmp = sys.argv[1]
with open(os.path.join(tmp, "ratings.dat"), "w") as f:
    for user in range(1, 41):
        for movie in random.sample(range(1, 13), 8):
            f.write(f"{user}::{movie * 10}::{random.randint(1, 5)}::{1000000 + user * 100 + movie}\n")
# Images: MNIST's four IDX files, 8x8, random pixels.
import struct
def idx(dims, values):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)
os.makedirs(os.path.join(tmp, "images"))
for part, count in (("train", 24), ("t10k", 8)):
    open(os.path.join(tmp, "images", f"{part}-images-idx3-ubyte"), "wb").write(
        idx([count, 8, 8], [random.randrange(256) for _ in range(count * 64)]))
    open(os.path.join(tmp, "images", f"{part}-labels-idx1-ubyte"), "wb").write(
        idx([count], [random.randrange(10) for _ in range(count)]))
PY
data=$tmp/ratings.dat
train() {  # train NAME SPLIT FLAGS...: a model of two epochs (one for GLocal-K's pretraining)
  local name=$1 split=$2
  shift 2
  "$aerec" train --data "$data" --split "$split" --epochs 2 --threads 1 --out "$tmp/$name.aerec" "$@" >/dev/null
}
checkpointed() {  # the same, with a checkpoint after each epoch
  train "$@" --checkpoint "$tmp/$1.ckpt" --checkpoint-every 1
}
checkpointed seed random:0.2 --preset seed --layers 3
checkpointed seed-fixed random:0.2 --preset seed-fixed --layers 4,2,4
train mult-dae random:0.2 --preset mult-dae --layers 4
checkpointed mult-vae random:0.2 --preset mult-vae --layers 4,2,4 --kl-anneal-steps 2
train autorec-i random:0.2 --preset autorec-i --layers 3
checkpointed glocal-k random:0.2 --preset glocal-k --layers 3,3 --kernel-dim 2 --global-kernel 3 --pretrain-epochs 1 --lbfgs-iters 1
train seq2seq last --preset seq2seq --seq-length 3 --seq-steps 2 --embedding 3 --lstm-hidden 3
train seq2seq-rated last --preset seq2seq --seq-length 2 --seq-steps 1 --embedding 2 --lstm-hidden 2 \
  --with-rating --no-teacher-forcing
"$aerec" train --data "$tmp/images" --preset conv --conv c2,p2,u2 --epochs 1 --batch 8 --threads 1 \
  --out "$tmp/conv.aerec" >/dev/null
mkdir -p "$corpus/model_file" "$corpus/checkpoint" "$corpus/taste_map"
for m in seed seed-fixed mult-dae mult-vae autorec-i glocal-k seq2seq seq2seq-rated conv; do
  cp "$tmp/$m.aerec" "$corpus/model_file/$m-v2"
done
for w in f16 q8; do
  "$aerec" export --out "$corpus/model_file/seed-fixed-v3-$w" --weights "$w" "$tmp/seed-fixed.aerec" >/dev/null
done
"$aerec" export --out "$corpus/model_file/conv-v3-q8" --weights q8 "$tmp/conv.aerec" >/dev/null
for m in seed seed-fixed mult-vae glocal-k; do cp "$tmp/$m.ckpt" "$corpus/checkpoint/$m"; done
# Version 1 (model_file.h): a 12-3-12 sigmoid network, as tests/model_file_v1.h writes one.
/usr/bin/python3 - "$corpus/model_file/dense-v1" <<'PY'
import struct, sys, zlib
items, hidden = 12, 3
def section(tag, payload):
    return tag + struct.pack("<Q", len(payload)) + payload
shap = struct.pack("<II", items, 2) + struct.pack("<IIII", 1, items, hidden, 1) + struct.pack("<IIII", 1, hidden, items, 0)
ids = b"".join(struct.pack("<i", 10 * (i + 1)) for i in range(items))
weights = [((i * 7) % 11 - 5) / 10 for i in range(items * hidden + hidden + hidden * items + items)]
body = b"AERECMDL" + struct.pack("<II", 1, 5) + section(b"SHAP", shap) + section(b"ITEM", ids) + \
    section(b"SCAL", struct.pack("<ff", 1, 5)) + section(b"WGHT", struct.pack(f"<{len(weights)}f", *weights)) + \
    section(b"META", b'{"config":{"item-based":false}}')
open(sys.argv[1], "wb").write(body + struct.pack("<I", zlib.crc32(body)))
PY
"$aerec" map "$tmp/seed-fixed.aerec" --of users --data "$data" --iterations 50 --perplexity 5 \
  --out "$tmp/map.json" --web "$tmp/page.json" >/dev/null
# The page's placer has three 64-unit layers (160 KB of JSON): cut to one of 3
# units, its layers' structure otherwise as written.
/usr/bin/python3 - "$tmp/page.json" "$corpus/taste_map/seed-fixed" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
layers = page["placer"]["layers"]
first, last = layers[0], layers[-1]
first.update(outputs=3, weight=first["weight"][:3 * first["inputs"]], bias=first["bias"][:3])
last.update(inputs=3, weight=last["weight"][:3 * last["outputs"]])
page["placer"]["layers"] = [first, last]
json.dump(page, open(sys.argv[2], "w"), separators=(",", ":"))
PY
printf '{"placer":{"code_size":1,"mean":[0],"scale":[1],"map_scale":1,"layers":[{"kind":"dense","inputs":1,"outputs":2,"activation":"identity","weight":[1,2],"bias":[0,0]}]}}' |
  seed taste_map one-layer
printf '{"placer":{"code_size":2,"layers":[]}}' | seed taste_map no-layers

# --- --config files ----------------------------------------------------------
printf '{"preset": "seed", "epochs": 100, "layers": [20, 10, 20], "lr": 0.01, "shuffle": false}' | seed config_file train
printf '{"data": "ratings.dat", "split": "random:0.1", "val": 0.05, "patience": 3, "optimizer": "adam", "beta1": 0.8}' | seed config_file run
printf '{"epochs": "ten"}' | seed config_file wrong-type
printf '{"layers": []}' | seed config_file empty-list
printf '{"item-based": 1,\n "refeed": true}' | seed config_file flag-not-bool
printf '[1, 2]' | seed config_file not-object
printf '{"preset": "glocal-k", "global-kernel": 3, "kernel-dim": 5, "seq-length": 0, "conv": "c16,p2"}' | seed config_file kinds

# --- the wasm API: FuzzedDataProvider bytes, from a fixed random source ---------
/usr/bin/python3 - "$corpus/wasm_api" <<'PY'
import os, random, sys
random.seed(22)
os.makedirs(sys.argv[1], exist_ok=True)
for i in range(12):
    open(os.path.join(sys.argv[1], f"random-{i}"), "wb").write(bytes(random.randrange(256) for _ in range(24 + 8 * i)))
PY
du -sh "$corpus"
