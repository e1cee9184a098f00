// Start GOV.UK Frontend's progressive enhancements (menu toggle, error summary
// focus, etc.). Every page works without this: it only enhances.
// Loaded as <script type="module"> from base.html, so it satisfies
// `script-src 'self'` without a nonce. The relative path resolves to the same
// URL as base.html's <script src=".../dist/govuk-frontend.min.js">, so the
// module is fetched and evaluated once.
import { initAll } from '../dist/govuk-frontend.min.js'

initAll()
