#!/usr/bin/python3
"""Reference values for tests/test_lbfgs.cpp, computed with torch.optim.LBFGS.

Run with Debian's python3-torch 1.13.1:

    /usr/bin/python3 tests/reference/lbfgs_reference.py

and paste the C++ it prints between the "generated" markers in
tests/test_lbfgs.cpp. Each case minimises one of two problems in float32,
its parameters split across two tensors as aerec's model splits weights and
biases, and takes a few LBFGS.step(closure) calls; after each step it prints
the loss step() returned, the parameters (flattened, as _gather_flat_grad
orders them) and the state's func_evals and n_iter.
"""
import torch

# Rosenbrock's function in five dimensions from a standard hard start.
ROSENBROCK_START = [[-1.2, 1.0, -0.8], [1.1, 0.5]]

# Least squares: mean((X w + b - y)^2) over eight samples.
LSQ_X = [
    [1.0, 0.5, -0.3],
    [0.2, -1.1, 0.8],
    [-0.7, 0.3, 1.5],
    [1.3, -0.4, 0.1],
    [0.0, 0.9, -1.2],
    [-1.5, -0.6, 0.4],
    [0.8, 1.7, 0.6],
    [-0.2, -0.8, -0.9],
]
LSQ_Y = [1.2, -0.5, 0.7, 2.1, -1.3, -0.4, 2.6, -1.8]
LSQ_START = [[0.1, -0.2, 0.3], [0.05]]


def rosenbrock(params):
    x = torch.cat([p.view(-1) for p in params])
    return torch.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def least_squares(params):
    w, b = params
    X = torch.tensor(LSQ_X, dtype=torch.float32)
    y = torch.tensor(LSQ_Y, dtype=torch.float32)
    return torch.mean((X @ w + b - y) ** 2)


PROBLEMS = {"rosenbrock": (rosenbrock, ROSENBROCK_START),
            "least_squares": (least_squares, LSQ_START)}

# (C++ name, problem, LBFGS arguments, steps); keep in step with the configs
# built in tests/test_lbfgs.cpp. On Rosenbrock's function, L-BFGS amplifies
# rounding differences (torch's own float32 and float64 runs part by 4e-4
# after 28 iterations), so those cases stop within about 15 iterations.
CASES = [
    ("rosenbrock_fixed", "rosenbrock", dict(lr=0.02, max_iter=6), 3),
    ("rosenbrock_wolfe", "rosenbrock", dict(max_iter=5, line_search_fn="strong_wolfe"), 3),
    ("rosenbrock_history3", "rosenbrock",
     dict(max_iter=4, history_size=3, line_search_fn="strong_wolfe"), 3),
    ("rosenbrock_max_eval", "rosenbrock",
     dict(max_iter=20, max_eval=7, line_search_fn="strong_wolfe"), 2),
    ("least_squares_fixed", "least_squares", dict(lr=0.5, max_iter=4, history_size=3), 3),
    ("least_squares_tolerance", "least_squares",
     dict(max_iter=100, tolerance_grad=1e-3, tolerance_change=1e-7,
          line_search_fn="strong_wolfe"), 2),
]


def literal(x):
    """A C++ float literal that round-trips the float32 value x."""
    text = "%.9g" % x
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def run(problem, kwargs, steps):
    loss_fn, start = PROBLEMS[problem]
    params = [torch.nn.Parameter(torch.tensor(v, dtype=torch.float32)) for v in start]
    opt = torch.optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    rows = []
    for _ in range(steps):
        loss = float(opt.step(closure))
        state = opt.state[params[0]]
        flat = [v for p in params for v in p.detach().view(-1).tolist()]
        rows.append((loss, flat, state["func_evals"], state["n_iter"]))
    return rows


def main():
    # Debian's python3-torch 1.13.1 reports its version as 1.13.0a0.
    print("// torch.__version__ %s" % torch.__version__)
    for name, problem, kwargs, steps in CASES:
        args = ", ".join("%s=%r" % kv for kv in kwargs.items())
        print("// %s: LBFGS(%s)" % (problem, args))
        print("const std::vector<step_result> %s = {" % name)
        for loss, flat, evals, iters in run(problem, kwargs, steps):
            print("    {%r, {%s}, %d, %d}," % (loss, ", ".join(literal(v) for v in flat),
                                             evals, iters))
        print("};")


if __name__ == "__main__":
    main()
