"""Chrome removal, roles, and naming the original on real data (learned boilerplate:
test_boilerplate.py)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedupe import Engine
from dedupe.default_plugins.chrome import strip_chrome
from dedupe.evaluate import evaluate, load_clusters, load_truth


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Read more at the source.",
        "Continue reading...",
        "Lire la suite…",
        "Share on Facebook Share on X Email",
        "Partager sur Facebook",
        "Tags: London",
        "Comments (0)",
        "Copyright 2005. All rights reserved.",
        "BREAKING",
        "by News7",
        "Par Jean Dupont et Marie Curie, AFP",
        "Accueil > Actualités > Culture",
        "Home » News » World",
        "Advertisement",
        "Subscribe to our newsletter",
    ],
)
def test_chrome_lines_are_removed(line):
    assert strip_chrome(f"Real first paragraph here.\n{line}\nReal last paragraph.") == (
        "Real first paragraph here.\nReal last paragraph."
    )


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, sales had doubled.",
        "Par ailleurs, le gouvernement a annoncé une réforme.",
        "Read the statement carefully, the minister said, because it matters.",
        "The share price fell on Facebook's results.",
    ],
)
def test_content_lines_are_kept(line):
    text = f"Intro paragraph.\n{line}\nClosing paragraph."
    assert strip_chrome(text) == text


def test_title_site_suffix_and_breadcrumb_are_trimmed():
    text = "Oscars steer clear of controversy | DailyFeed\nHome News UK economy grows\nBody."
    assert strip_chrome(text) == "Oscars steer clear of controversy\nUK economy grows\nBody."


def test_related_block_at_the_end_is_removed(seed_texts):
    repost = strip_chrome(seed_texts["003_63ffa25ad3faf19a.txt"])
    assert "You may also like" not in repost and "news7.asia" not in repost
    assert "Le Monde avec AFP" in repost


@given(st.text(max_size=300))
def test_chrome_is_total_and_idempotent(text):
    once = strip_chrome(text)
    assert strip_chrome(once) == once


def test_repost_and_teaser_roles(seed_texts):
    body = seed_texts["lemonde_original.txt"]
    teaser = " ".join(body.split()[:80]) + "\nLire la suite"
    docs = [
        ("original", body),
        ("repost", "Accueil > Monde\nPar la rédaction\n" + body + "\nPartager sur Facebook"),
        ("teaser", teaser),
    ]
    (cluster,) = Engine(load_plugins=False).run_documents(docs).clusters
    assert cluster.representative == "original"
    assert cluster.roles == {"original": "original", "repost": "copy", "teaser": "teaser"}


def test_syndication_quality(syndication, engine, tmp_path):
    engine.run([syndication / "corpus.jsonl"], tmp_path)
    report = evaluate(
        load_truth(syndication / "truth.jsonl"), load_clusters(tmp_path / "clusters.jsonl")
    )
    assert report["overall"]["precision"] >= 0.99
    assert report["overall"]["ari"] >= 0.98
    assert report["by_role"]["teaser"]["recall"] >= 0.90
    # Goal 0.98; the misses left are (original, edited copy) pairs with nothing to tell them
    # apart but the edits (see the closing note of issue 3).
    assert report["original_named"]["share"] >= 0.97


def test_examples_corpus_matches_its_expected_clusters(tmp_path):
    from .conftest import EXAMPLES

    result = Engine(load_plugins=False).run([EXAMPLES / "news"], tmp_path)
    expected = load_truth(EXAMPLES / "expected_clusters.json")
    report = evaluate(expected, load_clusters(tmp_path / "clusters.jsonl"))
    assert report["overall"]["precision"] == 1.0 and report["overall"]["recall"] == 1.0
    assert report["original_named"]["share"] == 1.0, [c.representative for c in result.clusters]


ZH_BODY = "苹果公司今天发布了新款手机，售价与去年持平。\n分析人士认为，这一定价有助于扩大市场份额。"
JA_BODY = "東京都は今日、新しい計画を発表した。\n計画は来年の春から始まる予定だという。"
AR_BODY = "أعلنت وزارة الصحة اليوم عن خطة جديدة.\nوقالت الوزارة إن الخطة تبدأ العام المقبل."


@pytest.mark.parametrize(
    "body,line",
    [
        (ZH_BODY, "来源：新华网"),
        (ZH_BODY, "【责任编辑：王小明】"),
        (ZH_BODY, "（本文来源：人民日报　作者：李华）"),
        (ZH_BODY, "—— 稿件来源：央视网　值班编辑：刘洋 ——"),
        (ZH_BODY, "发布时间：2019-03-02 10:21:33　浏览次数：1024"),
        (ZH_BODY, "分享到：微信 微博 QQ空间"),
        (ZH_BODY, "【打印】【关闭】"),
        (ZH_BODY, "关于我们 | 联系我们 | 网站地图 | 广告服务"),
        (ZH_BODY, "声明：本文仅代表作者个人观点，与本网无关。"),
        (ZH_BODY, "版权所有 © 某某网 未经授权禁止转载"),
        (ZH_BODY, "当前位置：首页 > 科技 > 正文"),
        (ZH_BODY, "关键词：手机 苹果"),
        (ZH_BODY, "展开全文"),
        (ZH_BODY, "长按识别二维码关注我们"),
        (JA_BODY, "出典：毎日ニュース"),
        (JA_BODY, "（文・写真：山田太郎）"),
        (JA_BODY, "2024/01/15 08:30 更新"),
        (JA_BODY, "LINEで送る / Facebookで共有"),
        (JA_BODY, "スポンサーリンク"),
        (JA_BODY, "お問い合わせ｜会社概要｜利用規約"),
        (JA_BODY, "このページの先頭へ"),
        (JA_BODY, "Copyright © 2024 Example Inc. 無断転載を禁じます"),
        (JA_BODY, "▶続きを読む"),
        (AR_BODY, "المصدر: وكالة الأنباء"),
        (AR_BODY, "كتب: محمد العلي"),
        (AR_BODY, "تاريخ النشر: 12 مايو 2015"),
        (AR_BODY, "عدد المشاهدات: 3520"),
        (AR_BODY, "شارك | طباعة | أرسل لصديق"),
        (AR_BODY, "جميع الحقوق محفوظة لموقع الخبر"),
        (AR_BODY, "من نحن | اتصل بنا | سياسة الخصوصية"),
        (AR_BODY, "تابعونا على تويتر"),
        (AR_BODY, "نُشر هذا الخبر أولاً على موقع الوطن"),
        (AR_BODY, "اقرأ المزيد"),
    ],
)
def test_chinese_japanese_arabic_chrome_lines_are_removed(body, line):
    first, last = body.split("\n")
    assert strip_chrome(f"{first}\n{line}\n{last}") == body


@pytest.mark.parametrize(
    "line",
    [
        "记者：你什么时候开始踢球的？",  # an interview's question
        "记者从市教育局获悉，今年共有三万名考生报名。",
        "乔瑟琳·贝尔·伯奈尔",  # a transliterated name, not a breadcrumb
        "胡明轩/赵睿/德莱尼轮流腿抽筋，",
        "来源于民间的说法并不可靠。",
        "更新された記録は3つあった。",
        "مصدر: مخاوف بشأن الاحتكار تؤثر على الصفقة",  # a headline quoting a source
        "كتب الشاعر قصيدة جديدة عن الوطن",
        "2- أناني / كلمات: يم / ألحان: حاتم منصور",
        "تاريخ المملكة حافل بالإنجازات الكبيرة",
    ],
)
def test_chinese_japanese_arabic_content_lines_are_kept(line):
    text = f"{ZH_BODY}\n{line}\n{AR_BODY}"
    assert strip_chrome(text) == text


def test_related_block_and_title_furniture_in_chinese_and_japanese():
    page = f"新闻标题在这里｜某某网·科技\n{ZH_BODY}\n\n相关阅读\n> 另一篇文章的标题\n> 第三篇文章"
    assert strip_chrome(page) == f"新闻标题在这里\n{ZH_BODY}\n"
    page = f"【エッセイ】春の日記（1）　―　読書ニュース\n{JA_BODY}\n関連記事\n・別の記事"
    assert strip_chrome(page) == f"春の日記（1）\n{JA_BODY}"


PIECES = [
    "来源：", "新华网", "【", "】", "编辑", "相关阅读", "｜", "某某网·科技", "　―　", "読書",
    "ニュース", "【エッセイ】", "関連記事", "المصدر: ", "وكالة", " | ", "اقرأ أيضاً", "\n",
    "\n", "。", "？", "记者：", "你好", "2024/01/15 08:30 ", "掲載", " › ", "首页", "正文",
    "天气很好，今天去公园。",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@example(" | 2024/01/15 08:30  | 新华网 | 新华网")  # (two site suffixes: both cut at once)
@settings(max_examples=1000)
def test_chinese_japanese_arabic_chrome_removal_is_idempotent(text):
    once = strip_chrome(text)
    assert strip_chrome(once) == once
