"""`slick-backend pretrain-source`: the shipped source model, made reproducibly from a config."""
