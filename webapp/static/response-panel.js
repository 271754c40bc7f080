// The response panel at the foot of every page: the first time it opens, it asks the app for
// this page's status line and headers (a page cannot hold its own final headers).
for (const panel of document.querySelectorAll("details.response-panel")) {
  const text = panel.querySelector(".response-text");
  panel.addEventListener("toggle", async () => {
    if (!panel.open || panel.dataset.loaded) {
      return;
    }
    panel.dataset.loaded = "yes";
    text.textContent = "Loading…";
    try {
      const response = await fetch(panel.dataset.src, { cache: "no-store" });
      text.textContent = response.ok
        ? await response.text()
        : "The app no longer has this response: it keeps only its latest pages. Reload the page.";
    } catch (error) {
      text.textContent = `The app did not answer (${error.message}). Reload the page.`;
    }
  });

  // Same-origin redirects are counted by the browser's navigation timing.
  const [navigation] = performance.getEntriesByType("navigation");
  if (navigation && navigation.redirectCount > 0) {
    panel.querySelector(".redirect-note").hidden = false;
  }
}
