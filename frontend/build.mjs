// Builds the front end once, at install time: Sass to one CSS file, the two libraries' compiled
// JavaScript and their images into static/dist. Nothing here runs when the service runs.
import * as sass from "sass";
import { cpSync, mkdirSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets", "images"), { recursive: true });

const result = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  loadPaths: [root],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(moj, "moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
// GOV.UK Frontend's CSS names the crest in a header rule we never render; the file is copied only
// so that hashed static file names can be computed for every url() in the CSS. The crown is never shown.
cpSync(join(govuk, "assets", "images", "govuk-crest.svg"), join(out, "assets", "images", "govuk-crest.svg"));
for (const name of readdirSync(join(moj, "assets", "images"))) {
  cpSync(join(moj, "assets", "images", name), join(out, "assets", "images", name), { recursive: true });
}
cpSync(join(root, "node_modules", "axe-core", "axe.min.js"), join(out, "axe.min.js"));
console.log(`front end built into ${out} (${result.css.length} bytes of CSS)`);
