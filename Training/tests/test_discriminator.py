import torch

from clade.discriminator import MultiscaleDiscriminator


def test_two_scales_of_patch_outputs_with_intermediate_features():
    d = MultiscaleDiscriminator(in_channels=7, ndf=8, num_d=2)
    outputs = d(torch.randn(2, 7, 64, 64))
    assert len(outputs) == 2
    # (4, s2, p2): 64 -> 33 -> 17 -> 9, then s1: 10, then the prediction conv: 11.
    assert [tuple(t.shape) for t in outputs[0]] == [(2, 8, 33, 33), (2, 16, 17, 17), (2, 32, 9, 9),
                                                    (2, 64, 10, 10), (2, 1, 11, 11)]
    # The second scale sees the input average-pooled to 32 x 32.
    assert tuple(outputs[1][-1].shape) == (2, 1, 7, 7)


def test_middle_convs_carry_spectral_norm_and_the_width_is_capped():
    d = MultiscaleDiscriminator(in_channels=4, ndf=256, num_d=1)
    names = [n for n, _ in d.named_parameters()]
    assert "scales.0.stages.1.0.weight_orig" in names and "scales.0.stages.0.0.weight" in names
    assert "scales.0.stages.4.0.weight" in names
    assert d.scales[0].stages[3][0].weight_orig.shape[0] == 512
