"""The tiny corpus: two stories, each with an original and its copies as aggregators make
them, a separately written report of the first event (same topic, not a copy: it must stay
apart) and an unrelated notice. Written for this package (CC0)."""

from __future__ import annotations

import types
from collections.abc import Mapping

# Written for this module (CC0). Two stories, each with an original and its copies as
# aggregators make them, a separately written report of the first event (same topic, not a
# copy: it must stay apart) and an unrelated notice.

_FLOOD = (
    "River Arden bursts its banks after a week of rain\n\n"
    "The river Arden burst its banks on Tuesday night after seven days of almost constant "
    "rain, flooding the lower streets of Millbrook and cutting the town's only road bridge.\n\n"
    "Fire crews moved about forty families from houses near the old mill to the school hall, "
    "where volunteers served soup and blankets until the early hours. Nobody was hurt, the "
    "county council said, but several shops on Quay Street lost all of their stock.\n\n"
    "The council's engineer, Ruth Okafor, said the new flood wall had held along most of its "
    "length and that water had come in behind it through a drain that should have been "
    "sealed. Repairs to the bridge are expected to take at least three weeks, and a free bus "
    "will run to the station at Castleford in the meantime."
)
_FLOOD_REPOST = (
    "Home » News » Local\n"
    "River Arden bursts its banks after a week of rain | Daily Wire\n"
    "By Staff Reporter\n"
    "Posted on 14/03/2024 by admin\n\n"
    + _FLOOD.split("\n\n", 1)[1].replace("'", "’")
    + "\n\nSource link\nShare on Facebook Share on X Email\n\nYou may also like\n"
    "Council votes to keep the library open\nNew bus timetable from April\n"
)
_FLOOD_TEASER = (
    "River Arden bursts its banks after a week of rain\n\n"
    "The river Arden burst its banks on Tuesday night after seven days of almost constant "
    "rain, flooding the lower streets of Millbrook and cutting the town's only road bridge.\n\n"
    "Continue reading..."
)
_FLOOD_OTHER = (
    "Millbrook under water as the Arden rises\n\n"
    "Residents of Millbrook spent Wednesday clearing mud from their kitchens after the Arden "
    'rose faster than anyone could remember. "We had ten minutes," said one baker, who '
    "carried his flour sacks upstairs before the water reached the counter. Volunteers "
    "from the rugby club filled sandbags through the night, and the mayor praised the fire "
    "service for its calm work. Drivers are asked to avoid the town until the bridge reopens."
)
_BUDGET = (
    "Le conseil municipal adopte un budget en hausse pour les écoles\n\n"
    "Le conseil municipal a adopté lundi soir, après quatre heures de débat, un budget qui "
    "augmente de huit pour cent les crédits consacrés aux écoles primaires de la ville.\n\n"
    "La maire, Claire Dubois, a expliqué que cet argent servira d'abord à rénover les "
    "cantines et à isoler les bâtiments les plus anciens, dont certains datent d'avant la "
    "guerre. L'opposition a voté contre, en reprochant à la majorité de financer ces travaux "
    "par une hausse de la taxe sur les parkings du centre."
)
_BUDGET_COPY = (
    "<p>"
    + _BUDGET.replace("d'", "d’").replace("L'", "L’").replace("\n\n", "</p>\n<p>")
    + "</p>\n<p>Partager sur Facebook</p>\n<p>Lire la suite</p>"
)
_NOTICE = (
    "Lost cat: a grey tabby answering to Biscuit went missing from Elm Road on Sunday. She "
    "wears a red collar with a bell. Please check sheds and garages, and call the number on "
    "the poster at the post office if you see her."
)

#: ``(id, text)`` documents: copies of two originals, a same-topic report, an unrelated notice.
TINY_CORPUS: tuple[tuple[str, str], ...] = (
    ("flood-original", _FLOOD),
    ("flood-repost", _FLOOD_REPOST),
    ("flood-teaser", _FLOOD_TEASER),
    ("flood-other-report", _FLOOD_OTHER),
    ("budget-original", _BUDGET),
    ("budget-copy", _BUDGET_COPY),
    ("lost-cat", _NOTICE),
)
#: The clusters a correct engine finds in :data:`TINY_CORPUS` (member ids, sorted).
TINY_CLUSTERS: tuple[tuple[str, ...], ...] = (
    ("budget-copy", "budget-original"),
    ("flood-original", "flood-repost", "flood-teaser"),
)
#: The original of each cluster of :data:`TINY_CLUSTERS`, by its first member.
TINY_ORIGINALS: Mapping[str, str] = types.MappingProxyType(
    {"budget-copy": "budget-original", "flood-original": "flood-original"}
)
