#!/usr/bin/python3
"""Reference values for tests/test_lstm_reference.cpp, computed with PyTorch.

Run with Debian's python3-torch 1.13.1:

    /usr/bin/python3 tests/reference/lstm_reference.py

and paste the C++ it prints between the "generated" markers in
tests/test_lstm_reference.cpp. The network is a small seq2seq next-item
model: nn.Embedding(7, 4, padding_idx=0) -> nn.LSTM(4, 5) whose last state
is repeated over 3 steps -> nn.LSTM(5, 5) -> nn.Linear(5, 7) at every step ->
nn.CrossEntropyLoss(ignore_index=-1), on a batch of 3 sequences of 4 movie
ids (0 pads) with 3 targets each (-1: none). Every parameter starts at
SCALE * sin(1 + 0.37 k + p) for its flat index k and its number p (the
embedding's padding row 0). Each LSTM's bias_hh is held at zero, untrained,
and bias_ih carries the whole bias, as aerec's one bias vector does: two
trained copies of a bias would take two Adam steps where aerec takes one.
It prints the logits, the loss, every parameter's gradient in aerec's
layouts, and the loss after 3 steps of torch.optim.Adam(lr=0.01).
"""
import math

import torch

SCALE = 0.5
IDS = [[0, 0, 3, 5], [2, 6, 1, 4], [0, 4, 4, 6]]
TARGETS = [[1, -1, 6], [3, 0, 2], [-1, -1, 5]]
ITEMS, EMBED, HIDDEN, STEPS_OUT = 7, 4, 5, 3


class Seq2Seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(ITEMS, EMBED, padding_idx=0)
        self.encoder = torch.nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.decoder = torch.nn.LSTM(HIDDEN, HIDDEN, batch_first=True)
        self.out = torch.nn.Linear(HIDDEN, ITEMS)

    def forward(self, ids):
        encoded, _ = self.encoder(self.embed(ids))
        code = encoded[:, -1:, :].repeat(1, STEPS_OUT, 1)
        decoded, _ = self.decoder(code)
        return self.out(decoded)


def initialise(model):
    with torch.no_grad():
        for p, (name, param) in enumerate(model.named_parameters()):
            k = torch.arange(param.numel(), dtype=torch.float64)
            values = SCALE * torch.sin(1 + 0.37 * k + p)
            param.copy_(values.reshape(param.shape).to(torch.float32))
            if name.startswith("bias_hh") or ".bias_hh" in name:
                param.zero_()
                param.requires_grad_(False)
        model.embed.weight[0].zero_()


def loss_of(model, ids, targets):
    logits = model(ids)
    return logits, torch.nn.CrossEntropyLoss(ignore_index=-1)(logits.reshape(-1, ITEMS), targets.reshape(-1))


def literal(x):
    """A C++ float literal that round-trips the float32 value x."""
    text = "%.9g" % x
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def array(name, tensor):
    values = tensor.detach().reshape(-1).tolist()
    print("const std::vector<float> %s = {%s};" % (name, ", ".join(literal(v) for v in values)))


def main():
    torch.manual_seed(0)
    model = Seq2Seq()
    initialise(model)
    ids = torch.tensor(IDS)
    targets = torch.tensor(TARGETS)
    logits, loss = loss_of(model, ids, targets)
    loss.backward()
    # Debian's python3-torch 1.13.1 reports its version as 1.13.0a0.
    print("// torch.__version__ %s" % torch.__version__)
    array("logits", logits)
    print("constexpr double loss = %.17g;" % loss.item())
    # aerec's layouts: the table without its padding row; nn.LSTM's weights as
    # they are, the bias bias_ih (bias_hh held at 0); nn.Linear's weight as W = weight^T.
    array("embed_grad", model.embed.weight.grad[1:])
    for name, lstm in (("encoder", model.encoder), ("decoder", model.decoder)):
        array(name + "_weight_input_grad", lstm.weight_ih_l0.grad)
        array(name + "_weight_hidden_grad", lstm.weight_hh_l0.grad)
        array(name + "_bias_grad", lstm.bias_ih_l0.grad)
    array("out_weight_grad", model.out.weight.grad.t())
    array("out_bias_grad", model.out.bias.grad)

    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01, foreach=False)
    for _ in range(3):
        opt.zero_grad()
        _, loss = loss_of(model, ids, targets)
        loss.backward()
        opt.step()
    _, loss = loss_of(model, ids, targets)
    print("constexpr double loss_after_adam = %.17g;" % loss.item())
    array("encoder_weight_input_after_adam", model.encoder.weight_ih_l0)


if __name__ == "__main__":
    main()
