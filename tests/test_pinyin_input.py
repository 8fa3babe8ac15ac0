"""Chinese names from pinyin typed in Latin letters: splitting, ranking, the database's own names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.domain import pinyin_input
from clerk.domain.pinyin_input import NameInput


@pytest.fixture(scope="module")
def engine() -> NameInput:
    return NameInput()


def texts(candidates, consumed: int | None = None) -> list[str]:
    return [c.text for c in candidates if consumed is None or c.consumed == consumed]


def splits(typed: str) -> list[list[str]]:
    lib = pinyin_input.library()
    return [[p.text for p in pieces] for pieces in pinyin_input.split(typed, lib.syllables, lib.prefixes)]


# -- splitting ------------------------------------------------------------------------------


def test_a_name_splits_into_its_syllables():
    assert splits("zhangsan") == [["zhang", "san"]]
    assert splits("zhang san") == [["zhang", "san"]]
    assert splits("ouyangnana")[0] == ["ou", "yang", "na", "na"]


def test_xian_is_one_syllable_and_the_apostrophe_makes_it_two():
    assert splits("xian") == [["xian"]]
    assert splits("xi'an") == [["xi", "an"]]
    assert splits("xi an") == [["xi", "an"]]


def test_a_truly_ambiguous_string_offers_both_readings():
    assert ["fan", "gan"] in splits("fangan")
    assert ["fang", "an"] in splits("fangan")


def test_unfinished_and_abbreviated_syllables():
    assert splits("zhangs") == [["zhang", "s"]]
    assert splits("zs") == [["z", "s"]]
    assert splits("zhangsh")[0] == ["zhang", "sh"]


def test_what_is_not_pinyin_does_not_split():
    assert splits("") == []
    assert splits("zhang3") == []
    assert splits("iu") == []  # no syllable starts with i, u or v


# -- candidates -----------------------------------------------------------------------------


def test_zhangsan_offers_zhang_san_first_then_the_surname_alone(engine):
    candidates = engine.suggest("zhangsan")
    assert candidates[0] == ("张三", 8)
    surnames = texts(candidates, consumed=5)
    assert surnames[:2] == ["张", "章"]
    assert all(len(c.text) == 2 and c.text[0] in "张章长掌" for c in candidates if c.consumed == 8)


def test_spaces_between_syllables_are_swallowed_with_the_pick(engine):
    candidates = engine.suggest("zhang san")
    assert candidates[0] == ("张三", 9)
    assert ("张", 6) in candidates  # picking 张 leaves "san", not " san"


def test_ouyang_is_the_compound_surname(engine):
    assert engine.suggest("ouyang")[0] == ("欧阳", 6)
    assert engine.suggest("zhuge")[0] == ("诸葛", 5)
    assert engine.suggest("sima")[0] == ("司马", 4)
    candidates = engine.suggest("ouyangna")
    assert all(c.text.startswith("欧阳") for c in candidates[:4])
    assert ("欧阳", 6) in candidates[:9]  # the surname alone is on the first page too


def test_partial_input_offers_whole_names_and_the_surname(engine):
    candidates = engine.suggest("zhangs")
    whole = texts(candidates, consumed=6)
    assert whole and all(t.startswith(("张", "章")) for t in whole[:5])
    assert "张" in texts(candidates, consumed=5)[:2]
    initials = engine.suggest("zs")
    assert set(texts(initials, consumed=1)[:4]) <= set("张赵周朱郑曾钟")
    assert texts(initials, consumed=2)[0][0] in "张赵周"


def test_exact_syllables_come_before_longer_ones(engine):
    candidates = texts(engine.suggest("xian"))
    assert "冼" in candidates[:9]
    assert candidates.index("冼") < candidates.index("向")  # xiang only after every xian
    assert engine.suggest("xi'an")[0].text in {"习安", "席安", "奚安"}


def test_surname_readings_follow_the_surname_rules(engine):
    assert texts(engine.suggest("zeng"))[0] == "曾"
    assert texts(engine.suggest("shan"))[:9].count("单") == 1  # 单 is shan as a surname
    assert "单" not in texts(engine.suggest("dan"))[:9]


def test_after_the_surname_the_pinyin_continues_the_given_name(engine):
    assert "三" in texts(engine.suggest("san", before="张"))[:3]
    given = engine.suggest("jianguo", before="王")
    assert given[0] == ("建国", 7)
    assert "建" in texts(given, consumed=4)[:3]


def test_the_databases_own_names_come_first(engine):
    local = NameInput(["张珊", "张珊", "刘娜", "覃小燕"])
    assert local.suggest("zhangshan")[0] == ("张珊", 9)
    assert local.suggest("zs")[0] == ("张珊", 2)
    assert local.suggest("shan", before="张")[0] == ("珊", 4)
    assert texts(local.suggest("qin"))[0] == "覃"  # a township of 覃 families
    assert texts(engine.suggest("qin"))[0] != "覃"


def test_a_name_saved_is_learned():
    local = NameInput()
    assert local.suggest("yanmeizhen")[0].text != "晏美珍"
    local.learn("晏美珍")
    assert local.suggest("yanmeizhen")[0] == ("晏美珍", 10)


def test_letters_that_are_not_pinyin_offer_nothing(engine):
    assert engine.suggest("") == []
    assert engine.suggest("v") == []
    assert engine.suggest("zhang3") == []


def test_what_counts_as_pinyin_being_typed():
    assert pinyin_input.composition_letters("zhang san")
    assert pinyin_input.composition_letters("xi'an")
    assert not pinyin_input.composition_letters("Smith")  # capitals: a name in Latin letters
    assert not pinyin_input.composition_letters("zhang3")
    assert not pinyin_input.composition_letters(" zhang")
    assert not pinyin_input.composition_letters("")


# -- properties -----------------------------------------------------------------------------

_LIB = pinyin_input.library()
_USUAL = sorted(
    c for c, readings in _LIB.readings.items() if c in pinyin_input.COMMON and readings[0] in _LIB.syllables
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(_LIB.syllables)), min_size=1, max_size=5), st.sampled_from(["", "'", " "]))
def test_every_split_covers_the_input_in_order(syllables, glue):
    typed = glue.join(syllables)
    found = pinyin_input.split(typed, _LIB.syllables, _LIB.prefixes)
    assert found, typed
    letters = typed.replace("'", "").replace(" ", "")
    for pieces in found:
        assert "".join(p.text for p in pieces) == letters
        assert [typed[p.start : p.end] for p in pieces] == [p.text for p in pieces]
    if glue:
        assert [p.text for p in found[0]] == syllables  # a separator is never second-guessed


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_USUAL), min_size=2, max_size=3))
def test_any_name_can_be_typed_by_its_usual_readings_and_picked(engine, chars):
    """Type each character's usual reading, pick; every character is among the candidates."""
    typed = "'".join(_LIB.readings[c][0] for c in chars)
    picked = ""
    while typed:
        candidates = engine.suggest(typed, before=picked)
        assert all(0 < c.consumed <= len(typed) for c in candidates)
        want = chars[len(picked)]
        # the single character for the next syllable (the whole name may come sooner)
        choice = next(c for c in candidates if c.text == want and typed[: c.consumed].rstrip("' ").count("'") == 0)
        picked += choice.text
        typed = typed[choice.consumed :]
    assert picked == "".join(chars)


def test_free_text_offers_everyday_characters_not_surnames():
    text = pinyin_input.TextInput()
    assert texts(text.suggest("zong"))[0] == "总"
    assert "街" in texts(text.suggest("jie", before="沙坪坝区"))[:9]
    assert "工" in texts(text.suggest("gonghui"), consumed=4)[:9]
