// Starts GOV.UK Frontend's components (error summary focus, buttons that prevent double submission, ...).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();

// A feed import waiting or running in the background: follow its progress (JSON) and show the result when done.
const progress = document.querySelector("[data-progress-url]");
if (progress) {
  const bar = progress.querySelector("progress");
  const label = progress.querySelector("label");
  const percent = progress.querySelector("[data-percent]");
  const poll = async () => {
    const response = await fetch(progress.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const state = await response.json();
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    percent.textContent = `${state.percent}%`;
    label.textContent =
      state.status === "queued" ? "Waiting to start" : `Importing: ${state.processed} of ${state.total || "?"} rows`;
    if (state.status === "queued" || state.status === "running") {
      window.setTimeout(poll, 1500);
    } else {
      window.location.reload();
    }
  };
  window.setTimeout(poll, 1500);
}

// A question that only some answers make relevant ("Who is applying?" has no answer for the police-initiated
// routes): hidden while another answer is chosen. Without scripts it stays visible, and the service ignores
// an answer the chosen route does not ask for.
for (const question of document.querySelectorAll("[data-shown-for-routes]")) {
  const routes = question.dataset.shownForRoutes.split(" ");
  const choices = [...document.querySelectorAll('input[name="route"]')];
  const update = () => {
    const chosen = choices.find((choice) => choice.checked);
    question.hidden = chosen !== undefined && !routes.includes(chosen.value);
  };
  for (const choice of choices) choice.addEventListener("change", update);
  update();
}
