"""Forms (chapter 4): Flask-WTF classes, CSRF-protected by default."""

from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

LARGEST_BURST = 24


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class NameForm(FlaskForm):
    name = StringField(
        "What is your name?",
        validators=[DataRequired(), Length(1, 64)],
        filters=[strip_whitespace],
        render_kw={"autofocus": True, "autocomplete": "off"},
    )
    submit = SubmitField("Submit")


class BurstForm(Form):
    """How many requests the threads page sends at once: a GET form, which changes nothing, so
    it needs no CSRF token."""

    size = IntegerField(
        "Requests in the burst",
        validators=[InputRequired(), NumberRange(1, LARGEST_BURST)],
        default=8,
    )
