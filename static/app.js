// Starts GOV.UK Frontend's components (error summary focus, buttons that prevent double submission, ...).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
