import torch

import losses


def outputs(*predictions):
    """Discriminator outputs: one scale per prediction, each with one intermediate feature before it."""
    return [[torch.full((2, 3, 4, 4), float(i)), torch.tensor(p, dtype=torch.float32).view(-1, 1, 1, 1)]
            for i, p in enumerate(predictions)]


def test_hinge_d_loss_is_zero_only_beyond_the_margins():
    real, fake = outputs([1.5, 2.0], [1.0, 3.0]), outputs([-1.0, -2.0], [-4.0, -1.5])
    assert float(losses.hinge_d_loss(real, fake)) == 0.0
    # Scale 0: relu(1 - 0) mean 1 + relu(1 + 0) mean 1 = 2; scale 1: real 0.5 -> 0.5, fake -1 -> 0; mean 1.25.
    real, fake = outputs([0.0, 0.0], [0.5, 0.5]), outputs([0.0, 0.0], [-1.0, -1.0])
    assert float(losses.hinge_d_loss(real, fake)) == 1.25


def test_hinge_g_loss_is_the_negated_mean_prediction_averaged_over_scales():
    assert float(losses.hinge_g_loss(outputs([1.0, 3.0], [-2.0, 0.0]))) == -0.5


def test_feature_matching_compares_intermediate_features_only():
    real = [[torch.zeros(1, 2, 2, 2), torch.zeros(1, 1, 1, 1)], [torch.ones(1, 2, 2, 2), torch.zeros(1, 1, 1, 1)]]
    fake = [[torch.ones(1, 2, 2, 2), torch.full((1, 1, 1, 1), 9.0)], [torch.ones(1, 2, 2, 2), torch.zeros(1, 1, 1, 1)]]
    # Scale 0 differs by 1 everywhere, scale 1 not at all; the predictions are ignored; weight 10 / 2 scales.
    assert float(losses.feature_matching_loss(real, fake, weight=10.0)) == 5.0


def test_feature_matching_sends_no_gradient_to_the_real_features():
    real_feature = torch.zeros(1, 2, 2, 2, requires_grad=True)
    fake_feature = torch.ones(1, 2, 2, 2, requires_grad=True)
    loss = losses.feature_matching_loss([[real_feature, torch.zeros(1)]], [[fake_feature, torch.zeros(1)]])
    loss.backward()
    assert real_feature.grad is None and fake_feature.grad is not None


def test_kl_is_zero_for_the_prior_and_sums_over_the_code():
    zeros = torch.zeros(3, 8)
    assert float(losses.kl_loss(zeros, zeros)) == 0.0
    mu = torch.ones(3, 8)
    # 0.05 * -0.5 * sum over 8 of (1 + 0 - 1 - 1) = 0.05 * 4 per sample, the same for every sample.
    assert abs(float(losses.kl_loss(mu, zeros)) - 0.2) < 1e-6


def test_reconstruction_is_the_weighted_mean_absolute_error():
    assert float(losses.reconstruction_loss(torch.ones(1, 3, 2, 2), torch.zeros(1, 3, 2, 2), 2.5)) == 2.5
