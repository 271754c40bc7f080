"""The Flask extensions of the app, made once here and bound to each app by create_app."""

from flask_bootstrap import Bootstrap5
from flask_moment import Moment
from flask_wtf.csrf import CSRFProtect

bootstrap = Bootstrap5()
moment = Moment()
csrf = CSRFProtect()
