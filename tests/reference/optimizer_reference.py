#!/usr/bin/python3
"""Reference values for tests/test_optimizer.cpp, computed with torch.optim.

Run with Debian's python3-torch 1.13.1:

    /usr/bin/python3 tests/reference/optimizer_reference.py

and paste the C++ it prints between the "generated" markers in
tests/test_optimizer.cpp. Every case starts from INITIAL and takes three steps
with the gradients in GRADIENTS (a different one per step, so that state and
step counters matter); the parameter after each step is printed. The
optimizers run with foreach=False: the single-tensor code that aerec follows.
"""
import torch

INITIAL = [0.5, -1.25, 2.0, -0.03, 0.0015]
GRADIENTS = [
    [0.1, -0.4, 1.5, -2.0, 0.03],
    [-0.2, 0.35, 0.9, 0.5, -0.01],
    [0.05, -0.6, -1.2, 1.0, 0.0],
]

# (C++ name, optimizer class, constructor arguments); keep in step with the
# configs built in tests/test_optimizer.cpp.
CASES = [
    ("sgd_plain", torch.optim.SGD, dict(lr=0.01)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.01, momentum=0.9)),
    ("sgd_dampening", torch.optim.SGD, dict(lr=0.01, momentum=0.9, dampening=0.1)),
    ("sgd_nesterov", torch.optim.SGD, dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", torch.optim.SGD, dict(lr=0.01, weight_decay=0.1)),
    ("rmsprop_default", torch.optim.RMSprop, dict()),
    ("rmsprop_weight_decay", torch.optim.RMSprop, dict(lr=0.01, weight_decay=0.5)),
    ("rmsprop_momentum", torch.optim.RMSprop, dict(momentum=0.9)),
    ("rmsprop_centered", torch.optim.RMSprop, dict(centered=True)),
    ("rmsprop_centered_momentum", torch.optim.RMSprop, dict(centered=True, momentum=0.9)),
    ("adam_default", torch.optim.Adam, dict()),
    ("adam_weight_decay", torch.optim.Adam, dict(weight_decay=0.1)),
    ("adam_amsgrad", torch.optim.Adam, dict(amsgrad=True)),
    ("adamw_default", torch.optim.AdamW, dict()),
    ("adamw_amsgrad", torch.optim.AdamW, dict(amsgrad=True)),
    ("adagrad_default", torch.optim.Adagrad, dict()),
    ("adagrad_decay", torch.optim.Adagrad,
     dict(lr_decay=0.1, initial_accumulator_value=0.1, weight_decay=0.1)),
    ("adadelta_default", torch.optim.Adadelta, dict()),
    ("adadelta_weight_decay", torch.optim.Adadelta, dict(weight_decay=0.1)),
]


def literal(x):
    """A C++ float literal that round-trips the float32 value x."""
    text = "%.9g" % x
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def row(values):
    return "{{" + ", ".join(literal(v) for v in values) + "}}"


def trajectory(cls, kwargs):
    param = torch.nn.Parameter(torch.tensor(INITIAL, dtype=torch.float32))
    opt = cls([param], foreach=False, **kwargs)
    steps = []
    for g in GRADIENTS:
        param.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        steps.append(param.detach().tolist())
    return steps


def main():
    # Debian's python3-torch 1.13.1 reports its version as 1.13.0a0.
    print("// torch.__version__ %s" % torch.__version__)
    print("constexpr vector5 initial_param = %s;" % row(INITIAL))
    print("constexpr trajectory gradients = {{")
    print(",\n".join("    " + row(g) for g in GRADIENTS))
    print("}};")
    for name, cls, kwargs in CASES:
        args = ", ".join("%s=%s" % kv for kv in kwargs.items()) or "defaults"
        print("// %s(%s)" % (cls.__name__, args))
        print("constexpr trajectory %s = {{" % name)
        print(",\n".join("    " + row(s) for s in trajectory(cls, kwargs)))
        print("}};")
    # The constructors' defaults, to check default_optimizer_config against
    # (SGD's lr is required in PyTorch, so it has none).
    for cls in (torch.optim.SGD, torch.optim.RMSprop, torch.optim.Adam, torch.optim.AdamW,
                torch.optim.Adagrad, torch.optim.Adadelta):
        kwargs = dict(lr=0.01) if cls is torch.optim.SGD else {}
        d = cls([torch.nn.Parameter(torch.zeros(1))], **kwargs).defaults
        keep = ("lr", "betas", "eps", "alpha", "rho", "weight_decay", "momentum", "dampening",
                "nesterov", "centered", "amsgrad", "lr_decay", "initial_accumulator_value")
        print("// %s defaults: %s" % (cls.__name__,
                                      ", ".join("%s=%s" % (k, d[k]) for k in keep if k in d)))


if __name__ == "__main__":
    main()
