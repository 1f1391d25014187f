// The live view: polls /api/summary once a second, draws a tile per camera and the edge servers' table, and
// the Gantt chart of the selected frame from /api/frames.
"use strict";
const plots = {};
let selected = null; // {camera, sequence}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function tile(camera, c) {
  let t = document.querySelector(`.tile[data-camera="${CSS.escape(camera)}"]`);
  if (!t) {
    t = el("div", {class: "tile", "data-camera": camera});
    t.append(el("h3", {}, camera), el("div", {class: "label"}), el("div", {class: "stats muted"}),
      el("div", {class: "spark"}), el("div", {class: "frames"}));
    document.getElementById("cameras").append(t);
  }
  t.querySelector(".label").textContent = c.lastLabel ?? "–";
  const misses = Object.entries(c.missesByReason).map(([r, n]) => `${r}: ${n}`).join(", ") || "none";
  const w = c.window;
  t.querySelector(".stats").textContent = `deadline hit ${(100 * c.hitRatio).toFixed(0)} % of the last ${c.frames} ` +
    `frames; misses: ${misses}` + (w ? `; last window ${w.frames} frames, ${w.met} met, p50 ${w.latencyP50Ms ?? "–"} ms` : "");
  spark(camera, c, t.querySelector(".spark"));
  const frames = t.querySelector(".frames");
  frames.replaceChildren(...c.latency.slice(-10).map(([seq, ms, met]) => {
    const f = el("span", {class: "frame" + (met ? "" : " missed"), "data-camera": camera, "data-sequence": seq}, `#${seq}`);
    if (selected && selected.camera === camera && selected.sequence === seq) f.classList.add("selected");
    f.onclick = () => select(camera, seq);
    return f;
  }));
}

function spark(camera, c, into) {
  const data = [c.latency.map((p, i) => i), c.latency.map(p => p[1])];
  if (!plots[camera]) {
    plots[camera] = {seqs: [], plot: new uPlot({width: 310, height: 80, legend: {show: false}, cursor: {y: false},
      scales: {x: {time: false}}, axes: [{show: false}, {size: 50}],
      series: [{}, {stroke: "#1f6feb", points: {show: true, size: 4}}]}, data, into)};
    plots[camera].plot.over.addEventListener("click", () => {
      const i = plots[camera].plot.cursor.idx;
      if (i !== null && i !== undefined) select(camera, plots[camera].seqs[i]);
    });
  } else {
    plots[camera].plot.setData(data);
  }
  plots[camera].seqs = c.latency.map(p => p[0]);
}

function servers(es) {
  document.querySelector("#servers tbody").replaceChildren(...Object.entries(es).map(([name, s]) => {
    const tr = el("tr", {"data-es": name});
    [name, s.taskManager ?? "?", s.rowsPerFrame, s.computeMsPerFrame, s.waitMsPerFrame]
      .forEach(v => tr.append(el("td", {}, String(v))));
    return tr;
  }));
}

async function select(camera, sequence) {
  selected = {camera, sequence};
  document.querySelectorAll(".frame.selected").forEach(f => f.classList.remove("selected"));
  const r = await fetch(`/api/frames?camera=${encodeURIComponent(camera)}&last=200`);
  const frames = await r.json();
  const frame = frames.find(f => f.sequence === sequence);
  if (frame) gantt(frame);
}

function gantt(f) {
  const split = f.completionMillis - f.afterSplitMs;
  const deadline = f.deadlineMillis - split;
  const names = Object.keys(f.es).filter(n => f.es[n].spans && f.es[n].spans.length);
  // the frame's own time sets the scale; a deadline far beyond it is drawn at the right edge, labelled
  let busy = f.afterSplitMs;
  names.forEach(n => (f.es[n].predicted || []).forEach((v, i) => { if (i % 3 === 2) busy = Math.max(busy, v); }));
  const end = Math.max(1, Math.min(deadline, busy * 1.15));
  const left = 110, width = 760, laneH = 34, x = ms => left + width * Math.min(Math.max(0, ms), end) / end;
  const lanes = names.length * 2, bottom = 30 + lanes * laneH;
  const s = svg("svg", {width: left + width + 90, height: bottom + 20, "data-frame": `${f.cameraId}#${f.sequence}`});
  s.append(svg("text", {x: 4, y: 14}, `${f.cameraId} #${f.sequence}: ${f.status}, ${Math.round(f.afterSplitMs)} ms ` +
    `after the split, deadline ${Math.round(deadline)} ms after it`));
  for (let i = 0; i <= 5; i++) {
    const ms = end * i / 5;
    s.append(svg("line", {x1: x(ms), x2: x(ms), y1: 20, y2: bottom, stroke: "#eee"}),
      svg("text", {x: x(ms) - 8, y: bottom + 14}, `${Math.round(ms)}`));
  }
  names.forEach((name, i) => {
    const es = f.es[name], y = 24 + i * 2 * laneH;
    const lane = svg("g", {class: "lane es", "data-es": name});
    lane.append(svg("text", {x: 4, y: y + 14}, name));
    let previousEnd = 0;
    for (let k = 0; k + 7 < es.spans.length; k += 8) {
      const [block, wait, ready, start, stop] = es.spans.slice(k, k + 5);
      lane.append(svg("rect", {class: "wait", x: x(previousEnd), y: y + 2, width: Math.max(0, x(start) - x(previousEnd)), height: 12}));
      const bar = svg("rect", {class: "compute", "data-block": block, x: x(start), y: y + 2,
        width: Math.max(1, x(stop) - x(start)), height: 12});
      bar.append(svg("title", {}, `block ${block}: compute ${start}-${stop} ms, rows ready at ${ready} ms`));
      lane.append(bar);
      previousEnd = es.spans[k + 5];
    }
    const p = es.predicted || [];
    for (let k = 0; k + 2 < p.length; k += 3) {
      lane.append(svg("rect", {class: "compute predicted", "data-block": p[k], x: x(p[k + 1]), y: y + 16,
        width: Math.max(1, x(p[k + 2]) - x(p[k + 1])), height: 8}));
    }
    if (name === "host" && f.headMs) {
      lane.append(svg("rect", {class: "head", x: x(f.afterSplitMs - f.headMs), y: y + 2,
        width: Math.max(1, x(f.afterSplitMs) - x(f.afterSplitMs - f.headMs)), height: 12}));
    }
    const link = svg("g", {class: "lane link", "data-es": name});
    link.append(svg("text", {x: 4, y: y + laneH + 12}, `link ${name}`));
    for (let k = 0; k + 7 < es.spans.length; k += 8) {
      const [block, wait, ready] = es.spans.slice(k, k + 3), bytes = es.spans[k + 6];
      if (bytes > 0) {
        const t = svg("rect", {class: "transfer", "data-block": block, x: x(wait), y: y + laneH + 2,
          width: Math.max(1, x(ready) - x(wait)), height: 10});
        t.append(svg("title", {}, `block ${block}: ${bytes} bytes in, ${wait}-${ready} ms`));
        link.append(t);
      }
    }
    s.append(lane, link);
  });
  s.append(svg("line", {class: "deadline", x1: x(deadline), x2: x(deadline), y1: 20, y2: bottom}));
  if (deadline > end) s.append(svg("text", {x: x(end) + 4, y: 30}, "deadline →"));
  document.getElementById("gantt").replaceChildren(s);
  document.getElementById("selected").textContent = `frame ${f.cameraId} #${f.sequence}`;
}

async function refresh() {
  try {
    const r = await fetch("/api/summary");
    const summary = await r.json();
    const cameras = Object.entries(summary.cameras);
    cameras.forEach(([camera, c]) => tile(camera, c));
    servers(summary.edgeServers);
    document.getElementById("status").textContent = `${cameras.length} camera(s); updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    document.getElementById("status").textContent = `no answer from the view: ${e}`;
  }
}

// /?camera=ID&sequence=N opens with that frame's timeline (a link to a frame)
const wanted = new URLSearchParams(location.search);
refresh().then(() => {
  if (wanted.has("camera") && wanted.has("sequence")) select(wanted.get("camera"), Number(wanted.get("sequence")));
});
setInterval(refresh, 1000);
