// Print the name, version and licence text of every package in node_modules except the bundler.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const dirs = [];
for (const name of readdirSync("node_modules")) {
  if (name.startsWith(".")) continue;
  if (name.startsWith("@")) for (const sub of readdirSync(join("node_modules", name))) dirs.push(join(name, sub));
  else dirs.push(name);
}
console.log("web/static/vendor/ui.js bundles the project's own code (MIT) with these packages from the npm registry:\n");
for (const d of dirs.sort()) {
  const pkgFile = join("node_modules", d, "package.json");
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (pkg.name === "esbuild" || pkg.name.startsWith("@esbuild/")) continue;
  const lic = readdirSync(join("node_modules", d)).find((f) => /^licen[cs]e/i.test(f));
  console.log(`== ${pkg.name}@${pkg.version} (${pkg.license}) ==`);
  console.log(lic ? readFileSync(join("node_modules", d, lic), "utf8").trim() : "(no licence file in the package)");
  console.log();
}
