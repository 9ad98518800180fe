"""Writes the bundled sample exports (run it to regenerate; deterministic).

* `Missing_Migrants_Global_Figures_allData.csv` - the current 25-column export: invented
  entries shaped like IOM's, 2019-2025, on the Eastern and Central Mediterranean and the
  Western Balkans (Greece, North Macedonia, Serbia, Bosnia and Herzegovina, Croatia,
  Slovenia, Hungary, Albania, Montenegro, Bulgaria, Romania, Austria, Italy, Malta,
  Libya, Tunisia, Türkiye, Cyprus). Quirks of the real file: blank numbers, commas
  inside quoted fields, "Split Incident" entries listing several incident IDs, origins
  and sources in one cell, a "Cumulative Incident", IDs of different widths, a blank
  route or URL, a line break inside a quoted location, an escaped double quote, a
  number with a thousands separator, non-ASCII names; LF line ends, no BOM.
* `mmp_legacy_format.csv` - the export's older header (Web ID, Reported Date
  '13-Jan-20', latitude/longitude, ...), saved as Windows-1252 with CRLF as Excel did,
  for the unit tests of the legacy mapping.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

CURRENT_HEADER = (
    "Main ID", "Incident ID", "Incident Type", "Region of Incident", "Incident Date",
    "Incident Year", "Month", "Number of Dead", "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing", "Number of Survivors", "Number of Females",
    "Number of Males", "Number of Children", "Country of Origin", "Region of Origin",
    "Cause of Death", "Country of Incident", "Migration Route", "Location of Incident",
    "Coordinates", "UNSD Geographical Grouping", "Information Source", "URL", "Source Quality",
)  # fmt: skip
LEGACY_HEADER = (
    "Web ID", "Region of Incident", "Reported Date", "Reported Year", "Reported Month",
    "Number Dead", "Minimum Estimated Number of Missing", "Total Dead and Missing",
    "Number of Survivors", "Number of Females", "Number of Males", "Number of Children",
    "Cause of Death", "Location Description", "Information Source", "Location Coordinates",
    "latitude", "longitude", "Migration Route", "URL", "UNSD Geographical Grouping",
    "Source Quality",
)  # fmt: skip

DROWNING = "Drowning"
VEHICLE = "Vehicle accident / death linked to hazardous transport"
HARSH = "Harsh environmental conditions / lack of adequate shelter, food, water"
VIOLENCE = "Violence"
SICKNESS = "Sickness / lack of access to adequate healthcare"
ACCIDENT = "Accidental death"
UNKNOWN = "Mixed or unknown"

EMED, CMED, WBALK = "Eastern Mediterranean", "Central Mediterranean", "Western Balkans"

# (country, region of incident, UNSD grouping, route, location, lat, lon, at sea,
#  causes, information sources, source quality)
PLACES = [
    ("Greece", "Mediterranean", "Uncategorized", EMED, "Off Lesvos, Greece",
     39.21, 26.41, True, [DROWNING, UNKNOWN], ["Hellenic Coast Guard", "IOM Greece"], [4, 5]),
    ("Greece", "Mediterranean", "Uncategorized", EMED, "Off Samos, Greece",
     37.74, 26.95, True, [DROWNING], ["Hellenic Coast Guard", "Aegean Boat Report"], [4, 5]),
    ("Greece", "Mediterranean", "Uncategorized", EMED,
     "Off Farmakonisi, Greece after shipwreck", 37.28, 27.10, True, [DROWNING],
     ["Hellenic Coast Guard", "Kathimerini"], [3, 5]),
    ("Greece", "Mediterranean", "Uncategorized", EMED, "Off Rhodes, Dodecanese, Greece",
     36.43, 28.25, True, [DROWNING], ["Hellenic Coast Guard", "ERT News"], [3, 5]),
    ("Greece", "Europe", "Southern Europe", "", "Evros river near Soufli, Greece",
     41.19, 26.30, False, [DROWNING, HARSH], ["Alexandroupoli Hospital", "IOM Greece"], [3, 4]),
    ("Greece", "Europe", "Southern Europe", "", "Forest area near Feres, Evros, Greece",
     40.90, 26.17, False, [HARSH, SICKNESS], ["Alexandroupoli Forensic Service"], [4, 5]),
    ("North Macedonia", "Europe", "Southern Europe", WBALK,
     "Railway near Demir Kapija, North Macedonia", 41.41, 22.24, False, [VEHICLE],
     ["Ministry of Interior of North Macedonia", "MIA"], [4, 5]),
    ("North Macedonia", "Europe", "Southern Europe", WBALK,
     "Motorway A1 near Gevgelija, North Macedonia", 41.14, 22.50, False, [VEHICLE],
     ["Ministry of Interior of North Macedonia", "Sloboden Pecat"], [3, 4]),
    ("North Macedonia", "Europe", "Southern Europe", WBALK,
     "Unspecified location near Kumanovo, North Macedonia", 42.13, 21.71, False,
     [VIOLENCE, UNKNOWN], ["Meta.mk", "IOM Skopje"], [2, 4]),
    ("Serbia", "Europe", "Southern Europe", WBALK,
     "Near Horgoš, at the border with Hungary, Serbia", 46.15, 19.97, False,
     [VIOLENCE, ACCIDENT], ["Ministry of Interior of Serbia", "N1 Serbia"], [3, 4]),
    ("Serbia", "Europe", "Southern Europe", WBALK, "Danube river near Apatin, Serbia",
     45.67, 18.98, False, [DROWNING], ["RTS", "Klikaktiv"], [2, 3]),
    ("Serbia", "Europe", "Southern Europe", WBALK, "Abandoned building in Subotica, Serbia",
     46.10, 19.67, False, [HARSH, SICKNESS], ["Commissariat for Refugees and Migration"],
     [4, 5]),
    ("Serbia", "Europe", "Southern Europe", WBALK,
     "Railway near Šid, close to the border with Croatia, Serbia", 45.12, 19.23, False,
     [VEHICLE], ["Ministry of Interior of Serbia", "Danas"], [3, 4]),
    ("Bosnia and Herzegovina", "Europe", "Southern Europe", WBALK,
     "Drina river near Zvornik, Bosnia and Herzegovina", 44.38, 19.10, False, [DROWNING],
     ["Border Police of Bosnia and Herzegovina", "Klix.ba"], [4, 5]),
    ("Bosnia and Herzegovina", "Europe", "Southern Europe", WBALK,
     "Mountain area near Bihać, Bosnia and Herzegovina", 44.82, 15.87, False,
     [HARSH, SICKNESS], ["Una-Sana Canton Police", "IOM Bosnia and Herzegovina"], [4, 5]),
    ("Bosnia and Herzegovina", "Europe", "Southern Europe", WBALK,
     "Near Velika Kladuša, Bosnia and Herzegovina", 45.18, 15.81, False, [VIOLENCE, UNKNOWN],
     ["Una-Sana Canton Police", "N1 BiH"], [3, 4]),
    ("Croatia", "Europe", "Southern Europe", WBALK, "Korana river near Slunj, Croatia",
     45.11, 15.59, False, [DROWNING], ["Croatian Police", "Index.hr"], [4, 5]),
    ("Croatia", "Europe", "Southern Europe", WBALK, "Mined area in Gorski kotar, Croatia",
     45.35, 14.85, False, [ACCIDENT], ["Croatian Mine Action Centre", "Jutarnji list"], [4, 5]),
    ("Croatia", "Europe", "Southern Europe", WBALK, "Railway near Vrhovine, Croatia",
     44.85, 15.43, False, [VEHICLE], ["Croatian Police", "HRT"], [4, 5]),
    ("Slovenia", "Europe", "Southern Europe", WBALK, "Kolpa river near Vinica, Slovenia",
     45.46, 15.25, False, [DROWNING], ["Slovenian Police", "24ur"], [4, 5]),
    ("Hungary", "Europe", "Eastern Europe", WBALK,
     "Border fence near Röszke, Hungary", 46.19, 20.04, False, [ACCIDENT, VIOLENCE],
     ["Hungarian Police", "Telex"], [3, 4]),
    ("Romania", "Europe", "Eastern Europe", WBALK, "Near Jimbolia, Timiș county, Romania",
     45.79, 20.72, False, [HARSH], ["Romanian Border Police"], [4, 5]),
    ("Bulgaria", "Europe", "Eastern Europe", "", "Road near Burgas, Bulgaria",
     42.50, 27.47, False, [VEHICLE], ["Bulgarian Ministry of Interior", "BNT"], [4, 5]),
    ("Bulgaria", "Europe", "Eastern Europe", "", "Strandzha mountains near Malko Tarnovo, Bulgaria",
     42.02, 27.53, False, [HARSH], ["Bulgarian Border Police", "Mobile Info Team"], [3, 4]),
    ("Albania", "Europe", "Southern Europe", WBALK,
     "Mountains near Kakavijë, close to the border with Greece, Albania", 39.92, 20.32,
     False, [HARSH], ["Albanian State Police", "Top Channel"], [3, 4]),
    ("Montenegro", "Europe", "Southern Europe", WBALK, "Near Rožaje, Montenegro",
     42.84, 20.17, False, [HARSH, UNKNOWN], ["Police Administration of Montenegro", "Vijesti"],
     [3, 4]),
    ("Austria", "Europe", "Western Europe", WBALK, "A4 motorway near Parndorf, Austria",
     47.98, 16.86, False, [VEHICLE], ["Burgenland Police", "ORF"], [4, 5]),
    ("Italy", "Mediterranean", "Uncategorized", CMED, "Off Lampedusa, Italy",
     35.50, 12.60, True, [DROWNING, UNKNOWN], ["Italian Coast Guard", "IOM Italy"], [4, 5]),
    ("Italy", "Mediterranean", "Uncategorized", CMED,
     "Off Steccato di Cutro, Calabria, Italy", 38.93, 16.99, True, [DROWNING],
     ["Italian Coast Guard", "ANSA"], [4, 5]),
    ("Italy", "Europe", "Southern Europe", WBALK, "Karst plateau near Trieste, Italy",
     45.70, 13.80, False, [HARSH], ["Italian Police", "Il Piccolo"], [3, 4]),
    ("Malta", "Mediterranean", "Uncategorized", CMED, "Maltese search and rescue region",
     34.90, 14.20, True, [DROWNING, SICKNESS], ["Armed Forces of Malta", "Alarm Phone"], [2, 4]),
    ("Libya", "Mediterranean", "Uncategorized", CMED, "Off Zuwara, Libya",
     32.96, 12.07, True, [DROWNING], ["IOM Libya", "Libyan Red Crescent"], [4, 5]),
    ("Libya", "Mediterranean", "Uncategorized", CMED,
     "Remains washed ashore near Tobruk, Libya", 32.08, 23.96, True, [DROWNING, UNKNOWN],
     ["Libyan Red Crescent via IOM Libya"], [4, 5]),
    ("Libya", "Mediterranean", "Uncategorized", CMED, "Off Sabratha, Libya",
     32.79, 12.48, True, [DROWNING], ["IOM Libya", "Alarm Phone"], [3, 4]),
    ("Libya", "Northern Africa", "Northern Africa", "", "Detention centre in Tripoli, Libya",
     32.88, 13.19, False, [VIOLENCE, SICKNESS], ["UNHCR Libya", "Libya Observer"], [2, 4]),
    ("Tunisia", "Mediterranean", "Uncategorized", CMED, "Off Sfax, Tunisia",
     34.73, 10.77, True, [DROWNING], ["Tunisian National Guard", "FTDES"], [3, 5]),
    ("Tunisia", "Mediterranean", "Uncategorized", CMED, "Off the Kerkennah Islands, Tunisia",
     34.70, 11.20, True, [DROWNING], ["Tunisian National Guard", "Mosaïque FM"], [3, 5]),
    ("Türkiye", "Mediterranean", "Uncategorized", EMED, "Off Ayvalık, Balıkesir, Türkiye",
     39.32, 26.68, True, [DROWNING], ["Turkish Coast Guard"], [5]),
    ("Türkiye", "Mediterranean", "Uncategorized", EMED, "Off Kaş, Antalya, Türkiye",
     36.18, 29.62, True, [DROWNING, UNKNOWN], ["Turkish Coast Guard", "Anadolu Agency"], [4, 5]),
    ("Türkiye", "Europe", "Western Asia", "", "Meriç river near Edirne, Türkiye",
     41.67, 26.56, False, [DROWNING, HARSH], ["Edirne Governorate", "Anadolu Agency"], [3, 4]),
    ("Türkiye", "Western Asia", "Western Asia", "",
     "Mountain pass in Van province, near the border with Iran, Türkiye", 38.50, 44.05,
     False, [HARSH, VEHICLE], ["Van Governorate", "Evrensel"], [3, 4]),
    ("Cyprus", "Mediterranean", "Uncategorized", EMED, "Off Cape Greco, Cyprus",
     34.96, 34.08, True, [DROWNING], ["Cyprus Police", "Cyprus Mail"], [3, 4]),
]  # fmt: skip

# (country of origin, region of origin, weight)
ORIGINS = [
    ("Syrian Arab Republic", "Western Asia", 14), ("Afghanistan", "Southern Asia", 14),
    ("Pakistan", "Southern Asia", 8), ("Iraq", "Western Asia", 6),
    ("Morocco", "Northern Africa", 4), ("Egypt", "Northern Africa", 4),
    ("Bangladesh", "Southern Asia", 4), ("Eritrea", "Eastern Africa", 4),
    ("Sudan", "Northern Africa", 4), ("Guinea", "Western Africa", 3),
    ("Côte d'Ivoire", "Western Africa", 3), ("Mali", "Western Africa", 2),
    ("Iran (Islamic Republic of)", "Southern Asia", 2), ("Unknown", "Unknown", 22),
    ("Unknown", "Sub-Saharan Africa", 4),
]  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _quote(value: str) -> str:
    # As IOM's export does: quote text with spaces, commas, quotes or line breaks.
    if any(ch in value for ch in ' ,"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _line(fields) -> str:
    return ",".join(_quote("" if f is None else str(f)) for f in fields)


def _numbers(rng: random.Random, at_sea: bool, big: bool) -> dict[str, str]:
    """Dead, missing (sea crossings often have only missing), survivors and a partial
    breakdown by sex and age, blank where the source does not say."""
    if at_sea:
        dead = rng.choice([0, 1, 1, 2, 3, 5, 8]) if not big else rng.randint(20, 90)
        missing = rng.choice([0, 0, 1, 3, 6, 12, 25]) if not big else rng.randint(40, 300)
        survivors = (
            rng.choice(["", "", str(rng.randint(5, 60))]) if not big else str(rng.randint(60, 400))
        )
    else:
        dead = rng.choice([1, 1, 1, 1, 2, 2, 3])
        missing = rng.choice([0, 0, 0, 0, 1])
        survivors = rng.choice(["", "", "", str(rng.randint(1, 12))])
    total = dead + missing
    males = rng.choice(["", str(dead)]) if dead else ""
    females = rng.choice(["", "", "1"]) if dead > 1 else ""
    if males and females:
        males = str(int(males) - 1)
    children = rng.choice(["", "", "", "1"]) if dead else ""
    return {
        # A blank dead count where only missing people are known, as IOM leaves it.
        "dead": "" if dead == 0 and rng.random() < 0.6 else str(dead),
        "missing": "" if missing == 0 and rng.random() < 0.7 else str(missing),
        "total": str(total),
        "survivors": survivors,
        "females": females,
        "males": males,
        "children": children,
    }


def _origin(rng: random.Random) -> tuple[str, str]:
    names, regions, weights = zip(*ORIGINS, strict=True)
    i = rng.choices(range(len(ORIGINS)), weights=weights)[0]
    return names[i], regions[i]


def _url(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(rng.choice(alphabet) for _ in range(8))
    return rng.choice(["", f"https://perma.cc/{code[:4]}-{code[4:]}",
                       f"https://archive.ph/{code[:5]}"])  # fmt: skip


def current_export(n: int = 220, seed: int = 20260115) -> str:
    rng = random.Random(seed)
    entries = []
    for _ in range(n):
        year = rng.randint(2019, 2025)
        day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        entries.append((day, rng.choice(PLACES)))
    entries.sort(key=lambda e: e[0])
    lines = [_line(CURRENT_HEADER)]
    seq: dict[int, int] = {}
    for k, (day, place) in enumerate(entries):
        country, region, unsd, route, location, lat, lon, at_sea, causes, sources, quality = place
        seq[day.year] = seq.get(day.year, 0) + 1
        # IOM's IDs grew from 5 to 4 digits after the year in later exports.
        width = 5 if day.year < 2024 else 4
        main_id = f"{day.year}.MMP{seq[day.year]:0{width}d}"
        nums = _numbers(rng, at_sea, big=at_sea and rng.random() < 0.04)
        origin, origin_region = _origin(rng)
        kind, incident_id = "Incident", main_id
        source = ", ".join(rng.sample(sources, k=rng.randint(1, len(sources))))
        url = _url(rng)
        if at_sea and rng.random() < 0.07:
            # A split entry: two incident IDs, origins and URLs in one cell each.
            kind = "Split Incident"
            incident_id = f"{main_id}{k}01,{main_id}{k}02"
            other, other_region = _origin(rng)
            origin, origin_region = f"{origin},{other}", f"{origin_region},{other_region}"
            url = f"{_url(rng) or 'https://perma.cc/QX7R-2MVA'},https://archive.ph/Lk3Pw"
        row = {
            "Main ID": main_id, "Incident ID": incident_id, "Incident Type": kind,
            "Region of Incident": region, "Incident Date": day.isoformat(),
            "Incident Year": day.year, "Month": MONTHS[day.month - 1],
            "Number of Dead": nums["dead"], "Minimum Estimated Number of Missing": nums["missing"],
            "Total Number of Dead and Missing": nums["total"],
            "Number of Survivors": nums["survivors"], "Number of Females": nums["females"],
            "Number of Males": nums["males"], "Number of Children": nums["children"],
            "Country of Origin": origin, "Region of Origin": origin_region,
            "Cause of Death": rng.choice(causes), "Country of Incident": country,
            "Migration Route": route, "Location of Incident": location,
            "Coordinates": f"{lat + rng.uniform(-0.05, 0.05):.6f}, "
                           f"{lon + rng.uniform(-0.05, 0.05):.6f}",
            "UNSD Geographical Grouping": unsd, "Information Source": source, "URL": url,
            "Source Quality": rng.choice(quality),
        }  # fmt: skip
        lines.append(_line(row[h] for h in CURRENT_HEADER))
    lines += [_line(r) for r in _special_entries()]
    return "\n".join(lines) + "\n"


def _special_entries():
    """Hand-written entries for the quirks the random ones may not hit."""
    yield (
        "2016.MMP00871", "2016.MMP00871", "Cumulative Incident", "Mediterranean",
        "2016-12-31", 2016, "December", 212, "", 212, "1,250", "", "", "", "Unknown",
        "Unknown", "Mixed or unknown", "Libya", CMED,
        "Remains recovered on beaches of western Libya between Zuwara and Sabratha, "
        "cumulative for 2016", "32.9, 12.3", "Uncategorized",
        "Libyan Red Crescent, IOM Libya", "https://archive.ph/Wq3Zt", 4,
    )  # fmt: skip
    yield (
        "2018.MMP00402", "2018.MMP00402", "Incident", "Europe", "2018-02-11", 2018,
        "February", 1, "", 1, 3, "", 1, "", "Afghanistan", "Southern Asia", ACCIDENT,
        "Croatia", WBALK, "Forest near Cetingrad, Croatia,\nclose to the border with "
        "Bosnia and Herzegovina", "45.153, 15.741", "Southern Europe",
        'Croatian Police, daily "Jutarnji list"', "", 3,
    )  # fmt: skip
    yield (
        "2018.MMP00431", "2018.MMP004311,2018.MMP004312", "Split Incident", "Europe",
        "2018-05-03", 2018, "May", 2, 1, 3, 7, 1, 1, 1, "Iraq,Syrian Arab Republic",
        "Western Asia,Western Asia", DROWNING, "Bosnia and Herzegovina", WBALK,
        "Drina river near Bijeljina, Bosnia and Herzegovina", "44.77, 19.33",
        "Southern Europe", "Border Police of Bosnia and Herzegovina,Klix.ba",
        "https://perma.cc/B7TR-44QM,https://archive.ph/Jh2Ke", 5,
    )  # fmt: skip


def legacy_export() -> str:
    """A small legacy export: Web IDs, 'D-Mon-YY' dates, lat/lon columns, blank numbers,
    the older region and cause vocabulary and a quoted comma; CRLF, Windows-1252."""
    rows = [
        (46218, "Mediterranean", "29-Dec-18", 2018, "Dec", 2, 5, 7, 16, "", 2, "", "Drowning",
         "Off Farmakonisi, Greece", "IOM Greece, Hellenic Coast Guard",
         "37.281920431005, 27.102118771053", 37.28192043, 27.10211877, EMED,
         "http://bit.ly/2Qe8kTa", "Uncategorized", 5),
        (46102, "Europe", "14-Dec-18", 2018, "Dec", 1, "", 1, "", "", 1, "", "Hit by train",
         "Railway near Šid, Serbia", "Ministry of Interior of Serbia",
         "45.121730150287, 19.231004283102", 45.12173015, 19.23100428, WBALK, "",
         "Southern Europe", 4),
        (45890, "Europe", "2-Nov-18", 2018, "Nov", 1, "", 1, "", "", "", "1", "Hypothermia",
         "Mountain area near Bihac, Bosnia and Herzegovina",
         "Una-Sana Canton Police, Klix.ba", "44.820115372018, 15.870318441202",
         44.82011537, 15.87031844, WBALK, "http://bit.ly/2RkzT0m", "Southern Europe", 3),
        (45311, "Mediterranean", "21-Sep-18", 2018, "Sep", "", 9, 9, 31, "", "", "",
         "Presumed drowning", "Off Zuwara, Libya", "IOM Libya",
         "32.962518830021, 12.071132205177", 32.96251883, 12.07113221, CMED,
         "http://bit.ly/2xVb4Rm", "Uncategorized", 4),
        (44980, "North Africa", "30-Aug-18", 2018, "Aug", 3, "", 3, "", 1, 2, "",
         "Vehicle accident", "Road between Gafsa and Sfax, Tunisia", "FTDES",
         "34.701228430119, 10.124005128832", 34.70122843, 10.12400513, "",
         "http://bit.ly/2N0kq7s", "Northern Africa", 2),
        (44017, "Europe", "5-Jun-18", 2018, "Jun", 1, "", 1, 2, "", 1, "", "Drowning",
         "Korana river near Slunj, Croatia", "Croatian Police",
         "45.110320041981, 15.590218832102", 45.11032004, 15.59021883, WBALK, "",
         "Southern Europe", 4),
        (43502, "Europe", "17-Apr-18", 2018, "Apr", 1, "", 1, "", "", 1, "",
         "Shot or stabbed", "Near Horgoš, at the border with Hungary, Serbia",
         "N1 Serbia", "46.150093311208, 19.970182101137", 46.15009331, 19.9701821, WBALK,
         "http://bit.ly/2HsQ3mW", "Southern Europe", 3),
        (42966, "Europe", "3-Feb-18", 2018, "Feb", 2, "", 2, 4, "", 2, "", "Hypothermia",
         "Mountains near Kakavijë, Albania", "Albanian State Police",
         "39.921183002018, 20.321120430187", 39.921183, 20.32112043, WBALK, "",
         "Southern Europe", 4),
        (41820, "Europe", "12-Nov-17", 2017, "Nov", 1, "", 1, "", "", 1, "",
         "Vehicle accident", "Motorway A1 near Gevgelija, FYR Macedonia",
         "Ministry of Interior, MIA", "41.140226210383, 22.501823021733", 41.14022621,
         22.50182302, WBALK, "http://bit.ly/2zQm1bd", "Southern Europe", 4),
        (40112, "Mediterranean", "7-Jun-17", 2017, "Jun", 4, 11, 15, 65, 2, 2, "",
         "Drowning", "Off Lesvos, Greece", "Hellenic Coast Guard",
         "39.210032912004, 26.410921009315", 39.21003291, 26.41092101, EMED,
         "http://bit.ly/2sTq0vB, http://bit.ly/2sTmK4a", "Uncategorized", 5),
        (39877, "Europe", "9-May-17", 2017, "May", 1, "", 1, "", "", 1, "", "Drowning",
         "Evros river near Soufli, Greece", "Alexandroupoli Hospital",
         "41.191923011207, 26.300138204156", 41.19192301, 26.3001382, "",
         "", "Southern Europe", 3),
        (38215, "Europe", "28-Nov-16", 2016, "Nov", 1, "", 1, "", "", 1, "", "Electrocution",
         "On top of a train at Röszke, Hungary", "Hungarian Police",
         "46.190210017723, 20.040032107613", 46.19021002, 20.04003211, WBALK,
         "http://bit.ly/2gH3sTx", "Eastern Europe", 4),
    ]  # fmt: skip
    lines = [_line(LEGACY_HEADER)] + [_line(r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    (HERE / "Missing_Migrants_Global_Figures_allData.csv").write_bytes(
        current_export().encode("utf-8")
    )
    (HERE / "mmp_legacy_format.csv").write_bytes(legacy_export().encode("cp1252"))


if __name__ == "__main__":
    main()
