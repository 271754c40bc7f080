// Show times in the language of the browser (Flask-Moment's setup script chose English).
moment.locale(window.navigator.language);
