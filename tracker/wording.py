"""The tool's own words at the terminal, in Kazakh, Russian and English: one table.

The plan names its own things in three languages (items, regions, bodies, completion forms,
milestones); everything else a command prints or refuses with is here, so a reviewer reads each
language's wording in one place and no command spells a sentence of its own.  Every layer that
speaks to a person at the terminal looks its words up here (the selection refuses an unknown
item in the reader's language), which is why the table sits beside `fieldrules`, below the
layers, and imports nothing: `mark` loads it on its fast path.

Counts are written so that no noun has to agree with them where that can be avoided («регионов:
16»); where a noun does follow a number, `count` gives Russian its three forms (1 поручение,
2 поручения, 5 поручений).  Kazakh keeps the noun after a number unchanged (18 тапсырма), and
the wording avoids suffixes on a number, whose form depends on how the number is read aloud.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # Cell states: the same words as the digest's (templates/_i18n.j2).
    "state.done": {"kk": "орындалды", "ru": "выполнено", "en": "done"},
    "state.partial": {"kk": "ішінара", "ru": "частично", "en": "partial"},
    "state.pending": {"kk": "күтілуде", "ru": "ожидается", "en": "pending"},
    "state.overdue": {"kk": "мерзімі өтті", "ru": "просрочено", "en": "overdue"},
    "state.partial_overdue": {"kk": "ішінара, мерзімі өтті", "ru": "частично, просрочено",
                              "en": "partial, overdue"},
    # doctor and file errors
    "doctor.ok": {"kk": "дұрыс", "ru": "норма", "en": "ok"},
    "doctor.problem": {"kk": "ақау", "ru": "проблема", "en": "problem"},
    "doctor.skipped": {"kk": "тексерілмеді", "ru": "пропущено", "en": "skipped"},
    "doctor.configuration": {"kk": "баптаулар", "ru": "настройки", "en": "configuration"},
    "doctor.retries": {"kk": "қайталау", "ru": "повторы", "en": "retries"},
    "doctor.database": {"kk": "дерекқор", "ru": "база данных", "en": "database"},
    "doctor.pace": {"kk": "жіберу қарқыны", "ru": "темп отправки", "en": "pace"},
    "doctor.contacts": {"kk": "байланыстар", "ru": "контакты", "en": "contacts"},
    "doctor.managers": {"kk": "басшылар", "ru": "руководители", "en": "managers"},
    "doctor.outbox": {"kk": "хат кезегі", "ru": "очередь писем", "en": "outbox"},
    "doctor.mail server": {"kk": "пошта сервері", "ru": "почтовый сервер", "en": "mail server"},
    "doctor.reason": {"kk": "{reason}", "ru": "{reason}", "en": "{reason}"},
    "doctor.at": {"kk": "{where}: {reason}", "ru": "{where}: {reason}", "en": "{where}: {reason}"},
    "doctor.smtp": {"kk": "SMTP {host}:{port} ({security}), {login}, жіберуші: {sender}{tls}",
                    "ru": "SMTP {host}:{port} ({security}), {login}, отправитель: {sender}{tls}",
                    "en": "SMTP {host}:{port} ({security}), {login}, from {sender}{tls}"},
    "doctor.user": {"kk": "пайдаланушы {user}", "ru": "пользователь {user}", "en": "user {user}"},
    "doctor.no_login": {"kk": "логинсіз", "ru": "без входа", "en": "no login"},
    "doctor.tls_off": {"kk": "; TLS өшірулі (TRACKER_SMTP_SECURITY=none): тек сенімді желідегі "
                             "релей үшін",
                       "ru": "; TLS выключен (TRACKER_SMTP_SECURITY=none): только для "
                             "ретранслятора в доверенной сети",
                       "en": "; TLS is off (TRACKER_SMTP_SECURITY=none): only for a relay on a "
                             "trusted network"},
    "doctor.policy": {"kk": "әрекеттер саны: ең көбі {n}, қайталау аралығы: ең азы {base} с, "
                            "ең көбі {cap} с",
                      "ru": "попыток: не более {n}, интервал повтора: от {base} до {cap} с",
                      "en": "up to {n} attempts, backoff from {base} s to {cap} s"},
    "doctor.pace_rate": {"kk": "ең көбі {rate} (әр {interval} с сайын бір хат)",
                         "ru": "не более {rate} (одно письмо каждые {interval} с)",
                         "en": "at most {rate} (a message every {interval} s)"},
    "doctor.pace_connections": {"kk": "бір мезгілдегі қосылымдар: {n}",
                                "ru": "одновременных соединений: {n}",
                                "en": "{n} connection(s) at once"},
    "doctor.pace_messages": {"kk": "бір қосылымдағы хаттар: {n}", "ru": "писем на соединение: {n}",
                             "en": "{n} message(s) per connection"},
    "doctor.pace_limited": {"kk": "{limits}; дерекқордағы барлық жіберушілерге ортақ{paused}",
                            "ru": "{limits}; общий для всех отправителей этой базы{paused}",
                            "en": "{limits}, shared by every sender on the database{paused}"},
    "doctor.pace_none": {"kk": "шектеу қойылмаған (TRACKER_SMTP_RATE, TRACKER_SMTP_CONNECTIONS, "
                               "TRACKER_SMTP_MESSAGES_PER_CONNECTION){paused}",
                         "ru": "ограничение не задано (TRACKER_SMTP_RATE, "
                               "TRACKER_SMTP_CONNECTIONS, TRACKER_SMTP_MESSAGES_PER_CONNECTION)"
                               "{paused}",
                         "en": "no limit set (TRACKER_SMTP_RATE, TRACKER_SMTP_CONNECTIONS, "
                               "TRACKER_SMTP_MESSAGES_PER_CONNECTION){paused}"},
    "doctor.paused": {"kk": "; сервер жіберуді баяулатуды сұрады ({refusal}): жіберу тоқтатылды, "
                            "қайта басталуы: {until}",
                      "ru": "; сервер просил снизить темп ({refusal}): отправка приостановлена "
                            "до {until}",
                      "en": "; the server asked to slow down ({refusal}): sending paused until "
                            "{until}"},
    "doctor.db_ok": {"kk": "{where}: қолжетімді, схема өзекті (ревизия {revision}), {engine} "
                           "{version}",
                     "ru": "{where}: доступна, схема актуальна (ревизия {revision}), {engine} "
                           "{version}",
                     "en": "{where} reachable, schema current (revision {revision}), {engine} "
                           "{version}"},
    "doctor.db_blank": {"kk": "{where}: дерекқор дайындалмаған: `tracker init` іске қосыңыз",
                        "ru": "{where}: база не подготовлена: выполните `tracker init`",
                        "en": "{where} is not set up: run `tracker init`"},
    "doctor.db_revision": {"kk": "{where}: схема ревизиясы {revision}, tracker-дің бұл нұсқасына "
                                 "{head} керек: {advice}",
                           "ru": "{where}: ревизия схемы {revision}, этой версии tracker нужна "
                                 "{head}: {advice}",
                           "en": "{where}: schema at revision {revision}, this tracker needs "
                                 "{head}: {advice}"},
    "doctor.db_newer": {"kk": "оны tracker-дің жаңа нұсқасы жаңартқан: tracker-ді жаңартыңыз",
                        "ru": "её обновила более новая версия tracker: обновите tracker",
                        "en": "a newer tracker has upgraded it: upgrade tracker"},
    "doctor.db_upgrade": {"kk": "жаңарту үшін `tracker init` іске қосыңыз",
                          "ru": "для обновления выполните `tracker init`",
                          "en": "run `tracker init` to upgrade it"},
    "doctor.too_old": {"kk": "{engine} {version} тым ескі: tracker-ге {oldest} немесе одан жаңа "
                             "нұсқа керек",
                       "ru": "версия {engine} {version} слишком старая: tracker нужна {oldest} "
                             "или новее",
                       "en": "{engine} {version} is too old: tracker needs {oldest} or newer"},
    "doctor.unusable": {"kk": "дерекқорды пайдалану мүмкін емес (жоғарыны қараңыз)",
                        "ru": "базу данных нельзя использовать (см. выше)",
                        "en": "the database cannot be used (see above)"},
    "doctor.no_contacts": {"kk": "байланыстар жүктелмеген, ешкімге ескерту жіберілмейді: "
                                 "`tracker contacts load contacts.yaml` іске қосыңыз",
                           "ru": "контакты не загружены, напоминать некому: выполните "
                                 "`tracker contacts load contacts.yaml`",
                           "en": "no contacts are loaded, so nobody is reminded: run "
                                 "`tracker contacts load contacts.yaml`"},
    "doctor.gaps": {"kk": "хабарланатын адамы жоқ (өңір, орындаушы) жұптары: {n} ({sample}"
                          "{more}), қараңыз: `tracker contacts gaps`",
                    "ru": "пар (регион, исполнитель) без получателя: {n} ({sample}{more}), см. "
                          "`tracker contacts gaps`",
                    "en": "{n} (region, body) pair(s) have nobody to remind ({sample}{more}): "
                          "see `tracker contacts gaps`"},
    "doctor.more": {"kk": " және тағы {n}", "ru": " и ещё {n}", "en": " and {n} more"},
    "doctor.contacts_ok": {"kk": "мекемелер байланыстары: {n}, әр міндетті тапсырманың "
                                 "хабарланатын адамы бар",
                           "ru": "контактов ведомств: {n}, у каждого обязательного поручения "
                                 "есть получатель",
                           "en": "{n} agency contact(s) cover every required assignment"},
    "doctor.no_managers": {"kk": "байланыстарда басшылар жоқ: күнделікті жиынтық ешкімге "
                                 "жіберілмейді",
                           "ru": "в контактах нет руководителей: ежедневная сводка никому не "
                                 "уходит",
                           "en": "no managers in the contacts: the daily digest goes to nobody"},
    "doctor.managers_ok": {"kk": "жиынтықты алатын басшылар: {n}",
                           "ru": "руководителей, получающих сводку: {n}",
                           "en": "{n} manager(s) receive the digest"},
    "doctor.failed": {"kk": "жіберілмеген хаттар: {n}: сервер оларды қабылдамады немесе "
                            "әрекеттер таусылды; `tracker outbox --state failed` қараңыз, "
                            "мекенжайды түзетіп, `tracker outbox retry ID` іске қосыңыз",
                      "ru": "недоставленных писем: {n}: сервер их отклонил или попытки "
                            "исчерпаны; см. `tracker outbox --state failed`, исправьте адрес и "
                            "выполните `tracker outbox retry ID`",
                      "en": "{n} failed mail(s): the server refused them or retries ran out; "
                            "see `tracker outbox --state failed`, then fix the address and "
                            "`tracker outbox retry ID`"},
    "doctor.uncertain": {"kk": "жеткені белгісіз хаттар: {n}: алушылардан сұрап біліңіз, содан "
                               "кейін `tracker outbox resolve ID --as sent|failed` (қараңыз: "
                               "`tracker outbox --state uncertain`)",
                         "ru": "писем с неизвестной судьбой: {n}: уточните у получателей, затем "
                               "`tracker outbox resolve ID --as sent|failed` (см. `tracker "
                               "outbox --state uncertain`)",
                         "en": "{n} uncertain mail(s) may or may not have arrived: check with "
                               "the recipients, then `tracker outbox resolve ID --as "
                               "sent|failed` (see `tracker outbox --state uncertain`)"},
    "doctor.stuck": {"kk": "тоқтап қалған жіберушінің жолдары: алынғаны: {claimed}, жіберілуде: "
                           "{transmitting}; келесі `tracker run` қадамы немесе `tracker remind "
                           "send` алынғандарын кезекке қайтарады, қалғандарын белгісіз деп "
                           "белгілейді",
                     "ru": "строки остановившегося отправителя: взято в работу: {claimed}, "
                           "передаётся: {transmitting}; следующий шаг `tracker run` или "
                           "`tracker remind send` вернёт взятые в очередь, а остальные отметит "
                           "как неизвестные",
                     "en": "{claimed} claimed and {transmitting} transmitting row(s) belong to "
                           "a sender that stopped; the next `tracker run` tick or `tracker "
                           "remind send` requeues the claimed ones and marks the others "
                           "uncertain"},
    "doctor.held": {"kk": "тым ұзақ алынып тұрған (шегі {lease} с), процесі әлі бар жолдар: {n}: "
                          "жіберуші қатып қалған немесе сол хост атауымен және процесс "
                          "нөмірімен қайта іске қосылған демон; оны тоқтатып, `tracker remind "
                          "send` іске қосыңыз",
                    "ru": "строк, взятых в работу более {lease} с назад процессом, который ещё "
                          "существует: {n}: зависший отправитель или перезапущенный демон с тем "
                          "же именем хоста и номером процесса; остановите его и выполните "
                          "`tracker remind send`",
                    "en": "{n} row(s) claimed more than {lease} s ago by a process id that "
                          "still exists: a hung sender, or a restarted daemon with the same host "
                          "name and process id; stop it and run `tracker remind send`"},
    "doctor.overdue": {"kk": "жіберу мерзімі өткеніне {hours} сағаттан асқан кезектегі хаттар: "
                             "{n}: `tracker run` жұмыс істеп тұр ма?",
                       "ru": "ожидающих писем, срок отправки которых прошёл более {hours} ч "
                             "назад: {n}: запущен ли `tracker run`?",
                       "en": "{n} pending mail(s) were due more than {hours} hour(s) ago: is "
                             "`tracker run` running?"},
    "doctor.outbox_ok": {"kk": "жолдар: {total}, жіберілмеген, белгісіз немесе тұрып қалған хат "
                               "жоқ{sending}",
                         "ru": "строк: {total}, недоставленных, неизвестных и зависших нет"
                               "{sending}",
                         "en": "{total} row(s), none failed, uncertain or stuck{sending}"},
    "doctor.sending": {"kk": "; қазір жіберілуде: {n}", "ru": "; отправляется сейчас: {n}",
                       "en": "; {n} being sent now"},
    "doctor.no_smtp": {"kk": "байланысқа шықпады (--no-smtp)", "ru": "не проверялся (--no-smtp)",
                       "en": "not contacted (--no-smtp)"},
    "doctor.no_settings": {"kk": "пошта баптаулары толық емес (жоғарыны қараңыз)",
                           "ru": "настройки почты неполные (см. выше)",
                           "en": "the mail configuration is incomplete (see above)"},
    "doctor.unreachable": {"kk": "{where}: қолжетімсіз немесе байланыстан бас тартады: {reason}",
                           "ru": "{where}: недоступен или отказывает: {reason}",
                           "en": "{where} unreachable or refusing: {reason}"},
    "doctor.server_ok": {"kk": "{where} жауап берді, {steps}, {login} (ештеңе жіберілмеді)",
                         "ru": "{where} ответил, {steps}, {login} (ничего не отправлено)",
                         "en": "{where} answered, {steps}, {login} (nothing sent)"},
    "doctor.no_tls": {"kk": "TLS жоқ", "ru": "без TLS", "en": "no TLS"},
    "doctor.login_ok": {"kk": "логин қабылданды", "ru": "вход выполнен", "en": "login accepted"},
    "doctor.login_none": {"kk": "логин бапталмаған", "ru": "вход не настроен",
                          "en": "no login configured"},
    "file.where": {"kk": "{where}: {problem}", "ru": "{where}: {problem}",
                   "en": "{where}: {problem}"},
    "where.region": {"kk": "өңір {key}", "ru": "регион {key}", "en": "region {key}"},
    "where.body": {"kk": "орындаушы {key}", "ru": "исполнитель {key}", "en": "body {key}"},
    "where.section": {"kk": "бөлім {key}", "ru": "раздел {key}", "en": "section {key}"},
    "where.item": {"kk": "№ {key} іс-шара", "ru": "мероприятие {key}", "en": "item {key}"},
    "where.item_at": {"kk": "тізімдегі іс-шара (реті: {key})", "ru": "мероприятие в списке "
                      "(позиция {key})", "en": "item at position {key}"},
    "where.milestone": {"kk": "бақылау мерзімі {key}", "ru": "контрольный срок {key}",
                        "en": "milestone {key}"},
    "where.holiday": {"kk": "мереке күні (реті: {key})", "ru": "праздничный день (позиция {key})",
                      "en": "calendar holiday {key}"},
    "where.form": {"kk": "орындау нысаны {key}", "ru": "форма исполнения {key}",
                   "en": "completion form {key}"},
    "where.results_form column": {"kk": "results_form бағаны {key}",
                                  "ru": "столбец results_form {key}",
                                  "en": "results_form column {key}"},
    "where.contacts": {"kk": "contacts жазбасы (реті: {key})",
                       "ru": "запись contacts (позиция {key})", "en": "contacts entry {key}"},
    "where.managers": {"kk": "managers жазбасы (реті: {key})",
                       "ru": "запись managers (позиция {key})", "en": "managers entry {key}"},
    "kind.mapping": {"kk": "өрістер жиыны", "ru": "набор полей", "en": "a mapping"},
    "kind.list": {"kk": "тізім", "ru": "список", "en": "a list"},
    "kind.nothing": {"kk": "бос мән", "ru": "пустое значение", "en": "nothing"},
    "file.not_found": {"kk": "файл табылмады", "ru": "файл не найден", "en": "file not found"},
    "file.unreadable": {"kk": "файлды оқу мүмкін емес: {reason}",
                        "ru": "не удаётся прочитать файл: {reason}", "en": "cannot read: {reason}"},
    "file.too_big": {"kk": "YAML файлы тым үлкен: шегі — {limit} байт",
                     "ru": "файл YAML слишком большой: предел — {limit} байт",
                     "en": "larger than the limit of {limit} bytes for a YAML file"},
    "file.not_utf8": {"kk": "файл UTF-8 мәтіні емес", "ru": "файл — не текст в UTF-8",
                      "en": "not UTF-8 text"},
    "file.character": {"kk": "YAML-да {char} таңбасына рұқсат жоқ",
                       "ru": "символ {char} в YAML недопустим",
                       "en": "character {char} is not allowed in YAML"},
    "file.empty": {"kk": "файл бос", "ru": "файл пуст", "en": "the file is empty"},
    "file.yaml_syntax": {"kk": "YAML синтаксисінің қатесі: {problem}",
                         "ru": "синтаксическая ошибка YAML: {problem}",
                         "en": "YAML syntax error: {problem}"},
    "file.yaml": {"kk": "YAML қатесі: {problem}", "ru": "ошибка YAML: {problem}",
                  "en": "YAML error: {problem}"},
    "file.too_deep": {"kk": "ендірілу деңгейі шектен асады: шегі — {limit} деңгей (alias-тарды "
                            "қоса)",
                      "ru": "вложенность глубже предела в {limit} уровней (с учётом alias)",
                      "en": "nested deeper than the limit of {limit} levels (aliases included)"},
    "file.too_many": {"kk": "бір файлдағы мәндер саны шектен асады: шегі — {limit}",
                      "ru": "значений в одном файле больше предела: {limit}",
                      "en": "more than the limit of {limit} values in one file"},
    "file.key_twice": {"kk": "'{key}' кілті екі рет жазылған", "ru": "ключ '{key}' записан дважды",
                       "en": "key '{key}' written twice"},
    "file.mapping": {"kk": "мұнда өрістер жиыны болуы керек, берілгені: {kind}",
                     "ru": "здесь ожидался набор полей, получено: {kind}",
                     "en": "expected a mapping, got {kind}"},
    "file.missing_field": {"kk": "'{field}' өрісі жоқ", "ru": "нет поля '{field}'",
                           "en": "missing field '{field}'"},
    "file.unknown_field": {"kk": "белгісіз өріс '{field}'", "ru": "неизвестное поле '{field}'",
                           "en": "unknown field '{field}'"},
    "file.not_text": {"kk": "'{field}' мәтін болуы керек, берілгені: {kind}",
                      "ru": "'{field}' должно быть текстом, получено: {kind}",
                      "en": "'{field}' must be text, got {kind}"},
    "file.blank": {"kk": "'{field}' бос", "ru": "поле '{field}' пустое",
                   "en": "'{field}' is empty"},
    "file.line": {"kk": "'{field}': {problem}", "ru": "'{field}': {problem}",
                  "en": "'{field}' {problem}"},
    "file.bad_key": {"kk": "'{field}' мәні '{value}' кілт бола алмайды (a-z, 0-9, _ "
                           "таңбаларын пайдаланыңыз)",
                     "ru": "значение '{value}' поля '{field}' — недопустимый ключ (используйте "
                           "a-z, 0-9, _)",
                     "en": "'{field}' value '{value}' is not a valid key (use a-z, 0-9, _)"},
    "file.not_whole": {"kk": "'{field}' бүтін сан болуы керек, берілгені: {value}",
                       "ru": "'{field}' должно быть целым числом, получено: {value}",
                       "en": "'{field}' must be a whole number, got {value}"},
    "file.below": {"kk": "'{field}' кемінде {limit} болуы керек, берілгені: {value}",
                   "ru": "'{field}' должно быть не меньше {limit}, получено: {value}",
                   "en": "'{field}' must be at least {limit}, got {value}"},
    "file.above": {"kk": "'{field}' ең көбі {limit} болуы керек, берілгені: {value}",
                   "ru": "'{field}' должно быть не больше {limit}, получено: {value}",
                   "en": "'{field}' must be at most {limit}, got {value}"},
    "file.not_boolean": {"kk": "'{field}' мәні true немесе false болуы керек, берілгені: {value}",
                         "ru": "'{field}' должно быть true или false, получено: {value}",
                         "en": "'{field}' must be true or false, got {value}"},
    "file.field": {"kk": "'{field}': {problem}", "ru": "'{field}': {problem}",
                   "en": "'{field}': {problem}"},
    "file.not_date": {"kk": "'{value}' — күн емес (ЖЖЖЖ-АА-КК түрінде жазыңыз)",
                      "ru": "'{value}' — не дата (пишите ГГГГ-ММ-ДД)",
                      "en": "'{value}' is not a date (use YYYY-MM-DD)"},
    "file.no_such_date": {"kk": "'{value}' — мұндай күн жоқ", "ru": "'{value}' — такой даты нет",
                          "en": "'{value}' is not a real date"},
    "file.date_range": {"kk": "{value} {first}-{last} жылдар аралығынан тыс",
                        "ru": "{value} вне {first}-{last} годов",
                        "en": "{value} is outside {first}-{last}"},
    "file.not_time": {"kk": "'{field}' 09:00 сияқты уақыт болуы керек, берілгені: {value}",
                      "ru": "'{field}' должно быть временем вида 09:00, получено: {value}",
                      "en": "'{field}' must be a time like 09:00, got {value}"},
    "file.zone": {"kk": "белгісіз уақыт белдеуі '{value}' (IANA атауын жазыңыз, мысалы, "
                        "Asia/Almaty)",
                  "ru": "неизвестный часовой пояс '{value}' (укажите имя IANA, например "
                        "Asia/Almaty)",
                  "en": "unknown time zone '{value}' (use an IANA name such as Asia/Almaty)"},
    "file.missing_text": {"kk": "{path} жоқ: {language} мәтін керек",
                          "ru": "нет {path}: нужен текст {language}",
                          "en": "missing {language} {label} ({path})"},
    "file.not_list": {"kk": "'{field}' тізім болуы керек, берілгені: {kind}",
                      "ru": "'{field}' должно быть списком, получено: {kind}",
                      "en": "'{field}' must be a list, got {kind}"},
    "file.twice": {"kk": "'{key}' екі рет жазылған (алғашқысы — {line}-жолда)",
                   "ru": "'{key}' указан дважды (впервые в строке {line})",
                   "en": "{label} '{key}' listed twice (first at line {line})"},
    "file.nothing_listed": {"kk": "'{field}' тізімі бос", "ru": "список '{field}' пуст",
                            "en": "'{field}' lists nothing"},
    "file.unknown_body": {"kk": "белгісіз орындаушы '{value}'",
                          "ru": "неизвестный исполнитель '{value}'",
                          "en": "unknown body '{value}'"},
    "file.unknown_section": {"kk": "белгісіз бөлім '{value}'", "ru": "неизвестный раздел '{value}'",
                             "en": "unknown section '{value}'"},
    "file.unknown_form": {"kk": "белгісіз орындау нысаны '{value}'",
                          "ru": "неизвестная форма исполнения '{value}'",
                          "en": "unknown completion form '{value}'"},
    "file.unknown_milestone": {"kk": "белгісіз бақылау мерзімі '{value}'",
                               "ru": "неизвестный контрольный срок '{value}'",
                               "en": "unknown milestone '{value}'"},
    "file.unknown_deadline": {"kk": "белгісіз мерзім '{value}' (ongoing, window немесе бақылау "
                                    "мерзімін жазыңыз: {keys})",
                              "ru": "неизвестный срок '{value}' (укажите ongoing, window или "
                                    "контрольный срок: {keys})",
                              "en": "unknown deadline '{value}' (use ongoing, window or a "
                                    "milestone: {keys})"},
    "file.level": {"kk": "level мәні regional немесе national болуы керек, берілгені: '{value}'",
                   "ru": "level должен быть regional или national, получено: '{value}'",
                   "en": "level must be regional or national, got '{value}'"},
    "file.at_field": {"kk": "{field}: {problem}", "ru": "{field}: {problem}",
                      "en": "{field}: {problem}"},
    "file.same_as": {"kk": "same_as белгісіз бақылау мерзімін көрсетеді: '{value}'",
                     "ru": "same_as ссылается на неизвестный контрольный срок '{value}'",
                     "en": "same_as names unknown milestone '{value}'"},
    "file.no_milestone": {"kk": "'{value}' бақылау мерзімі жоқ (немесе `deadlines` блогын "
                                "жазыңыз)",
                          "ru": "нет контрольного срока '{value}' (или опишите `deadlines`)",
                          "en": "missing milestone '{value}' (or declare `deadlines`)"},
    "file.milestone_of": {"kk": "белгісіз бақылау мерзімі '{value}' (бақылау мерзімдері: {keys})",
                          "ru": "неизвестный контрольный срок '{value}' (контрольные сроки: "
                                "{keys})",
                          "en": "unknown milestone '{value}' (milestones: {keys})"},
    "file.window": {"kk": "кезеңнің соңы ({end}) басынан ({start}) бұрын тұр",
                    "ru": "окно кончается ({end}) раньше, чем начинается ({start})",
                    "en": "the window ends ({end}) before it starts ({start})"},
    "file.order": {"kk": "{national} мерзімі {regional} мерзімінен бұрын тұр",
                   "ru": "{national} раньше, чем {regional}",
                   "en": "{national} comes before {regional}"},
    "file.weekday": {"kk": "белгісіз апта күні '{value}'",
                     "ru": "неизвестный день недели '{value}'", "en": "unknown weekday '{value}'"},
    "file.no_workday": {"kk": "аптаның барлық күні демалыс: кемінде бір жұмыс күнін қалдырыңыз",
                        "ru": "все дни недели выходные: оставьте хотя бы один рабочий день",
                        "en": "every day of the week is a weekend: leave at least one working "
                              "day"},
    "file.national_key": {"kk": "'national' кілті республикалық орындаушыларға арналған",
                          "ru": "ключ 'national' зарезервирован для республиканских "
                                "исполнителей",
                          "en": "'national' is reserved for national bodies"},
    "file.stage_days": {"kk": "мерзімге дейінгі күндер 0 мен {max} аралығындағы бүтін сандар "
                              "болуы керек, берілгені: {value}",
                        "ru": "дни до срока — целые числа от 0 до {max}, получено: {value}",
                        "en": "days before must be whole numbers from 0 to {max}, got {value}"},
    "file.not_national": {"kk": "'{value}' — республикалық орындаушы емес",
                          "ru": "'{value}' — не республиканский исполнитель",
                          "en": "'{value}' is not a national body"},
    "file.body_national": {"kk": "'{value}' — республикалық орындаушы: оған unit: national "
                                 "жазыңыз",
                           "ru": "'{value}' — республиканский исполнитель: укажите unit: "
                                 "national",
                           "en": "body '{value}' is national: give it unit: national"},
    "file.body_regional": {"kk": "'{value}' — өңірлік орындаушы: оған өңірді көрсетіңіз",
                           "ru": "'{value}' — региональный исполнитель: укажите регион",
                           "en": "body '{value}' is regional: give it a region"},
    "file.email_problem": {"kk": "'{value}' — электрондық пошта мекенжайы емес: {problem}",
                           "ru": "'{value}' — не адрес электронной почты: {problem}",
                           "en": "'{value}' is not an email address: it {problem}"},
    "file.email_reason": {"kk": "'{value}' — электрондық пошта мекенжайы емес ({reason})",
                          "ru": "'{value}' — не адрес электронной почты ({reason})",
                          "en": "'{value}' is not an email address ({reason})"},
    "file.duplicate_item": {"kk": "№ {n} іс-шара екі рет жазылған (алғашқысы — {line}-жолда)",
                            "ru": "номер мероприятия {n} повторяется (впервые в строке {line})",
                            "en": "duplicate item number {n} (first at line {line})"},
    "file.body_twice": {"kk": "'{value}' орындаушысы екі рет жазылған",
                        "ru": "исполнитель '{value}' указан дважды",
                        "en": "body '{value}' listed twice"},
    "file.no_body": {"kk": "жауапты орындаушы көрсетілмеген",
                     "ru": "не указан ответственный исполнитель",
                     "en": "no responsible body"},
    "file.not_email": {"kk": "'{value}' — электрондық пошта мекенжайы емес",
                       "ru": "'{value}' — не адрес электронной почты",
                       "en": "'{value}' is not an email address"},
    "file.email_twice": {"kk": "{email} бір өңір мен орындаушы үшін екі рет жазылған "
                               "(алғашқысы — {line}-жолда)",
                         "ru": "{email} указан дважды для одного региона и исполнителя "
                               "(впервые в строке {line})",
                         "en": "{email} is listed twice for the same unit and body (first at "
                               "line {line})"},
    "file.not_phone": {"kk": "'{value}' — телефон нөмірі емес (цифрлар, бос орын, '+', '-', "
                             "жақшалар; мысалы, +7 7172 74-22-11)",
                       "ru": "'{value}' — не номер телефона (цифры, пробелы, '+', '-', скобки; "
                             "например, +7 7172 74-22-11)",
                       "en": "'{value}' is not a phone number (digits, spaces, '+', '-', "
                             "parentheses, e.g. +7 7172 74-22-11)"},
    "file.contact_region": {"kk": "белгісіз өңір '{value}' (өңір кілтін немесе '{national}' "
                                  "жазыңыз)",
                            "ru": "неизвестный регион '{value}' (укажите ключ региона или "
                                  "'{national}')",
                            "en": "unknown region '{value}' (use a region key or '{national}')"},
    "file.contact_body": {"kk": "белгісіз орындаушы '{value}' (мыналардың бірін жазыңыз: "
                                "{keys})",
                          "ru": "неизвестный исполнитель '{value}' (укажите один из: {keys})",
                          "en": "unknown body '{value}' (use one of: {keys})"},
    "file.contact_lang": {"kk": "lang мәні kk, ru немесе both болуы керек, берілгені: '{value}'",
                          "ru": "lang должен быть kk, ru или both, получено: '{value}'",
                          "en": "lang must be kk, ru or both, got '{value}'"},
    "file.no_contacts": {"kk": "ешбір байланыс жазылмаған", "ru": "контакты не указаны",
                         "en": "no contacts listed"},
    # The status grid and one unit's view.
    "grid.item": {"kk": "№", "ru": "№", "en": "item"},
    "grid.done": {"kk": "орындалды", "ru": "выполнено", "en": "done"},
    "grid.percent": {"kk": "%", "ru": "%", "en": "done"},
    "grid.overall": {"kk": "жалпы: {total} ұяшықтан {done} орындалды ({pct}%)",
                     "ru": "всего выполнено: {done} из {total} ({pct}%)",
                     "en": "overall: {done} of {total} cells done ({pct}%)"},
    "unit.summary": {"kk": "орындалды: {total} іс-шарадан {done}",
                     "ru": "выполнено: {done} из {total}",
                     "en": "done: {done} of {total} items"},
    "unit.partial": {"kk": ", ішінара: {partial}", "ru": ", частично: {partial}",
                     "en": ", {partial} partial"},
    "unit.none": {"kk": "тапсырма жоқ", "ru": "поручений нет", "en": "no assignments"},
    # items
    "due.ongoing": {"kk": "тұрақты", "ru": "постоянно", "en": "ongoing"},
    "due.date": {"kk": "мерзімі {date}", "ru": "до {date}", "en": "by {date}"},
    "items.none": {"kk": "сәйкес іс-шара жоқ", "ru": "подходящих мероприятий нет",
                   "en": "no item matches"},
    # mark and unmark
    "mark.done": {"kk": "Орындалды деп белгіленді: {items} {where} {assignments}",
                  "ru": "Отмечено как выполненное: {assignments} {items} {where}",
                  "en": "marked done: {assignments} of item(s) {numbers} in {units} unit(s)"},
    "mark.undone": {"kk": "Орындалды деген белгі алынды: {items} {where} {assignments}",
                    "ru": "Отметка о выполнении снята: {assignments} {items} {where}",
                    "en": "marked not done: {assignments} of item(s) {numbers} in {units} "
                          "unit(s)"},
    "mark.item": {"kk": "№ {numbers} іс-шара бойынша", "ru": "по мероприятию {numbers}",
                  "en": "{numbers}"},
    "mark.items": {"kk": "№ {numbers} іс-шаралар бойынша", "ru": "по мероприятиям {numbers}",
                   "en": "{numbers}"},
    "mark.in_regions": {"kk": "{regions}", "ru": "в {regions}", "en": ""},
    "mark.national": {"kk": "республикалық деңгейде", "ru": "на республиканском уровне",
                      "en": ""},
    "mark.in_both": {"kk": "{regions} және республикалық деңгейде",
                     "ru": "в {regions} и на республиканском уровне", "en": ""},
    "mark.same_done": {"kk": "ештеңе өзгерген жоқ: таңдалған тапсырмалар ({n}) бұрыннан "
                             "орындалды деп белгіленген",
                       "ru": "ничего не изменилось: выбранные поручения ({n}) уже отмечены "
                             "как выполненные",
                       "en": "nothing changed: the {n} selected assignment(s) were already done"},
    "mark.same_undone": {"kk": "ештеңе өзгерген жоқ: таңдалған тапсырмалар ({n}) орындалды "
                               "деп белгіленбеген",
                         "ru": "ничего не изменилось: выбранные поручения ({n}) и так не "
                               "отмечены как выполненные",
                         "en": "nothing changed: the {n} selected assignment(s) were already "
                               "not done"},
    "mark.already_done": {"kk": "бұрыннан орындалды деп белгіленген: {n}",
                          "ru": "уже были отмечены как выполненные: {n}",
                          "en": "already done: {n}"},
    "mark.already_undone": {"kk": "бұрыннан белгіленбеген: {n}",
                            "ru": "и так не были отмечены: {n}",
                            "en": "already not done: {n}"},
    # history
    "history.mark": {"kk": "белгіленді", "ru": "отмечено", "en": "mark"},
    "history.unmark": {"kk": "белгі алынды", "ru": "отметка снята", "en": "unmark"},
    "history.item": {"kk": "№ {n}", "ru": "№ {n}", "en": "item {n}"},
    "history.by": {"kk": "енгізген: {by}", "ru": "автор: {by}", "en": "by {by}"},
    "history.none": {"kk": "әзірге ешқандай өзгеріс жазылмаған", "ru": "изменений пока нет",
                     "en": "no changes recorded yet"},
    # contacts
    "contacts.ok": {"kk": "{file}: қате жоқ: мекемелер байланыстары: {agencies}, басшылар: "
                          "{managers}",
                    "ru": "{file}: ошибок нет: контактов ведомств: {agencies}, руководителей: "
                          "{managers}",
                    "en": "{file}: ok: {agencies} agency contacts, {managers} managers"},
    "contacts.ok_gaps": {"kk": "; хабарланатын адамы жоқ (өңір, орындаушы) жұптары: {n}, "
                               "қараңыз: `tracker contacts gaps`",
                         "ru": "; пар (регион, исполнитель) без получателя: {n}, см. "
                               "`tracker contacts gaps`",
                         "en": "; {n} (region, body) pairs have nobody: see `tracker contacts "
                               "gaps`"},
    "contacts.loaded": {"kk": "{file}: байланыстар жүктелді: {n}",
                        "ru": "{file}: загружено контактов: {n}",
                        "en": "loaded {n} contacts from {file}"},
    "contacts.warning": {"kk": "ескерту: хабарланатын адамы жоқ (өңір, орындаушы) жұптары: {n}, "
                               "қараңыз: `tracker contacts gaps`",
                         "ru": "внимание: пар (регион, исполнитель) без получателя: {n}, см. "
                               "`tracker contacts gaps`",
                         "en": "warning: {n} (region, body) pairs have nobody to remind: see "
                               "`tracker contacts gaps`"},
    "gaps.items": {"kk": "іс-шаралар {items}", "ru": "мероприятия {items}", "en": "items {items}"},
    "gaps.count": {"kk": "олқылықтар: {n}", "ru": "пробелов: {n}", "en": "{n} gap(s)"},
    "gaps.none": {"kk": "олқылық жоқ: әр міндетті тапсырманың хабарланатын адамы бар",
                  "ru": "пробелов нет: у каждого обязательного поручения есть получатель",
                  "en": "no gaps: every required assignment has a contact"},
    # reminders: remind preview, simulate, the outbox
    "remind.closed": {"kk": "кампания аяқталды: ештеңе жіберілмейді",
                      "ru": "кампания завершена: ничего не будет отправлено",
                      "en": "the campaign has closed: nothing will be sent"},
    "remind.preview": {"kk": "қазір жіберілетін ескертулер: {due}, ескіргендері (өткізіп "
                             "жіберілді деп жазылады): {skip}, кезекте тұрғандары: {waiting}",
                       "ru": "напоминаний к отправке сейчас: {due}, устаревших (будут записаны "
                             "как пропущенные): {skip}, уже ждут в очереди: {waiting}",
                       "en": "{due} reminder(s) due now, {skip} overtaken (recorded as skipped), "
                             "{waiting} already waiting in the outbox"},
    "remind.items": {"kk": "іс-шаралар {items}", "ru": "мероприятия {items}",
                     "en": "items {items}"},
    "remind.late": {"kk": " (кешігіп)", "ru": " (с опозданием)", "en": " (late)"},
    "remind.mails": {"kk": "хаттар: {n}", "ru": "писем: {n}", "en": "{n} mail(s)"},
    "stage.before": {"kk": "{n} күн бұрын", "ru": "за {n} дн.", "en": "{n}d_before"},
    "stage.today": {"kk": "мерзім күні", "ru": "в день срока", "en": "0d_before"},
    "stage.overdue": {"kk": "мерзімнен кейін, ескерту № {n}",
                      "ru": "после срока, напоминание № {n}", "en": "overdue_{n}"},
    "outbox.tries": {"kk": "әрекет: {n}", "ru": "попыток: {n}", "en": "tries {n}"},
    "outbox.late": {"kk": " кешігіп", "ru": " с опозданием", "en": " late"},
    "outbox.empty": {"kk": "хат кезегі бос", "ru": "очередь писем пуста",
                     "en": "the outbox is empty"},
    "outbox.pending": {"kk": "кезекте", "ru": "ожидает", "en": "pending"},
    "outbox.claimed": {"kk": "алынды", "ru": "взято в работу", "en": "claimed"},
    "outbox.transmitting": {"kk": "жіберілуде", "ru": "передаётся", "en": "transmitting"},
    "outbox.sent": {"kk": "жіберілді", "ru": "отправлено", "en": "sent"},
    "outbox.failed": {"kk": "жіберілмеді", "ru": "не доставлено", "en": "failed"},
    "outbox.uncertain": {"kk": "белгісіз", "ru": "неизвестно", "en": "uncertain"},
    "outbox.skipped": {"kk": "өткізіп жіберілді", "ru": "пропущено", "en": "skipped"},
    "outbox.count": {"kk": "{state}: {n}", "ru": "{state}: {n}", "en": "{state} {n}"},
    # setting up
    "init.loaded": {"kk": "{plan} жоспары жүктелді: іс-шаралар: {items}, өңірлер: {regions}, "
                          "тапсырмалар: {assignments} — {where}",
                    "ru": "план {plan} загружен: мероприятий: {items}, регионов: {regions}, "
                          "поручений: {assignments} — {where}",
                    "en": "loaded {plan}: {items} items, {regions} regions, {assignments} "
                          "assignments into {where}"},
    "init.updated": {"kk": "{plan} жоспары жаңартылды ({where}): {parts}",
                     "ru": "план {plan} обновлён ({where}): {parts}",
                     "en": "updated {plan} in {where}: {parts}"},
    "init.part": {"kk": "{what}: {verb} {n}", "ru": "{what}: {verb} {n}",
                  "en": "{verb} {n} {what}"},
    "thing.campaign": {"kk": "кампания", "ru": "кампания", "en": "campaign"},
    "thing.regions": {"kk": "өңірлер", "ru": "регионы", "en": "regions"},
    "thing.bodies": {"kk": "орындаушылар", "ru": "исполнители", "en": "bodies"},
    "thing.sections": {"kk": "бөлімдер", "ru": "разделы", "en": "sections"},
    "thing.items": {"kk": "іс-шаралар", "ru": "мероприятия", "en": "items"},
    "thing.assignments": {"kk": "тапсырмалар", "ru": "поручения", "en": "assignments"},
    "init.added": {"kk": "қосылды", "ru": "добавлено", "en": "added"},
    "init.changed": {"kk": "өзгертілді", "ru": "изменено", "en": "updated"},
    "init.removed": {"kk": "жойылды", "ru": "удалено", "en": "removed"},
    "init.current": {"kk": "{plan} жоспары ({where}) {source} файлымен сәйкес",
                     "ru": "план {plan} ({where}) уже соответствует {source}",
                     "en": "{plan} in {where} is up to date with {source}"},
    "plan.ok": {"kk": "{file}: қате жоқ: бөлімдер: {sections}, іс-шаралар: {items}, өңірлер: "
                      "{regions}, орындаушылар: {bodies}, тапсырмалар: {assignments}",
                "ru": "{file}: ошибок нет: разделов: {sections}, мероприятий: {items}, регионов: "
                      "{regions}, исполнителей: {bodies}, поручений: {assignments}",
                "en": "{file}: ok: {items} items in {sections} sections, {regions} regions, "
                      "{bodies} bodies, {assignments} assignments"},
    # the results report
    "report.set": {"kk": "{region}: енгізілді: {values}", "ru": "{region}: записано: {values}",
                   "en": "{region}: set {values}"},
    "report.on_time": {"kk": "мерзімінде", "ru": "в срок", "en": "on time"},
    "report.late": {"kk": "кешігіп (мерзімі — жергілікті уақытпен {due} күнінің соңына дейін)",
                    "ru": "с опозданием (срок — до конца {due} по местному времени)",
                    "en": "late (due by the end of {due} there)"},
    "report.received": {"kk": "{region}: есеп келіп түсті {when}, {verdict}",
                        "ru": "{region}: отчёт получен {when}, {verdict}",
                        "en": "{region}: received {when}, {verdict}"},
    "report.kept": {"kk": "{region}: есеп бұрын келіп түскен {when}, {verdict}; алғашқы уақыты "
                          "сақталды (қайта қабылдау үшін: --again)",
                    "ru": "{region}: отчёт уже получен {when}, {verdict}; первое время сохранено "
                          "(принять заново: --again)",
                    "en": "{region}: already received {when}, {verdict}; kept (use --again to "
                          "receive it anew)"},
    "report.imported": {"kk": "{file}: өңірлер есебі импортталды ({n}): {regions}",
                        "ru": "{file}: импортировано регионов: {n}: {regions}",
                        "en": "{file}: imported {n} region(s): {regions}"},
    "report.import_kept": {"kk": "бұрын келіп түскен, алғашқы уақыты сақталды: {regions}",
                           "ru": "получены ранее, первое время сохранено: {regions}",
                           "en": "received earlier, first time kept: {regions}"},
    "report.import_late": {"kk": "кешіккендер: {regions}", "ru": "с опозданием: {regions}",
                           "en": "late: {regions}"},
    "report.import_blank": {"kk": "көрсеткіштерсіз берілген, импортталмады: {regions}",
                            "ru": "указаны без показателей, не импортированы: {regions}",
                            "en": "listed without figures, not imported: {regions}"},
    "report.exported": {"kk": "{file} жазылды: өңірлер: {regions}, келген есептер: {received}",
                        "ru": "записан {file}: регионов: {regions}, получено отчётов: {received}",
                        "en": "wrote {file}: {regions} regions, {received} report(s) received"},
    "media.added": {"kk": "{region}: БАҚ жарияланымы қосылды, № {id}: {entry}",
                    "ru": "{region}: добавлена публикация в СМИ № {id}: {entry}",
                    "en": "{region}: added media entry {id}: {entry}"},
    "media.removed": {"kk": "{region}: БАҚ жарияланымы № {id} жойылды: {entry}",
                      "ru": "{region}: удалена публикация в СМИ № {id}: {entry}",
                      "en": "{region}: removed media entry {id}: {entry}"},
    "report.region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "report.received_col": {"kk": "Келді", "ru": "Получен", "en": "Received"},
    "report.total": {"kk": "Барлығы", "ru": "Итого", "en": "Total"},
    "report.missing": {"kk": "Есеп келмеген", "ru": "Отчет не получен", "en": "Not received"},
    "report.late_list": {"kk": "Кешіктірілген", "ru": "С опозданием", "en": "Late"},
    "report.none": {"kk": "жоқ", "ru": "нет", "en": "none"},
    "report.all_in": {"kk": "Барлық өңірлердің есептері келді",
                      "ru": "Отчеты всех регионов получены", "en": "Every region's report is in"},
    "report.late_mark": {"kk": "кеш", "ru": "поздно", "en": "late"},
    "report.no_media": {"kk": "БАҚ жарияланымдары жоқ", "ru": "Публикаций в СМИ нет",
                        "en": "No media coverage recorded"},
    # files written
    "wrote": {"kk": "{file} жазылды", "ru": "записан {file}", "en": "wrote {file}"},
    "final.wrote": {"kk": "{file} жазылды: қорытынды ақпараттың жобасы ({language}); орындалды: "
                          "{done}/{cells}, өңірлер есептері: {received}/{regions}, БАҚ "
                          "жарияланымдары: {media}",
                    "ru": "записан {file}: проект итоговой информации ({language}); выполнено: "
                          "{done}/{cells}, отчётов регионов: {received}/{regions}, публикаций в "
                          "СМИ: {media}",
                    "en": "wrote {file}: draft final report in {language} ({done}/{cells} done, "
                          "{received}/{regions} regional reports, {media} media entries)"},
    "language.kk": {"kk": "қазақ тілінде", "ru": "на казахском языке", "en": "Kazakh"},
    "language.ru": {"kk": "орыс тілінде", "ru": "на русском языке", "en": "Russian"},
    "language.en": {"kk": "ағылшын тілінде", "ru": "на английском языке", "en": "English"},
    # refusals of what a person typed (exit status 2)
    "error.file_missing": {"kk": "{file}: файл табылмады", "ru": "{file}: файл не найден",
                           "en": "{file}: file not found"},
    "error.unknown_item": {"kk": "№ {n} іс-шара жоқ (жоспардағы іс-шаралар: {first}-{last})",
                           "ru": "мероприятия {n} нет (в плане мероприятия {first}-{last})",
                           "en": "unknown item {n} (the plan has items {first}-{last})"},
    "error.backwards": {"kk": "'{value}': іс-шаралар ауқымы кері ретпен жазылған",
                        "ru": "'{value}': диапазон мероприятий задан в обратном порядке",
                        "en": "item range '{value}' runs backwards"},
    "error.not_item": {"kk": "'{value}' іс-шара нөмірі де, ауқымы да емес (мысалы, 5 немесе 5-11)",
                       "ru": "'{value}' — не номер и не диапазон мероприятий (например, 5 или "
                             "5-11)",
                       "en": "'{value}' is not an item number or range (e.g. 5 or 5-11)"},
    "error.no_item": {"kk": "іс-шара көрсетілмеген (мысалы, 5, 5-11 немесе all)",
                      "ru": "не указано мероприятие (например, 5, 5-11 или all)",
                      "en": "no item given (e.g. 5, 5-11 or all)"},
    "error.unknown_region": {"kk": "белгісіз өңір '{value}' (өңірдің кілтін немесе атауын "
                                   "жазыңыз: {keys})",
                             "ru": "неизвестный регион '{value}' (укажите ключ или название "
                                   "региона: {keys})",
                             "en": "unknown region '{value}' (use one of: {keys})"},
    "error.unknown_body": {"kk": "белгісіз орындаушы '{value}' (мыналардың бірін жазыңыз: "
                                 "{keys})",
                           "ru": "неизвестный исполнитель '{value}' (укажите один из: {keys})",
                           "en": "unknown body '{value}' (use one of: {keys})"},
    "error.region_required": {"kk": "--region көрсетілуі керек (өңір кілті, үтір арқылы "
                                    "бірнешеуі, 'all' немесе 'national')",
                              "ru": "укажите --region (ключ региона, несколько через запятую, "
                                    "'all' или 'national')",
                              "en": "--region is required (a region key, several, 'all' or "
                                    "'national')"},
    "error.no_region": {"kk": "--region ешбір өңірді көрсетпейді",
                        "ru": "--region не называет ни одного региона",
                        "en": "--region names no region"},
    "error.one_region": {"kk": "мұнда --region бір ғана өңірді қабылдайды",
                         "ru": "здесь --region принимает только один регион",
                         "en": "--region takes one region here"},
    "error.items_empty": {"kk": "{first}-{last} іс-шараларында {units} үшін тапсырма жоқ",
                          "ru": "у мероприятий {first}-{last} нет поручений для {units}",
                          "en": "items {first}-{last} have nothing for {units}"},
    "error.items_empty_body": {"kk": "{first}-{last} іс-шараларында {units} үшін '{body}' "
                                     "орындаушысының тапсырмасы жоқ",
                               "ru": "у мероприятий {first}-{last} нет поручений для {units} и "
                                     "исполнителя '{body}'",
                               "en": "items {first}-{last} have nothing for {units} and body "
                                     "'{body}'"},
    "error.no_body": {"kk": "№ {n} іс-шарада '{body}' орындаушысы жоқ (оның орындаушылары: "
                            "{owners})",
                      "ru": "у мероприятия {n} нет исполнителя '{body}' (его исполнители: "
                            "{owners})",
                      "en": "item {n} has no body '{body}' (its bodies: {owners})"},
    "error.nothing_there": {"kk": "№ {n} іс-шараның {units} бойынша тапсырмасы жоқ: ол — "
                                  "{level} іс-шара (орындаушылары: {owners})",
                            "ru": "у мероприятия {n} нет поручений для {units}: это "
                                  "мероприятие {level} (исполнители: {owners})",
                            "en": "item {n} has nothing to do in {units}: it is {level} "
                                  "(its bodies: {owners})"},
    "error.future": {"kk": "--on {on} — болашақтағы уақыт (қазір {now})",
                     "ru": "--on {on} — это будущее время (сейчас {now})",
                     "en": "--on {on} is in the future (now is {now})"},
    "error.nothing_to_set": {"kk": "енгізетін ештеңе жоқ: мыналардың кемінде біреуін беріңіз: "
                                   "{options}",
                             "ru": "нечего записывать: укажите хотя бы одно из: {options}",
                             "en": "nothing to set: give at least one of {options}"},
    "error.no_figures": {"kk": "{file}: ешбір өңір жолында көрсеткіш жоқ",
                         "ru": "{file}: ни в одной строке региона нет показателей",
                         "en": "{file}: no region row has any figures"},
    "error.no_media": {"kk": "№ {id} БАҚ жарияланымы жоқ (қараңыз: `tracker report media list`)",
                       "ru": "публикации в СМИ № {id} нет (см. `tracker report media list`)",
                       "en": "no media entry with id {id} (see `tracker report media list`)"},
    "error.days_backwards": {"kk": "--to {end} күні --from {start} күнінен бұрын",
                             "ru": "--to {end} раньше, чем --from {start}",
                             "en": "--to {end} is before --from {start}"},
    "error.prefix": {"kk": "қате", "ru": "ошибка", "en": "error"},
    "level.regional": {"kk": "өңірлік", "ru": "регионального уровня", "en": "regional"},
    "level.national": {"kk": "республикалық", "ru": "республиканского уровня", "en": "national"},
    "error.date_or_moment": {"kk": "'{value}' — күн де (ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ), "
                                   "белдеуі көрсетілген уақыт та емес",
                             "ru": "'{value}' — не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ) и не момент "
                                   "со смещением",
                             "en": "'{value}' is not a date (YYYY-MM-DD or DD.MM.YYYY) or a "
                                   "moment with an offset"},
    # a date or a cell as typed: what is wrong with the value (the caller says where)
    "day.format": {"kk": "'{value}' — күн емес (ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ)",
                   "ru": "'{value}' — не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
                   "en": "'{value}' is not a date (YYYY-MM-DD or DD.MM.YYYY)"},
    "day.impossible": {"kk": "'{value}' — мұндай күн жоқ", "ru": "'{value}' — такой даты нет",
                       "en": "'{value}' is not a valid date"},
    "day.range": {"kk": "'{value}' {first}-{last} жылдар аралығынан тыс",
                  "ru": "'{value}' вне {first}-{last} годов",
                  "en": "'{value}' is outside {first}-{last}"},
    "cell.not_number": {"kk": "{quoted} — бүтін сан емес", "ru": "{quoted} — не целое число",
                        "en": "{quoted} is not a whole number"},
    "cell.negative": {"kk": "'{n}' — теріс сан: көрсеткіштер 0-ден кем емес бүтін сан болады",
                      "ru": "'{n}' — отрицательное число: показатели — целые числа от 0",
                      "en": "'{n}' is negative: counts are whole numbers >= 0"},
    "cell.too_large": {"kk": "'{n}' — тым үлкен сан: ең көбі {max}",
                       "ru": "'{n}' — слишком большое число: не более {max}",
                       "en": "'{n}' is too large: counts are at most {max}"},
    "cell.text": {"kk": "мәтінде рұқсат етілмеген таңба бар немесе ол тым ұзын: {problem}",
                  "ru": "в тексте недопустимый символ или он слишком длинный: {problem}",
                  "en": "the text {problem}"},
    "cell.url": {"kk": "'{value}' — http(s) сілтемесі емес", "ru": "'{value}' — не ссылка http(s)",
                 "en": "'{value}' is not an http(s) URL"},
    "cell.url_space": {"kk": "'{value}' ішінде бос орын немесе ';' бар (оларды %20 немесе %3B "
                             "деп жазыңыз)",
                       "ru": "'{value}' содержит пробел или ';' (пишите их как %20 или %3B)",
                       "en": "'{value}' contains a space or ';' (write them as %20 or %3B)"},
    "cell.outlet_empty": {"kk": "БАҚ атауы көрсетілмеген", "ru": "не указано название СМИ",
                          "en": "the outlet's name is empty"},
    "cell.outlet_semicolon": {"kk": "'{value}': БАҚ атауында ';' болмауы керек",
                              "ru": "'{value}': в названии СМИ не может быть ';'",
                              "en": "'{value}': an outlet's name cannot contain ';'"},
    "cell.entry": {"kk": "'{value}' — «БАҚ, күні» түрінде емес (мысалы, «Хабар, 12.04.2017» "
                         "немесе «Хабар, 2017-04-12, https://...»)",
                   "ru": "'{value}' — не «СМИ, дата» (например, «Хабар, 12.04.2017» или "
                         "«Хабар, 2017-04-12, https://...»)",
                   "en": "'{value}' is not «outlet, date» (e.g. «Хабар, 12.04.2017» or "
                         "«Хабар, 2017-04-12, https://...»)"},
    # where in an imported form, and what is wrong with its layout
    "import.row": {"kk": "{source}: {row}-жол", "ru": "{source}: строка {row}",
                   "en": "{source}: row {row}"},
    "import.row_column": {"kk": "{source}: {row}-жол, {column} бағаны",
                          "ru": "{source}: строка {row}, столбец {column}",
                          "en": "{source}: row {row}, column {column}"},
    "import.untitled": {"kk": "{letter} (тақырыпсыз)", "ru": "{letter} (без заголовка)",
                        "en": "{letter} (no header)"},
    "import.no_header": {"kk": "{source}: алғашқы жолдарда «{header}» (немесе '{key}') бағаны "
                               "бар тақырып жолы жоқ",
                         "ru": "{source}: в первых строках нет строки заголовков со столбцом "
                               "«{header}» (или '{key}')",
                         "en": "{source}: no header row with a «{header}» (or '{key}') column in "
                               "its first rows"},
    "import.unknown_column": {"kk": "белгісіз баған (нысанның тақырыптары немесе кілттер "
                                    "күтіледі: {keys})",
                              "ru": "неизвестный столбец (ожидаются заголовки формы или ключи "
                                    "{keys})",
                              "en": "unknown column (expected the form's headers or the keys "
                                    "{keys})"},
    "import.same_column": {"kk": "{other} бағанымен бірдей ({letter} бағаны)",
                           "ru": "тот же столбец, что и {other} (столбец {letter})",
                           "en": "the same column as {other} (column {letter})"},
    "import.missing_columns": {"kk": "бағандар жоқ: {columns}", "ru": "нет столбцов: {columns}",
                               "en": "missing column(s) {columns}"},
    "import.formula": {"kk": "{formula} формуласы нәтижесіз сақталған: файлды Excel-де ашып, "
                             "қайта сақтаңыз немесе санды өзіңіз жазыңыз",
                       "ru": "формула {formula} сохранена без результата: откройте файл в Excel "
                             "и сохраните его или впишите число",
                       "en": "the formula {formula} was saved without its result: open the file "
                             "in Excel and save it, or type the figure"},
    "import.no_region": {"kk": "көрсеткіштері бар жолда өңір көрсетілмеген",
                         "ru": "в строке с показателями не указан регион",
                         "en": "no region named in a row with figures"},
    "import.not_region": {"kk": "'{value}' — жоспардағы өңір емес",
                          "ru": "'{value}' — не регион плана",
                          "en": "'{value}' is not a region of the plan"},
    "import.twice": {"kk": "'{value}' екі рет кездеседі (тағы {row}-жолда)",
                     "ru": "'{value}' встречается дважды (также в строке {row})",
                     "en": "'{value}' appears twice (also row {row})"},
    "import.no_column": {"kk": "'{value}' нысанның ешбір бағанына жатпайды",
                         "ru": "'{value}' стоит вне столбцов формы",
                         "en": "'{value}' stands under no column of the form"},
    # mail, outbox and database lines
    "send.summary": {"kk": "жазылды: {recorded}; жіберілді: {sent}, кейінге қалдырылды: "
                           "{deferred}, жіберілмеді: {failed}, белгісіз: {uncertain}, өткізіп "
                           "жіберілді: {skipped}",
                     "ru": "записано: {recorded}; отправлено: {sent}, отложено: {deferred}, не "
                           "доставлено: {failed}, неизвестно: {uncertain}, пропущено: {skipped}",
                     "en": "recorded {recorded}; sent {sent}, deferred {deferred}, failed "
                           "{failed}, uncertain {uncertain}, skipped {skipped}"},
    "send.closed": {"kk": "кампания аяқталды: ештеңе жіберілмеді",
                    "ru": "кампания завершена: ничего не отправлено",
                    "en": "the campaign has closed: nothing sent"},
    "send.closed_rows": {"kk": "; жіберілмеген жолдар өткізіп жіберілді деп белгіленді: {n}",
                         "ru": "; неотправленные строки отмечены как пропущенные: {n}",
                         "en": "; {n} unsent row(s) marked skipped"},
    "relay.paused": {"kk": "{server} пошта сервері жіберуді баяулатуды сұрады ({refusal}): "
                           "жіберу уақытша тоқтатылды, қайта басталатын уақыты: {until}, қалған "
                           "хаттар соны күтеді",
                     "ru": "почтовый сервер {server} попросил снизить темп ({refusal}): отправка "
                           "приостановлена до {until}, остальные письма ждут",
                     "en": "mail server {server} asked to slow down ({refusal}): sending paused "
                           "until {until}, the rest waits for it"},
    "relay.broken": {"kk": "{host} пошта сервері қатарынан қабылдаған хаттарына жауап бермеді "
                           "(хаттар: {n}): жіберу тоқтатылды, қалғандары келесі жолы жіберіледі",
                     "ru": "почтовый сервер {host} не ответил ни на одно из принятых подряд "
                           "писем ({n}): отправка остановлена, остальные ждут следующего запуска",
                     "en": "mail server {host} took {n} message(s) in a row and never answered: "
                           "the run stopped, the rest wait for the next run"},
    "relay.refused": {"kk": "пошта сервері баптауды қабылдамады: {detail}",
                      "ru": "почтовый сервер отклонил настройки: {detail}",
                      "en": "mail server refused the configuration: {detail}"},
    "trouble.lines": {"kk": "хаттар жеткізілмеді — {parts}", "ru": "письма не доставлены — "
                      "{parts}", "en": "not delivered: {parts}"},
    "trouble.failed": {"kk": "қатемен: {n}", "ru": "с ошибкой: {n}", "en": "{n} failed"},
    "trouble.uncertain": {"kk": "нәтижесі белгісіз: {n}", "ru": "исход неизвестен: {n}",
                          "en": "{n} uncertain"},
    "trouble.not_composed": {"kk": "құрастырылмады: {n}", "ru": "не удалось составить: {n}",
                             "en": "{n} could not be composed"},
    "trouble.unreachable": {"kk": "пошта серверіне қосылу мүмкін болмады ({detail}): хаттар "
                                  "келесі жіберуді күтеді",
                            "ru": "почтовый сервер недоступен ({detail}): письма ждут "
                                  "следующего запуска",
                            "en": "mail server unreachable ({detail}): the mail waits for the "
                                  "next run"},
    "trouble.see": {"kk": "; қараңыз: `tracker outbox`", "ru": "; см. `tracker outbox`",
                    "en": "; see `tracker outbox`"},
    "delivery.line": {"kk": "жеткізу: {counts}", "ru": "доставка: {counts}",
                      "en": "delivery: {counts}"},
    "delivery.nothing": {"kk": "жеткізетін ештеңе жоқ", "ru": "доставлять нечего",
                         "en": "nothing to deliver"},
    "delivery.deferred": {"kk": "кейінге қалдырылды", "ru": "отложено", "en": "deferred"},
    "delivery.waiting": {"kk": "келесі жіберуді күтеді", "ru": "ждут следующего запуска",
                         "en": "waiting"},
    "delivery.paused": {"kk": "кідіртілді", "ru": "приостановлено", "en": "paused"},
    "delivery.lost_claim": {"kk": "басқа процесс алды", "ru": "перехвачено другим процессом",
                            "en": "lost_claim"},
    "digest.already": {"kk": "{period} дайджесті барлық басшыларға ({managers}) бұрын жазылған; "
                             "жаңа ештеңе жоқ",
                       "ru": "дайджест за {period} уже записан для всех руководителей "
                             "({managers}); нового нет",
                       "en": "the digest for {period} was already recorded for all {managers} "
                             "manager(s); nothing new"},
    "digest.recorded": {"kk": "{period} дайджесті: жазылған хаттар: {n}",
                        "ru": "дайджест за {period}: записано писем: {n}",
                        "en": "digest for {period}: recorded {n} mail(s)"},
    "digest.no_managers": {"kk": "байланыстарда басшылар жоқ: оларды `managers:` бөліміне "
                                 "қосып, `tracker contacts load` іске қосыңыз",
                           "ru": "в контактах нет руководителей: добавьте их в раздел "
                                 "`managers:` и выполните `tracker contacts load`",
                           "en": "no managers in the contacts: add them under `managers:` and "
                                 "run `tracker contacts load`"},
    "outbox.resolved": {"kk": "хат кезегіндегі № {id} жол шешілді: {outcome}",
                        "ru": "строка {id} очереди писем закрыта: {outcome}",
                        "en": "outbox row {id} resolved as {outcome}"},
    "outbox.either": {"kk": "{a} немесе {b}", "ru": "{a} или {b}", "en": "{a} or {b}"},
    "outbox.more": {"kk": "{ids} және тағы {n}", "ru": "{ids} и ещё {n}",
                    "en": "{ids} and {n} more"},
    "outbox.unchanged": {"kk": "; ештеңе өзгертілген жоқ", "ru": "; ничего не изменено",
                         "en": "; nothing was changed"},
    "outbox.no_row": {"kk": "хат кезегінде № {id} жол жоқ{unchanged}",
                      "ru": "в очереди писем нет строки {id}{unchanged}",
                      "en": "no outbox row {id}{unchanged}"},
    "outbox.no_rows": {"kk": "хат кезегінде мына жолдар жоқ: {ids}{unchanged}",
                       "ru": "в очереди писем нет строк {ids}{unchanged}",
                       "en": "no outbox rows {ids}{unchanged}"},
    "outbox.row_not_retried": {"kk": "хат кезегіндегі № {id} жолдың күйі: {state}; тек "
                                     "{allowed} күйіндегі жолдарды қайталауға болады{unchanged}",
                               "ru": "строка {id} очереди писем в состоянии «{state}»: "
                                     "повторить можно только строки в состоянии {allowed}"
                                     "{unchanged}",
                               "en": "outbox row {id} is {state}: only {allowed} rows can be "
                                     "retried{unchanged}"},
    "outbox.rows_not_retried": {"kk": "хат кезегіндегі {ids} жолдарының күйі: {state}; тек "
                                      "{allowed} күйіндегі жолдарды қайталауға болады"
                                      "{unchanged}",
                                "ru": "строки {ids} очереди писем в состоянии «{state}»: "
                                      "повторить можно только строки в состоянии {allowed}"
                                      "{unchanged}",
                                "en": "outbox rows {ids} are {state}: only {allowed} rows can "
                                      "be retried{unchanged}"},
    "outbox.row_not_resolved": {"kk": "хат кезегіндегі № {id} жолдың күйі: {state}; тек "
                                      "{allowed} күйіндегі жолдардың нәтижесін белгілеуге "
                                      "болады",
                                "ru": "строка {id} очереди писем в состоянии «{state}»: "
                                      "закрыть можно только строки в состоянии {allowed}",
                                "en": "outbox row {id} is {state}: only {allowed} rows can be "
                                      "resolved"},
    "outbox.not_composed": {"kk": "хат кезегіндегі № {id} жолдың хаты құрастырылмады "
                                  "({error}): жіберетін хат жоқ; байланысты түзетіңіз, сонда "
                                  "оған келесі ескерту жаңадан құрастырылады{unchanged}",
                            "ru": "письмо строки {id} очереди писем не удалось составить "
                                  "({error}): отправлять нечего; исправьте контакт, и следующее "
                                  "напоминание ему будет составлено заново{unchanged}",
                            "en": "outbox row {id} could not be composed ({error}): there is no "
                                  "message to send; correct the contact, and the next reminder "
                                  "to it is composed anew{unchanged}"},
    "outbox.raced": {"kk": "қайталау кезінде хат кезегіндегі жолдар өзгерді ({n}); ештеңе "
                           "өзгертілген жоқ, қайталап көріңіз",
                     "ru": "во время повтора изменились строки очереди писем ({n}); ничего не "
                           "изменено, попробуйте ещё раз",
                     "en": "{n} of the outbox rows changed while being retried; nothing was "
                           "changed, try again"},
    "retry.both": {"kk": "outbox retry: жолдардың нөмірлерін (IDS) немесе --state беріңіз, "
                         "екеуін бірге емес",
                   "ru": "outbox retry: укажите номера строк (IDS) или --state, но не то и "
                         "другое вместе",
                   "en": "outbox retry: give the rows' IDS or --state, not both"},
    "retry.neither": {"kk": "outbox retry: жолдардың нөмірлерін (IDS) немесе --state беріңіз",
                      "ru": "outbox retry: укажите номера строк (IDS) или --state",
                      "en": "outbox retry: give the rows' IDS or --state"},
    "retry.closed": {"kk": "outbox retry ({now}): кампания аяқталған ({closes}), сондықтан "
                           "келесі жіберу қайталанған хатты өткізіп жібереді; жаттығуда --now "
                           "беріңіз",
                     "ru": "outbox retry ({now}): кампания завершилась ({closes}), поэтому "
                           "следующий запуск пропустит повторное письмо; на учениях укажите "
                           "--now",
                     "en": "outbox retry at {now}: the campaign closed at {closes}, so the next "
                           "run would skip a retried mail; in a drill give --now"},
    "retry.confirm": {"kk": "outbox retry: қайта кезекке қойылатын жолдар: {n}; оларды "
                            "қайталау үшін --yes қосыңыз (ештеңе өзгертілген жоқ)",
                      "ru": "outbox retry: строк будет снова поставлено в очередь: {n}; чтобы "
                            "повторить их, добавьте --yes (ничего не изменено)",
                      "en": "outbox retry: {n} rows would be queued again; add --yes to retry "
                            "them (nothing was changed)"},
    "retry.left_out": {"kk": "; құрастырылмағандықтан қалдырылған жолдар: {n}",
                       "ru": "; пропущено строк, которые не удалось составить: {n}",
                       "en": "; {n} failed row(s) left out: they could not be composed"},
    "retry.one": {"kk": "хат кезегіндегі № {id} жол қайта кезекке қойылды{left_out}",
                  "ru": "строка {id} очереди писем снова поставлена в очередь{left_out}",
                  "en": "outbox row {id} queued again{left_out}"},
    "retry.many": {"kk": "хат кезегіндегі {n} жол қайта кезекке қойылды: {ids}{left_out}",
                   "ru": "снова поставлено в очередь строк: {n} ({ids}){left_out}",
                   "en": "{n} outbox row(s) queued again: {ids}{left_out}"},
    "retry.none": {"kk": "ешбір жол қайта кезекке қойылған жоқ{left_out}",
                   "ru": "ни одна строка не поставлена снова в очередь{left_out}",
                   "en": "0 outbox row(s) queued again{left_out}"},
    "mail.config": {"kk": "пошта баптауы: {detail}", "ru": "настройка почты: {detail}",
                    "en": "mail configuration: {detail}"},
    "mail.required": {"kk": "пошта баптауы: {variable} көрсетілуі керек ({what})",
                      "ru": "настройка почты: нужно задать {variable} ({what})",
                      "en": "mail configuration: {variable} is required ({what})"},
    "mail.whole": {"kk": "пошта баптауы: {variable} — 1 мен {most} аралығындағы бүтін сан "
                         "болуы керек, берілгені: {value}",
                   "ru": "настройка почты: {variable} должно быть целым числом от 1 до {most}, "
                         "а не {value}",
                   "en": "mail configuration: {variable} must be a whole number from 1 to "
                         "{most}, not {value}"},
    "mail.one_of": {"kk": "пошта баптауы: {variable} мыналардың бірі болуы керек: {choices}; "
                          "берілгені: {value}",
                    "ru": "настройка почты: {variable} должно быть одним из: {choices}, а не "
                          "{value}",
                    "en": "mail configuration: {variable} must be one of {choices}, not "
                          "{value}"},
    "mail.seconds": {"kk": "пошта баптауы: {variable} — оң сан (секунд) болуы керек, "
                           "берілгені: {value}",
                     "ru": "настройка почты: {variable} должно быть положительным числом "
                           "секунд, а не {value}",
                     "en": "mail configuration: {variable} must be a positive number of "
                           "seconds, not {value}"},
    "mail.what.TRACKER_SMTP_HOST": {"kk": "SMTP серверінің атауы", "ru": "имя SMTP-сервера",
                                    "en": "the SMTP server host name"},
    "mail.what.TRACKER_MAIL_FROM": {"kk": "жіберушінің мекенжайы", "ru": "адрес отправителя",
                                    "en": "the sender address"},
    "mail.not_number": {"kk": "{variable}: '{value}' — сан емес",
                        "ru": "{variable}: '{value}' — не число",
                        "en": "{variable}: '{value}' is not a number"},
    "mail.not_positive": {"kk": "{variable}: оң сан болуы керек, берілгені: {value}",
                          "ru": "{variable}: должно быть положительным числом, а не {value}",
                          "en": "{variable}: must be positive, got {value}"},
    "compose.stopped": {"kk": "хаттарды құрастыратын процесс күтпеген жерден тоқтады: "
                              "құрастырылғандары жазылды, қалғандарын келесі жіберу жазады",
                        "ru": "процесс, составлявший письма, неожиданно остановился: "
                              "составленное записано, остальное запишет следующий запуск",
                        "en": "the process composing the mails stopped unexpectedly; what it "
                              "composed is recorded, the next run records the rest"},
    "compose.failed": {"kk": "хаттарды құрастыру сәтсіз аяқталды: {detail}",
                       "ru": "не удалось составить письма: {detail}",
                       "en": "composing the mails failed: {detail}"},
    "db.created": {"kk": "{name} PostgreSQL дерекқоры құрылды",
                   "ru": "создана база данных PostgreSQL {name}",
                   "en": "created the PostgreSQL database {name}"},
    "db.missing": {"kk": "{server} серверінде {name} PostgreSQL дерекқоры жоқ: оны құру үшін "
                         "`tracker init` іске қосыңыз",
                   "ru": "базы данных PostgreSQL {name} нет на {server}: создайте её командой "
                         "`tracker init`",
                   "en": "the PostgreSQL database {name} does not exist on {server}: run "
                         "`tracker init` to create it"},
    "db.cannot_create": {"kk": "{server} серверінде {name} PostgreSQL дерекқоры жоқ, оны осы "
                               "жерден құру мүмкін емес ({detail}): құқығы бар пайдаланушы "
                               "ретінде `{command}` командасымен құрыңыз немесе дерекқор "
                               "әкімшісіне жүгініңіз, содан кейін `tracker init` қайта іске "
                               "қосыңыз",
                         "ru": "базы данных PostgreSQL {name} нет на {server}, и создать её "
                               "отсюда нельзя ({detail}): создайте её командой `{command}` от "
                               "имени пользователя, которому это разрешено, или обратитесь к "
                               "администратору баз данных, затем снова выполните `tracker init`",
                         "en": "the PostgreSQL database {name} does not exist on {server} and "
                               "cannot be created from here ({detail}): create it with "
                               "`{command}` as a user who may, or ask the database "
                               "administrator, then run `tracker init` again"},
    "db.not_database": {"kk": "{path} — tracker дерекқоры емес (SQLite): {why}",
                        "ru": "{path} — не база данных tracker (SQLite): {why}",
                        "en": "{path} is not a tracker database (SQLite): {why}"},
    "db.not_sqlite": {"kk": "алғашқы байттары SQLite файлынікіндей емес",
                      "ru": "первые байты не такие, как у файла SQLite",
                      "en": "its first bytes are not SQLite's"},
    "db.no_file": {"kk": "{path} жолында дерекқор жоқ: алдымен `tracker init` іске қосыңыз",
                   "ru": "базы данных {path} нет: сначала выполните `tracker init`",
                   "en": "no database at {path}: run `tracker init` first"},
    "db.cannot_create_file": {"kk": "{path} дерекқор файлын құру мүмкін болмады: {reason}",
                              "ru": "не удалось создать файл базы данных {path}: {reason}",
                              "en": "cannot create database file {path}: {reason}"},
    "db.folder": {"kk": "--db: {path} — қалта, tracker дерекқоры емес",
                  "ru": "--db: {path} — папка, а не база данных tracker",
                  "en": "--db: {path} is a folder, not a tracker database"},
    "db.name_too_long": {"kk": "--db: файл атауы бұл жүйе үшін тым ұзын (таңбалар: {n})",
                         "ru": "--db: имя файла слишком длинное для этой системы (символов: "
                               "{n})",
                         "en": "--db: the file name is too long for this system ({n} "
                               "characters)"},
    "db.bad_url": {"kk": "--db: '{url}' дерекқор мекенжайын оқу мүмкін емес",
                   "ru": "--db: не удаётся прочитать адрес базы данных '{url}'",
                   "en": "--db: cannot read database URL '{url}'"},
    "db.unsupported": {"kk": "--db: '{backend}' дерекқорына қолдау жоқ (SQLite файлын немесе "
                             "postgresql:// беріңіз)",
                       "ru": "--db: база данных '{backend}' не поддерживается (укажите файл "
                             "SQLite или postgresql://)",
                       "en": "--db: unsupported database '{backend}' (use a SQLite file or "
                             "postgresql://)"},
    "db.no_driver": {"kk": "PostgreSQL қолдауы орнатылмаған: pip install 'tracker[postgres]'",
                     "ru": "поддержка PostgreSQL не установлена: pip install 'tracker[postgres]'",
                     "en": "PostgreSQL support is not installed: pip install 'tracker[postgres]'"},
    "db.no_plan": {"kk": "жоспар жүктелмеген: `tracker init` іске қосыңыз",
                   "ru": "план не загружен: выполните `tracker init`",
                   "en": "no plan is loaded: run `tracker init`"},
    "db.cannot_open": {"kk": "{where} дерекқорын ашу мүмкін болмады: {detail}",
                       "ru": "не удалось открыть базу данных {where}: {detail}",
                       "en": "cannot open the database {where}: {detail}"},
    "db.other_tables": {"kk": "онда басқа кестелер бар ({tables}), tracker сұлбасы жоқ",
                        "ru": "в ней другие таблицы ({tables}) и нет схемы tracker",
                        "en": "it holds other tables ({tables}) and no tracker schema"},
    "db.foreign": {"kk": "{where} PostgreSQL дерекқоры — tracker дерекқоры емес: {why}",
                   "ru": "база данных PostgreSQL {where} — не база данных tracker: {why}",
                   "en": "the PostgreSQL database {where} is not a tracker database: {why}"},
    "db.not_set_up": {"kk": "{where} дерекқоры дайындалмаған: `tracker init` іске қосыңыз",
                      "ru": "база данных {where} не подготовлена: выполните `tracker init`",
                      "en": "the database {where} is not set up: run `tracker init`"},
    "db.old_schema": {"kk": "дерекқор сұлбасының нұсқасы: {revision}, бұл tracker-ге {head} "
                            "нұсқасы керек: жаңарту үшін `tracker init` іске қосыңыз",
                      "ru": "версия схемы базы данных — {revision}, этому tracker нужна {head}: "
                            "обновите её командой `tracker init`",
                      "en": "the database schema is at revision {revision}, this tracker needs "
                            "{head}: run `tracker init` to upgrade it"},
    "database.error": {"kk": "дерекқор қатесі: {detail}", "ru": "ошибка базы данных: {detail}",
                       "en": "database error: {detail}"},
    # the secret key and personal links (tracker.access)
    "key.missing": {"kk": "құпия кілт файлы жоқ: {file}; оны `tracker init` жасайды "
                          "(немесе TRACKER_SECRET_KEY_FILE)",
                    "ru": "нет файла секретного ключа: {file}; его создаёт `tracker init` "
                          "(или TRACKER_SECRET_KEY_FILE)",
                    "en": "no secret key file: {file}; `tracker init` makes one (or set "
                          "TRACKER_SECRET_KEY_FILE)"},
    "key.unreadable": {"kk": "құпия кілт файлы оқылмады: {file} ({reason})",
                       "ru": "не удалось прочитать файл секретного ключа: {file} ({reason})",
                       "en": "cannot read the secret key file: {file} ({reason})"},
    "key.open": {"kk": "құпия кілт файлын басқалар да оқи алады (рұқсаттар {mode}): {file}; "
                       "`chmod 600 {file}` орындаңыз",
                 "ru": "файл секретного ключа доступен другим (права {mode}): {file}; "
                       "выполните `chmod 600 {file}`",
                 "en": "the secret key file is open to others (mode {mode}): {file}; run "
                       "`chmod 600 {file}`"},
    "key.malformed": {"kk": "құпия кілт файлы бүлінген: {file}; оны өшіріп, `tracker init` "
                            "орындаңыз (бұрынғы сілтемелер жарамсыз болады)",
                      "ru": "файл секретного ключа повреждён: {file}; удалите его и выполните "
                            "`tracker init` (прежние ссылки перестанут действовать)",
                      "en": "the secret key file is damaged: {file}; remove it and run "
                            "`tracker init` (links made before stop working)"},
    "key.created": {"kk": "сілтемелерге арналған құпия кілт жасалды: {file}",
                    "ru": "создан секретный ключ для ссылок: {file}",
                    "en": "secret key for links created: {file}"},
    "link.bad_grace": {"kk": "{variable}={value}: күн санын жазыңыз (0–3650)",
                       "ru": "{variable}={value}: укажите число дней (0–3650)",
                       "en": "{variable}={value}: give a number of days (0–3650)"},
    "link.no_public_url": {"kk": "TRACKER_PUBLIC_URL берілмеген: сілтеменің мекенжайы белгісіз "
                                 "(мысалы, https://tracker.bkk.edu.kz)",
                           "ru": "не задан TRACKER_PUBLIC_URL: неизвестен адрес ссылки "
                                 "(например, https://tracker.bkk.edu.kz)",
                           "en": "TRACKER_PUBLIC_URL is not set: the address links point to is "
                                 "unknown (e.g. https://tracker.bkk.edu.kz)"},
    "web.bad_setting": {"kk": "{variable}={value}: жарамсыз ({problem})",
                        "ru": "{variable}={value}: недопустимое значение ({problem})",
                        "en": "{variable}={value}: not valid ({problem})"},
    "web.not_http": {"kk": "http:// немесе https:// мекенжайы емес", "ru": "не адрес http:// или "
                     "https://", "en": "not an http:// or https:// address"},
    "web.query": {"kk": "мекенжайда ? немесе # бөлігі болмауы керек",
                  "ru": "в адресе не должно быть части после ? или #",
                  "en": "the address must not have a ? or # part"},
    "link.unknown_recipient": {"kk": "{email} байланыстарда жоқ", "ru": "{email} нет в контактах",
                               "en": "{email} is not in the contacts"},
    "link.shown": {"kk": "{email}: {url}\nжарамды: {expires} дейін",
                   "ru": "{email}: {url}\nдействует до {expires}",
                   "en": "{email}: {url}\ngood until {expires}"},
    "link.revoked": {"kk": "{email}: бұрынғы сілтеме жойылды; келесі хаттарда жаңасы болады",
                     "ru": "{email}: прежняя ссылка отозвана; в следующих письмах будет новая",
                     "en": "{email}: the old link is revoked; the next mails carry a new one"},
    # calendar feeds (tracker.deadlinecalendar, `tracker calendar export`)
    "calendar.name": {"kk": "{title}: мерзімдер", "ru": "{title}: сроки",
                      "en": "{title}: deadlines"},
    "calendar.open": {"kk": "{deadline}: {n} орындалмаған", "ru": "{deadline}: не выполнено — {n}",
                      "en": "{deadline}: {n} open"},
    "calendar.done": {"kk": "{deadline}: бәрі орындалды ✓", "ru": "{deadline}: всё выполнено ✓",
                      "en": "{deadline}: all done ✓"},
    "calendar.open_heading": {"kk": "Орындалмаған:", "ru": "Не выполнено:", "en": "Open:"},
    "calendar.done_heading": {"kk": "Орындалды: {items}", "ru": "Выполнено: {items}",
                              "en": "Done: {items}"},
    "calendar.report_missing": {"kk": "{region}: нәтижелер нысаны әлі жіберілмеген",
                                "ru": "{region}: форма итогов ещё не отправлена",
                                "en": "{region}: the results form is not sent yet"},
    "calendar.milestone_open": {"kk": "Орындалмаған: {assignments}",
                                "ru": "Не выполнено: {assignments}",
                                "en": "Open: {assignments}"},
    "calendar.reports_missing": {"kk": "Нәтижелер нысанын жібермеген өңірлер: {n}",
                                 "ru": "Регионов без формы итогов: {n}",
                                 "en": "Regions without their results form: {n}"},
    "calendar.written": {"kk": "{file}: {email} күнтізбесі, {events} оқиға",
                         "ru": "{file}: календарь {email}, событий — {events}",
                         "en": "{file}: {email}'s calendar, {events} event(s)"},
    "calendar.cannot_write": {"kk": "{file}: жазу мүмкін емес ({reason})",
                              "ru": "{file}: не удалось записать ({reason})",
                              "en": "{file}: cannot write it ({reason})"},
    # The agency page's attribution (issue 14, agencypage): how a change came, and the
    # `tracker evidence save` command.
    "via.cli": {"kk": "терминалда", "ru": "в терминале", "en": "at the terminal"},
    "via.link": {"kk": "сілтеме арқылы", "ru": "по ссылке", "en": "via link"},
    "via.import": {"kk": "импорт арқылы", "ru": "импортом", "en": "import"},
    "via.mail": {"kk": "хат арқылы", "ru": "по почте", "en": "by mail"},
    "via.evidence": {"kk": "растау: {what}", "ru": "подтверждение: {what}",
                     "en": "evidence: {what}"},
    "evidence.unknown": {"kk": "{digest}: мұндай жүктелген файл жоқ (tracker history --json "
                               "ішіндегі evidence.digest мәнін беріңіз)",
                         "ru": "{digest}: такого загруженного файла нет (укажите "
                               "evidence.digest из tracker history --json)",
                         "en": "{digest}: no such uploaded file (give evidence.digest from "
                               "tracker history --json)"},
    "evidence.saved": {"kk": "{file}: сақталды ({name}, {kind}, {size} байт)",
                       "ru": "{file}: сохранено ({name}, {kind}, {size} байт)",
                       "en": "{file}: saved ({name}, {kind}, {size} bytes)"},
    "evidence.exists": {"kk": "{file} бар: басқа атау беріңіз",
                        "ru": "{file} уже существует: укажите другое имя",
                        "en": "{file} exists: give another name"},
    # issue 14, the results page: who submitted a region's report and how (`report show`)
    "report.via.cli": {"kk": "командалық жол", "ru": "командная строка", "en": "command line"},
    "report.via.import": {"kk": "файлдан импорт", "ru": "импорт файла", "en": "file import"},
    "report.via.link": {"kk": "жеке сілтеме", "ru": "личная ссылка", "en": "personal link"},
    "report.by": {"kk": "{by}, {via}", "ru": "{by}, {via}", "en": "{by}, {via}"},
    # -- issue 14, personal links in mail (helper maillinks): doctor, the "not accepted" mail --
    "doctor.links": {"kk": "жеке сілтемелер", "ru": "личные ссылки", "en": "personal links"},
    "doctor.links_off": {
        "kk": "TRACKER_PUBLIC_URL берілмеген: хаттарда жеке сілтеме жоқ (агенттіктер тек хатпен "
              "жауап береді)",
        "ru": "TRACKER_PUBLIC_URL не задан: в письмах нет личных ссылок (агентства отвечают "
              "только письмом)",
        "en": "TRACKER_PUBLIC_URL is not set: mails carry no personal link (agencies can only "
              "reply by mail)"},
    "doctor.links_bad_url": {
        "kk": "TRACKER_PUBLIC_URL={url} мәні жарамсыз: {problem}",
        "ru": "неверное значение TRACKER_PUBLIC_URL={url}: {problem}",
        "en": "TRACKER_PUBLIC_URL={url}: {problem}"},
    "doctor.links_not_https": {
        "kk": "https:// болуы керек (127.0.0.1 немесе localhost болмаса): сілтемедегі токен "
              "желіде ашық жүреді",
        "ru": "должен начинаться с https:// (кроме 127.0.0.1 и localhost): иначе токен ссылки "
              "идёт по сети открытым текстом",
        "en": "must be https:// (unless 127.0.0.1 or localhost): the link's token would cross "
              "the network in the clear"},
    "doctor.links_not_url": {
        "kk": "мекенжай емес (мысалы https://tracker.bkk.edu.kz)",
        "ru": "не адрес (например https://tracker.bkk.edu.kz)",
        "en": "not an address (e.g. https://tracker.bkk.edu.kz)"},
    "doctor.links_key": {
        "kk": "TRACKER_PUBLIC_URL бар, бірақ кілт жоқ: хаттарда сілтеме болмайды: {reason}",
        "ru": "TRACKER_PUBLIC_URL задан, но ключа нет: письма уйдут без ссылок: {reason}",
        "en": "TRACKER_PUBLIC_URL is set but the key cannot be used, so mails carry no link: "
              "{reason}"},
    "doctor.links_ok": {
        "kk": "хаттардағы сілтемелер: {url}/r/…; кілт {file} (тек иесі оқиды)",
        "ru": "ссылки в письмах: {url}/r/…; ключ {file} (читает только владелец)",
        "en": "links in mail: {url}/r/…; key {file} (readable by its owner only)"},
    "unmark.no_mail": {
        "kk": "Ескерту: агенттікке «қабылданбады» хаты жазылмады: {reason}",
        "ru": "Внимание: письмо агентству «не принято» не записано: {reason}",
        "en": "Note: no 'not accepted' mail recorded for the agency: {reason}"},
    "unmark.mail": {
        "kk": "Агенттікке «қабылданбады» хаты кезекке қойылды: {n} (келесі remind send жібереді)",
        "ru": "Письмо агентству «не принято» поставлено в очередь: {n} (отправит следующий "
              "remind send)",
        "en": "'Not accepted' mail queued for the agency: {n} (the next remind send sends it)"},
    # -- issue 15, the inbox's review (helper review): what staff read of replies --
    "report.via.mail": {"kk": "хатпен жауап", "ru": "ответ письмом", "en": "mail reply"},
    "inbox.state.claimed": {"kk": "өңделуде", "ru": "обрабатывается", "en": "claimed"},
    "inbox.state.held": {"kk": "шешім күтуде", "ru": "ждёт решения", "en": "held"},
    "inbox.state.accepted": {"kk": "қабылданды", "ru": "принято", "en": "accepted"},
    "inbox.state.rejected": {"kk": "қабылданбады", "ru": "отклонено", "en": "rejected"},
    "inbox.state.done": {"kk": "аяқталды", "ru": "обработано", "en": "done"},
    "inbox.kind.reply": {"kk": "жауап", "ru": "ответ", "en": "reply"},
    "inbox.kind.bounce": {"kk": "жеткізілмеді", "ru": "недоставка", "en": "bounce"},
    "inbox.kind.auto_reply": {"kk": "автожауап", "ru": "автоответ", "en": "auto-reply"},
    "inbox.kind.other": {"kk": "басқа", "ru": "другое", "en": "other"},
    "inbox.kind.duplicate": {"kk": "көшірме", "ru": "дубликат", "en": "duplicate"},
    "inbox.kind.unreadable": {"kk": "оқылмады", "ru": "не прочитано", "en": "unreadable"},
    "inbox.taken.form": {"kk": "нәтижелер нысаны", "ru": "форма результатов",
                         "en": "results form"},
    "inbox.taken.evidence": {"kk": "растайтын құжат, сақталды", "ru": "подтверждение, сохранено",
                             "en": "evidence, stored"},
    "inbox.taken.refused": {"kk": "қабылданбады", "ru": "не принято", "en": "refused"},
    "inbox.taken.kept": {"kk": "хатта ғана сақталды", "ru": "хранится только в письме",
                         "en": "kept in the message only"},
    "inbox.problem.forged": {
        "kk": "Хат {recipient} мекенжайына жіберілген еске салуға жауап береді, бірақ {sender} "
              "мекенжайынан келген: тексеруге қалдырылды, ештеңе енгізілмейді.",
        "ru": "Письмо отвечает на напоминание, отправленное {recipient}, но пришло от {sender}: "
              "оставлено на проверку, ничего не вносится.",
        "en": "It answers the reminder sent to {recipient} but comes from {sender}: held, "
              "never applied."},
    "inbox.problem.not_contact": {
        "kk": "{address} қазір агенттік байланыстарының арасында жоқ: ештеңе енгізуге болмайды.",
        "ru": "{address} сейчас нет среди контактов агентств: внести нечего.",
        "en": "{address} is not among the agencies' contacts now: nothing can be applied."},
    "inbox.problem.not_owed": {
        "kk": "{numbers} іс-шаралары {recipient} тапсырмасы емес: алынбады.",
        "ru": "Мероприятия {numbers} не поручены {recipient}: не учтены.",
        "en": "Items {numbers} are not {recipient}'s: left out."},
    "inbox.problem.form_sender": {
        "kk": "«{name}» — нәтижелер нысаны, бірақ {sender} ешбір өңірдің есебін жібермейді.",
        "ru": "«{name}» — форма результатов, но {sender} не сдаёт отчёт ни одного региона.",
        "en": "«{name}» is a results form, but {sender} sends no region's report."},
    "inbox.problem.other_region": {
        "kk": "«{name}» файлында басқа өңірдің жолы бар: {other}. Бұл мекенжайдан тек {own} "
              "есебі қабылданады.",
        "ru": "В файле «{name}» есть строка другого региона: {other}. С этого адреса "
              "принимается только отчёт: {own}.",
        "en": "«{name}» holds a row of another region: {other}. Only {own}'s report is taken "
              "from this address."},
    "inbox.problem.no_row": {"kk": "«{name}» файлында {own} көрсеткіштері жоқ.",
                             "ru": "В файле «{name}» нет показателей: {own}.",
                             "en": "«{name}» has no figures for {own}."},
    "inbox.problem.second_form": {
        "kk": "«{name}»: екінші нәтижелер нысаны, оқылмады (біріншісі ғана оқылады).",
        "ru": "«{name}»: вторая форма результатов не прочитана (читается только первая).",
        "en": "«{name}»: a second results form, not read (only the first is)."},
    "inbox.problem.automatic": {
        "kk": "Автоматты жауап ({why}): тіркелді, жауап берілмейді.",
        "ru": "Автоматический ответ ({why}): отмечен, без ответа.",
        "en": "An automatic reply ({why}): noted, never answered."},
    "inbox.refused.kind": {
        "kk": "ішіндегісі бойынша PDF, PNG, JPEG, DOC, XLS, DOCX немесе XLSX емес",
        "ru": "по содержимому не PDF, PNG, JPEG, DOC, XLS, DOCX или XLSX",
        "en": "not a PDF, PNG, JPEG, DOC, XLS, DOCX or XLSX by its content"},
    "inbox.refused.size": {"kk": "{limit} байттан үлкен", "ru": "больше {limit} байт",
                           "en": "larger than {limit} bytes"},
    "inbox.trusted": {"kk": "сенімді байланыс: бірден енгізілді",
                      "ru": "доверенный контакт: внесено сразу",
                      "en": "trusted contact: applied at once"},
    "inbox.empty": {"kk": "Хат жоқ.", "ru": "Писем нет.", "en": "No messages."},
    "inbox.count": {"kk": "{state}: {n}", "ru": "{state}: {n}", "en": "{state}: {n}"},
    "inbox.answers": {"kk": "жауап: хат № {id}", "ru": "ответ на письмо № {id}",
                      "en": "answers mail {id}"},
    "inbox.by_sender": {"kk": "жіберуші бойынша", "ru": "по отправителю", "en": "by sender"},
    "inbox.items": {"kk": "іс-шаралар: {items}", "ru": "мероприятия: {items}",
                    "en": "items: {items}"},
    "inbox.no_items": {"kk": "іс-шара аталмаған", "ru": "мероприятия не названы",
                       "en": "no items named"},
    "inbox.form": {"kk": "нысан: {name} ({unit}; {figures})",
                   "ru": "форма: {name} ({unit}; {figures})",
                   "en": "form: {name} ({unit}; {figures})"},
    "inbox.form_bad": {"kk": "нысан: {name} — қате", "ru": "форма: {name} — ошибка",
                       "en": "form: {name} — refused"},
    "inbox.label.from": {"kk": "Кімнен", "ru": "От", "en": "From"},
    "inbox.label.subject": {"kk": "Тақырып", "ru": "Тема", "en": "Subject"},
    "inbox.label.date": {"kk": "Күні", "ru": "Дата", "en": "Date"},
    "inbox.label.received": {"kk": "Алынды", "ru": "Получено", "en": "Received"},
    "inbox.label.state": {"kk": "Күйі", "ru": "Состояние", "en": "State"},
    "inbox.label.belongs": {"kk": "Кімдікі", "ru": "Чьё", "en": "Belongs to"},
    "inbox.label.text": {"kk": "Жаңа мәтін", "ru": "Новый текст", "en": "New text"},
    "inbox.label.attachments": {"kk": "Тіркемелер", "ru": "Вложения", "en": "Attachments"},
    "inbox.label.problem": {"kk": "Мәселе", "ru": "Проблема", "en": "Problem"},
    "inbox.label.decided": {"kk": "Шешім", "ru": "Решение", "en": "Decided"},
    "inbox.label.none": {"kk": "жоқ", "ru": "нет", "en": "none"},
    "inbox.no_message": {"kk": "{id}: кіріс хаттарда мұндай хат жоқ",
                         "ru": "{id}: такого письма во входящих нет",
                         "en": "{id}: no such message in the inbox"},
    "inbox.not_held": {
        "kk": "{id}-хат: күйі «{state}», шешім күтпейді (қайта шешілмейді)",
        "ru": "Письмо {id}: состояние «{state}», решения не ждёт (повторно не решается)",
        "en": "Message {id} is {state}, not held: it is decided once"},
    "inbox.forged_refused": {
        "kk": "{id}-хат {sender} мекенжайынан, бірақ {recipient} еске салуына жауап: "
              "қабылдауға болмайды (агенттікпен тексеріп, tracker mark қолданыңыз)",
        "ru": "Письмо {id} от {sender}, но отвечает на напоминание {recipient}: принять нельзя "
              "(проверьте с агентством и используйте tracker mark)",
        "en": "Message {id} comes from {sender} but answers {recipient}'s reminder: it cannot "
              "be accepted (check with the agency, then use tracker mark)"},
    "inbox.no_recipient": {
        "kk": "{id}-хат ешбір агенттік байланысына тиесілі емес: қабылдайтын ештеңе жоқ "
              "(--note арқылы reject жасаңыз немесе tracker mark қолданыңыз)",
        "ru": "Письмо {id} не относится ни к одному контакту агентства: принимать нечего "
              "(отклоните с --note или используйте tracker mark)",
        "en": "Message {id} belongs to no agency contact: nothing to accept (reject it with "
              "--note, or use tracker mark)"},
    "inbox.items_not_owed": {
        "kk": "--items {items}: {recipient} тапсырмасы емес (оның іс-шаралары: {owed})",
        "ru": "--items {items}: не поручено {recipient} (его мероприятия: {owed})",
        "en": "--items {items}: not {recipient}'s (its items: {owed})"},
    "inbox.bad_items": {
        "kk": "--items {value}: іс-шара нөмірлері керек (5,6 немесе 5-7)",
        "ru": "--items {value}: нужны номера мероприятий (5,6 или 5-7)",
        "en": "--items {value}: give item numbers (5,6 or 5-7)"},
    "inbox.accepted": {
        "kk": "{id}-хат қабылданды: белгіленді {marked} (өзгерген {n}), {form}",
        "ru": "Письмо {id} принято: отмечено {marked} (изменено {n}), {form}",
        "en": "Message {id} accepted: marked {marked} ({n} changed), {form}"},
    "inbox.form_recorded": {"kk": "нысан жазылды: {unit}", "ru": "форма записана: {unit}",
                            "en": "form recorded: {unit}"},
    "inbox.form_none": {"kk": "нысан жоқ", "ru": "формы нет", "en": "no form"},
    "inbox.form_skipped": {"kk": "нысан жазылмады: {problem}",
                           "ru": "форма не записана: {problem}",
                           "en": "form not recorded: {problem}"},
    "inbox.rejected": {
        "kk": "{id}-хат қабылданбады; {sender} мекенжайына жауап кезекке қойылды (келесі "
              "remind send жібереді)",
        "ru": "Письмо {id} отклонено; ответ для {sender} поставлен в очередь (отправит "
              "следующий remind send)",
        "en": "Message {id} rejected; the answer to {sender} is queued (the next remind send "
              "sends it)"},
    "inbox.rejected_silent": {
        "kk": "{id}-хат қабылданбады; {sender} байланыстар тізімінде жоқ: жауап жіберілмейді",
        "ru": "Письмо {id} отклонено; {sender} нет среди контактов: ответ не отправляется",
        "en": "Message {id} rejected; {sender} is not a contact: no answer is sent"},
    "inbox.note_required": {"kk": "--note бос болмауы керек: агенттік себебін оқиды",
                            "ru": "--note не может быть пустым: агентство прочтёт причину",
                            "en": "--note must not be empty: the agency reads why"},
    "inbox.no_mail_settings": {
        "kk": "Жауап хатын жазу мүмкін емес ({reason}): ештеңе өзгертілмеді",
        "ru": "Ответное письмо записать нельзя ({reason}): ничего не изменено",
        "en": "The answer mail cannot be recorded ({reason}): nothing changed"},
    # -- issue 15, bounces read from the inbox (helper bounces): outbox, doctor, digest --
    "bounce.state": {"kk": "қайтарылды", "ru": "возвращено", "en": "bounced"},
    "bounce.doctor": {
        "kk": "алушының сервері қайтарған хаттар: {n} ({addresses}{more}): мекенжайларды "
              "contacts.yaml ішінде түзетіп, `tracker contacts load` іске қосыңыз (себебі: "
              "`tracker outbox --state failed`)",
        "ru": "писем, возвращённых сервером получателя: {n} ({addresses}{more}): исправьте "
              "адреса в contacts.yaml и выполните `tracker contacts load` (причина: "
              "`tracker outbox --state failed`)",
        "en": "{n} mail(s) bounced by the recipient's server ({addresses}{more}): fix the "
              "addresses in contacts.yaml and run `tracker contacts load` (why: "
              "`tracker outbox --state failed`)"},
    "bounce.digest": {
        "kk": "алушының сервері қайтарған хаттар: {n} — {addresses}; contacts.yaml ішінде "
              "мекенжайларды тексеріңіз",
        "ru": "возвращено сервером получателя: {n} — {addresses}; проверьте адреса в "
              "contacts.yaml",
        "en": "bounced by the recipient's server: {n} — {addresses}; check the addresses in "
              "contacts.yaml"},
    # transport: the inbox's mailbox (TRACKER_IMAP_*), `inbox fetch`, doctor's inbox line
    "inbox.what_host": {"kk": "IMAP серверінің атауы", "ru": "имя IMAP-сервера",
                        "en": "the IMAP server host name"},
    "inbox.what_username": {"kk": "пошта жәшігінің логині", "ru": "логин почтового ящика",
                            "en": "the mailbox's login name"},
    "inbox.what_password": {"kk": "немесе TRACKER_IMAP_PASSWORD_FILE, пошта жәшігінің құпиясөзі",
                            "ru": "или TRACKER_IMAP_PASSWORD_FILE, пароль почтового ящика",
                            "en": "or TRACKER_IMAP_PASSWORD_FILE, the mailbox's password"},
    "inbox.config": {"kk": "пошта жәшігінің баптауы: {detail}",
                     "ru": "настройка почтового ящика: {detail}",
                     "en": "mailbox configuration: {detail}"},
    "inbox.same_folder": {
        "kk": "пошта баптауы: TRACKER_IMAP_DONE_FOLDER мен TRACKER_IMAP_FOLDER бір бума "
              "({folder}): өңделген хаттар басқа бумаға көшірілуі керек",
        "ru": "настройка почты: TRACKER_IMAP_DONE_FOLDER и TRACKER_IMAP_FOLDER — одна папка "
              "({folder}): обработанные письма должны уходить в другую",
        "en": "mail configuration: TRACKER_IMAP_DONE_FOLDER is TRACKER_IMAP_FOLDER ({folder}): "
              "handled mail must go to another folder"},
    "inbox.bad_folder": {
        "kk": "пошта баптауы: {variable} — бума атауы емес: {value}",
        "ru": "настройка почты: {variable} — не имя папки: {value}",
        "en": "mail configuration: {variable} is not a folder name: {value}"},
    "inbox.not_set": {
        "kk": "кіріс пошта бапталмаған: TRACKER_IMAP_HOST (және TRACKER_IMAP_USERNAME, "
              "TRACKER_IMAP_PASSWORD) көрсетіңіз",
        "ru": "входящая почта не настроена: задайте TRACKER_IMAP_HOST (и TRACKER_IMAP_USERNAME, "
              "TRACKER_IMAP_PASSWORD)",
        "en": "the inbox is not set up: set TRACKER_IMAP_HOST (and TRACKER_IMAP_USERNAME, "
              "TRACKER_IMAP_PASSWORD)"},
    "inbox.unreachable": {"kk": "IMAP {where}: қолжетімсіз: {reason}",
                          "ru": "IMAP {where}: недоступен: {reason}",
                          "en": "IMAP {where} unreachable: {reason}"},
    "inbox.tls": {"kk": "IMAP {where}: TLS орнатылмады: {reason}",
                  "ru": "IMAP {where}: TLS не установлен: {reason}",
                  "en": "IMAP {where}: TLS failed: {reason}"},
    "inbox.no_starttls": {"kk": "IMAP {where}: сервер STARTTLS ұсынбайды (ашық мәтінге "
                                "көшпейміз)",
                          "ru": "IMAP {where}: сервер не предлагает STARTTLS (открытым текстом "
                                "не работаем)",
                          "en": "IMAP {where} does not offer STARTTLS (we never fall back to "
                                "clear text)"},
    "inbox.login": {"kk": "IMAP {where}: {user} логині қабылданбады: {reason}",
                    "ru": "IMAP {where}: вход {user} отклонён: {reason}",
                    "en": "IMAP {where} refused the login of {user}: {reason}"},
    "inbox.command": {"kk": "IMAP {where}: {command} қабылданбады: {reason}",
                      "ru": "IMAP {where}: {command} отклонена: {reason}",
                      "en": "IMAP {where} refused {command}: {reason}"},
    "inbox.fetched": {
        "kk": "{folder}: жаңа хаттар: {new} (жауаптар: {reply}, қайтарылғандар: {bounce}, "
              "автожауаптар: {auto_reply}, басқалары: {other}, көшірмелер: {duplicate}, "
              "оқылмағандар: {unreadable}); {done} бумасына көшірілді: {moved}{resumed}{others}",
        "ru": "{folder}: новых писем: {new} (ответов: {reply}, возвратов: {bounce}, "
              "автоответов: {auto_reply}, прочих: {other}, копий: {duplicate}, "
              "нечитаемых: {unreadable}); перемещено в {done}: {moved}{resumed}{others}",
        "en": "{folder}: {new} new message(s) ({reply} repl(ies), {bounce} bounce(s), "
              "{auto_reply} automatic, {other} other, {duplicate} cop(ies), {unreadable} "
              "unreadable); {moved} moved to {done}{resumed}{others}"},
    "inbox.resumed": {"kk": "; тоқтаған оқудан қалғаны аяқталды: {n}",
                      "ru": "; дочитано за остановившимся процессом: {n}",
                      "en": "; {n} finished for a fetch that stopped"},
    "inbox.others": {"kk": "; басқа процесс оқып жатыр: {n}",
                     "ru": "; читает другой процесс: {n}",
                     "en": "; {n} being read by another fetch"},
    "inbox.daemon_failed": {"kk": "кіріс поштаны оқу сәтсіз: {reason}",
                            "ru": "чтение входящей почты не удалось: {reason}",
                            "en": "reading the inbox failed: {reason}"},
    "doctor.inbox": {"kk": "кіріс пошта", "ru": "входящая почта", "en": "inbox"},
    "doctor.inbox_off": {"kk": "бапталмаған (TRACKER_IMAP_HOST жоқ): жауаптар оқылмайды",
                         "ru": "не настроена (нет TRACKER_IMAP_HOST): ответы не читаются",
                         "en": "not set (no TRACKER_IMAP_HOST): replies are not read"},
    "doctor.inbox_ok": {
        "kk": "IMAP {where} ({security}), пайдаланушы {user}: логин қабылданды; {folder} "
              "бумасында хаттар: {n}; өңделгендері {done} бумасына көшіріледі",
        "ru": "IMAP {where} ({security}), пользователь {user}: вход выполнен; в папке {folder} "
              "писем: {n}; обработанные уходят в {done}",
        "en": "IMAP {where} ({security}), user {user}: logged in; {n} message(s) waiting in "
              "{folder}; handled mail goes to {done}"},
    "inbox.digest_held": {"kk": "шешім күтіп тұрған жауап хаттары: {n} (tracker inbox)",
                          "ru": "ответные письма, ждущие решения: {n} (tracker inbox)",
                          "en": "replies waiting for a decision: {n} (tracker inbox)"},
}
"""Each phrase, by key, in each language; `{name}` marks what `say` fills in."""

NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "assignment": {"kk": ("тапсырма",), "ru": ("поручение", "поручения", "поручений"),
                   "en": ("assignment(s)",)},
    "region_in": {"kk": ("өңірде",), "ru": ("регионе", "регионах", "регионах"),
                  "en": ("region(s)",)},
}
"""Nouns that follow a number: one form in Kazakh and English, three in Russian (one, few,
many: 1 поручение, 2 поручения, 5 поручений)."""


def say(lang: str, key: str, /, **values: object) -> str:
    """The phrase `key` in `lang` (Kazakh when the language is not one of the table's); a value
    that can be said (a `Phrase`, a `WordedError`, an error with `in_language`) is said in `lang`
    too."""
    phrase = WORDS[key]
    return (phrase.get(lang) or phrase["kk"]).format(
        **{name: _said(lang, value) for name, value in values.items()})


def _said(lang: str, value: object) -> object:
    said = getattr(value, "in_language", None) or getattr(value, "said", None)
    return said(lang) if callable(said) else value


def count(lang: str, n: int, noun: str) -> str:
    """`n` and the noun in the form that number takes: «18 поручений», «18 тапсырма»."""
    forms = NOUNS[noun].get(lang) or NOUNS[noun]["kk"]
    return f"{n} {forms[russian_form(n) if len(forms) == 3 else 0]}"


def russian_form(n: int) -> int:
    """Which of Russian's three forms a noun takes after `n`: 0 one, 1 few, 2 many."""
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


class WordedError(ValueError):
    """A problem with a typed value, said in any language: the phrase `key` of `WORDS` with its
    values.  Its text is English; `said(lang)` is the reader's, so the layer that finds the
    problem need not know who reads it (a date, a cell of an imported form)."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(say("en", key, **values))

    def said(self, lang: str) -> str:
        return say(lang, self.key, **self.values)


class Phrase:
    """A phrase not yet said: its key and values, said (`in_language`) once the reader's
    language is known.

    A check or a file reader finds a problem long before anyone knows who reads it; it keeps
    the phrase, and the command says it once, in the reader's language.  Its `str` is English,
    for logs and JSON consumers that read no language."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values

    def in_language(self, lang: str) -> str:
        return say(lang, self.key, **self.values)

    def __str__(self) -> str:
        return self.in_language("en")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Phrase) and (self.key, self.values) == (other.key,
                                                                            other.values))

    def __hash__(self) -> int:
        return hash(self.key)
