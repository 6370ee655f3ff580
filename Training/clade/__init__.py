"""PyTorch side of clade-paint: the reference CLADE/SPADE model, conditioning maps, model files."""
