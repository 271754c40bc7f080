"""The command line (chapter 2): the book's ``python hello.py runserver --help`` is now
``flask --app webapp run --help``, printed here by Flask's own command line."""

import threading

from flask import Flask, current_app, render_template
from flask.cli import ScriptInfo, cli

from . import bp

COMMANDS = [["--help"], ["run", "--help"]]
# Click's test runner swaps sys.stdout and os.environ entries for the whole process while it
# runs: one run at a time, once per app.
_help_lock = threading.Lock()


def flask_help(app: Flask, args: list[str]) -> str:
    """What ``flask --app webapp <args>`` prints, from Flask's own ``flask`` command, for this
    running app: no other app is made, no .env file read, the app's debug flag left alone."""
    script_info = ScriptInfo(
        create_app=lambda: app, set_debug_flag=False, load_dotenv_defaults=False
    )
    # make_context sets FLASK_RUN_FROM_CLI; the runner puts it back as it was.
    from click.testing import CliRunner  # here, not at the top: only this page needs it

    runner = CliRunner(env={"FLASK_RUN_FROM_CLI": None})
    result = runner.invoke(
        cli,
        ["--app", "webapp", *args],
        prog_name="flask",
        obj=script_info,
        terminal_width=78,  # as Click lays it out in a terminal 80 columns wide
    )
    return result.output


def help_texts(app: Flask) -> list[tuple[str, str]]:
    """Each command of COMMANDS with the help it prints, made once per app."""
    with _help_lock:
        if "command_line_help" not in app.extensions:
            app.extensions["command_line_help"] = [
                (" ".join(["flask --app webapp", *args]), flask_help(app, args))
                for args in COMMANDS
            ]
    return app.extensions["command_line_help"]


@bp.route("/command-line")
def command_line():
    return render_template(
        "main/command_line.html", commands=help_texts(current_app._get_current_object())
    )
