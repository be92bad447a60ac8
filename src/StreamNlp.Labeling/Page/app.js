// StreamNlp labelling page: keyboard-first review of nlp.review items. Served from the assembly; talks only
// to this host's /api. Offsets are UTF-16 code units (JavaScript string indices), like the enriched records.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  annotator: localStorage.getItem("streamnlp.annotator") || "",
  token: sessionStorage.getItem("streamnlp.token") || "",
  task: localStorage.getItem("streamnlp.task") || "",
  item: null,        // the review item shown
  entities: [],      // ner: the working entities [{start, end, label}]
  pending: null,     // ner: a selected span waiting for its type {start, end}
  labels: [],        // labels offered for the item (model's + new ones)
  added: {},         // task -> labels added with "n"
  busy: false,
  retry: null,       // feedback Kafka did not acknowledge (503): Enter sends it again
  labelled: 0,
  skipped: 0,
  waitTimer: null,
};

// ?annotator=NAME&task=TASK (a bookmark per person) override what this browser remembered.
const params = new URLSearchParams(location.search);
if (params.get("annotator")) {
  state.annotator = params.get("annotator").trim().slice(0, 64);
  localStorage.setItem("streamnlp.annotator", state.annotator);
}
if (params.has("task")) state.task = params.get("task");

function setStatus(text, error) {
  const status = $("status");
  status.textContent = text || "";
  status.classList.toggle("error", !!error);
}

async function api(path, options) {
  // header values are ASCII: the name goes percent-encoded (UTF-8), and the server decodes it
  const headers = { "X-Annotator": encodeURIComponent(state.annotator) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (options && options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    $("token-field").hidden = false;
    $("token").focus();
    throw new Error("this page needs the access token (StreamNlp:Http:Token)");
  }
  let body = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) body = await response.json();
  return { status: response.status, body };
}

function problemText(body) {
  if (!body) return "";
  return body.detail || body.title || JSON.stringify(body);
}

async function next() {
  clearTimeout(state.waitTimer);
  state.item = null;
  state.pending = null;
  state.retry = null;
  if (!state.annotator) {
    render();
    setStatus("Type your name (annotator) to start.");
    $("annotator").focus();
    return;
  }
  const query = "limit=1" + (state.task ? "&task=" + encodeURIComponent(state.task) : "");
  try {
    const { status, body } = await api("/api/review?" + query);
    if (status !== 200) {
      setStatus(problemText(body), true);
      state.waitTimer = setTimeout(next, 3000);
      return;
    }
    $("counts").textContent = `labelled ${state.labelled} · skipped ${state.skipped} · waiting ${body.waiting}`;
    state.item = body.items[0] || null;
    if (state.item) {
      state.entities = state.item.entities.map((e) => ({ start: e.start, end: e.end, label: e.label }));
      const extra = state.added[state.item.task] || [];
      state.labels = state.item.labels.concat(extra.filter((l) => !state.item.labels.includes(l)));
    } else {
      state.waitTimer = setTimeout(next, 2000);
    }
    render();
  } catch (error) {
    setStatus(error.message, true);
    state.waitTimer = setTimeout(next, 3000);
  }
}

function render() {
  const item = state.item;
  $("empty").hidden = !!item || !state.annotator;
  $("meta").textContent = item
    ? `${item.task} · model ${item.modelVersion} · confidence ${item.confidence.toFixed(2)} · id ${item.id}`
    : "";
  $("review").dataset.reviewId = item ? item.reviewId : "";
  renderText();
  const guess = $("guess");
  guess.textContent = "";
  const list = $("labels");
  list.textContent = "";
  if (!item) return;
  if (item.task === "ner") {
    guess.append(item.entities.length ? "Model's entities are marked. " : "The model found no entity. ");
    guess.append(state.pending ? "Now choose the selection's type (1–9 or n)." : "Select text for a new entity; Enter sends.");
  } else {
    guess.append("Model: ");
    const strong = document.createElement("strong");
    strong.textContent = `${item.label} (${(item.score ?? 0).toFixed(2)})`;
    guess.append(strong, " — Enter accepts it.");
  }
  state.labels.slice(0, 9).forEach((label, index) => {
    const li = document.createElement("li");
    const kbd = document.createElement("kbd");
    kbd.textContent = String(index + 1);
    li.append(kbd, " " + label);
    if (item.task !== "ner" && label === item.label) li.classList.add("guess");
    li.addEventListener("click", () => choose(index));
    list.append(li);
  });
}

function renderText() {
  const container = $("text");
  container.textContent = "";
  const item = state.item;
  if (!item) return;
  const text = item.text;
  if (item.task !== "ner") {
    container.append(text);
    return;
  }
  const marks = state.entities.map((e, index) => ({ ...e, index, kind: "entity" }));
  if (state.pending) marks.push({ ...state.pending, kind: "pending" });
  marks.sort((a, b) => a.start - b.start);
  let at = 0;
  for (const mark of marks) {
    if (mark.start > at) container.append(text.slice(at, mark.start));
    const element = document.createElement("mark");
    element.className = mark.kind;
    element.textContent = text.slice(mark.start, mark.end);
    if (mark.kind === "entity") {
      element.dataset.label = mark.label;
      element.dataset.start = String(mark.start);
      element.dataset.end = String(mark.end);
      element.title = `${mark.label} [${mark.start}, ${mark.end}) — click to remove`;
      element.addEventListener("click", (event) => {
        event.stopPropagation();
        if (!window.getSelection().isCollapsed) return;
        state.entities.splice(mark.index, 1);
        setStatus(`removed ${mark.label} "${text.slice(mark.start, mark.end)}"`);
        render();
      });
    }
    container.append(element);
    at = mark.end;
  }
  if (at < text.length) container.append(text.slice(at));
}

// The UTF-16 offset of (node, offset) from the start of the text container.
function offsetOf(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

function onSelection() {
  const item = state.item;
  if (!item || item.task !== "ner") return;
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
  const container = $("text");
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
  let start = offsetOf(container, range.startContainer, range.startOffset);
  let end = offsetOf(container, range.endContainer, range.endOffset);
  const text = item.text;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  selection.removeAllRanges();
  if (start >= end) return;
  const clash = state.entities.find((e) => start < e.end && e.start < end);
  if (clash) {
    setStatus(`"${text.slice(start, end)}" overlaps ${clash.label} "${text.slice(clash.start, clash.end)}": remove that one first`, true);
    return;
  }
  state.pending = { start, end };
  setStatus(`selected "${text.slice(start, end)}" [${start}, ${end}): choose its type`);
  render();
}

function choose(index) {
  const item = state.item;
  const label = state.labels[index];
  if (!item || !label) return;
  if (item.task === "ner") {
    if (!state.pending) {
      setStatus("select the entity's text with the mouse first", true);
      return;
    }
    state.entities.push({ start: state.pending.start, end: state.pending.end, label });
    state.entities.sort((a, b) => a.start - b.start);
    setStatus(`marked ${label} "${item.text.slice(state.pending.start, state.pending.end)}"; Enter sends`);
    state.pending = null;
    render();
    return;
  }
  send({ task: item.task, text: item.text, label, id: item.id });
}

function accept() {
  const item = state.item;
  if (!item) return;
  if (state.retry) {
    send(state.retry);
    return;
  }
  if (item.task === "ner") {
    send({ task: "ner", text: item.text, entities: state.entities, id: item.id });
  } else {
    send({ task: item.task, text: item.text, label: item.label, id: item.id });
  }
}

async function send(feedback) {
  if (state.busy) return;
  state.busy = true;
  try {
    const { status, body } = await api("/api/feedback", { method: "POST", body: JSON.stringify(feedback) });
    if (status === 202) {
      state.labelled++;
      const what = feedback.task === "ner" ? `${feedback.entities.length} entities` : feedback.label;
      setStatus(`sent ${feedback.task}: ${what} (${body.topic} @${body.offset})`);
      await next();
    } else if (status === 409) {
      setStatus(problemText(body), true);
      await next();
    } else if (status === 503) {
      // nothing was published: the item stays, and Enter sends the same answer again
      state.retry = feedback;
      setStatus(problemText(body) + " — Enter sends it again", true);
    } else {
      // 400: the item stays so it can be corrected
      setStatus(problemText(body), true);
    }
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    state.busy = false;
  }
}

async function skip() {
  const item = state.item;
  if (!item || state.busy) return;
  state.busy = true;
  try {
    await api(`/api/review/${encodeURIComponent(item.reviewId)}/skip`, { method: "POST" });
    state.skipped++;
    setStatus(`skipped ${item.id}`);
    await next();
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    state.busy = false;
  }
}

function showNewLabel() {
  if (!state.item) return;
  $("new-label").hidden = false;
  const input = $("new-label-input");
  input.value = "";
  input.focus();
}

function addLabel(label) {
  const item = state.item;
  label = label.trim();
  $("new-label").hidden = true;
  if (!item || !label) return;
  const added = state.added[item.task] || (state.added[item.task] = []);
  if (!added.includes(label)) added.push(label);
  if (!state.labels.includes(label)) state.labels.push(label);
  const index = state.labels.indexOf(label);
  if (item.task === "ner" && !state.pending) {
    render();
    setStatus(`added type ${label} as ${index + 1}`);
    return;
  }
  choose(index);
}

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key >= "1" && event.key <= "9") {
    choose(Number(event.key) - 1);
  } else if (event.key === "Enter") {
    accept();
  } else if (event.key === "s") {
    skip();
  } else if (event.key === "n") {
    showNewLabel();
  } else {
    return;
  }
  event.preventDefault();
});

$("new-label-input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    addLabel(event.target.value);
    event.target.blur();
  } else if (event.key === "Escape") {
    $("new-label").hidden = true;
    event.target.blur();
  }
});

$("text").addEventListener("mouseup", () => setTimeout(onSelection, 0));

$("annotator").value = state.annotator;
$("annotator").addEventListener("change", (event) => {
  state.annotator = event.target.value.trim();
  localStorage.setItem("streamnlp.annotator", state.annotator);
  event.target.blur();
  next();
});
$("annotator").addEventListener("keydown", (event) => { if (event.key === "Enter") event.target.blur(); });
$("task").value = state.task;
$("task").addEventListener("change", (event) => {
  state.task = event.target.value;
  localStorage.setItem("streamnlp.task", state.task);
  event.target.blur();
  next();
});
$("token").addEventListener("change", (event) => {
  state.token = event.target.value;
  sessionStorage.setItem("streamnlp.token", state.token);
  event.target.blur();
  next();
  loadModels();
});

// ---- models panel: each task's versions, dev metric and feedback-holdout score, as a small SVG chart.
const SVG = "http://www.w3.org/2000/svg";

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function chart(task) {
  const width = 300, height = 110, left = 30, right = 10, top = 8, bottom = 22;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${task.task} versions` });
  const versions = task.versions;
  const values = versions.flatMap((v) => [v.dev, v.feedbackHoldout]).filter((v) => v !== null && v !== undefined);
  const low = values.length ? Math.max(0, Math.floor((Math.min(...values) - 0.05) * 10) / 10) : 0;
  const x = (i) => left + (versions.length <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (versions.length - 1));
  const y = (v) => top + (1 - (v - low) / (1 - low || 1)) * (height - top - bottom);
  svg.append(svgElement("line", { class: "axis", x1: left, y1: top, x2: left, y2: height - bottom }));
  svg.append(svgElement("line", { class: "axis", x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }));
  svg.append(svgElement("text", { x: 2, y: top + 8 }, "1.0"));
  svg.append(svgElement("text", { x: 2, y: height - bottom }, low.toFixed(1)));
  for (const [key, cls] of [["dev", "dev"], ["feedbackHoldout", "holdout"]]) {
    const points = versions.map((v, i) => [v[key], i]).filter(([v]) => v !== null && v !== undefined);
    if (points.length > 1) svg.append(svgElement("polyline", { class: cls, points: points.map(([v, i]) => `${x(i)},${y(v)}`).join(" ") }));
    for (const [v, i] of points) {
      const dot = svgElement("circle", { class: "dot-" + cls, cx: x(i), cy: y(v), r: 3 });
      dot.append(svgElement("title", {}, `${versions[i].version} ${key === "dev" ? task.metric : "feedback holdout"} ${v.toFixed(3)}`));
      svg.append(dot);
    }
  }
  versions.forEach((v, i) => svg.append(svgElement("text", { x: x(i) - 6, y: height - 6, class: v.current ? "current" : "" }, v.version)));
  const box = document.createElement("div");
  box.className = "chart";
  box.dataset.task = task.task;
  const title = document.createElement("div");
  title.className = "title";
  const current = versions.find((v) => v.current);
  title.textContent = `${task.task}: current ${task.current ?? "none"}` + (current && current.dev !== null ? ` · dev ${task.metric} ${current.dev.toFixed(3)}` : "");
  box.append(title, svg);
  return box;
}

async function loadModels() {
  try {
    const { status, body } = await api("/api/models");
    if (status !== 200) return;
    const charts = $("charts");
    charts.textContent = "";
    body.tasks.forEach((task) => charts.append(chart(task)));
    const rows = $("decisions").querySelector("tbody");
    rows.textContent = "";
    for (const d of body.decisions.slice(0, 8)) {
      const tr = document.createElement("tr");
      const holdout = (m) => (m && m.feedbackHoldout !== undefined && m.feedbackHoldout !== null ? m.feedbackHoldout.toFixed(3) : "–");
      const when = new Date(d.startedAt);
      const pad = (n) => String(n).padStart(2, "0");
      const cells = [`${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${pad(when.getHours())}:${pad(when.getMinutes())}`,
        d.task, `${d.champion} → ${d.challenger ?? "–"}`, d.decision,
        `${holdout(d.championMetrics)} → ${holdout(d.challengerMetrics)}`];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        td.textContent = text;
        if (i === 3) { td.className = d.decision; td.title = d.reason; }
        tr.append(td);
      });
      rows.append(tr);
    }
    if (!body.decisions.length) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 5;
      td.textContent = "none recorded yet";
      tr.append(td);
      rows.append(tr);
    }
    $("models-source").textContent = `registry ${body.registry}${body.registryFound ? "" : " (not found)"} · decisions ${body.decisionsFile ?? "(no retrainer store)"}`;
  } catch (error) {
    setStatus(error.message, true);
  }
}

next();
loadModels();
setInterval(loadModels, 30000);
