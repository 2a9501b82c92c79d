# bench/gen-tree.py KIND ROOT FILES MB SEED: reproducible test trees.
#   mixed    FILES files, log-normal sizes, random bytes, 3 levels of dirs
#            (seed 42 reproduces the tree of earlier reports)
#   source   FILES small text-like files in deep directories (2-7 levels)
#   dataset  FILES large random files (shards) plus a small meta.json
import os, random, sys
kind, root, nfiles, mb, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
random.seed(seed)
total = mb * 1024 * 1024

def sizes_lognormal(sigma):
    w = [random.lognormvariate(0, sigma) for _ in range(nfiles)]
    scale = total / sum(w)
    s = [int(x * scale) for x in w]
    s[0] += total - sum(s)
    return s

def write(path, size, text=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 8 << 20)
            f.write(random.randbytes((n + 1) // 2).hex().encode()[:n] if text else random.randbytes(n))
            left -= n

if kind == "mixed":
    for i, size in enumerate(sizes_lognormal(1.5)):
        d = os.path.join(root, "top%02d" % (i // 1000), "d%03d" % (i // 100 % 10 * 10 + i // 10 % 10))
        write(os.path.join(d, "f%05d.dat" % i), size)
elif kind == "source":
    for i, size in enumerate(sizes_lognormal(1.0)):
        depth = 2 + i % 6
        parts = ["pkg%02d" % (i % 23)] + ["m%d" % ((i >> (2 * k)) % 4) for k in range(1, depth)]
        write(os.path.join(root, *parts, "f%06d.c" % i), size, text=True)
elif kind == "dataset":
    base = total // max(nfiles, 1)
    for i in range(nfiles):
        size = base if i < nfiles - 1 else total - base * (nfiles - 1)
        write(os.path.join(root, "shards", "shard-%05d.bin" % i), size)
    write(os.path.join(root, "meta.json"), 200, text=True)
else:
    sys.exit("unknown tree kind " + kind)
