from moelab_analysis.first_touch import first_touch


def test_hand_computed_trace():
    # 1: nothing seen. 2: shares id 1 (512 tokens) -> 512, capped at whole 16-token blocks below
    # its 1000-token prompt: 512. 3: shares [1, 2] fully: 1024 tokens of a 1024-token prompt, cap
    # leaves one token to compute: 1008. 4: id 9 first, then 1: the prefix differs, nothing.
    reqs = [(600, [1, 5]), (1000, [1, 2]), (1024, [1, 2]), (700, [9, 1])]
    hits, total = first_touch(reqs, 16)
    assert total == 600 + 1000 + 1024 + 700
    assert hits == 0 + 512 + 1008 + 0
