"""Forms (chapter 4): Flask-WTF classes, CSRF-protected by default."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


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
