"""Formulaic notices of nineteenth-century papers, English and French, filled in at random.

Papers printed the same formula every day with other names and figures: ship arrivals, market
prices, sheriff's sales, deaths and marriages, strayed animals, shareholders' meetings, auction
sales, civil registers. Two notices on one formula are different news (a copy detector must keep
them apart); the same notice printed twice is a copy. Each notice here is drawn from a seed.
"""

from __future__ import annotations

import random


def _items(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST = _items(
    "John William James George Thomas Henry Charles Samuel Joseph Edward Robert Richard David "
    "Isaac Benjamin Daniel Nathaniel Elijah Hiram Silas Amos Jacob Abner Ezra Moses Levi Mary "
    "Elizabeth Sarah Ann Margaret Jane Catherine Martha Susan Hannah Harriet Eliza Nancy Lucy"
)
LAST = _items(
    "Smith Brown Johnson Williams Jones Miller Davis Wilson Taylor Clark White Harris Martin "
    "Thompson Walker Robinson Wright Hall Allen Young King Scott Green Baker Adams Nelson Hill "
    "Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris "
    "Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson"
)
TOWNS = _items(
    "Salem Concord Lancaster Hartford Albany Trenton Dover Newark Portland Bangor Utica Troy "
    "Springfield Worcester Lowell Reading Easton Carlisle Frederick Hagerstown Wheeling Dayton "
    "Zanesville Chillicothe Lexington Frankfort Nashville Knoxville Augusta Savannah Mobile"
)
PORTS = _items(
    "Liverpool Havana Boston Charleston Bordeaux Cadiz Matanzas Smyrna Canton Calcutta Rio "
    "Trieste Marseilles Hamburg Bremen Belfast Glasgow Halifax Quebec Montevideo Valparaiso"
)
VESSELS = _items("ship brig bark schooner sloop steamer")
SHIPS = _items(
    "Mary Eliza Sally Hope Enterprise Columbia Neptune Mercury Fame Globe Union Liberty Ann "
    "Hercules Minerva Caroline Orion Triton Superior Dolphin Falcon Eagle Rapid Ocean Planet"
)
CARGO = _items(
    "sugar molasses coffee salt cotton hides wine fruit iron coal tea indigo rice flour lumber "
    "tobacco hemp"
)
COLOURS = _items("bay sorrel chestnut grey black roan dun white")
MONTHS = _items(
    "January February March April May June July August September October November December"
)
DAYS = _items("Monday Tuesday Wednesday Thursday Friday Saturday")
STREETS = _items("Market Water Front Chestnut Walnut Pine Spruce Vine Race Arch High Church")

PRENOMS = _items(
    "Jean Louis Pierre François Jacques Henri Charles Paul Émile Auguste Jules Marc Ernest "
    "Marie Louise Jeanne Julie Élise Rosine Adèle Sophie Cécile Berthe"
)
NOMS = _items(
    "Dubois Favre Rochat Bovet Mercier Chappuis Perret Girard Bonnet Dufour Jaquet Monnier "
    "Cuénod Testuz Pittet Dutoit Rey Martin Gros Vuilleumier Blanc Morel Jaccard Gilliéron"
)
VILLES = _items(
    "Genève Lausanne Vevey Montreux Morges Nyon Yverdon Fribourg Neuchâtel Sion Bulle Payerne "
    "Moudon Aigle Bex Rolle Orbe Carouge"
)
MOIS = _items(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
JOURS = _items("lundi mardi mercredi jeudi vendredi samedi")
OBJETS = _items(
    "un piano en palissandre|une belle jument de six ans|un domaine de vingt poses|un char à "
    "pont|une bibliothèque en noyer|un potager en fonte|une vigne de trois ouvriers|un "
    "mobilier de salon|une forge avec outillage|une maison d'habitation avec jardin",
    "|",
)
METIERS = _items("agriculteur vigneron horloger négociant boulanger menuisier rentier instituteur")

WRITS = ("Levari Facias", "Venditioni Exponas", "Fieri Facias")
MARKS = (
    "with a white star in the forehead",
    "shod all round",
    "lame in the near fore foot",
    "with a long switch tail",
)
COMPANIES = ("Bank", "Turnpike Company", "Insurance Company", "Canal Company")


def _name(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def _nom(r: random.Random) -> str:
    return f"{r.choice(PRENOMS)} {r.choice(NOMS)}"


def _price(r: random.Random, lo: float, hi: float) -> str:
    return f"{r.uniform(lo, hi):.2f}"


def shipping(r: random.Random) -> str:
    arrivals = []
    for _ in range(r.randint(2, 4)):
        arrivals.append(
            f"{r.choice(VESSELS).capitalize()} {r.choice(SHIPS)}, {r.choice(LAST)}, from "
            f"{r.choice(PORTS)}, {r.randint(5, 60)} days, with {r.choice(CARGO)} to "
            f"{r.choice(FIRST)[0]}. {r.choice(LAST)}."
        )
    return (
        f"MARINE INTELLIGENCE. PORT OF {r.choice(TOWNS).upper()}. ARRIVED, "
        f"{r.choice(DAYS)}: " + " ".join(arrivals) + f" CLEARED: {r.choice(VESSELS).capitalize()} "
        f"{r.choice(SHIPS)}, {r.choice(LAST)}, for {r.choice(PORTS)}."
    )


def market(r: random.Random) -> str:
    return (
        f"{r.choice(TOWNS).upper()} MARKETS, {r.choice(MONTHS)} {r.randint(1, 28)}. FLOUR. "
        f"Superfine ${_price(r, 4, 6)} a ${_price(r, 6, 7)}; extra ${_price(r, 6, 8)}. WHEAT. "
        f"Red {r.randint(100, 140)} a {r.randint(140, 160)} cents; white {r.randint(120, 170)}. "
        f"CORN. Yellow {r.randint(50, 80)} a {r.randint(80, 90)} cents; white "
        f"{r.randint(50, 90)}. OATS. {r.randint(30, 50)} a {r.randint(50, 60)} cents. "
        f"PROVISIONS. Mess pork ${_price(r, 12, 20)}; prime ${_price(r, 10, 14)}. Lard "
        f"{r.randint(8, 13)} a {r.randint(13, 15)} cents. Sales of {r.randint(100, 3000)} "
        f"barrels flour at quoted rates."
    )


def sheriff(r: random.Random) -> str:
    return (
        f"SHERIFF'S SALE. By virtue of a writ of {r.choice(WRITS)} "
        f"issued out of the Court of Common Pleas of {r.choice(TOWNS)} county, and to me directed, "
        f"will be exposed to public sale, at the Court House, in {r.choice(TOWNS)}, on "
        f"{r.choice(DAYS)}, the {r.randint(2, 28)}th day of {r.choice(MONTHS)} next, at "
        f"{r.randint(1, 4)} o'clock, P. M., the following described real estate, to wit: A "
        f"certain tract of land situate in {r.choice(TOWNS)} township, containing "
        f"{r.randint(20, 300)} acres, more or less, adjoining lands of {_name(r)}, {_name(r)} "
        f"and others, with a {r.choice(['two story frame', 'log', 'stone', 'brick'])} dwelling "
        f"house thereon erected. Seized and taken in execution as the property of {_name(r)}. "
        f"{_name(r).upper()}, Sheriff."
    )


def died(r: random.Random) -> str:
    return (
        f"DIED. In this city, on {r.choice(DAYS)} last, {_name(r)}, aged {r.randint(2, 90)} "
        f"years. The friends of the family are respectfully invited to attend the funeral from "
        f"the residence of {_name(r)}, No. {r.randint(2, 400)} {r.choice(STREETS)} street, on "
        f"{r.choice(DAYS)} afternoon at {r.randint(1, 5)} o'clock, without further notice."
    )


def strayed(r: random.Random) -> str:
    animal = r.choice(["horse", "mare", "cow", "heifer"])
    return (
        f"STRAYED OR STOLEN, from the subscriber, living in {r.choice(TOWNS)}, on the night of "
        f"the {r.randint(2, 28)}th inst., a {r.choice(COLOURS)} {animal}, about "
        f"{r.randint(3, 12)} years old, {r.choice(MARKS)}. "
        f"Whoever will return the said {animal}, or give information where it may be found, "
        f"shall be liberally rewarded and all reasonable charges paid. {_name(r).upper()}."
    )


def meeting(r: random.Random) -> str:
    company = f"{r.choice(TOWNS)} {r.choice(COMPANIES)}"
    return (
        f"NOTICE. The stockholders of the {company} are hereby notified that the annual meeting "
        f"will be held at the office of the company, in {r.choice(TOWNS)}, on {r.choice(DAYS)}, "
        f"the {r.randint(2, 28)}th of {r.choice(MONTHS)}, at {r.randint(9, 12)} o'clock, for the "
        f"election of {r.randint(5, 13)} directors to serve for the ensuing year. By order of "
        f"the Board, {_name(r).upper()}, Secretary."
    )


def marche(r: random.Random) -> str:
    return (
        f"Marché de {r.choice(VILLES)} du {r.randint(1, 28)} {r.choice(MOIS)}. Blé, "
        f"{r.randint(17, 24)} fr. {r.randint(0, 95)} les 100 kilos ; seigle, {r.randint(14, 18)} "
        f"fr. ; avoine, {r.randint(15, 19)} fr. {r.randint(0, 95)} ; pommes de terre, "
        f"{r.randint(5, 9)} fr. le sac ; beurre, {r.randint(2, 3)} fr. {r.randint(10, 90)} le "
        f"kilo ; œufs, {r.randint(80, 120)} cent. la douzaine ; foin, {r.randint(5, 8)} fr. les "
        f"100 kilos ; paille, {r.randint(3, 6)} fr. Le marché était bien fourni."
    )


def encheres(r: random.Random) -> str:
    return (
        f"VENTE AUX ENCHÈRES. Le {r.choice(JOURS)} {r.randint(2, 28)} {r.choice(MOIS)}, dès "
        f"{r.randint(1, 4)} heures de l'après-midi, M. {_nom(r)}, à {r.choice(VILLES)}, "
        f"exposera en vente aux enchères publiques et sous de favorables conditions, "
        f"{r.choice(OBJETS)}, ainsi que {r.choice(OBJETS)}. Pour visiter, s'adresser au "
        f"propriétaire, et pour les conditions au notaire {r.choice(NOMS)}, à "
        f"{r.choice(VILLES)}."
    )


def etat_civil(r: random.Random) -> str:
    deces = "; ".join(
        f"{_nom(r)}, {r.choice(METIERS)}, {r.randint(1, 90)} ans" for _ in range(r.randint(2, 4))
    )
    return (
        f"ÉTAT CIVIL DE {r.choice(VILLES).upper()} du {r.randint(1, 28)} au {r.randint(1, 28)} "
        f"{r.choice(MOIS)}. Naissances : {_nom(r)}, fils de {r.choice(PRENOMS)}, "
        f"{r.choice(METIERS)}, et {_nom(r)}, fille de {r.choice(PRENOMS)}, {r.choice(METIERS)}. "
        f"Promesses de mariage : {_nom(r)}, {r.choice(METIERS)}, et {_nom(r)}. Décès : {deces}."
    )


def a_vendre(r: random.Random) -> str:
    return (
        f"A VENDRE, pour cause de départ, {r.choice(OBJETS)}, en très bon état, ainsi que "
        f"{r.choice(OBJETS)}. Prix modéré. S'adresser à M. {_nom(r)}, rue "
        f"{r.choice(['du Marché', 'de Bourg', 'du Rhône', 'de la Gare', 'Centrale'])} "
        f"{r.randint(1, 40)}, {r.choice(VILLES)}."
    )


ENGLISH = (shipping, market, sheriff, died, strayed, meeting)
FRENCH = (marche, encheres, etat_civil, a_vendre)


def notice(language: str, formula: int, seed: int) -> str:
    """One notice on formula number ``formula`` of the language (``en`` or ``fr``)."""
    formulas = ENGLISH if language == "en" else FRENCH
    return formulas[formula % len(formulas)](random.Random(seed))
