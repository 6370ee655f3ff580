import pytest
import torch

import data
import segmenter
from test_data import folder_spec, write_folder


def test_predict_gives_logits_and_the_bottleneck():
    model = segmenter.UNet(classes=5, width=4).eval()
    logits, features = model.predict(torch.randn(2, 3, 32, 48))
    assert logits.shape == (2, 5, 32, 48) and features.shape == (2, 32, 4, 6)
    torch.testing.assert_close(model(torch.zeros(1, 3, 16, 16)), model.predict(torch.zeros(1, 3, 16, 16))[0])
    with pytest.raises(ValueError, match="multiples of 8"):
        model(torch.zeros(1, 3, 20, 16))


def test_training_lowers_the_loss_and_the_file_round_trips(tmp_path):
    torch.set_num_threads(1)
    root = write_folder(tmp_path / "ade", count=4, label_max=4)
    cache = data.SampleCache(data.build_cache(folder_spec(root, count=4), tmp_path / "cache", workers=1,
                                              log=lambda _: None))
    model, summary = segmenter.train_segmenter(cache, classes=5, width=4, steps=40, batch_size=4, lr=5e-3,
                                               device=torch.device("cpu"), log=lambda _: None)
    batch = cache.batch(torch.arange(4), torch.zeros(4, dtype=torch.bool))
    untrained = segmenter.UNet(5, 4).eval()
    with torch.no_grad():
        before = torch.nn.functional.cross_entropy(untrained(batch["image"]), batch["labels"])
        after = torch.nn.functional.cross_entropy(model(batch["image"]), batch["labels"])
    assert summary["steps"] == 40 and float(after) < 0.7 * float(before)
    segmenter.save(tmp_path / "s.pt", model, (32, 32), [f"c{i}" for i in range(5)], summary)
    loaded, record = segmenter.load(tmp_path / "s.pt")
    assert record["size"] == [32, 32] and record["info"]["steps"] == 40
    with torch.no_grad():
        torch.testing.assert_close(loaded(batch["image"]), model(batch["image"]))


def test_a_file_of_another_kind_is_refused(tmp_path):
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a clade-paint segmenter"):
        segmenter.load(tmp_path / "other.pt")
