// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A region marked data-poll (an import or a print that is running) refreshes itself from
// the address it names, which answers with the region again (same id), until it is done;
// without JavaScript, its "Check progress" link does the same.
for (const region of document.querySelectorAll("[data-poll]")) {
  const poll = async () => {
    const response = await fetch(region.dataset.poll, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const next = holder.querySelector(`#${region.id}`);
    if (!next) return;
    region.innerHTML = next.innerHTML;
    if (next.dataset.poll) setTimeout(poll, 2000);
    else delete region.dataset.poll;
  };
  setTimeout(poll, 2000);
}
