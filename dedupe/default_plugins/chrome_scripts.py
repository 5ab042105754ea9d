"""Site furniture of Chinese, Japanese and Arabic news pages, as line patterns for ``chrome``.

The same kinds of lines as in English and French (see :mod:`dedupe.default_plugins.chrome`):
source and credit lines (来源：, 责任编辑：, 出典：, 編集部, المصدر:, كتب:), dates and view
counts, related-articles headings (相关阅读, 関連記事, اقرأ أيضا) whose block is dropped with
them near the end of a page, share bars, site footers, reposting notices and copyright lines,
"read the rest" links, breadcrumbs. Patterns cover simplified and traditional Chinese and the
Arabic spellings with and without hamza (the ``scripts`` fold runs later in the chain).

A line is matched once its leading and trailing punctuation, brackets and symbols are set
aside (【编辑：张三】, ▼こちらもおすすめ, —— 来源：新浪网 ——), and only when it holds a
character of these scripts, so English and French lines cost one search for such a character.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

#: Alef, which sites write with or without hamza or madda (``A`` in the Arabic patterns).
_A = "[اأإآ]"
_ALEF_MARK = re.compile(r"(?<![A-Za-z])A(?![A-Za-z])")
_COLON = r"\s*[:：]"
_ANY = r"[^\n]"
_DATE = r"\d{1,4}\s*[年/.\-]\s*\d{1,2}"
#: The value of a credit or source line: a name, without sentence punctuation (so that an
#: interview's "记者：你怎么看？" stays).
_VALUE = r"[^，。！？!?；;…،؛؟\n]"


def _ar(pattern: str) -> str:
    """An Arabic pattern in which an ``A`` outside a Latin word stands for any alef."""
    return _ALEF_MARK.sub(_A, pattern)


# Lines that are furniture as a whole (after their edge punctuation is set aside).
_LINE = [
    # -- Chinese: sources, credits, editors.
    r"(?:稿件|文章|信息|新闻|新聞|资料|資料|内容|內容|图片|圖片|图文|圖文|本文|消息|视频|視頻)?"
    r"(?:来源|來源|稿源|出处|出處|转自|轉自|转载自|轉載自|来自|來自|摘自|选自|選自)"
    rf"{_COLON}{_VALUE}{{0,100}}",
    r"(?:本文|此文|文章)(?:转载|轉載|转|轉|来源|來源|摘|选|選)(?:自|于|於)" + _VALUE + "{1,60}",
    rf"(?:原标题|原標題|原文标题|原文標題|原题|原題|原文链接|原文鏈接|原文地址|原文网址|原文){_COLON}"
    rf"{_ANY}{{0,200}}",
    r"(?:责任编辑|責任編輯|责编|責編|值班编辑|值班編輯|实习编辑|實習編輯|编辑|編輯|主编|主編|编审|"
    r"編審|校对|校對|审校|審校|审核|審核|审稿|記者|记者|作者|撰文|撰稿|文字|摄影|攝影|摄像|攝像|"
    r"图|圖|文|通讯员|通訊員|翻译|翻譯|编译|編譯|整理|策划|策劃|监制|監製|出品|制作|製作)"
    rf"(?:{_COLON}|\s*[/／|｜]){_VALUE}{{0,60}}",
    r"(?:本报|本報|本台|本刊|本网|本網|本站|新华社|新華社|中新网|中新社|央视网)?(?:特约|特約|实习|實習)?"
    r"(?:记者|記者|通讯员|通訊員)\s*[^\s，。！？,.!?：:]{2,8}(?:[\s、]+[^\s，。！？,.!?：:]{2,8}){0,3}",
    # Dates, counts, font size, reading time.
    r"(?:发布时间|發布時間|发布日期|發佈日期|发表时间|發表時間|发表于|發表於|更新时间|更新時間|"
    r"时间|時間|日期|发布|發布|浏览次数|瀏覽次數|浏览|瀏覽|阅读量|閱讀量|阅读数|閱讀數|阅读|閱讀|"
    r"点击数|點擊數|点击|點擊|热度|熱度|人气|人氣|评论数|評論數|字号|字號|字体|字體)"
    rf"{_COLON}{_ANY}{{0,80}}",
    r"本文(?:约|約|共)?\s*[\d,，]+\s*字" + _ANY + "{0,40}",
    r"(?:预计|預計)?(?:阅读|閱讀)(?:本文|全文)?(?:需要|需|约需|約需|时间|時間|大约|大約)?"
    r"[\s约約]*[\d一二三四五六七八九十]+\s*分(?:钟|鐘)" + _ANY + "{0,10}",
    # Keywords and tags.
    rf"(?:关键词|關鍵詞|关键字|關鍵字|标签|標籤|热词|熱詞|话题|話題|专题|專題){_COLON}{_ANY}{{0,120}}",
    # Share bars and page tools.
    r"(?:(?:分享到|分享至|分享|转发到|轉發到|转发|轉發|收藏|点赞|點讚|点个赞|打赏|打賞|举报|舉報|"
    r"反馈|反饋|打印|列印|关闭|關閉|关闭窗口|關閉窗口|返回顶部|返回頂部|回到顶部|回到頂部|返回首页|"
    r"返回首頁|返回列表|上一篇|下一篇|扫一扫|掃一掃|扫码|掃碼|关注我们|關注我們|微信|微博|新浪微博|"
    r"腾讯微博|QQ空间|QQ空間|QQ好友|QQ|朋友圈|豆瓣|人人网|复制链接|複製鏈接|我要评论|我要評論|"
    r"发表评论|發表評論|网友评论|網友評論|评论|評論|纠错|糾錯|投稿|字号|大|中|小|默认|默認)"
    r"[\s:：|｜/／·•、\[\]【】()（）]*){1,14}",
    # Site footers.
    r"(?:(?:关于我们|關於我們|联系我们|聯繫我們|联系方式|聯繫方式|网站地图|網站地圖|广告服务|"
    r"廣告服務|广告合作|商务合作|合作伙伴|友情链接|友情鏈接|加入我们|加入我們|招聘信息|人才招聘|"
    r"意见反馈|意見反饋|用户协议|用戶協議|隐私政策|隱私政策|隐私保护|法律声明|法律聲明|版权声明|"
    r"版權聲明|免责声明|免責聲明|网站首页|網站首頁|首页|首頁|客户端|客戶端|帮助中心|幫助中心|"
    r"举报中心|违法和不良信息举报|网站导航|網站導航|投稿|订阅|訂閱)[\s|｜/／·•、-]*){2,14}",
    # Disclaimers, reposting notices and editors' afterwords (they mark the later version).
    r"(?:免责声明|免責聲明|声明|聲明|版权声明|版權聲明|特别声明|特別聲明|郑重声明|鄭重聲明|"
    r"转载声明|轉載聲明|版权说明|版權說明|编后语|編後語|编者按|編者按|编者注|編者注|小编注)"
    rf"{_COLON}{_ANY}{{0,400}}",
    # "Read the rest" links, ads.
    r"(?:展开全文|展開全文|继续阅读|繼續閱讀|阅读全文|閱讀全文|查看全文|点击查看全文|點擊查看全文|"
    r"点击阅读全文|阅读原文|閱讀原文|点击阅读原文|查看原文|点击查看|點擊查看|未完待续|未完待續|"
    r"加载更多|加載更多|点击加载更多|查看更多|更多内容|更多精彩|下载客户端|下載客戶端|打开APP|"
    r"打开App|打開APP|广告|廣告|推广|推廣|赞助|贊助|商业推广|赞助商链接)",
    r"(?:更多|详细|詳細)?(?:详情|詳情|内容|內容|精彩)?(?:请|請)?(?:访问|訪問|点击|點擊|查看|见|見|关注|關注)"
    r"(?:原网页|原網頁|原文|原网站|这里|這裡|此处|此處|链接|鏈接|官网|官網)" + _ANY + "{0,20}",
    r"(?:更多|详细|詳細)(?:详情|詳情|内容|內容|精彩|资讯|資訊)(?:请|請)?(?:访问|訪問|点击|點擊|查看|见|見|关注|關注)"
    + _ANY
    + "{0,30}",
    # Breadcrumbs.
    rf"(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|位置|所在位置)"
    rf"{_COLON}{_ANY}{{0,120}}",
    r"(?:首页|首頁|主页|主頁|网站首页|網站首頁)\s*(?:>>|>|›|»|/|＞|→|-)" + _ANY + "{0,120}",
    # -- Japanese: sources and credits.
    r"(?:出典|出所|引用元|参照元|参考|ソース|提供|配信|配信元|記事提供|写真提供|画像提供|写真|画像|"
    r"撮影|文|取材|取材・文|文・写真|写真・文|構成|構成・文|編集|編集・構成|翻訳|記者|執筆|監修|"
    r"著者|筆者|協力|制作|原文|元記事|情報提供)"
    rf"(?:{_COLON}|\s*[=＝/／・]){_VALUE}{{0,80}}",
    r"[^\s。、！？]{1,30}編集部",
    # Dates (a label, then a date).
    r"(?:公開日|公開日時|公開|更新日|更新日時|更新|投稿日|投稿日時|投稿|掲載日|掲載|配信日時|配信日|"
    r"最終更新日?|作成日)(?:[:：]|\s)\s*" + _ANY + r"{0,10}" + _DATE + _ANY + "{0,30}",
    # Keywords and tags.
    rf"(?:タグ|キーワード|カテゴリー|カテゴリ|関連キーワード|関連タグ){_COLON}{_ANY}{{0,120}}",
    # Share bars, footers, page tools, ads, "read on" links.
    r"(?:(?:LINEで送る|LINEで共有|LINE|Facebookで共有|Facebookでシェア|Xでポスト|Xで共有|"
    r"Twitterでシェア|ツイート|ポスト|シェア|シェアする|はてなブックマーク|はてブ|ブックマーク|"
    r"Pocket|いいね|フォロー|メール|印刷|コピー|リンクをコピー|共有|Facebook|Twitter|X)"
    r"[\s/／|｜・]*){1,10}",
    r"(?:(?:お問い合わせ|お問合せ|問い合わせ|会社概要|運営会社|サイトマップ|プライバシーポリシー|"
    r"個人情報保護方針|個人情報の取り扱い|利用規約|広告掲載|広告について|ヘルプ|採用情報|免責事項|"
    r"特定商取引法に基づく表記|ホーム|トップ)[\s/／|｜・]*){2,12}",
    r"(?:この)?ページの(?:先頭|トップ)へ(?:戻る)?|ページトップへ(?:戻る)?|(?:トップ|TOP|先頭)へ戻る|"
    r"トップページへ",
    r"スポンサーリンク|スポンサー|広告|PR|Sponsored",
    r"(?:この)?続きを(?:読む|見る)|続きはこちら|(?:記事)?全文を(?:読む|見る|表示)|もっと(?:読む|見る)|"
    r"詳しくはこちら|詳細はこちら|記事を読む|記事の要約を見る|要約を見る|続きはリンク先で|"
    r"(?:記事)?全文はこちら|元記事(?:はこちら|を読む|で読む)",
    # -- Arabic: sources, bylines, dates, counts.
    _ar(
        r"(?:المصدر|مصدر (?:الخبر|المقال|الصور[ةه]))"
        rf"(?:{_COLON}{_VALUE}{{0,80}}|\s+{_VALUE}{{1,40}})?"
    ),
    _ar(r"نقلا?[ًا]? عن" + _ANY + "{0,80}"),
    _ar(rf"(?:ال)?رابط (?:ال)?(?:مصدر|مختصر|Aصلي|دائم){_COLON}?{_ANY}{{0,200}}"),
    _ar(r"وكالات|(?:وكال[ةه] )?(?:رويترز|فرانس برس|ا ف ب|د ب A|وAس|واس)"),
    _ar(r"متابعات(?: " + _ANY + "{1,40})?"),
    _ar(
        r"(?:كتب|كتبه|كتبت|Aعداد|تحرير|تقرير|ترجم[ةه]|تصوير|مراسل|محرر|المحرر|حوار|متابع[ةه]|"
        rf"المحرر[ةه]?)(?:{_COLON}|\s*[-–—/])\s*{_VALUE}{{0,60}}|بقلم\s*[:：]?\s*{_VALUE}{{1,50}}"
    ),
    _ar(
        r"(?:تاريخ النشر|تاريخ الAضاف[ةه]|نشر في|نُشر في|نشر بتاريخ|Aخر تحديث)"
        rf"{_COLON}?\s*{_ANY}{{0,80}}|(?:تاريخ|تحديث){_COLON}{_ANY}{{0,60}}|منذ\s+[\d٠-٩]+\s+\S+"
    ),
    _ar(
        r"(?:عدد )?(?:المشاهدات|القراءات|الزيارات|مشاهدات|قراءات|زيارات|التعليقات|تعليقات|"
        r"المشاهد[ةه]|قراء[ةه])" + _COLON + r"?\s*[\d٠-٩,.\s]*(?:مشاهد[ةه]|قراء[ةه]|تعليق)?"
    ),
    # Keywords and tags.
    _ar(
        r"(?:كلمات مفتاحي[ةه]|الكلمات المفتاحي[ةه]|كلمات دلالي[ةه]|الكلمات الدلالي[ةه]|الوسوم|وسوم|"
        rf"الAوسم[ةه]|تصنيفات|التصنيف|الAقسام|القسم){_COLON}{_ANY}{{0,120}}"
    ),
    # Share bars and page tools.
    _ar(
        r"(?:(?:شارك|شاركها|مشارك[ةه]|المشارك[ةه]|شارك الخبر|شارك المقال|Aرسل لصديق|Aرسال لصديق|"
        r"Aرسل|Aرسال|طباع[ةه]|اطبع|حفظ|نسخ الرابط|تويتر|فيسبوك|فيس بوك|واتساب|واتس اب|تيليجرام|"
        r"تلغرام|لينكدان|لينكدAن|البريد الAلكتروني|تعليق|Aضف تعليق|التعليقات|Facebook|Twitter|"
        r"WhatsApp|Telegram|X|عبر|على)[\s|/·•،,-]*){1,10}"
    ),
    # Site footers and breadcrumbs.
    _ar(
        r"(?:(?:من نحن|اتصل بنا|تواصل معنا|سياس[ةه] الخصوصي[ةه]|سياس[ةه] الاستخدام|"
        r"الشروط والAحكام|شروط الاستخدام|Aعلن معنا|للAعلان|خريط[ةه] الموقع|الAرشيف|الرئيسي[ةه]|"
        r"الصفح[ةه] الرئيسي[ةه]|هيئ[ةه] التحرير|النشر[ةه] البريدي[ةه]|Aسر[ةه] التحرير)"
        r"[\s|/·•،-]*){2,12}"
    ),
    _ar(rf"(?:Aنت هنا|Aين Aنا){_COLON}?{_ANY}{{0,120}}"),
    _ar(r"(?:الرئيسي[ةه]|الصفح[ةه] الرئيسي[ةه]|الصفح[ةه] الAولى)\s*[/>›»|]" + _ANY + "{0,120}"),
    # Ads, follow-us and "read the rest" lines.
    _ar(r"مساح[ةه] Aعلاني[ةه]|Aعلان|Aعلانات|محتوى مدفوع|محتوى ممول|برعاي[ةه]" + _ANY + "{0,30}"),
    _ar(
        r"(?:تابعونا|تابعنا|تابعوا)\s+(?:على|عبر|في)"
        + _ANY
        + "{0,80}|اشترك في النشر[ةه]"
        + _ANY
        + "{0,60}"
    ),
    _ar(
        r"(?:تابع|تابعوا|اقرA|Aقرا|طالع)\s+(?:الخبر|المقال|التفاصيل|المزيد|القص[ةه])"
        r"(?:\s+(?:كاملا?[ًا]?|الكامل|كامل[ةه]|من المصدر))?|للمزيد|لمزيد من التفاصيل|"
        r"التفاصيل كامل[ةه]|المزيد|اقرA المزيد|التفاصيل هنا|المصدر هنا|"
        r"(?:لقراء[ةه]|لمتابع[ةه]|لمشاهد[ةه]|للاطلاع على) " + _ANY + "{0,40}(?:اضغط|انقر) هنا|"
        r"(?:اضغط|انقر) هنا" + _ANY + "{0,30}|التفاصيل الكامل[ةه]" + _ANY + "{0,30}|"
        r"للتواصل مع (?:الكاتب|المحرر|الصحيف[ةه])" + _ANY + "{0,60}"
    ),
]

# Related-articles headings (the block after them is dropped near the end of a page).
_RELATED = [
    r"(?:相关|相關)(?:阅读|閱讀|新闻|新聞|文章|推荐|推薦|链接|鏈接|报道|報道|内容|內容|专题|專題|资讯|"
    r"資訊|阅读推荐|搜索|视频|視頻)?",
    r"(?:推荐|推薦|延伸|扩展|擴展|拓展|热门|熱門|精彩|编辑|編輯)(?:阅读|閱讀|文章|推荐|推薦|新闻|新聞)",
    r"(?:猜你|为你|為你)(?:喜欢|喜歡|推荐|推薦)|(?:你|您)可能(?:还|還|也)?(?:喜欢|喜歡|感兴趣|感興趣)",
    r"看了(?:本文|这篇文章|這篇文章|此文|该文|該文)的人(?:还|還|也)(?:看了|在看|喜欢|喜歡)",
    r"(?:本周|本週|今日|24小时|24小時|一周|一週)?(?:热点|熱點|热门|熱門)(?:推荐|推薦|新闻|新聞|文章|排行|"
    r"排行榜)?|(?:本周|本週|今日|24小时|24小時|一周|一週)?(?:点击|點擊)(?:排行|排行榜)",
    r"(?:最新|最热|最熱|更多|其他|其它)(?:文章|新闻|新聞|资讯|資訊|推荐|推薦|精彩|内容|內容)",
    r"往期(?:回顾|回顧|精彩|推荐|推薦|文章)|排行榜|大家都在看|大家都在搜|精彩推荐|精彩推薦",
    r"関連(?:記事|ニュース|リンク|情報|コンテンツ|トピックス)?|(?:あわせて|合わせて|併せて)読みたい(?:記事)?",
    r"(?:おすすめ|オススメ|お勧め|人気|注目|最新|新着|話題)(?:の)?(?:記事|ニュース|トピックス|情報|"
    r"コンテンツ)(?:一覧)?(?:ランキング)?",
    r"こちらもおすすめ|こちらもオススメ|こちらも読まれています|よく読まれている記事|"
    r"(?:この記事を)?読んだ人はこんな記事も読んでいます|(?:同じ|関連)カテゴリー?の記事|"
    r"(?:人気|アクセス)?ランキング|次の記事|前の記事|ピックアップ|おすすめ",
    _ar(
        r"(?:(?:مواضيع|Aخبار|مقالات|موضوعات|روابط|قصص)\s+(?:قد تهمك|ذات صل[ةه]|متعلق[ةه]|مشابه[ةه]|"
        r"مرتبط[ةه]|Aخرى|ذات علاق[ةه])|(?:اقرA|Aقرا|شاهد|طالع|تصفح|اقرا)\s+(?:Aيضا?[ًا]?|المزيد)|"
        r"قد يعجبك(?:\s+Aيضا?[ًا]?)?|(?:ال)?Aكثر\s+(?:قراء[ةه]|مشاهد[ةه]|تعليقا?|تداولا?|شعبي[ةه])"
        r"(?:\s+\S+){0,2}|(?:ال)?Aخبار\s+(?:ال)?Aكثر\s+\S+(?:\s+اليوم)?|(?:الخبر|المقال)\s+"
        r"(?:التالي|السابق)|(?:Aخر|Aحدث)\s+(?:ال)?(?:Aخبار|مقالات)|ننصحك بقراء[ةه]|"
        r"(?:ل)?(?:مزيد|المزيد) من (?:ال)?Aخبار)"
        r"(?:\s*[/|،-]\s*(?:(?:الخبر|المقال)\s+(?:التالي|السابق)|(?:شاهد|اقرA|تصفح)\s+Aيضا?[ًا]?))*"
    ),
]

# Phrases that make a short line furniture wherever they stand in it (copyright, reposting).
_PHRASES = [
    r"版权所有(?![人者])|版權所有(?![人者])|保留所有权利|保留一切权利",
    r"仅代表作者(?:本人|个人)?(?:的)?观点|僅代表作者(?:本人|個人)?(?:的)?觀點",
    r"不代表本(?:站|网|平台|报|刊)(?:的)?(?:观点|立场)|不代表本(?:站|網|平台|報|刊)(?:的)?(?:觀點|立場)",
    r"版权归原作者所有|版權歸原作者所有|如有侵权|如有侵權",
    r"转载请注明|轉載請註明|转载请联系|未经(?:授权|许可|允许|書面授權).{0,12}(?:转载|轉載|使用|复制)",
    r"禁止转载|禁止轉載|谢绝转载|謝絕轉載|不得转载|不得轉載",
    r"点(?:个|一下|亮)?[“\"「『]?在看[”\"」』]?",
    r"(?:长按|長按|扫描|掃描|扫码|掃碼|识别|識別|扫一扫|掃一掃).{0,10}二维码|二維碼",
    r"無断転載|無断複製|転載禁止|転載を禁|著作権は.{0,30}(?:帰属|に属)",
    r"ご意見・ご感想|ご意見・ご要望|(?:記事|ページ)の感想を|感想を(?:送る|お寄せ)|ご意見をお寄せ",
    _ar(
        r"رAيك يهمنا|اكتب تعليقك|Aضف تعليقك|شاركنا رAيك|يعبر عن (?:رAي )?(?:مصدره|كاتبه|صاحبه)|"
        r"لا يعبر(?: بالضرور[ةه])? عن|(?:حمل|نزل|تحميل) تطبيق|"
        r"لمتابع[ةه] (?:Aخر|Aحدث) (?:المستجدات|الAخبار)|"
        r"نشر هذا (?:الخبر|المقال|الموضوع|التقرير) (?:Aولا?[ًا]?|لAول مر[ةه])"
    ),
    _ar(r"جميع الحقوق محفوظ[ةه]|كاف[ةه] الحقوق محفوظ[ةه]|الحقوق محفوظ[ةه]|حقوق النشر|حقوق الطبع"),
]

#: A character of the scripts these patterns are for (Hebrew to Arabic Extended, CJK, kana,
#: full-width forms): lines without one are not tried.
_SCRIPT_CHAR = re.compile(
    r"[\u0590-\u08ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
#: Leading punctuation, brackets and symbols, and trailing ones but for a sentence's end (so
#: that a question is not taken for a name).
_EDGES = re.compile(r"^[\W_]+|[^\w。！？!?؟]+$")
#: A whole line in brackets that names a source, an editor or a reposting permission.
_BRACKETED_NOTE = re.compile(
    r"^[（(【\[〔［]"
    + _ANY
    + r"{0,100}(?:转载|轉載|稿件|来源|來源|编辑|編輯|审核|審核|记者|記者|作者|"
    r"原标题|原標題|图片|圖片|摄影|攝影|出典|提供|配信|写真|撮影|構成|編集|取材|執筆|協力|المصدر|نقلا|"
    r"وكالات)" + _ANY + r"{0,100}[）)】\]〕］]$"
)
#: A navigation line: short segments (a site, a section, a page) joined by path separators.
_NAV_SEGMENT = r"[^|｜›»>＞/／·•→\n。！？.!?،؟，,、；;:：]{1,20}"
_NAV = re.compile(
    rf"^{_NAV_SEGMENT}(?:(?:\s*(?:[|｜›»＞→]|>>?)\s*|\s+[/／·•]\s+){_NAV_SEGMENT}){{2,8}}$"
)
#: A line that starts with a date and has a few words after it ("2023/05/24 2:29 掲載").
_DATELINE = re.compile(
    r"^\s*\d{4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?[\d\s:：]*" + _VALUE + r"{0,30}$"
)
#: Arabic harakat and tatweel, ignored when matching (the ``scripts`` fold drops them later).
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_END = r"[^\w。！？!?؟]*$"


class _Rules(NamedTuple):
    line: re.Pattern[str]
    related: re.Pattern[str]
    phrase: re.Pattern[str]
    #: A related-articles heading with its headlines on the same line ("الخبر التالي: ...").
    related_inline: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    """The whole-line rules, compiled on first use (55 ms: a run of Latin-script text, which
    never reaches them, does not wait for them)."""
    return _Rules(
        re.compile(r"^(?:" + "|".join(_LINE) + ")" + _END, re.IGNORECASE),
        re.compile(r"^(?:" + "|".join(_RELATED) + ")" + _END, re.IGNORECASE),
        re.compile("|".join(_PHRASES), re.IGNORECASE),
        re.compile(r"^(?:" + "|".join(_RELATED) + r")\s*[:：]" + _ANY + "{1,150}$"),
    )


#: Lines with a copyright or reposting phrase are at most this long.
PHRASE_LINE = 200


def list_item(line: str, limit: int) -> bool:
    """Whether a stripped line is short enough to be an item of a related-articles list: at
    most ``limit`` characters, and in these scripts at most ``limit`` UTF-8 bytes (a Chinese
    headline is a third as long as an English one)."""
    if len(line) > limit:
        return False
    return not _SCRIPT_CHAR.search(line) or len(line.encode("utf-8", "surrogatepass")) <= limit


def script_chrome_kind(line: str) -> str | None:
    """``related``, ``line`` or None for a stripped line of Chinese, Japanese or Arabic text."""
    if not _SCRIPT_CHAR.search(line):
        return None
    line = _ARABIC_MARKS.sub("", line)
    core = _EDGES.sub("", line)
    if not core:
        return None
    rules = _rules()
    if rules.line.match(core) or rules.related_inline.match(core):
        return "line"
    if rules.related.match(core):
        return "related"
    if _DATELINE.match(line):
        return "line"
    if len(line) <= 100 and (_NAV.match(line) or _BRACKETED_NOTE.match(line)):
        return "line"
    if len(line) <= PHRASE_LINE and rules.phrase.search(line):
        return "line"
    return None


# A title's section label in front (【エッセイ】...) and a site name behind (...｜城市眼·数码科技,
# ...　―　カルチャー通信).
_TITLE_LABEL = re.compile(r"^\s*(?:【[^【】\n]{1,12}】\s*)+(?=\S)")
_TITLE_SITE = re.compile(
    r"^(\S.{3,200}?)\s*(?:[｜|]|\s[―—–-]\s)\s*[^\s｜|―—–。！？!?]{2,20}(?:[·・][^\s｜|―—–。！？!?]{1,12})?\s*$"
)


def trim_title(line: str) -> str:
    """A Chinese, Japanese or Arabic title line without its section label and site name (the
    line itself when it has neither); trimming again changes nothing."""
    if not _SCRIPT_CHAR.search(line):
        return line
    for _ in range(4):
        before = line
        line = _TITLE_LABEL.sub("", line)
        site = _TITLE_SITE.match(line)
        if site and _SCRIPT_CHAR.search(site.group(1)):
            line = site.group(1)
        if line == before:
            break
    return line
