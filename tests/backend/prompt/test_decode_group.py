"""Training's grouped decoding (prompt/train.py:decode_group): the prompts of a batch with the same
number of tokens decoded together give SAM's own per-prompt answers and the same gradients."""

from __future__ import annotations

import numpy as np
import torch
from slick_backend.prompt.data import Prompt
from slick_backend.prompt.net import PromptNet
from slick_backend.prompt.train import forward_all


def test_grouped_decoding_matches_one_prompt_at_a_time_with_its_gradients():
    torch.manual_seed(0)
    net = PromptNet(64, 16, dense_prompt=True)
    images = torch.rand(6, 1, 64, 64) * 254 + 1
    box = lambda *b: np.array(b, np.float32)  # noqa: E731
    pts = lambda *p: np.array(p, np.float32).reshape(-1, 2)  # noqa: E731
    prompts = [Prompt("box", box(4, 4, 30, 20), None, None),  # 2 tokens, with the next box
               Prompt("points", None, pts(10, 12), np.array([1])),  # 1 click + SAM's padding: 2 tokens
               Prompt("box", box(20, 8, 60, 40), None, None),
               Prompt("points", None, pts(10, 12, 40, 41), np.array([1, 0])),  # 3 tokens, alone
               Prompt("points", None, pts(50, 22), np.array([0])),
               Prompt("box+points", box(2, 2, 33, 33), pts(8, 9, 20, 21), np.array([1, 1]))]  # 4 tokens
    answers = []
    for grouped in (False, True):
        net.zero_grad()
        logits, iou = forward_all(net, images, prompts, grouped=grouped)
        (logits.square().mean() + iou.sum()).backward()
        grads = {name: p.grad.clone() for name, p in net.named_parameters() if p.grad is not None}
        answers.append((logits.detach(), iou.detach(), grads))
    (la, qa, ga), (lb, qb, gb) = answers
    assert la.shape == (6, 4, 64, 64) and qa.shape == (6, 4)
    torch.testing.assert_close(lb, la, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(qb, qa, rtol=1e-4, atol=1e-5)
    assert ga.keys() == gb.keys() and any(k.startswith("mask_decoder.transformer") for k in ga)
    for name in ga:
        torch.testing.assert_close(gb[name], ga[name], rtol=1e-3, atol=1e-5, msg=name)
    assert not torch.equal(la[0], la[2])  # the prompts' answers differ: nothing was mixed up
