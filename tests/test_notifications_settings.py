"""SmtpSettings.from_env: defaults, errors naming the variable, password secrecy."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest

from notifications import SmtpConfigError, SmtpSettings

PASSWORD = "S3cr3t-Құпия-сөз"
BASE = {"TRACKER_SMTP_HOST": "smtp.edu.gov.kz", "TRACKER_MAIL_FROM": "noreply@edu.gov.kz"}


def env(**values: str) -> dict[str, str]:
    return {**BASE, **values}


def password_file(tmp_path: Path, content: bytes, mode: int = 0o600) -> Path:
    path = tmp_path / "smtp-password"
    path.write_bytes(content)
    os.chmod(path, mode)
    return path


def test_minimal_environment_gives_starttls_on_587() -> None:
    settings = SmtpSettings.from_env(BASE)

    assert settings.host == "smtp.edu.gov.kz"
    assert settings.security == "starttls"
    assert settings.port == 587
    assert settings.timeout == 30
    assert settings.username is None and settings.password is None
    assert settings.mail_from == "noreply@edu.gov.kz"
    assert settings.reply_to is None
    assert settings.tls_context is None


@pytest.mark.parametrize(
    "security, port",
    [("starttls", 587), ("tls", 465), ("none", 25), ("TLS", 465), ("", 587), (" none ", 25)],
)
def test_default_port_follows_security(security: str, port: int) -> None:
    settings = SmtpSettings.from_env(env(TRACKER_SMTP_SECURITY=security))
    assert settings.port == port
    assert settings.security == (security.strip().lower() or "starttls")


def test_explicit_values_are_used() -> None:
    settings = SmtpSettings.from_env(
        env(
            TRACKER_SMTP_SECURITY="tls",
            TRACKER_SMTP_PORT="2465",
            TRACKER_SMTP_TIMEOUT="7.5",
            TRACKER_SMTP_USERNAME="tracker",
            TRACKER_SMTP_PASSWORD=PASSWORD,
            TRACKER_MAIL_FROM="«Қауіпсіз интернет» <noreply@edu.gov.kz>",
            TRACKER_REPLY_TO="Штаб <shtab@edu.gov.kz>",
        )
    )
    assert (settings.security, settings.port, settings.timeout) == ("tls", 2465, 7.5)
    assert (settings.username, settings.password) == ("tracker", PASSWORD)
    assert settings.mail_from == "«Қауіпсіз интернет» <noreply@edu.gov.kz>"
    assert settings.reply_to == "Штаб <shtab@edu.gov.kz>"


def test_password_file_is_read_and_its_trailing_newline_stripped(tmp_path: Path) -> None:
    path = password_file(tmp_path, (PASSWORD + " \n").encode())
    settings = SmtpSettings.from_env(
        env(TRACKER_SMTP_USERNAME="tracker", TRACKER_SMTP_PASSWORD_FILE=str(path))
    )
    assert settings.password == PASSWORD + " "


@pytest.mark.parametrize(
    "values, variable",
    [
        ({"TRACKER_SMTP_HOST": ""}, "TRACKER_SMTP_HOST"),
        ({"TRACKER_MAIL_FROM": ""}, "TRACKER_MAIL_FROM"),
        ({"TRACKER_MAIL_FROM": "not-an-address"}, "TRACKER_MAIL_FROM"),
        ({"TRACKER_MAIL_FROM": "a@b.kz\r\nBcc: x@y.kz"}, "TRACKER_MAIL_FROM"),
        ({"TRACKER_REPLY_TO": "two@@edu.gov.kz"}, "TRACKER_REPLY_TO"),
        ({"TRACKER_SMTP_SECURITY": "ssl"}, "TRACKER_SMTP_SECURITY"),
        ({"TRACKER_SMTP_PORT": "smtp"}, "TRACKER_SMTP_PORT"),
        ({"TRACKER_SMTP_PORT": "0"}, "TRACKER_SMTP_PORT"),
        ({"TRACKER_SMTP_PORT": "65536"}, "TRACKER_SMTP_PORT"),
        ({"TRACKER_SMTP_TIMEOUT": "-1"}, "TRACKER_SMTP_TIMEOUT"),
        ({"TRACKER_SMTP_TIMEOUT": "soon"}, "TRACKER_SMTP_TIMEOUT"),
        ({"TRACKER_SMTP_TIMEOUT": "nan"}, "TRACKER_SMTP_TIMEOUT"),
        ({"TRACKER_SMTP_TIMEOUT": "inf"}, "TRACKER_SMTP_TIMEOUT"),
        ({"TRACKER_SMTP_USERNAME": "tracker"}, "TRACKER_SMTP_PASSWORD"),
        ({"TRACKER_SMTP_PASSWORD": PASSWORD}, "TRACKER_SMTP_USERNAME"),
        (
            {
                "TRACKER_SMTP_USERNAME": "tracker",
                "TRACKER_SMTP_PASSWORD": PASSWORD,
                "TRACKER_SMTP_PASSWORD_FILE": "/run/secrets/smtp",
            },
            "TRACKER_SMTP_PASSWORD_FILE",
        ),
    ],
)
def test_errors_name_the_variable_in_one_line(values: dict[str, str], variable: str) -> None:
    with pytest.raises(SmtpConfigError) as info:
        SmtpSettings.from_env(env(**values))
    message = str(info.value)
    assert variable in message
    assert "\n" not in message
    assert PASSWORD not in message
    assert isinstance(info.value, ValueError)


def test_security_none_only_when_set_explicitly() -> None:
    assert SmtpSettings.from_env(BASE).security == "starttls"
    assert SmtpSettings.from_env(env(TRACKER_SMTP_SECURITY="none")).security == "none"


def test_password_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    for mode in (0o644, 0o640, 0o604):
        path = password_file(tmp_path, PASSWORD.encode(), mode)
        with pytest.raises(SmtpConfigError) as info:
            SmtpSettings.from_env(
                env(TRACKER_SMTP_USERNAME="tracker", TRACKER_SMTP_PASSWORD_FILE=str(path))
            )
        message = str(info.value)
        assert "TRACKER_SMTP_PASSWORD_FILE" in message and "readable by group or others" in message
        assert PASSWORD not in message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\n", "is empty"),
        (PASSWORD.encode("utf-16"), "not valid UTF-8"),
        (b"\xff" + PASSWORD.encode(), "not valid UTF-8"),
    ],
)
def test_bad_password_files_are_refused_without_leaking(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = password_file(tmp_path, content)
    with pytest.raises(SmtpConfigError, match=expected) as info:
        SmtpSettings.from_env(
            env(TRACKER_SMTP_USERNAME="tracker", TRACKER_SMTP_PASSWORD_FILE=str(path))
        )
    # Not even the traceback (with its chained exceptions) shows the secret.
    shown = "".join(traceback.format_exception(info.value))
    assert PASSWORD not in shown
    assert repr(PASSWORD.encode())[2:12] not in shown


def test_missing_password_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SmtpConfigError, match="TRACKER_SMTP_PASSWORD_FILE: cannot read"):
        SmtpSettings.from_env(
            env(
                TRACKER_SMTP_USERNAME="tracker",
                TRACKER_SMTP_PASSWORD_FILE=str(tmp_path / "nope"),
            )
        )


def test_password_never_appears_in_repr_or_str() -> None:
    settings = SmtpSettings.from_env(
        env(TRACKER_SMTP_USERNAME="tracker", TRACKER_SMTP_PASSWORD=PASSWORD)
    )
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings)
    assert PASSWORD not in f"{settings!r} {settings}"
    assert "tracker" in repr(settings)


def test_constructor_validates_too() -> None:
    with pytest.raises(SmtpConfigError, match="together"):
        SmtpSettings(host="h", port=25, username="u", mail_from="a@b.kz")
    with pytest.raises(SmtpConfigError, match="port"):
        SmtpSettings(host="h", port=0, mail_from="a@b.kz")
    with pytest.raises(SmtpConfigError, match="security"):
        SmtpSettings(host="h", port=25, security="ssl", mail_from="a@b.kz")  # type: ignore[arg-type]
    with pytest.raises(SmtpConfigError, match="mail_from"):
        SmtpSettings(host="h", port=25, mail_from="nobody")


@pytest.mark.parametrize(("text", "messages", "seconds", "shown"), [
    ("30/min", 30, 60, "30/min"), ("500/hour", 500, 3600, "500/hour"), ("2/s", 2, 1, "2/s"),
    ("10/5min", 10, 300, "10/5min"), ("6/2s", 6, 2, "6/2s"), (" 30 / Minutes ", 30, 60, "30/min"),
    ("1000/day", 1000, 86400, "1000/day"), ("3/0.5s", 3, 0.5, "3/0.5s"),
])
def test_a_rate_is_messages_per_period(text: str, messages: int, seconds: float,
                                       shown: str) -> None:
    from datetime import timedelta

    from notifications.settings import Rate, RelayPace

    pace = RelayPace.from_env({"TRACKER_SMTP_RATE": text})
    assert pace.rate == Rate(messages, timedelta(seconds=seconds)) and pace.limited
    assert pace.rate.interval == timedelta(seconds=seconds) / messages
    assert str(pace.rate) == shown


@pytest.mark.parametrize(("variable", "value"), [
    ("TRACKER_SMTP_RATE", "fast"), ("TRACKER_SMTP_RATE", "30"), ("TRACKER_SMTP_RATE", "0/min"),
    ("TRACKER_SMTP_RATE", "30/m"), ("TRACKER_SMTP_RATE", "30/0s"), ("TRACKER_SMTP_RATE", "-1/s"),
    ("TRACKER_SMTP_RATE", "5/8days"), ("TRACKER_SMTP_CONNECTIONS", "0"),
    ("TRACKER_SMTP_CONNECTIONS", "2.5"), ("TRACKER_SMTP_CONNECTIONS", "١"),
    ("TRACKER_SMTP_MESSAGES_PER_CONNECTION", "many"),
])
def test_a_bad_pace_names_its_variable_in_one_line(variable: str, value: str) -> None:
    from notifications.settings import RelayPace

    with pytest.raises(SmtpConfigError) as info:
        RelayPace.from_env({variable: value})
    assert str(info.value).startswith(f"{variable} must be ") and "\n" not in str(info.value)


def test_no_pace_set_is_no_limit() -> None:
    from notifications.settings import RelayPace

    pace = RelayPace.from_env({"TRACKER_SMTP_RATE": " ", "TRACKER_SMTP_CONNECTIONS": ""})
    assert pace == RelayPace() and not pace.limited
    assert RelayPace.from_env({"TRACKER_SMTP_CONNECTIONS": "3",
                               "TRACKER_SMTP_MESSAGES_PER_CONNECTION": "100"}) == RelayPace(
        connections=3, messages_per_connection=100)
