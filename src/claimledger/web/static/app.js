// claimledger dashboard. Hand-written, no framework, no build step for this file.
//
// Security rule of this file: every string that comes from the ledger (document text, titles,
// claimant names, places, evidence) is untrusted. It is only ever put into the page as a text
// node (textContent / createTextNode); innerHTML is never used with data, and links are only made
// from http(s) URLs. The page is served with a Content-Security-Policy that forbids inline script.
"use strict";

(function () {
  // ------------------------------------------------------------------------------------------
  // Fields the dashboard filters and facets on (the API's whitelisted claim fields).
  // ------------------------------------------------------------------------------------------
  const FACETS = [
    { field: "party", label: "Party (whose losses)" },
    { field: "perpetrator", label: "Perpetrator (who did it)", none: "(not named)" },
    { field: "side", label: "Claimant side" },
    { field: "kind", label: "Kind" },
    { field: "means", label: "Means", multi: true },
    { field: "outlet", label: "Outlet" },
    { field: "precision", label: "Location precision" },
    { field: "language", label: "Language" },
  ];
  const DATE_FIELD = "date";
  const SEARCH_FIELD = "evidence";
  const VIEW_PARAMS = ["event", "doc", "claim", "group", "tab"];
  const PAGE_SIZE = 50;

  const state = {
    filters: [], // {field, op, value}
    view: {},    // event, doc, claim, tab
    claimsNext: null,
    eventsNext: null,
    config: null,
  };

  // ------------------------------------------------------------------------------------------
  // DOM helpers: text only.
  // ------------------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
        else if (k === "href") { if (safeHref(v)) el.setAttribute("href", v); }
        else el.setAttribute(k, String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function safeHref(v) {
    const s = String(v);
    return s.startsWith("/") && !s.startsWith("//") ? true : /^https?:\/\//i.test(s);
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function $(id) { return document.getElementById(id); }
  function fmtInt(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en-US"); }
  function sideClass(side) {
    if (!side) return "side-none";
    const s = String(side).toLowerCase();
    return s === "ukraine" ? "side-ukraine" : s === "russia" ? "side-russia" : "side-other";
  }
  function snippet(text, n) {
    const t = String(text || "").replace(/\s+/g, " ").trim();
    return t.length > n ? t.slice(0, n - 1) + "…" : t;
  }
  function showError(msg) {
    const el = $("error");
    el.textContent = msg;
    el.hidden = false;
    setTimeout(() => { el.hidden = true; }, 6000);
  }

  // ------------------------------------------------------------------------------------------
  // URL state: filters as field__op=value (the API's own syntax), plus view params.
  // ------------------------------------------------------------------------------------------
  function readUrl() {
    const params = new URLSearchParams(location.search);
    state.filters = [];
    state.view = {};
    for (const [k, v] of params) {
      if (VIEW_PARAMS.includes(k)) { state.view[k] = v; continue; }
      const m = /^([a-z_0-9]+)__(eq|in|gte|lte|contains)$/.exec(k);
      if (m) state.filters.push({ field: m[1], op: m[2], value: v });
    }
  }
  function filterParams(exclude) {
    const p = new URLSearchParams();
    for (const f of state.filters) {
      if (exclude && exclude(f)) continue;
      p.append(`${f.field}__${f.op}`, f.value);
    }
    return p;
  }
  function writeUrl(push) {
    const p = filterParams();
    for (const k of VIEW_PARAMS) if (state.view[k]) p.set(k, state.view[k]);
    const qs = p.toString();
    const url = location.pathname + (qs ? "?" + qs : "");
    if (url !== location.pathname + location.search) {
      (push ? history.pushState : history.replaceState).call(history, null, "", url);
    }
  }
  function setFilter(field, op, value) {
    state.filters = state.filters.filter((f) => !(f.field === field && f.op === op));
    if (value !== null && value !== undefined && value !== "") state.filters.push({ field, op, value: String(value) });
  }
  function getFilter(field, op) {
    const f = state.filters.find((x) => x.field === field && x.op === op);
    return f ? f.value : null;
  }
  function selectedValues(field) {
    const out = [];
    for (const f of state.filters) {
      if (f.field !== field) continue;
      if (f.op === "eq" || f.op === "contains") out.push(f.value);
      else if (f.op === "in") out.push(...f.value.split(",").filter(Boolean));
    }
    return out;
  }
  function toggleFacet(facet, value) {
    const current = selectedValues(facet.field);
    const next = current.includes(value) ? current.filter((v) => v !== value) : current.concat([value]);
    state.filters = state.filters.filter((f) => f.field !== facet.field);
    if (facet.multi) {
      for (const v of next) state.filters.push({ field: facet.field, op: "contains", value: v });
    } else if (next.length === 1) {
      state.filters.push({ field: facet.field, op: "eq", value: next[0] });
    } else if (next.length > 1) {
      state.filters.push({ field: facet.field, op: "in", value: next.join(",") });
    }
    applyFilters();
  }

  // ------------------------------------------------------------------------------------------
  // API
  // ------------------------------------------------------------------------------------------
  async function api(path, params) {
    const qs = params && params.toString();
    const resp = await fetch(path + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (!resp.ok || !body || body.ok === false) {
      throw new Error((body && body.error) || `${resp.status} ${resp.statusText}`);
    }
    return body;
  }

  // ------------------------------------------------------------------------------------------
  // Active filter chips, export links, totals
  // ------------------------------------------------------------------------------------------
  const OP_WORDS = { eq: "=", in: "in", gte: "≥", lte: "≤", contains: "contains" };
  function renderChips() {
    const box = $("active-filters");
    clear(box);
    if (!state.filters.length) {
      box.appendChild(h("span", { class: "chip-none", text: "No filters: showing the whole ledger. Click a facet, a bar of the timeline or a province to filter." }));
      return;
    }
    for (const f of state.filters) {
      box.appendChild(h("span", { class: "chip", "data-field": f.field },
        `${f.field.replace(/_/g, " ")} ${OP_WORDS[f.op]} ${f.value}`,
        h("button", {
          type: "button", "aria-label": `remove filter ${f.field}`, text: "×",
          onclick: () => { state.filters = state.filters.filter((x) => x !== f); applyFilters(); },
        })));
    }
  }
  function renderExportLinks() {
    for (const fmt of ["csv", "jsonl", "geojson"]) {
      const p = filterParams();
      p.set("_format", fmt);
      $("export-" + fmt).setAttribute("href", "/api/claims?" + p.toString());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Facets
  // ------------------------------------------------------------------------------------------
  // A refresh generation: answers that arrive after the filters changed again are dropped.
  let generation = 0;

  function renderFacet(f, facet) {
    const selected = selectedValues(f.field);
    const list = h("ul", { "data-facet": f.field });
    for (const item of facet.results || []) {
      const value = item.value;
      const isSel = item.selected || selected.includes(String(value));
      const label = value === null || value === "" ? f.none || "(unknown)" : String(value);
      const li = h("li", {
        class: isSel ? "selected" : "", "data-value": label, title: label,
        role: "button", tabindex: "0",
      }, h("span", { class: "value", text: label }), h("span", { class: "count", text: fmtInt(item.count) }));
      if (value !== null && value !== "") {
        li.addEventListener("click", () => toggleFacet(f, String(value)));
        li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") toggleFacet(f, String(value)); });
      }
      list.appendChild(li);
    }
    if (facet.timed_out) list.appendChild(h("li", { class: "empty pending", text: "counting…" }));
    else if (!(facet.results || []).length) list.appendChild(h("li", { class: "empty", text: "none" }));
    return h("section", { class: "facet", "data-facet-section": f.field }, h("h3", { text: f.label }), list);
  }

  async function loadFacets() {
    const gen = generation;
    const box = $("facet-lists");
    const p = filterParams();
    for (const f of FACETS) p.append("_facet", f.field);
    p.set("_facet_size", "12");
    let body;
    try { body = await api("/api/facets", p); } catch (e) { showError("facets: " + e.message); return; }
    if (gen !== generation) return;
    clear(box);
    const slow = [];
    for (const f of FACETS) {
      const facet = (body.facets || {})[f.field];
      if (!facet) continue;
      box.appendChild(renderFacet(f, facet));
      if (facet.timed_out) slow.push(f);
    }
    // Facets that did not fit the quick budget are counted again, patiently, in the background.
    for (const f of slow) {
      const q = filterParams();
      q.set("_facet", f.field);
      q.set("_facet_size", "12");
      q.set("_wait", "1");
      api("/api/facets", q).then((b) => {
        if (gen !== generation) return;
        const old = box.querySelector(`[data-facet-section="${f.field}"]`);
        const facet = (b.facets || {})[f.field];
        if (old && facet) {
          if (facet.timed_out) facet.results = [];
          const fresh = renderFacet(f, { ...facet, timed_out: false });
          if (facet.timed_out) fresh.querySelector("ul").appendChild(h("li", { class: "empty", text: "too slow to count: narrow the filters" }));
          box.replaceChild(fresh, old);
        }
      }).catch((e) => showError("facets: " + e.message));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Claims table
  // ------------------------------------------------------------------------------------------
  // Claim rows are the claim contract (nested victim, quantity, claimant, location, evidence) plus ids.
  function party(c) { return (c.victim && c.victim.party) || null; }
  function side(c) { return (c.claimant && c.claimant.side) || null; }
  function claimant(c) { return (c.claimant && c.claimant.name) || null; }
  function perpetrator(c) { return (c.perpetrator && c.perpetrator.party) || null; }
  // Who says who did what to whom, as one sentence: "Governor X (Ukraine) says Russian artillery killed 3 civilians".
  const ACTIVE = { killed: "killed", wounded: "wounded", casualties: "inflicted losses of", irrecoverable:
    "inflicted irrecoverable losses of", captured: "captured", missing: "left missing", surrendered:
    "took the surrender of", deployed: "deployed", equipment_destroyed: "destroyed", equipment_damaged: "damaged",
    equipment_captured: "captured" };
  const PASSIVE = { killed: "killed", wounded: "wounded", casualties: "lost", irrecoverable: "lost for good",
    captured: "captured", missing: "missing", surrendered: "surrendered", deployed: "deployed",
    equipment_destroyed: "destroyed", equipment_damaged: "damaged", equipment_captured: "captured" };
  function saysSentence(c) {
    const who = claimant(c) ? `${claimant(c)}${side(c) ? ` (${side(c)})` : ""}` : side(c) || "An unattributed report";
    const v = c.victim || {};
    const victims = [quantityText(c), v.text || party(c) || "people"].join(" ");
    const p = c.perpetrator || {};
    const doer = p.text || p.party;
    if (doer) return `${who} says ${doer}${p.text && p.party && !p.text.includes(p.party) ? ` (${p.party})` : ""} ${ACTIVE[c.kind] || c.kind} ${victims}`;
    return `${who} says ${victims} ${PASSIVE[c.kind] || c.kind} (no perpetrator named)`;
  }
  function evidenceText(c) { return (c.evidence && c.evidence.text) || ""; }
  function claimDate(c) { return (c.event_time && c.event_time.end) || c.stated_on || (c.published || "").slice(0, 10); }
  function placeText(c) {
    const l = c.location;
    return l ? `${l.name}${l.precision ? ` (${l.precision})` : ""}` : "";
  }
  function quantityText(c) {
    const qq = c.quantity || {};
    const lo = qq.low === undefined ? null : qq.low, hi = qq.high === undefined ? null : qq.high, q = qq.qualifier;
    if (lo === null && hi === null) return qq.text || "?";
    if (q === "range" || (lo !== null && hi !== null && lo !== hi)) return `${lo === null ? "?" : fmtInt(lo)}–${hi === null ? "?" : fmtInt(hi)}`;
    const n = lo !== null ? lo : hi;
    const pre = { approx: "~", at_least: "≥ ", at_most: "≤ " }[q] || "";
    return pre + fmtInt(n);
  }
  function deathsText(ev) {
    const d = ev.deaths || {};
    return [d.low, d.best, d.high].map((x) => (x === null || x === undefined ? "–" : fmtInt(x))).join(" / ");
  }
  function claimRow(c) {
    const tr = h("tr", { "data-claim-id": c.id },
      h("td", { class: "nowrap", text: claimDate(c) }),
      h("td", { text: claimant(c) || "—" }),
      h("td", {}, h("span", { class: "side-tag " + sideClass(side(c)), text: side(c) || "?" })),
      h("td", { text: c.kind }),
      h("td", { text: party(c) || "?" }),
      h("td", { class: "perpetrator", title: (c.perpetrator && c.perpetrator.text) || "", text: perpetrator(c) || "—" }),
      h("td", { class: "num", text: quantityText(c) }),
      h("td", { text: placeText(c) }),
      h("td", { class: "stance-" + c.stance, text: c.stance }),
      h("td", { class: "evidence", text: snippet(evidenceText(c), 140) }),
    );
    tr.addEventListener("click", () => openDocument(c.document_id, c.id));
    tr.appendChild(h("td", { class: "nowrap" }, c.event_id ? h("button", {
      type: "button", class: "link-button", text: "who says what →", "data-event-id": c.event_id,
      onclick: (ev) => { ev.stopPropagation(); openEvent(c.event_id); },
    }) : null));
    return tr;
  }
  async function loadClaims(append) {
    const tbody = $("claims-table").querySelector("tbody");
    const p = filterParams();
    p.set("_size", String(PAGE_SIZE));
    if (append && state.claimsNext) p.set("_next", state.claimsNext);
    let body;
    try { body = await api("/api/claims", p); } catch (e) { showError("claims: " + e.message); return; }
    if (!append) clear(tbody);
    for (const c of body.rows) tbody.appendChild(claimRow(c));
    if (!append && !body.rows.length) tbody.appendChild(h("tr", {}, h("td", { colspan: 11, class: "empty", text: "No claims match these filters." })));
    state.claimsNext = body.next;
    $("claims-more").hidden = !body.next;
    if (!append) showTotal(body, p);
  }
  // The page's total is exact when counting is cheap; otherwise the API says total_truncated and
  // the exact count is fetched in the background (it is cached, so the next pages have it too).
  let totalSeq = 0;
  function showTotal(body, params) {
    const seq = ++totalSeq;
    const put = (n) => { $("total").textContent = `${fmtInt(n)} claim${n === 1 ? "" : "s"}`; };
    if (body.total !== null && body.total !== undefined) { put(body.total); return; }
    $("total").textContent = "counting claims…";
    const p = new URLSearchParams(params);
    p.delete("_next");
    p.set("_size", "1");
    p.set("_total", "exact");
    api("/api/claims", p).then((b) => {
      if (seq !== totalSeq) return;
      if (b.total === null) $("total").textContent = "too many claims to count quickly"; else put(b.total);
    }).catch((e) => showError("count: " + e.message));
  }

  // ------------------------------------------------------------------------------------------
  // Events table
  // ------------------------------------------------------------------------------------------
  // Events are filtered by the claim filters they share (party, date, place).
  function eventParams() {
    const p = new URLSearchParams();
    for (const f of state.filters) {
      if (f.field === "party") p.append(`party__${f.op === "in" ? "in" : "contains"}`, f.value);
      else if (f.field === "perpetrator" && f.value) p.append(`perpetrator__${f.op === "in" ? "in" : "contains"}`, f.value);
      else if (f.field === DATE_FIELD && f.op === "gte") p.append("date__gte", f.value);
      else if (f.field === DATE_FIELD && f.op === "lte") p.append("date_start__lte", f.value);
      else if (f.field === "admin1") p.append(`admin1__${f.op}`, f.value);
      else if (f.field === "bbox") p.append("bbox", f.value);
    }
    return p;
  }
  async function loadEvents(append) {
    const tbody = $("events-table").querySelector("tbody");
    const p = eventParams();
    p.set("_size", String(PAGE_SIZE));
    if (append && state.eventsNext) p.set("_next", state.eventsNext);
    let body;
    try { body = await api("/api/events", p); } catch (e) { showError("events: " + e.message); return; }
    if (!append) clear(tbody);
    for (const ev of body.rows) {
      const tr = h("tr", { "data-event-id": ev.id },
        h("td", { text: ev.date_start === ev.date_end ? ev.date_start : `${ev.date_start} – ${ev.date_end}` }),
        h("td", { text: [ev.place || ev.admin1 || "?", ev.precision ? `(${ev.precision})` : ""].join(" ") }),
        h("td", { text: (ev.parties || []).join(", ") }),
        h("td", { class: "perpetrators", text: (ev.perpetrators || []).join(" / ") || "—" }),
        h("td", { class: "num", text: fmtInt(ev.n_claims) }),
        h("td", { class: "num", text: fmtInt(ev.n_sides) }),
        h("td", { class: "num", text: deathsText(ev) }),
      );
      tr.addEventListener("click", () => openEvent(ev.id));
      tbody.appendChild(tr);
    }
    if (!append && !body.rows.length) tbody.appendChild(h("tr", {}, h("td", { colspan: 7, class: "empty", text: "No events match these filters." })));
    state.eventsNext = body.next;
    $("events-more").hidden = !body.next;
  }

  async function loadSources() {
    const tbody = $("sources-table").querySelector("tbody");
    let body;
    try { body = await api("/api/sources", new URLSearchParams({ _size: "200" })); } catch (e) { showError("sources: " + e.message); return; }
    clear(tbody);
    for (const s of body.rows) {
      const tr = h("tr", {},
        h("td", { text: s.outlet || "(unknown)" }),
        h("td", { class: "num", text: fmtInt(s.documents) }),
        h("td", { class: "num", text: fmtInt(s.claims) }),
        h("td", { text: s.first_published || "" }),
        h("td", { text: s.last_published || "" }));
      if (s.outlet) tr.addEventListener("click", () => { setFilter("outlet", "eq", s.outlet); applyFilters(); });
      tbody.appendChild(tr);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Timeline histogram (linked: click or drag filters the date range of everything else)
  // ------------------------------------------------------------------------------------------
  const SVGNS = "http://www.w3.org/2000/svg";
  function s(tag, attrs) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    return el;
  }
  async function loadTimeline(wait) {
    const gen = generation;
    const svg = $("timeline");
    const p = filterParams((f) => f.field === DATE_FIELD);
    if (wait) p.set("_wait", "1");
    let body;
    try { body = await api("/api/timeline", p); } catch (e) { showError("timeline: " + e.message); return; }
    if (gen !== generation) return;
    if (body.timed_out && !wait) loadTimeline(true);  // draw it when the patient request answers
    clear(svg);
    const buckets = body.buckets || [];
    const W = svg.clientWidth || 800, H = 110, padL = 34, padB = 18, padT = 6;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    if (!buckets.length) {
      const t = s("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis" });
      t.textContent = body.timed_out ? (wait ? "too many claims to draw the timeline: narrow the filters" : "drawing the timeline…") : "no dated claims";
      svg.appendChild(t);
      return;
    }
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const bw = (W - padL - 4) / buckets.length;
    const lo = getFilter(DATE_FIELD, "gte"), hi = getFilter(DATE_FIELD, "lte");
    const yl = s("text", { x: 2, y: padT + 8, class: "axis" });
    yl.textContent = fmtInt(max);
    svg.appendChild(yl);
    const bars = [];
    buckets.forEach((b, i) => {
      const bh = Math.max(b.count ? 1 : 0, ((H - padB - padT) * b.count) / max);
      const inRange = (lo || hi) && (!lo || b.end >= lo) && (!hi || b.start <= hi);
      const r = s("rect", {
        x: padL + i * bw + 0.5, y: H - padB - bh, width: Math.max(1, bw - 1), height: bh,
        class: "bar" + (inRange ? " in-range" : ""), "data-start": b.start, "data-end": b.end, "data-count": b.count,
      });
      const title = s("title");
      title.textContent = `${b.start} – ${b.end}: ${fmtInt(b.count)} claims`;
      r.appendChild(title);
      svg.appendChild(r);
      bars.push(r);
    });
    const every = Math.max(1, Math.ceil(buckets.length / Math.max(1, Math.floor((W - padL) / 70))));
    let lastX = -Infinity;
    buckets.forEach((b, i) => {
      if (i % every) return;
      const x = Math.min(padL + i * bw, W - 62);
      if (x - lastX < 66) return; // never let two labels overlap
      lastX = x;
      const t = s("text", { x, y: H - 4, class: "axis" });
      t.textContent = body.bucket === "day" || body.bucket === "week" ? b.start : b.start.slice(0, 7);
      svg.appendChild(t);
    });
    // Brushing: mousedown on a bar, drag, mouseup; a click without drag selects one bar.
    let startIdx = null;
    let brush = null;
    const idxAt = (ev) => {
      const rect = svg.getBoundingClientRect();
      const x = ((ev.clientX - rect.left) * W) / rect.width;
      return Math.min(buckets.length - 1, Math.max(0, Math.floor((x - padL) / bw)));
    };
    svg.onmousedown = (ev) => {
      ev.preventDefault();
      startIdx = idxAt(ev);
      brush = s("rect", { x: padL + startIdx * bw, y: padT, width: bw, height: H - padB - padT, class: "brush" });
      svg.appendChild(brush);
    };
    svg.onmousemove = (ev) => {
      if (startIdx === null || !brush) return;
      const i = idxAt(ev);
      const a = Math.min(i, startIdx), b = Math.max(i, startIdx);
      brush.setAttribute("x", padL + a * bw);
      brush.setAttribute("width", (b - a + 1) * bw);
    };
    svg.onmouseup = (ev) => {
      if (startIdx === null) return;
      const i = idxAt(ev);
      const a = Math.min(i, startIdx), b = Math.max(i, startIdx);
      startIdx = null;
      setFilter(DATE_FIELD, "gte", buckets[a].start);
      setFilter(DATE_FIELD, "lte", buckets[b].end);
      applyFilters();
    };
    svg.onmouseleave = () => { if (brush && startIdx !== null) { brush.remove(); startIdx = null; } };
    $("clear-dates").hidden = !(lo || hi);
  }

  // ------------------------------------------------------------------------------------------
  // Map: offline basemap, claims clustered and styled by precision, provinces shaded for admin1
  // ------------------------------------------------------------------------------------------
  const mapState = { map: null, provinces: null, provinceIndex: new Map(), claimsLayer: null, areaLayer: null, eventsLayer: null };

  function provinceKey(name) {
    return String(name || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['’`ʹ]/g, "")
      .replace(/\b(oblast|oblasti|region|krai|kray|republic of|republic|autonomous|okrug|voblasts|city)\b/g, "")
      .replace(/[^a-z]+/g, " ").trim();
  }
  function findProvince(admin1, country) {
    const k = provinceKey(admin1);
    if (!k) return null;
    const cands = mapState.provinceIndex.get(k) || [];
    let hit = cands.find((f) => !country || f.properties.country === country) || cands[0];
    if (!hit && k.length >= 5) {
      // Transliteration drift ("zaporizhzhia" vs "zaporizhzhya"): a shared 5-letter stem in the same country.
      for (const [key, feats] of mapState.provinceIndex) {
        if (key.slice(0, 5) === k.slice(0, 5)) { hit = feats.find((f) => !country || f.properties.country === country); if (hit) break; }
      }
    }
    return hit || null;
  }

  async function initMap() {
    if (typeof L === "undefined") {
      $("map").appendChild(h("div", { class: "empty", text: "Map scripts are not built (run `make web`)." }));
      return;
    }
    const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5 }).setView([48.6, 34.5], 5);
    mapState.map = map;
    const cfg = state.config || {};
    if (cfg.tile_url) {
      L.tileLayer(cfg.tile_url, { attribution: cfg.tile_attribution || "", maxZoom: 18 }).addTo(map);
    }
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    // Outlines in their own pane above any tiles and below everything drawn from the ledger.
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = "250";
    try {
      const countries = await (await fetch("/static/basemap/countries.geojson")).json();
      L.geoJSON(countries, {
        pane: "basemap",
        interactive: false,
        style: { color: "#8a96a8", weight: 1, fillColor: "#f4f1ea", fillOpacity: cfg.tile_url ? 0 : 1 },
      }).addTo(map);
      const provinces = await (await fetch("/static/basemap/provinces.geojson")).json();
      for (const f of provinces.features) {
        for (const k of f.properties.keys || []) {
          if (!mapState.provinceIndex.has(k)) mapState.provinceIndex.set(k, []);
          mapState.provinceIndex.get(k).push(f);
        }
      }
      mapState.provinces = L.geoJSON(provinces, {
        pane: "basemap",
        interactive: false,
        style: { color: "#b9c0cb", weight: 0.7, fill: false },
      }).addTo(map);
    } catch (e) {
      showError("basemap could not be loaded: " + e.message);
    }
    mapState.areaLayer = L.layerGroup().addTo(map);
    // A cluster shows how many claims it holds (each marker is one place with `claimCount` claims).
    const clusterIcon = (cluster) => {
      const n = cluster.getAllChildMarkers().reduce((a, m) => a + (m.options.claimCount || 1), 0);
      const size = n < 10 ? "small" : n < 1000 ? "medium" : "large";
      return L.divIcon({
        html: h("div", {}, h("span", { text: n >= 10000 ? `${Math.round(n / 1000)}k` : fmtInt(n) })),
        className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40),
      });
    };
    mapState.claimsLayer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, iconCreateFunction: clusterIcon }).addTo(map);
    // Events sit below the claim markers, so a claim point inside an event's ring stays clickable.
    map.createPane("events");
    map.getPane("events").style.zIndex = "390";
    mapState.eventsLayer = L.layerGroup().addTo(map);
    L.control.layers(null, { "Claims": mapState.claimsLayer, "Provinces (admin1 claims)": mapState.areaLayer, "Events": mapState.eventsLayer }, { collapsed: true }).addTo(map);
    addViewFilterControl(map);
    renderLegend();
  }

  // "Only what is in view": the map's bounds become a bbox filter for everything else.
  function boundsValue(map) {
    const b = map.getBounds();
    const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((x) => x.toFixed(3)).join(",");
  }
  function addViewFilterControl(map) {
    const Ctl = L.Control.extend({
      onAdd() {
        const box = h("input", { type: "checkbox", id: "view-filter" });
        box.checked = !!getFilter("bbox", "eq");
        box.addEventListener("change", () => {
          setFilter("bbox", "eq", box.checked ? boundsValue(map) : null);
          applyFilters();
        });
        const label = h("label", { class: "view-filter", for: "view-filter" }, box, " only claims in view");
        L.DomEvent.disableClickPropagation(label);
        return label;
      },
    });
    new Ctl({ position: "topright" }).addTo(map);
    map.on("moveend", () => {
      const box = $("view-filter");
      if (!box || !box.checked) return;
      const v = boundsValue(map);
      if (v !== getFilter("bbox", "eq")) { setFilter("bbox", "eq", v); applyFilters(false); }
    });
  }

  function renderLegend() {
    const box = $("map-legend");
    clear(box);
    box.appendChild(h("div", {}, h("span", { class: "swatch point" }), "exact place (town, site)"));
    box.appendChild(h("div", {}, h("span", { class: "swatch admin2" }), "district (admin2): approximate"));
    box.appendChild(h("div", {}, h("span", { class: "swatch admin1" }), "province only (admin1): shaded area"));
    box.appendChild(h("div", {}, h("span", { class: "swatch event" }), "event (who says what)"));
    box.appendChild(h("div", { text: "Country- or region-level claims are not drawn." }));
  }

  function popupFor(title, lines, ids) {
    const el = h("div", { class: "popup" }, h("strong", { text: title }));
    for (const l of lines) el.appendChild(h("div", { text: l }));
    if (ids && ids.length) {
      const ul = h("ul", { class: "doc-claims" });
      for (const c of ids.slice(0, 6)) {
        ul.appendChild(h("li", {}, h("button", {
          type: "button", class: "link-button", text: `${c.kind}: ${snippet(evidenceText(c), 60)}`,
          onclick: () => openDocument(c.document_id, c.id),
        })));
      }
      el.appendChild(ul);
    }
    return el;
  }

  // A point's claims are fetched when its popup opens: the current filters plus a tiny box around it.
  function pointPopup(pt) {
    const el = popupFor(pt.place || "?", [`${fmtInt(pt.count)} claims`, `precision: ${pt.precision}`], null);
    const p = filterParams((f) => f.field === "bbox");
    const d = 0.0051; // the API groups points on a 0.01° grid
    p.set("bbox", [pt.lon - d, pt.lat - d, pt.lon + d, pt.lat + d].map((x) => x.toFixed(5)).join(","));
    p.set("_size", "6");
    p.set("_total", "0");
    api("/api/claims", p).then((body) => {
      const ul = h("ul", { class: "doc-claims" });
      for (const c of body.rows) {
        ul.appendChild(h("li", {}, h("button", {
          type: "button", class: "link-button", text: `${claimHeadline(c)} (${side(c) || "?"} says)`,
          onclick: () => openDocument(c.document_id, c.id),
        })));
      }
      el.appendChild(ul);
    }).catch((e) => el.appendChild(h("div", { text: e.message })));
    return el;
  }

  async function loadMap(wait) {
    if (!mapState.map) return;
    const gen = generation;
    const p = filterParams();
    if (wait) p.set("_wait", "1");
    let body;
    try { body = await api("/api/map", p); } catch (e) { showError("map: " + e.message); return; }
    if (gen !== generation) return;
    if (body.timed_out && !wait) loadMap(true);
    mapState.claimsLayer.clearLayers();
    mapState.areaLayer.clearLayers();
    const markers = [];
    for (const pt of body.points || []) {
      const admin2 = pt.precision === "admin2";
      const m = L.circleMarker([pt.lat, pt.lon], admin2
        ? { radius: 11, color: "#e67e22", weight: 2, dashArray: "4 3", fill: true, fillOpacity: 0.08, className: "claim-admin2" }
        : { radius: 6, color: "#8a4a10", weight: 1.5, fillColor: "#e67e22", fillOpacity: 0.9, className: "claim-point" });
      m.bindPopup(() => pointPopup(pt));
      m.options.claimCount = pt.count;
      markers.push(m);
    }
    mapState.claimsLayer.addLayers(markers);
    let unmatched = 0;
    const maxArea = Math.max(1, ...(body.areas || []).map((a) => a.count));
    for (const area of body.areas || []) {
      const prov = findProvince(area.admin1, area.country);
      const opacity = 0.15 + 0.45 * (area.count / maxArea);
      const lines = [`${fmtInt(area.count)} claims located only to this province`, "click to filter by it"];
      let layer;
      if (prov) {
        layer = L.geoJSON(prov, { style: { color: "#d35400", weight: 1.5, fillColor: "#e67e22", fillOpacity: opacity, className: "area-admin1" } });
      } else if (area.lat !== null && area.lon !== null) {
        // No outline for this province: a large translucent disc, never a point.
        layer = L.circle([area.lat, area.lon], { radius: 60000, color: "#d35400", weight: 1, dashArray: "6 4", fillColor: "#e67e22", fillOpacity: opacity * 0.6, className: "area-admin1 area-disc" });
      } else { unmatched += area.count; continue; }
      layer.bindTooltip(`${area.admin1}: ${fmtInt(area.count)} claims (province-level)`, { sticky: true });
      layer.on("click", () => { setFilter("admin1", "eq", area.admin1); applyFilters(); });
      mapState.areaLayer.addLayer(layer);
    }
    const u = body.unplaced || {};
    const parts = [];
    if (u.country) parts.push(`${fmtInt(u.country)} located only to a country`);
    if (u.region) parts.push(`${fmtInt(u.region)} to a front/region`);
    if (u.none) parts.push(`${fmtInt(u.none)} without a place`);
    if (unmatched) parts.push(`${fmtInt(unmatched)} in provinces without an outline`);
    if (body.timed_out) parts.push(wait ? "too many claims to map: narrow the filters" : "mapping the claims…");
    if (body.points_truncated) parts.push("only the busiest places are drawn");
    $("map-note").textContent = body.timed_out ? parts[parts.length - 1] : parts.length ? `Not on the map: ${parts.join(", ")}.` : "";
    if (!body.timed_out || wait) await loadMapEvents();
  }

  async function loadMapEvents() {
    mapState.eventsLayer.clearLayers();
    const p = eventParams();
    p.set("_size", "500");
    let body;
    try { body = await api("/api/events", p); } catch (e) { return; }
    for (const ev of body.rows) {
      if (ev.lat === null || ev.lon === null || ev.lat === undefined) continue;
      let layer;
      if (ev.precision === "point" || ev.precision === "admin2") {
        layer = L.marker([ev.lat, ev.lon], { pane: "events", icon: L.divIcon({ className: "event-marker", iconSize: [22, 22] }), keyboard: true, title: `event ${ev.id}` });
      } else if (ev.precision === "admin1") {
        layer = L.circle([ev.lat, ev.lon], { pane: "events", radius: 45000, color: "#2c3e50", weight: 2, dashArray: "2 4", fill: false, className: "event-area" });
      } else continue;
      layer.bindTooltip(`${ev.place || ev.admin1 || "event"}: ${ev.n_claims} claims from ${ev.n_sides} side(s) — click for who says what`);
      layer.on("click", () => openEvent(ev.id));
      mapState.eventsLayer.addLayer(layer);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Drawer views: event (who says what) and document (evidence highlighted)
  // ------------------------------------------------------------------------------------------
  function openDrawer(title) {
    $("drawer-title").textContent = title;
    clear($("drawer-body"));
    $("drawer").hidden = false;
    return $("drawer-body");
  }
  function closeDrawer() {
    $("drawer").hidden = true;
    delete state.view.event; delete state.view.doc; delete state.view.claim; delete state.view.group;
    writeUrl(true);
  }

  function claimHeadline(c) {
    const pt = party(c) || "unknown party";
    const v = c.victim || {};
    const vt = v.item ? ` (${v.item})` : v.type ? ` (${v.type})` : "";
    return `${c.kind.replace(/_/g, " ")}: ${quantityText(c)} — ${pt}${vt}`;
  }

  // Per victim party: low / best / high deaths and how many claims and sides stand behind them.
  function partyFigures(ev) {
    const per = (ev.summary && ev.summary.deaths) || {};
    const list = h("ul", { class: "party-figures" });
    for (const [p, f] of Object.entries(per)) {
      const fig = [f.low, f.best, f.high].map((x) => (x === null || x === undefined ? "–" : fmtInt(x))).join(" / ");
      list.appendChild(h("li", { text: `${p}: ${fig} (${fmtInt(f.n_claims)} claims from ${fmtInt(f.n_sides)} side${f.n_sides === 1 ? "" : "s"})` }));
    }
    return list.childNodes.length ? list : null;
  }

  async function openEvent(id, push = true) {
    state.view = { event: String(id) };
    writeUrl(push);
    const body = openDrawer("Event");
    let data;
    try { data = await api(`/api/events/${encodeURIComponent(id)}`); } catch (e) { body.appendChild(h("p", { class: "empty", text: e.message })); return; }
    const ev = data.event;
    $("drawer-title").textContent = `Event: ${ev.place || ev.admin1 || "unknown place"}, ${ev.date_start === ev.date_end ? ev.date_start : ev.date_start + " – " + ev.date_end}`;
    body.appendChild(h("p", { class: "meta" },
      h("span", { text: `precision: ${ev.precision || "?"}` }),
      h("span", { text: `parties: ${(ev.parties || []).join(", ") || "?"}` }),
      h("span", { id: "event-perpetrators", text: `perpetrator: ${(ev.perpetrators || []).join(" or ") || "not named"}${(ev.perpetrators || []).length > 1 ? " (accounts differ)" : ""}` }),
      h("span", { text: `${fmtInt(ev.n_claims)} claims, ${fmtInt(ev.n_sides)} side(s)` })));
    body.appendChild(h("div", { class: "summary-box" },
      h("div", { class: "figures", text: `deaths low / best / high: ${deathsText(ev)}` }),
      partyFigures(ev),
      h("div", { class: "rule", text: ev.rule ? `rule: ${ev.rule}` : "no summary rule recorded" })));
    body.appendChild(h("h3", { text: "Who says what" }));
    const bySide = new Map();
    for (const c of data.claims) {
      const sd = side(c) || "(unattributed)";
      if (!bySide.has(sd)) bySide.set(sd, []);
      bySide.get(sd).push(c);
    }
    const grid = h("div", { class: "sides", id: "who-says-what" });
    for (const [sd, claims] of bySide) {
      const col = h("section", { class: "side-column " + sideClass(sd === "(unattributed)" ? null : sd), "data-side": sd },
        h("h3", { text: `${sd} says (${claims.length})` }));
      for (const c of claims) {
        col.appendChild(h("article", { class: "claim-card", "data-claim-id": c.id },
          h("div", { class: "headline", text: claimHeadline(c) }),
          h("div", { class: "says", text: saysSentence(c) }),
          h("div", { class: "who" },
            h("span", { text: claimant(c) || "unnamed claimant" }), " · ",
            h("span", { class: "stance-" + c.stance, text: c.stance }), " · ",
            h("span", { text: c.stated_on ? `said ${c.stated_on}` : claimDate(c) }),
            c.outlet ? h("span", { text: ` · ${c.outlet}` }) : null),
          h("blockquote", { class: "evidence", text: evidenceText(c) }),
          h("button", { type: "button", class: "link-button open-doc", text: "open document with the evidence highlighted →", onclick: () => openDocument(c.document_id, c.id) })));
      }
      grid.appendChild(col);
    }
    body.appendChild(grid);
  }

  // A claim group: the same claim as reported by every document, the original (earliest) first.
  async function openGroup(id, push = true) {
    state.view = { group: String(id) };
    writeUrl(push);
    const body = openDrawer("Reports of one claim");
    let data;
    try { data = await api(`/api/claim-groups/${encodeURIComponent(id)}`); } catch (e) { body.appendChild(h("p", { class: "empty", text: e.message })); return; }
    const g = data.group;
    const q = g.quantity || {};
    const fig = q.low === q.high ? fmtInt(q.low) : `${q.low === null ? "?" : fmtInt(q.low)}–${q.high === null ? "?" : fmtInt(q.high)}`;
    $("drawer-title").textContent = `${(g.side || "unattributed")} says: ${g.kind.replace(/_/g, " ")} ${fig} — ${g.party || "unknown party"}`;
    body.appendChild(h("p", { class: "meta" },
      h("span", { text: `first stated ${g.first_stated}` }),
      g.last_stated !== g.first_stated ? h("span", { text: `last ${g.last_stated}` }) : null,
      h("span", { text: `${fmtInt(g.n_reports)} reports` }),
      h("span", { text: `${fmtInt(g.n_independent)} independent (wire copies once)` }),
      h("span", { text: `${fmtInt(g.n_outlets)} outlets` })));
    const list = h("ol", { class: "reports", id: "group-reports" });
    for (const r of data.reports) {
      list.appendChild(h("li", { class: "claim-card", "data-claim-id": r.id },
        h("div", { class: "headline" },
          r.rank === 0 ? h("span", { class: "badge original", text: "original" }) : null,
          r.wire_copy_of ? h("span", { class: "badge wire", text: "wire copy" }) : null,
          `${r.outlet || "unknown outlet"}, ${(r.published || "").slice(0, 10) || "undated"}`),
        h("div", { class: "who", text: `${claimant(r) || "unnamed claimant"} · ${r.stance}` }),
        h("blockquote", { class: "evidence", text: evidenceText(r) }),
        h("button", { type: "button", class: "link-button open-doc", text: "open document with the evidence highlighted →", onclick: () => openDocument(r.document_id, r.id) })));
    }
    body.appendChild(list);
  }

  function highlightText(text, spans, currentId) {
    // Split the text at every evidence boundary; wrap covered pieces in <mark> (text nodes only).
    const cuts = new Set([0, text.length]);
    const valid = spans.filter((sp) => Number.isInteger(sp.start) && Number.isInteger(sp.end) && sp.start >= 0 && sp.end <= text.length && sp.start < sp.end);
    for (const sp of valid) { cuts.add(sp.start); cuts.add(sp.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      const piece = text.slice(a, b);
      const covering = valid.filter((sp) => sp.start <= a && sp.end >= b);
      if (!covering.length) { frag.appendChild(document.createTextNode(piece)); continue; }
      const isCurrent = covering.some((sp) => String(sp.id) === String(currentId));
      const m = h("mark", { class: isCurrent ? "current" : "", "data-claim-ids": covering.map((sp) => sp.id).join(" ") });
      m.textContent = piece;
      frag.appendChild(m);
    }
    return frag;
  }

  async function openDocument(id, claimId, push = true) {
    state.view = { doc: String(id) };
    if (claimId !== undefined && claimId !== null) state.view.claim = String(claimId);
    writeUrl(push);
    const body = openDrawer("Document");
    let data;
    try { data = await api(`/api/documents/${encodeURIComponent(id)}`); } catch (e) { body.appendChild(h("p", { class: "empty", text: e.message })); return; }
    const d = data.document;
    $("drawer-title").textContent = d.title || d.doc_key || `Document ${d.id}`;
    const meta = h("p", { class: "meta" },
      d.outlet ? h("span", { text: d.outlet }) : null,
      d.published ? h("span", { text: `published ${d.published}` }) : null,
      d.speaker ? h("span", { text: `speaker: ${d.speaker}` }) : null,
      h("span", { text: `${fmtInt(data.claims.length)} claims` }));
    if (d.url && /^https?:\/\//i.test(d.url)) {
      meta.appendChild(h("span", {}, h("a", { href: d.url, rel: "noopener noreferrer nofollow", target: "_blank", text: "original" })));
    }
    body.appendChild(meta);
    const list = h("ol", { class: "doc-claims", id: "doc-claims" });
    for (const c of data.claims) {
      const li = h("li", { "data-claim-id": c.id, class: String(c.id) === String(claimId) ? "current" : "" },
        `${claimHeadline(c)} — ${claimant(c) || side(c) || "unattributed"} (${c.stance})`);
      li.addEventListener("click", () => openDocument(id, c.id, false));
      if (c.event_id) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(h("button", { type: "button", class: "link-button", text: "event →", onclick: (ev) => { ev.stopPropagation(); openEvent(c.event_id); } }));
      }
      if (c.group_id) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(h("button", { type: "button", class: "link-button", "data-group-id": c.group_id, text: "who reported it →", onclick: (ev) => { ev.stopPropagation(); openGroup(c.group_id); } }));
      }
      list.appendChild(li);
    }
    body.appendChild(list);
    const spans = data.claims.map((c) => ({ id: c.id, start: (c.evidence || {}).start, end: (c.evidence || {}).end }));
    const textBox = h("div", { class: "doc-text", id: "doc-text" });
    textBox.appendChild(highlightText(d.text || "", spans, claimId));
    body.appendChild(textBox);
    const cur = textBox.querySelector("mark.current");
    if (cur) cur.scrollIntoView({ block: "center" });
  }

  // ------------------------------------------------------------------------------------------
  // Wiring
  // ------------------------------------------------------------------------------------------
  function applyFilters(push = true) {
    writeUrl(push);
    refresh();
  }
  async function refresh() {
    generation += 1;
    if ($("view-filter")) $("view-filter").checked = !!getFilter("bbox", "eq");
    renderChips();
    renderExportLinks();
    $("search").value = getFilter(SEARCH_FIELD, "contains") || "";
    await Promise.all([loadClaims(false), loadFacets(), loadTimeline(false), loadMap(false), loadEvents(false)]);
    document.body.setAttribute("data-ready", "1");
  }
  function openViewFromUrl() {
    if (state.view.group) openGroup(state.view.group, false);
    else if (state.view.event) openEvent(state.view.event, false);
    else if (state.view.doc) openDocument(state.view.doc, state.view.claim, false);
    else $("drawer").hidden = true;
  }
  function selectTab(name) {
    for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === name);
    for (const t of ["claims", "events", "sources"]) $("panel-" + t).hidden = t !== name;
    if (name === "sources") loadSources();
  }

  // Follow the ledger (a watcher may be filling it): every 30 s ask /api/changes how many claims
  // arrived since the version shown; "N new claims" appears, and a click refreshes the view.
  const CHANGES_EVERY_MS = 30000;
  let seenVersion = null;
  let latestVersion = null;
  async function checkChanges() {
    try {
      if (seenVersion === null) {
        seenVersion = (await api("/api/changes")).version;
        return;
      }
      const r = await api("/api/changes", new URLSearchParams({ since: seenVersion, _size: "1" }));
      latestVersion = r.version;
      const btn = $("new-claims");
      btn.hidden = !r.n_new;
      btn.textContent = r.n_new === 1 ? "1 new claim" : `${r.n_new} new claims`;
    } catch (e) { /* the next check tries again */ }
  }
  function showNewClaims() {
    if (latestVersion !== null) seenVersion = latestVersion;
    $("new-claims").hidden = true;
    refresh();
  }

  async function main() {
    try { state.config = await api("/api/config"); } catch (e) { state.config = {}; }
    $("new-claims").addEventListener("click", showNewClaims);
    readUrl();
    $("reset").addEventListener("click", () => { state.filters = []; applyFilters(); });
    $("clear-dates").addEventListener("click", () => { setFilter(DATE_FIELD, "gte", null); setFilter(DATE_FIELD, "lte", null); applyFilters(); });
    $("drawer-close").addEventListener("click", closeDrawer);
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !$("drawer").hidden) closeDrawer(); });
    $("claims-more").addEventListener("click", () => loadClaims(true));
    $("events-more").addEventListener("click", () => loadEvents(true));
    for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => selectTab(b.dataset.tab));
    let timer = null;
    $("search").addEventListener("input", (ev) => {
      clearTimeout(timer);
      timer = setTimeout(() => { setFilter(SEARCH_FIELD, "contains", ev.target.value.trim()); applyFilters(false); }, 350);
    });
    window.addEventListener("popstate", () => { readUrl(); refresh(); openViewFromUrl(); });
    await initMap();
    await refresh();
    openViewFromUrl();
    await checkChanges();
    setInterval(checkChanges, CHANGES_EVERY_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
