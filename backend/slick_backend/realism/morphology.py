"""Shape of slick label masks: thinning, skeleton graph, spur pruning, length, width, tortuosity.

Pure numpy / scipy (no scikit-image): a two-subiteration parallel thinning (Guo & Hall 1989,
the algorithm behind ``skimage.morphology.thin``) driven by 256-entry look-up tables, and the
skeleton as a sparse graph whose edges join 8-neighbours (weight 1 for a side step, sqrt 2 for
a diagonal one).
"""

from __future__ import annotations

import math

import numpy as np

SQRT2 = math.sqrt(2.0)
MIN_SPUR_PX = 3.0  # a skeleton branch ending this little beyond its junction's inscribed disk is noise
SMALL_FRAGMENT = 0.2
HOLE_PX = 10  # holes of a component up to this area (px) are filled before thinning
CHORD_STEP = 5  # px between the points whose chords measure the main skeleton path  # a component smaller than this share of the image's largest one is a "small fragment"

# Weights of the 8 neighbours in the 3x3 correlation kernel: bit 0 = E, then counter-clockwise
# (NE, N, NW, W, SW, S, SE), so the correlation gives each pixel its neighbourhood code 0..255.
_KERNEL = np.array([[8, 4, 2], [16, 0, 1], [32, 64, 128]], dtype=np.uint8)


def _thinning_luts() -> tuple[np.ndarray, np.ndarray]:
    """Deletion tables of the two subiterations, indexed by the neighbourhood code.

    With x1..x8 the neighbours E, NE, N, NW, W, SW, S, SE, a pixel is deletable when
    C = sum_i [not x(2i-1) and (x(2i) or x(2i+1))] == 1 (it is a simple boundary point),
    2 <= min(N1, N2) <= 3 with N1 = sum_k [x(2k-1) or x(2k)], N2 = sum_k [x(2k) or x(2k+1)]
    (it is neither an end nor an interior point), and, in the first subiteration,
    not ((x2 or x3 or not x8) and x1), in the second the same rotated by 180 degrees.
    """
    code = np.arange(256)
    x = [((code >> i) & 1).astype(bool) for i in range(8)]
    crossings = sum(((~x[2 * i]) & (x[2 * i + 1] | x[(2 * i + 2) % 8])).astype(int) for i in range(4))
    n1 = sum((x[2 * k] | x[2 * k + 1]).astype(int) for k in range(4))
    n2 = sum((x[2 * k + 1] | x[(2 * k + 2) % 8]).astype(int) for k in range(4))
    n = np.minimum(n1, n2)
    simple = (crossings == 1) & (n >= 2) & (n <= 3)
    first = simple & ~((x[1] | x[2] | ~x[7]) & x[0])
    second = simple & ~((x[5] | x[6] | ~x[3]) & x[4])
    return first, second


_LUT_FIRST, _LUT_SECOND = _thinning_luts()


def thin(mask: np.ndarray) -> np.ndarray:
    """One-pixel-wide, 8-connected skeleton of a boolean mask (Guo-Hall parallel thinning).

    Each iteration removes, in two subiterations, the boundary pixels whose removal keeps the
    topology (connected components and holes) and that are not line ends; it stops when an
    iteration removes nothing. A straight ribbon of width w thins to its centre line, shortened
    by about w/2 at each end.
    """
    from scipy import ndimage

    skel = np.pad(np.asarray(mask, dtype=bool), 1).astype(np.uint8)
    while True:
        removed = 0
        for lut in (_LUT_FIRST, _LUT_SECOND):
            code = ndimage.correlate(skel, _KERNEL, mode="constant")
            delete = lut[code] & (skel == 1)
            removed += int(np.count_nonzero(delete))
            skel[delete] = 0
        if removed == 0:
            break
    return skel[1:-1, 1:-1].astype(bool)


def skeleton_graph(skel: np.ndarray):
    """The skeleton as a graph: (pixel coordinates [n, 2], symmetric scipy CSR matrix of edge
    lengths in pixels: 1 between side neighbours, sqrt 2 between diagonal ones)."""
    from scipy import sparse

    coords = np.argwhere(skel)
    n = len(coords)
    index = np.full(skel.shape, -1, dtype=np.int64)
    index[coords[:, 0], coords[:, 1]] = np.arange(n)
    rows, cols, weights = [], [], []
    h, w = skel.shape
    for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):
        r2, c2 = coords[:, 0] + dr, coords[:, 1] + dc
        inside = (r2 >= 0) & (r2 < h) & (c2 >= 0) & (c2 < w)
        j = np.full(n, -1, dtype=np.int64)
        j[inside] = index[r2[inside], c2[inside]]
        ok = j >= 0
        rows.append(np.nonzero(ok)[0])
        cols.append(j[ok])
        weights.append(np.full(int(ok.sum()), SQRT2 if dr and dc else 1.0))
    r = np.concatenate(rows) if rows else np.empty(0, np.int64)
    c = np.concatenate(cols) if cols else np.empty(0, np.int64)
    wts = np.concatenate(weights) if weights else np.empty(0)
    graph = sparse.coo_matrix((np.concatenate([wts, wts]), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n, n))
    return coords, graph.tocsr()


def _neighbour_groups_lut() -> np.ndarray:
    """For each neighbourhood code, the number of 8-connected groups the set neighbours form
    among themselves (the centre left out): 0 isolated, 1 a line end, 2 a line, 3+ a junction."""
    from scipy import ndimage

    cells = [(1, 2), (0, 2), (0, 1), (0, 0), (1, 0), (2, 0), (2, 1), (2, 2)]  # bit order of _KERNEL
    lut = np.zeros(256, dtype=np.uint8)
    for code in range(256):
        ring = np.zeros((3, 3), bool)
        for bit, (r, c) in enumerate(cells):
            ring[r, c] = bool(code >> bit & 1)
        lut[code] = ndimage.label(ring, structure=np.ones((3, 3), bool))[1]
    return lut


_GROUPS = _neighbour_groups_lut()
_EIGHT = np.ones((3, 3), bool)


def _codes(skel: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return ndimage.correlate(skel.astype(np.uint8), _KERNEL, mode="constant")


def neighbour_groups(skel: np.ndarray) -> np.ndarray:
    """Per skeleton pixel, how many separate branches leave it (see _neighbour_groups_lut);
    0 off the skeleton."""
    groups = _GROUPS[_codes(skel)]
    groups[~skel] = 0
    return groups


def drop_redundant(skel: np.ndarray) -> np.ndarray:
    """Remove skeleton pixels that carry nothing: at least two neighbours, all in one 8-connected
    group, and a background side neighbour (corner pixels of staircases, stubs left at a
    junction after pruning). Done on the two checkerboard colours in turn so that removing
    pixels together never disconnects the skeleton."""
    skel = skel.copy()
    rows, cols = np.indices(skel.shape)
    parity = (rows + cols) % 2
    side = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=np.uint8)
    from scipy import ndimage

    while True:
        removed = 0
        for colour in (0, 1):
            code = _codes(skel)
            count = np.unpackbits(code[..., None], axis=-1).sum(-1)
            sides = ndimage.correlate(skel.astype(np.uint8), side, mode="constant")
            drop = skel & (parity == colour) & (_GROUPS[code] == 1) & (count >= 2) & (sides < 4)
            removed += int(np.count_nonzero(drop))
            skel[drop] = False
        if removed == 0:
            return skel


def prune_spurs(skel: np.ndarray, dist: np.ndarray, min_spur_px: float = MIN_SPUR_PX) -> np.ndarray:
    """Remove short side branches (spurs) of a skeleton.

    Junction pixels have three or more neighbour groups (``neighbour_groups``); taking them out
    splits the skeleton into segments. A segment that holds a line end and touches exactly one
    junction cluster is a spur; it is removed when its length (pixels, diagonal steps sqrt 2,
    plus the step into the junction) minus the distance transform ``dist`` at the junction
    (the local half-width: how deep inside the slick the junction lies) is below
    ``min_spur_px``: such a branch only reaches a bump of the outline, not a real arm.
    Repeated (with ``drop_redundant``) until nothing changes; a skeleton without junctions is
    left as it is.
    """
    from scipy import ndimage

    skel = drop_redundant(skel)
    for _ in range(50):
        groups = neighbour_groups(skel)
        junction = skel & (groups >= 3)
        if not junction.any():
            break
        jlabels, _ = ndimage.label(junction, structure=_EIGHT)
        ends = skel & (groups <= 1)
        segments, _ = ndimage.label(skel & ~junction, structure=_EIGHT)
        removed = False
        for i, sl in enumerate(ndimage.find_objects(segments), start=1):
            if sl is None:
                continue
            sl = tuple(slice(max(s.start - 1, 0), s.stop + 1) for s in sl)
            seg = segments[sl] == i
            if not ends[sl][seg].any():
                continue
            touch = np.unique(jlabels[sl][ndimage.binary_dilation(seg, _EIGHT) & ~seg])
            touch = touch[touch > 0]
            if len(touch) != 1:
                continue
            _, graph = skeleton_graph(seg)
            length = float(_tree_length(graph)) + 1.0
            depth = float(dist[jlabels == touch[0]].max())
            if length - depth < min_spur_px:
                skel[sl][seg] = False
                removed = True
        if not removed:
            break
        skel = drop_redundant(skel)
    return skel


def _tree_length(graph) -> float:
    from scipy.sparse.csgraph import minimum_spanning_tree

    return float(minimum_spanning_tree(graph).sum()) if graph.shape[0] > 1 else 0.0


def _farthest(graph, source: int) -> tuple[int, np.ndarray]:
    """The node farthest (geodesically) from ``source`` and the Dijkstra predecessors."""
    from scipy.sparse.csgraph import dijkstra

    d, pred = dijkstra(graph, directed=False, indices=source, return_predecessors=True)
    d[~np.isfinite(d)] = -1.0
    return int(np.argmax(d)), pred


def _path(pred: np.ndarray, source: int, target: int) -> list[int]:
    path = [target]
    while path[-1] != source:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def chord_length(points: np.ndarray, step: int = CHORD_STEP) -> float:
    """Length of an ordered pixel path measured by chords between every ``step``-th pixel (and
    the last one). Unlike counting steps (diagonal = sqrt 2), this does not overestimate
    oblique straight lines (up to 8 % at 22.5 degrees); it cuts curves of radius R by a
    relative (step / R)^2 / 24, nothing at slick scales."""
    if len(points) < 2:
        return 0.0
    idx = np.unique(np.r_[np.arange(0, len(points), step), len(points) - 1])
    return float(np.hypot(*np.diff(points[idx].astype(float), axis=0).T).sum())


def component_shape(component: np.ndarray, min_spur_px: float = MIN_SPUR_PX) -> dict:
    """Shape of one 8-connected component (a boolean mask, ideally cropped with a 1 px margin),
    all lengths in pixels.

    - ``skeleton``: the Guo-Hall thinning of the component (holes of up to HOLE_PX = 10 px
      filled first: rasterisation pinholes would each add a loop and two junctions), redundant
      pixels dropped and spurs pruned (see prune_spurs).
    - ``length``: total skeleton length L_s plus, at each end pixel e, D(e) - 1/2, where D is the
      Euclidean distance transform of the component (distance to the nearest outside pixel
      centre): thinning stops about half a width before each end, so this puts the ends back.
      An isolated skeleton pixel counts as two ends. A straight w x l ribbon gives ~l.
      L_s: the main path (below) measured by chords every CHORD_STEP pixels (chord_length), plus
      the side branches counted in steps (minimum spanning tree of the skeleton graph: side
      steps 1, diagonal steps sqrt 2).
    - ``width``: area / length (the mean width; w for a straight ribbon).
    - ``tortuosity``: the main path, the longest geodesic path in the skeleton (two Dijkstra
      sweeps: from any pixel to the farthest one a, from a to the farthest one b), its chord
      length divided by the straight distance |ab|; 1 for a straight ribbon, pi/2 for a half
      circle; 1 when |ab| < 1 px.
    - ``branches``: junctions of the pruned skeleton: 8-connected clusters of skeleton pixels
      from which three or more separate branches leave (a Y has 1, an X 1, a comb with k teeth k).
    """
    from scipy import ndimage

    component = np.asarray(component, dtype=bool)
    area = int(np.count_nonzero(component))
    solid = fill_small_holes(component)
    dist = ndimage.distance_transform_edt(np.pad(solid, 1))[1:-1, 1:-1]
    skel = prune_spurs(thin(solid), dist, min_spur_px)
    coords, graph = skeleton_graph(skel)
    if len(coords) == 0:  # cannot happen for a non-empty mask, but keep the function total
        return {"area": area, "length": 0.0, "width": 0.0, "tortuosity": 1.0, "branches": 0, "skeleton": skel}
    groups = neighbour_groups(skel)
    g = groups[coords[:, 0], coords[:, 1]]
    d = dist[coords[:, 0], coords[:, 1]]
    ends = (np.where(g == 0, 2.0, 0.0) + (g == 1)) * np.maximum(d - 0.5, 0.0)
    length = _tree_length(graph) + float(ends.sum())
    tortuosity = 1.0
    if len(coords) > 1:
        a, _ = _farthest(graph, 0)
        b, pred = _farthest(graph, a)
        main = coords[_path(pred, a, b)]
        steps = float(np.hypot(*np.diff(main, axis=0).T).sum())
        geodesic = chord_length(main)
        length += geodesic - steps  # the main path measured by chords, side branches by steps
        straight = float(np.hypot(*(main[0] - main[-1])))
        tortuosity = max(geodesic / straight, 1.0) if straight >= 1.0 else 1.0
    branches = int(ndimage.label(skel & (groups >= 3), structure=_EIGHT)[1])
    return {
        "area": area, "length": length, "width": area / length if length > 0 else 0.0,
        "tortuosity": tortuosity, "branches": branches, "skeleton": skel,
    }


def fill_small_holes(mask: np.ndarray, max_px: int = HOLE_PX) -> np.ndarray:
    """``mask`` with its holes (background components not connected to the outside, 4-connected)
    of at most ``max_px`` pixels filled."""
    from scipy import ndimage

    holes = ndimage.binary_fill_holes(mask) & ~mask
    if not holes.any():
        return mask
    lab, _ = ndimage.label(holes)
    sizes = np.bincount(lab.ravel())
    small = sizes <= max_px
    small[0] = False
    return mask | small[lab]


def label_components(slick: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a boolean mask: (int32 label image, count)."""
    from scipy import ndimage

    labels, n = ndimage.label(np.asarray(slick, dtype=bool), structure=np.ones((3, 3), bool))
    return labels, int(n)
