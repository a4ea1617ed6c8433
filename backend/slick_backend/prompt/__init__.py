"""The prompt model: box and point prompts -> a slick outline (a small SAR encoder with SAM's
prompt encoder and mask decoder), trained on simulated scenes only."""
