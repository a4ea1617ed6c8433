#!/usr/bin/env bash
# A seed search for the prompt model: a pretrain-prompt config trained with seeds 0-3 at once
# (on one GPU they share it well: the samples are drawn on the CPU), each in its own copy of the
# checkout so that every card names the config with its seed. The config must set val_seed, so
# that all four score the same simulated validation prompts; the best mean is the one to ship,
# with the config's seed line set to its seed (then the card's config_text is that file).
#
#   scripts/train_prompt_seeds.sh RESULTS_DIR [configs/prompt.toml]     (from the repository root)
#
# Needs out/source-work/prompt-windows.npz.xz (pretrain-prompt packs it on its first run), not the
# datasets or GDAL. Writes RESULTS_DIR/seed<N>.tgz: the model dir, the last checkpoint and the log.
# LIMIT (seconds, default none) stops a run that takes longer; its best checkpoint so far is kept.
# Measured on an H200: docs/models.md, "The shipped prompt model".
set -u
results=$(realpath -m "${1:?usage: scripts/train_prompt_seeds.sh RESULTS_DIR [CONFIG]}")
config=${2:-configs/prompt.toml}
repo=$(pwd)
pack=out/source-work/prompt-windows.npz.xz
[ -f "$pack" ] || { echo "$pack is missing: run slick-backend pretrain-prompt once to make it" >&2; exit 2; }
case $config in configs/*.toml) ;; *) echo "$config: give a config under configs/" >&2; exit 2 ;; esac
grep -q '^seed = 0$' "$config" || { echo "$config: no 'seed = 0' line to vary" >&2; exit 2; }
grep -q '^val_seed = ' "$config" || { echo "$config: set val_seed, or each seed validates on its own prompts" >&2; exit 2; }
mkdir -p "$results"
python=${PYTHON:-python3}
for seed in 0 1 2 3; do
    copy=$(mktemp -d)/seed$seed
    mkdir -p "$copy/out/source-work"
    cp -r backend configs "$copy/"
    ln -s "$repo/$pack" "$copy/$pack"
    sed -i "s/^seed = 0$/seed = $seed/" "$copy/$config"
    (
        cd "$copy" && PYTHONPATH="$copy/backend${PYTHONPATH:+:$PYTHONPATH}" ${LIMIT:+timeout "$LIMIT"} "$python" -m slick_backend \
            pretrain-prompt --config "$config" --out backend/slick_backend/models/shipped/slick-s1-prompt \
            --work out/source-work --overwrite > train.log 2>&1
        echo "exit $?" >> train.log
        tar czf "$results/seed$seed.tgz" train.log "$config" backend/slick_backend/models/shipped/slick-s1-prompt \
            out/source-work/prompt-train
    ) &
done
wait
