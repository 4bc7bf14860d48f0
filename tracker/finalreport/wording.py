"""Every sentence of the final report, in Kazakh and in Russian.

One class per language, with the same methods, so `content` never branches on the language and
a reviewer can read each language's wording in one place.  Sentences are built so that a number
rarely has to agree with a noun: Russian needs the form of «регион» after «из 16» (handled by
`_ru_form`), while the Kazakh wording keeps numbers before an unchanging noun or after a colon,
which avoids suffixes that depend on how the number is read aloud.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
              "қыркүйек", "қазан", "қараша", "желтоқсан")

NBSP = "\u00a0"


def number(value: int) -> str:
    """`55 000`: thousands apart by a no-break space, as Russian and Kazakh texts write them."""
    return f"{value:,}".replace(",", NBSP)


def day(value: date) -> str:
    """30.03.2017, as dates are written in the ministry's documents."""
    return value.strftime("%d.%m.%Y")


def moment(value: datetime, timezone: str) -> str:
    """30.04.2017 10:00 (UTC+06): when the draft was made, in the campaign's zone."""
    local = value.astimezone(ZoneInfo(timezone))
    offset = local.strftime("%z")
    return local.strftime("%d.%m.%Y %H:%M") + f" (UTC{offset[:3]})"


def _ru_form(count: int, one: str, many: str) -> str:
    """The noun after «из N» / «во всех N»: «из 21 региона», «из 16 регионов»."""
    return one if count % 10 == 1 and count % 100 != 11 else many


class Russian:
    """The Russian wording, and the shape `Kazakh` follows: it overrides every member."""

    lang = "ru"
    draft = "ПРОЕКТ"
    campaign_dates = "Сроки проведения:"
    organisers = "Организаторы информационной кампании:"
    approved = "План мероприятий утвержден:"
    execution = "Выполнение плана мероприятий"
    national = "Республиканский уровень:"
    summary = "Общие итоги выполнения плана"
    results = "Итоги информационной кампании в регионах"
    results_national = "Сводные показатели по республике"
    results_regions = "Показатели по регионам"
    indicator = "Показатель"
    in_total = "Всего"
    region = "Регион"
    total = "Итого"
    not_entered = "«—» — данные не внесены."
    media = "Освещение в средствах массовой информации"
    media_none = "Сведения о публикациях в СМИ не поступали."
    media_header = ("№", "Наименование СМИ", "Дата размещения", "Регион", "Ссылка")

    def title(self, name: str) -> str:
        return f"Итоговая информация о проведении республиканской информационной кампании «{name}»"

    def draft_note(self, made: str) -> str:
        return (f"Подготовлен автоматически по данным мониторинга {made}. Перед направлением "
                "Министру образования и науки текст необходимо проверить и отредактировать.")

    def long_date(self, value: date) -> str:
        return f"{value.day} {_RU_MONTHS[value.month - 1]} {value.year} года"

    def window(self, start: date, end: date) -> str:
        if (start.year, start.month) == (end.year, end.month):
            return f"с {start.day} по {self.long_date(end)}."
        if start.year == end.year:
            return f"с {start.day} {_RU_MONTHS[start.month - 1]} по {self.long_date(end)}."
        return f"с {self.long_date(start)} по {self.long_date(end)}."

    def approval(self, by: str, when: date, no: str) -> str:
        return f"{by}, № {no} от {day(when)}."

    def as_of(self, when: date) -> str:
        return f"Сведения приведены по отметкам о выполнении по состоянию на {day(when)}."

    def regions_done(self, done: int, partial: int, total: int) -> str:
        if done == total:
            return f"Выполнено во всех {total} {_ru_form(total, 'регионе', 'регионах')}."
        if done == 0:
            return ("Полностью не выполнено ни в одном регионе." if partial
                    else "Не выполнено ни в одном регионе.")
        return f"Выполнено в {done} из {total} {_ru_form(total, 'региона', 'регионов')}."

    def not_done(self, count: int) -> str:
        return f"Не выполнено ({count}):"

    def partly_done(self, count: int) -> str:
        return f"Выполнено частично ({count}):"

    def unmarked(self, unit: str, bodies: str) -> str:
        return f"{unit} (нет отметки о выполнении: {bodies})"

    def national_state(self, state: str, bodies: str) -> str:
        if state == "done":
            return "выполнено."
        if state == "partial":
            return f"выполнено частично (нет отметки о выполнении: {bodies})."
        return "не выполнено."

    def overall(self, when: date, done: int, partial: int, pending: int, total: int) -> str:
        share = done * 100 // total if total else 0
        return (f"По состоянию на {day(when)} из {total} "
                f"{_ru_form(total, 'позиции', 'позиций')} плана (мероприятие в регионе или на "
                f"республиканском уровне) выполнено {done} ({share}{NBSP}%), выполнено "
                f"частично — {partial}, не выполнено — {pending}.")

    def overdue(self, pending: int, partial: int) -> str:
        """The positions whose deadline has passed undone, from the same cell states as the
        status grid."""
        return (f"Срок истёк у {pending + partial} из них: не выполнено — {pending}, выполнено "
                f"частично — {partial}.")

    def complete(self, count: int) -> str:
        return f"Полностью выполнили план ({count}):"

    complete_none = "Ни один регион пока не выполнил план полностью."

    def gaps(self, count: int) -> str:
        return f"Выполнены не все мероприятия ({count}):"

    gaps_none = "Все регионы выполнили план полностью."

    def gap(self, unit: str, done: int, total: int) -> str:
        return f"{unit} ({done} из {total})"

    def national_summary(self, done: int, total: int) -> str:
        return (f"На республиканском уровне выполнено {done} из {total} "
                f"{_ru_form(total, 'мероприятия', 'мероприятий')}.")

    def received(self, due: date, received: int, total: int) -> str:
        return (f"Отчеты об итогах кампании (срок представления — {self.long_date(due)}) получены "
                f"от {received} из {total} {_ru_form(total, 'региона', 'регионов')}.")

    def missing(self, count: int) -> str:
        return f"Отчеты не представлены ({count}):"

    missing_none = "Отчеты представлены всеми регионами."

    def late(self, count: int) -> str:
        return f"Представлены с опозданием ({count}):"

    late_none = "Отчетов, представленных с опозданием, нет."
    unsubmitted = "В итоги включены также данные, внесенные без представления отчета:"

    def media_count(self, count: int) -> str:
        return f"Всего публикаций: {count}."


class Kazakh(Russian):
    lang = "kk"
    draft = "ЖОБА"
    campaign_dates = "Өткізу уақыты:"
    organisers = "Ақпараттық кампанияны ұйымдастырушылар:"
    approved = "Іс-шаралар жоспары бекітілген:"
    execution = "Іс-шаралар жоспарының орындалуы"
    national = "Республикалық деңгей:"
    summary = "Жоспардың орындалуының жалпы қорытындысы"
    results = "Өңірлердегі ақпараттық кампанияның қорытындылары"
    results_national = "Республика бойынша жиынтық көрсеткіштер"
    results_regions = "Өңірлер бойынша көрсеткіштер"
    indicator = "Көрсеткіш"
    in_total = "Барлығы"
    region = "Өңір"
    total = "Барлығы"
    not_entered = "«—» — деректер енгізілмеген."
    media = "Бұқаралық ақпарат құралдарында жариялау"
    media_none = "БАҚ-тағы жарияланымдар туралы мәліметтер түскен жоқ."
    media_header = ("№", "БАҚ атауы", "Жарияланған күні", "Өңір", "Сілтеме")

    def title(self, name: str) -> str:
        return f"«{name}» республикалық ақпараттық кампаниясын өткізу туралы қорытынды ақпарат"

    def draft_note(self, made: str) -> str:
        return (f"Мониторинг деректері бойынша {made} автоматты түрде дайындалды. Білім және "
                "ғылым министріне жібермес бұрын мәтінді тексеріп, түзету қажет.")

    def long_date(self, value: date) -> str:
        return f"{value.year} жылғы {value.day} {_KK_MONTHS[value.month - 1]}"

    def window(self, start: date, end: date) -> str:
        if (start.year, start.month) == (end.year, end.month):
            return (f"{start.year} жылғы {start.day} – {end.day} {_KK_MONTHS[end.month - 1]} "
                    "аралығы.")
        if start.year == end.year:
            return (f"{start.year} жылғы {start.day} {_KK_MONTHS[start.month - 1]} – "
                    f"{end.day} {_KK_MONTHS[end.month - 1]} аралығы.")
        return f"{self.long_date(start)} – {self.long_date(end)} аралығы."

    def approval(self, by: str, when: date, no: str) -> str:
        return f"{by}, {day(when)} ж. № {no}."

    def as_of(self, when: date) -> str:
        return f"Мәліметтер {day(when)} ж. жағдай бойынша орындалу белгілері негізінде келтірілді."

    def regions_done(self, done: int, partial: int, total: int) -> str:
        if done == total:
            return f"Барлық {total} өңірде орындалды."
        if done == 0:
            return ("Бірде-бір өңірде толық орындалмады." if partial
                    else "Бірде-бір өңірде орындалмады.")
        return f"{done} өңірде орындалды (барлығы {total} өңір)."

    def not_done(self, count: int) -> str:
        return f"Орындалмаған өңірлер ({count}):"

    def partly_done(self, count: int) -> str:
        return f"Ішінара орындалған өңірлер ({count}):"

    def unmarked(self, unit: str, bodies: str) -> str:
        return f"{unit} (орындалғаны туралы белгі жоқ: {bodies})"

    def national_state(self, state: str, bodies: str) -> str:
        if state == "done":
            return "орындалды."
        if state == "partial":
            return f"ішінара орындалды (орындалғаны туралы белгі жоқ: {bodies})."
        return "орындалмады."

    def overall(self, when: date, done: int, partial: int, pending: int, total: int) -> str:
        share = done * 100 // total if total else 0
        return (f"{day(when)} ж. жағдай бойынша жоспардың позициялары (өңірдегі немесе "
                f"республикалық деңгейдегі іс-шара): барлығы — {total}, орындалғаны — {done} "
                f"({share}{NBSP}%), ішінара орындалғаны — {partial}, орындалмағаны — {pending}.")

    def overdue(self, pending: int, partial: int) -> str:
        return (f"Оның ішінде мерзімі өткені — {pending + partial}: орындалмағаны — {pending}, "
                f"ішінара орындалғаны — {partial}.")

    def complete(self, count: int) -> str:
        return f"Жоспарды толық орындаған өңірлер ({count}):"

    complete_none = "Жоспарды толық орындаған өңір әзірге жоқ."

    def gaps(self, count: int) -> str:
        return f"Іс-шаралары толық орындалмаған өңірлер ({count}):"

    gaps_none = "Барлық өңірлер жоспарды толық орындады."

    def gap(self, unit: str, done: int, total: int) -> str:
        return f"{unit} ({total} іс-шарадан {done})"

    def national_summary(self, done: int, total: int) -> str:
        return f"Республикалық деңгейде {total} іс-шарадан {done} орындалды."

    def received(self, due: date, received: int, total: int) -> str:
        return (f"Кампания қорытындылары туралы есептерді ұсыну мерзімі — {self.long_date(due)}. "
                f"Есеп ұсынған өңірлер: {received} (барлығы {total}).")

    def missing(self, count: int) -> str:
        return f"Есеп ұсынбаған өңірлер ({count}):"

    missing_none = "Барлық өңірлер есеп ұсынды."

    def late(self, count: int) -> str:
        return f"Есебін кешіктіріп ұсынған өңірлер ({count}):"

    late_none = "Есебін кешіктіріп ұсынған өңір жоқ."
    unsubmitted = "Қорытындыға есебі ұсынылмаған өңірлердің енгізілген деректері де кірді:"

    def media_count(self, count: int) -> str:
        return f"Жарияланымдар саны: {count}."


def wording(lang: str) -> Russian:
    """The wording for `lang` (kk or ru)."""
    return Kazakh() if lang == "kk" else Russian()
