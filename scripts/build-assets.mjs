// Build static/build/: our stylesheet compiled from Sass with GOV.UK Frontend, and the
// GOV.UK Frontend script. Fonts and GOV.UK brand images are deliberately not copied.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { compile } from "sass";

const out = "static/build";
mkdirSync(out, { recursive: true });

const css = compile("assets/scss/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, css.css);

copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
copyFileSync("assets/js/app.mjs", `${out}/app.mjs`);
console.log(`built ${out}/app.css (${css.css.length} bytes), app.mjs, govuk-frontend.min.js`);
