// Bootstrap's colour modes follow the colour scheme the system (or the desktop window) reports.
// Loaded in <head> before the stylesheets, so the first paint is already in the right mode.
(() => {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const follow = () => {
    document.documentElement.dataset.bsTheme = dark.matches ? "dark" : "light";
  };
  follow();
  dark.addEventListener("change", follow);
})();
