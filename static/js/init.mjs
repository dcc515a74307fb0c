// Initialises the NHS.UK frontend components (a static module: the CSP allows no inline script).
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
