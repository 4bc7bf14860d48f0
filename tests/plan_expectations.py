"""Expectations for plan.yaml, written by hand from the approved plan (seed document)."""

# number: (section_number_or_None, completion_form, due, responsible bodies in document order)
EXPECTED_ITEMS: dict[int, tuple[int | None, str, str, tuple[str, ...]]] = {
    # Heading without a number: «Баланы оның денсаулығына зиян келтіретін ...»
    1: (None, "mes_info", "ongoing", ("education",)),
    2: (None, "mes_info", "ongoing", ("education", "internal_policy")),
    3: (None, "mes_info", "ongoing", ("education", "internal_policy", "internal_affairs")),
    4: (None, "media_publications", "ongoing", ("internal_policy",)),
    5: (None, "mes_info", "window", ("education", "internal_policy", "internal_affairs", "ngo")),
    6: (None, "mes_info", "window", ("education", "internal_policy", "internal_affairs", "ngo")),
    7: (None, "mes_info", "window", ("education", "internal_policy")),
    8: (None, "mes_info", "window", ("education", "ngo")),
    9: (None, "mes_info", "window", ("education", "internal_policy", "internal_affairs")),
    10: (None, "mes_info", "window", ("education",)),
    11: (None, "mes_info", "window", ("education", "internal_policy")),
    12: (None, "mes_info", "ongoing", ("education",)),  # «тұрақты»
    # 3. Ата-ана жауапкершілігін насихаттау
    13: (3, "mes_info", "window", ("education", "internal_affairs", "ngo")),
    14: (3, "mes_info", "window", ("education", "internal_affairs", "ngo")),
    15: (3, "mes_info", "ongoing", ("education", "ngo")),
    16: (3, "mes_info", "window", ("parents_association",)),
    # 4. «Шынайы өмір – виртуалды әлемнен жақсы»
    17: (4, "mes_info", "window", ("education",)),
    18: (4, "mes_info", "window", ("education",)),
    19: (4, "mes_info", "window", ("education",)),
    # 5. Денсаулыққа зиян келтіретін ... көмек көрсетудің қолжетімділігі мен тиімділігін ...
    20: (5, "mes_info", "ongoing", ("education",)),  # «тұрақтынегізде»
    21: (5, "mes_info", "ongoing", ("education", "ngo")),  # «тұрақтынегізде»
    22: (5, "mes_info", "ongoing", ("education", "internal_policy")),  # «ішкі сясат»
    23: (5, "mes_info", "ongoing", ("education", "internal_affairs", "ngo")),
    24: (5, "mes_info", "window", ("education", "internal_affairs", "ngo")),
    # 6. Қорытынды
    25: (6, "mes_info", "ongoing", ("committee", "education")),  # «тұрақты»
    26: (6, "minister_info", "final_report", ("committee",)),  # «2017 жылғы 30 сәуірге дейін»
}

# number: the first few words of the Kazakh title as in the document
EXPECTED_TITLE_STARTS: dict[int, str] = {
    1: "Ата-аналар мен оқушылар үшін",
    2: "Бұқаралықақпарат құралдарында (басылымдар,",
    3: "Бұқаралықақпарат құралдарында, әлеуметтік желілерде",
    4: "Бұқаралық ақпарат құралдарында, сондай-ақ",
    5: "Әр түрлі мақсатты топтарға арналған",
    6: "Ата-аналардың қатысуымен флеш-моб,",
    7: "«Қауіпсіз интернет»тақырыптарында фотоконкурсұйымдастыру",
    8: "Заңгер, ЮП инспекторлары,",
    9: "Білім алушылар арасында Интернетте",
    10: "Білім беру мекемелері педагогтерінің",
    11: "«Қауіпсіз интернет» республикалық ақпараттық кампанияны",
    12: "Білім беру ұйымдарында жағымсыз",
    13: "Ата-аналар және балалар үшін",
    14: "Балалардың Интернеттегі және",
    15: "Балалармен, жасөспірімдермен және",
    16: "«Отбасы және отбасылық құндылықтарды",
    17: "Білім беру мекемелерінде «Интернет орнына кітап»",
    18: "«Шынайы өмір – виртуалды әлемнен жақсы» флеш-моб",
    19: "Оқушылар арасында компьютер мен",
    20: "Балалардың психологиялық тексерілуін",
    21: "Шұғыл көмекке және қорғалуға",
    22: "Телефондар мен компьютерлерде",
    23: "Балалар мен ата-аналарға психологиялық",
    24: "Төменгі шектік кеңес беру",
    25: "«Қауіпсіз интернет»республикалық ақпараттық кампаниясын",
    26: "«Қауіпсіз интернет»республикалық ақпараттық науқанын",
}

# key -> IANA time zone (regions in 2017, in domain.md order)
EXPECTED_REGIONS: dict[str, str] = {
    "akmola": "Asia/Almaty",
    "aktobe": "Asia/Aqtobe",
    "almaty_region": "Asia/Almaty",
    "atyrau": "Asia/Atyrau",
    "east_kazakhstan": "Asia/Almaty",
    "zhambyl": "Asia/Almaty",
    "west_kazakhstan": "Asia/Oral",
    "karaganda": "Asia/Almaty",
    "kostanay": "Asia/Qostanay",
    "kyzylorda": "Asia/Qyzylorda",
    "mangystau": "Asia/Aqtau",
    "pavlodar": "Asia/Almaty",
    "north_kazakhstan": "Asia/Almaty",
    "south_kazakhstan": "Asia/Almaty",
    "astana": "Asia/Almaty",
    "almaty": "Asia/Almaty",
}

EXPECTED_DATES: dict[str, str] = {
    "window_start": "2017-04-10",
    "window_end": "2017-04-21",
    "opening_day": "2017-04-10",
    "regional_report": "2017-04-25",
    "final_report": "2017-04-30",
}
