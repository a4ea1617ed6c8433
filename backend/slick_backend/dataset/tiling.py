"""Where tiles start on a grid, and how they are grouped into blocks read in one go.

Tiles overlap (50 % by default), so reading each tile on its own would warp every pixel four
times; instead a block of several tile rows and columns is warped once and the tiles are cut
from it. Blocks are a few thousand pixels wide, which bounds memory whatever the scene size.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCK_TARGET = 2048  # px, about the side of a block (float32 + masks: ~30 MB)


def tile_starts(length: int, tile: int, stride: int) -> list[int]:
    """Offsets of tiles along one axis: every ``stride``, plus one flush with the far edge
    so the whole axis is covered. An axis shorter than a tile gets one (padded) tile."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile + 1, stride))
    if starts[-1] + tile < length:
        starts.append(length - tile)
    return starts


@dataclass(frozen=True)
class Span:
    """One block along an axis: its tiles, the pixels it reads, the pixels it owns (counts)."""

    starts: tuple[int, ...]
    read0: int
    read1: int
    own0: int
    own1: int


def spans(length: int, tile: int, stride: int, target: int = BLOCK_TARGET) -> list[Span]:
    starts = tile_starts(length, tile, stride)
    per_block = max(1, (max(target, tile) - tile) // max(stride, 1) + 1)
    groups = [starts[i : i + per_block] for i in range(0, len(starts), per_block)]
    out = []
    for k, g in enumerate(groups):
        own0 = 0 if k == 0 else g[0]
        own1 = length if k == len(groups) - 1 else groups[k + 1][0]
        out.append(Span(tuple(g), g[0], g[-1] + tile, own0, own1))
    return out
