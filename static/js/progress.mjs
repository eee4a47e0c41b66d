// A progress page (an import, a committee paper) keeps itself current without reloading (a timed reload would take the
// reader's place and focus away: WCAG 2.2.1). Every 2 seconds it reads the page again and updates
// the figures in place; when the work has finished or failed it loads the outcome page.
const region = document.querySelector("[data-progress]");
if (region) {
  const poll = async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector("[data-progress]");
      if (!fresh) {
        window.location.reload();
        return;
      }
      region.querySelector("[data-figures]").textContent = fresh.querySelector("[data-figures]").textContent;
      const bar = region.querySelector("progress");
      const freshBar = fresh.querySelector("progress");
      bar.value = freshBar.value;
      bar.textContent = freshBar.textContent;
    } catch (error) {
      // A missed poll is retried on the next tick; the "Refresh now" link still works.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
