"""ipstats.resolve: what a user types, turned into a city or an indicator of the dataset."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TINY
from ipstats import resolve
from ipstats.cli import app
from ipstats.datafile import default_path, load
from ipstats.errors import ExitStatus, UsageError
from ipstats.loader import parse
from ipstats.model import Category, Dataset
from ipstats.schema import build_dataset


@pytest.mark.parametrize(
    "name",
    ["alpha", "ALPHA", "Alpha", "甲城", "al", "Al", "甲", "  alpha  ", "ａｌｐｈａ"],
)
def test_city_by_id_name_chinese_name_or_alias(tiny: Dataset, name: str) -> None:
    assert resolve.city(tiny, name).id == "alpha"


def test_unknown_city_suggests_and_lists_known(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "alpah")
    assert (
        str(caught.value)
        == "unknown city 'alpah'; did you mean: alpha? (known: alpha, beta, nation)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE
    assert caught.value.exit_status == 2


def test_unknown_city_without_a_close_match(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "zzz")
    assert str(caught.value) == "unknown city 'zzz' (known: alpha, beta, nation)"


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_city_name(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, name)
    assert str(caught.value) == "empty city name; give a city such as alpha, beta, nation"


def test_control_characters_are_shown_escaped(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "\x1b[31mred\x07")
    assert str(caught.value) == r"unknown city '\x1b[31mred\x07' (known: alpha, beta, nation)"
    assert "\x1b" not in str(caught.value)


def test_long_input_is_shortened(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "q" * 100)
    assert str(caught.value) == f"unknown city '{'q' * 57}...' (known: alpha, beta, nation)"


def test_cities_resolves_each_and_rejects_a_repeat(tiny: Dataset) -> None:
    assert [c.id for c in resolve.cities(tiny, ["beta", "甲城"])] == ["beta", "alpha"]
    with pytest.raises(UsageError) as caught:
        resolve.cities(tiny, ["alpha", "AL"])
    assert str(caught.value) == "city 'alpha' is named twice"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("widgets_granted", "widgets_granted"),
        ("WIDGETS_GRANTED", "widgets_granted"),
        ("widgets", "widgets_granted"),  # an alias, though also a prefix of widgets_granted
        ("rank", "cluster_rank"),
        ("widget_s", "widget_share"),
        ("valid", "valid_widgets"),
        ("fund", "funding_amount"),
        ("clu", "cluster_rank"),
    ],
)
def test_indicator_by_id_alias_or_unique_prefix(tiny: Dataset, name: str, expected: str) -> None:
    assert resolve.indicator(tiny, name).id == expected


@pytest.mark.parametrize("name", ["widget", "w", "WIDGET"])
def test_ambiguous_prefix_lists_candidates(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, name)
    assert str(caught.value) == (
        f"ambiguous metric '{name}': it could be "
        "widgets_granted (Widgets granted); widget_share (Widget share)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE


def test_unknown_indicator_suggests(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "widgts_granted")
    assert str(caught.value) == (
        "unknown metric 'widgts_granted'; did you mean: widgets_granted? "
        "(`ipstats list indicators` shows them all)"
    )


def test_unknown_indicator_without_a_close_match(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "zzz")
    assert str(caught.value) == "unknown metric 'zzz' (`ipstats list indicators` shows them all)"


def test_unknown_indicator_with_control_characters(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "x\ty\x00")
    assert str(caught.value) == (
        r"unknown metric 'x\ty\x00' (`ipstats list indicators` shows them all)"
    )


@pytest.mark.parametrize("name", ["", " \t "])
def test_empty_indicator_name(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, name)
    assert str(caught.value) == "empty metric name; `ipstats list indicators` shows them all"


def test_city_or_indicator_prefers_the_city(tiny: Dataset) -> None:
    assert resolve.city_or_indicator(tiny, "Beta") == tiny.city("beta")
    assert resolve.city_or_indicator(tiny, "rank") == tiny.indicator("cluster_rank")
    assert resolve.city_or_indicator(tiny, "funding") == tiny.indicator("funding_amount")


def test_city_or_indicator_says_neither_and_suggests_from_both(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city_or_indicator(tiny, "widgts")
    assert str(caught.value).startswith(
        "no indicator or city named 'widgts'; did you mean: widgets, widget_share"
    )
    with pytest.raises(UsageError, match=r"^no indicator or city named ' '"):
        resolve.city_or_indicator(tiny, " ")
    with pytest.raises(UsageError, match=r"^ambiguous metric 'widget': it could be "):
        resolve.city_or_indicator(tiny, "widget")


def test_indicator_if_named(tiny: Dataset) -> None:
    assert resolve.indicator_if_named(tiny, None) is None
    assert resolve.indicator_if_named(tiny, "WIDGETS") == tiny.indicator("widgets_granted")


def test_category_by_name_in_any_case() -> None:
    assert resolve.category("Creation") is Category.CREATION
    assert resolve.category(Category.PROTECTION) is Category.PROTECTION
    with pytest.raises(UsageError) as caught:
        resolve.category("protect")
    assert str(caught.value).startswith(
        "unknown category 'protect'; did you mean: protection? (valid: "
    )


def test_known_cities_shows_the_first_ten(tiny: Dataset) -> None:
    assert resolve.known_cities(tiny) == "alpha, beta, nation"


# The tiny dataset with Chinese names for some of its indicators.
NAMED = (
    TINY.replace(
        "    name: Widgets granted\n", "    name: Widgets granted\n    name_zh: 部件授权量\n"
    )
    .replace("    name: Valid widgets\n", "    name: Valid widgets\n    name_zh: 有效部件拥有量\n")
    .replace("    name: Widget share\n", "    name: Widget share\n    name_zh: 部件案件占比\n")
)


_NAMED_DATASET = build_dataset(parse(NAMED, "named.yaml"), "named.yaml")[0]


@pytest.fixture
def named() -> Dataset:
    return _NAMED_DATASET


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("widgets granted", "widgets_granted"),  # the id, spaces for underscores
        ("Widgets-Granted", "widgets_granted"),
        ("Funding amount", "funding_amount"),  # the English name
        ("VALID WIDGETS", "valid_widgets"),
        ("部件授权量", "widgets_granted"),  # the Chinese name
        ("有效部件", "valid_widgets"),  # a Chinese term found in one Chinese name only
        ("占比", "widget_share"),
        ("granted widgets", "widgets_granted"),  # the words of the name in another order
        ("cluster", "cluster_rank"),  # a unique prefix still comes before words
        ("amount funding", "funding_amount"),
        ("raised", None),  # descriptions are for search, not for naming a metric
    ],
)
def test_indicator_by_english_or_chinese_name(
    named: Dataset, name: str, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(UsageError, match=r"^unknown metric"):
            resolve.indicator(named, name)
    else:
        assert resolve.indicator(named, name).id == expected


def test_an_ambiguous_chinese_term_lists_candidates_with_both_names(named: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(named, "部件")
    assert str(caught.value) == (
        "ambiguous metric '部件': it could be widgets_granted (Widgets granted, 部件授权量); "
        "valid_widgets (Valid widgets, 有效部件拥有量); widget_share (Widget share, 部件案件占比)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE


def test_an_ambiguous_english_word_lists_candidates(named: Dataset) -> None:
    # "valid widgets" would be an id; "widgets" alone is an alias; "widg" starts two ids.
    with pytest.raises(UsageError, match=r"^ambiguous metric 'Widg': it could be widgets_granted "):
        resolve.indicator(named, "Widg")


def test_several_names_resolve_in_order_each_once(named: Dataset) -> None:
    found = resolve.indicators(named, ["有效部件", "widgets", "valid_widgets"])
    assert [i.id for i in found] == ["valid_widgets", "widgets_granted"]
    assert resolve.indicators(named, None) == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_any_metric_name_resolves_or_is_a_usage_error(name: str) -> None:
    dataset = _NAMED_DATASET
    try:
        found = resolve.indicator(dataset, name)
    except UsageError as error:
        assert str(error).startswith(("empty metric", "unknown metric", "ambiguous metric"))
    else:
        assert found in dataset.indicators


# ---------------------------------------------------------------- the places of the shipped data

# The national panel as CNIPA's tables have it: id -> (English name, Chinese name, kind, parent).
PANEL = {
    "china": ("China", "中国", "country", ""),
    **{
        i: (n, z, "municipality", "china")
        for i, n, z in (
            ("beijing", "Beijing", "北京"),
            ("tianjin", "Tianjin", "天津"),
            ("shanghai", "Shanghai", "上海"),
            ("chongqing", "Chongqing", "重庆"),
        )
    },
    **{
        i: (n, z, "province", "china")
        for i, n, z in (
            ("hebei", "Hebei", "河北"),
            ("shanxi", "Shanxi", "山西"),
            ("inner-mongolia", "Inner Mongolia", "内蒙古"),
            ("liaoning", "Liaoning", "辽宁"),
            ("jilin", "Jilin", "吉林"),
            ("heilongjiang", "Heilongjiang", "黑龙江"),
            ("jiangsu", "Jiangsu", "江苏"),
            ("zhejiang", "Zhejiang", "浙江"),
            ("anhui", "Anhui", "安徽"),
            ("fujian", "Fujian", "福建"),
            ("jiangxi", "Jiangxi", "江西"),
            ("shandong", "Shandong", "山东"),
            ("henan", "Henan", "河南"),
            ("hubei", "Hubei", "湖北"),
            ("hunan", "Hunan", "湖南"),
            ("guangdong", "Guangdong", "广东"),
            ("guangxi", "Guangxi", "广西"),
            ("hainan", "Hainan", "海南"),
            ("sichuan", "Sichuan", "四川"),
            ("guizhou", "Guizhou", "贵州"),
            ("yunnan", "Yunnan", "云南"),
            ("tibet", "Tibet", "西藏"),
            ("shaanxi", "Shaanxi", "陕西"),
            ("gansu", "Gansu", "甘肃"),
            ("qinghai", "Qinghai", "青海"),
            ("ningxia", "Ningxia", "宁夏"),
            ("xinjiang", "Xinjiang", "新疆"),
        )
    },
    "hong-kong": ("Hong Kong", "香港", "region", "china"),
    "macau": ("Macau", "澳门", "region", "china"),
    "taiwan": ("Taiwan", "台湾", "region", "china"),
    **{
        i: (n, z, "city", p)
        for i, n, z, p in (
            ("shenzhen", "Shenzhen", "深圳", "guangdong"),
            ("guangzhou", "Guangzhou", "广州", "guangdong"),
            ("hangzhou", "Hangzhou", "杭州", "zhejiang"),
            ("nanjing", "Nanjing", "南京", "jiangsu"),
            ("wuhan", "Wuhan", "武汉", "hubei"),
            ("chengdu", "Chengdu", "成都", "sichuan"),
            ("xian", "Xi'an", "西安", "shaanxi"),
            ("qingdao", "Qingdao", "青岛", "shandong"),
            ("ningbo", "Ningbo", "宁波", "zhejiang"),
            ("xiamen", "Xiamen", "厦门", "fujian"),
            ("dalian", "Dalian", "大连", "liaoning"),
            ("jinan", "Jinan", "济南", "shandong"),
            ("shenyang", "Shenyang", "沈阳", "liaoning"),
            ("changchun", "Changchun", "长春", "jilin"),
            ("harbin", "Harbin", "哈尔滨", "heilongjiang"),
        )
    },
}


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load(default_path(), use_cache=False).dataset


def test_the_shipped_places_are_the_panel_with_its_kinds_and_parents(shipped: Dataset) -> None:
    assert len(PANEL) == 50
    found = {c.id: (c.name, c.name_zh, c.kind.value, c.parent) for c in shipped.cities}
    assert found == PANEL
    assert len(found) == len(shipped.cities)


@pytest.mark.parametrize("city_id", list(PANEL))
def test_every_place_answers_to_its_id_and_english_and_chinese_names(
    shipped: Dataset, city_id: str
) -> None:
    name, name_zh, _, _ = PANEL[city_id]
    for typed in (city_id, name, name.upper(), f" {name.lower()} ", name_zh):
        assert resolve.city(shipped, typed).id == city_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # full official forms
        ("北京市", "beijing"),
        ("内蒙古自治区", "inner-mongolia"),
        ("广西壮族自治区", "guangxi"),
        ("宁夏回族自治区", "ningxia"),
        ("新疆维吾尔自治区", "xinjiang"),
        ("西藏自治区", "tibet"),
        ("香港特别行政区", "hong-kong"),
        ("澳門特別行政區", "macau"),
        ("广东省", "guangdong"),
        ("哈尔滨市", "harbin"),
        # one-character abbreviations and city nicknames
        ("京", "beijing"),
        ("沪", "shanghai"),
        ("渝", "chongqing"),
        ("粤", "guangdong"),
        ("晋", "shanxi"),
        ("陕", "shaanxi"),
        ("秦", "shaanxi"),
        ("蜀", "sichuan"),
        ("黔", "guizhou"),
        ("滇", "yunnan"),
        ("陇", "gansu"),
        ("港", "hong-kong"),
        ("澳", "macau"),
        ("台", "taiwan"),
        ("穗", "guangzhou"),
        ("蓉", "chengdu"),
        ("甬", "ningbo"),
        ("鹭", "xiamen"),
        ("吉", "jilin"),
        ("宁", "ningxia"),
        ("青", "qinghai"),
        # latin abbreviations and spellings
        ("bj", "beijing"),
        ("GD", "guangdong"),
        ("cq", "chongqing"),
        ("HK", "hong-kong"),
        ("Hongkong", "hong-kong"),
        ("Macao", "macau"),
        ("Nei Mongol", "inner-mongolia"),
        ("Xizang", "tibet"),
        ("Xian", "xian"),
        ("xi-an", "xian"),
        ("XI'AN", "xian"),
        ("Xi’an", "xian"),
        ("Peking", "beijing"),
        ("Haerbin", "harbin"),
        ("Shanxi", "shanxi"),
        ("Shaanxi", "shaanxi"),
        ("臺灣", "taiwan"),
    ],
)
def test_places_answer_to_the_names_people_type(
    shipped: Dataset, typed: str, expected: str
) -> None:
    assert resolve.city(shipped, typed).id == expected


@pytest.mark.parametrize("typed", ["hb", "hn", "sx", "gz"])
def test_an_abbreviation_of_two_places_stands_for_neither(shipped: Dataset, typed: str) -> None:
    # hb: Hebei and Hubei; hn: Henan, Hunan and Hainan; sx: Shanxi and Shaanxi; gz: Guangzhou
    # and Guizhou. Reading one of them as one place would answer a question not asked.
    with pytest.raises(UsageError, match=r"^unknown city"):
        resolve.city(shipped, typed)


def test_a_misspelt_shanxi_suggests_both_provinces(shipped: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(shipped, "shanxii")
    assert "did you mean: shanxi, shaanxi" in str(caught.value)


def test_many_known_places_are_counted_not_listed(shipped: Dataset) -> None:
    assert resolve.known_cities(shipped) == (
        "china, beijing, tianjin, hebei, shanxi and 45 more; `ipstats list cities` lists them"
    )


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        (
            "jilin",
            "'jilin' is read as Jilin (province, 吉林); Jilin city (吉林市) is not in the dataset",
        ),
        (
            "吉林",
            "'吉林' is read as Jilin (province, 吉林); Jilin city (吉林市) is not in the dataset",
        ),
        ("宁", "'宁' is read as Ningxia (province, 宁夏); for Nanjing (南京), type nanjing"),
        ("青", "'青' is read as Qinghai (province, 青海); for Qingdao (青岛), type qingdao"),
    ],
)
def test_a_name_shared_with_another_place_says_which_is_read(
    shipped: Dataset, typed: str, note: str
) -> None:
    assert resolve.notes(shipped, [typed]) == (note,)


@pytest.mark.parametrize("typed", ["吉林省", "jl", "Ningxia", "nanjing", "shanghai", "nowhere", ""])
def test_a_name_of_one_place_only_needs_no_note(shipped: Dataset, typed: str) -> None:
    assert resolve.notes(shipped, [typed]) == ()


def test_a_shared_name_typed_twice_is_noted_once(shipped: Dataset) -> None:
    assert len(resolve.notes(shipped, ["宁", "shanghai", "宁", "jilin"])) == 2


def test_every_shared_name_of_the_shipped_places_gets_its_note(shipped: Dataset) -> None:
    shared = [(c, n) for c in shipped.cities for s in c.shared for n in s.names]
    assert {c.id for c, _ in shared} == {"jilin", "ningxia", "qinghai"}
    for city, name in shared:
        (note,) = resolve.notes(shipped, [name])
        assert note.startswith(f"{resolve.quote_input(name)} is read as {city.name} (")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "jilin"],
        ["list", "observations", "--city", "宁"],
        ["compare", "青", "shanghai", "--metric", "pct"],
        ["growth", "jilin", "--metric", "pct"],
    ],
)
def test_the_note_goes_to_stderr_and_stdout_stays_clean(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--format", "csv"])
    notes = [line for line in result.stderr.splitlines() if " is read as " in line]
    assert len(notes) == 1
    assert notes[0].startswith("note: '")
    assert " is read as " not in result.stdout


def test_no_note_for_a_place_named_by_a_name_of_its_own() -> None:
    result = CliRunner().invoke(app, ["show", "吉林省", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stderr == ""
