// apps/server/src/ai/ingest/html.ts
import { Element as Element3, Text as Text2 } from "domhandler";
import { parseDocument } from "htmlparser2";

// apps/server/src/ai/ingest/html-blocks.ts
import { Element as Element2, Text } from "domhandler";

// apps/server/src/ai/ingest/html-filter.ts
import { Element } from "domhandler";
var DROPPED_TAGS = /* @__PURE__ */ new Set([
  "nav",
  "header",
  "footer",
  "aside",
  "script",
  "style",
  "noscript",
  "form",
  "svg",
  "iframe",
  "template",
  "button",
  "select",
  "textarea",
  "canvas",
  "object",
  "embed",
  "head",
  "title",
  "meta",
  "link"
]);
var DROPPED_ROLES = /* @__PURE__ */ new Set(["navigation", "banner", "contentinfo", "complementary", "search"]);
var BOILERPLATE_WORDS = /* @__PURE__ */ new Set([
  "nav",
  "navbar",
  "navigation",
  "menu",
  "menubar",
  "footer",
  "sidebar",
  "cookie",
  "cookies",
  "banner",
  "consent",
  "breadcrumb",
  "breadcrumbs"
]);
function isBoilerplate(element, context) {
  const tag = element.name;
  if (DROPPED_TAGS.has(tag)) {
    return !(tag === "header" && context.inContentElement && hasHeading(element));
  }
  const { attribs } = element;
  if (attribs.hidden !== void 0 || attribs["aria-hidden"] === "true") return true;
  const role = attribs.role?.toLowerCase();
  if (role !== void 0 && DROPPED_ROLES.has(role)) return true;
  if (attribs.id === void 0 && attribs.class === void 0) return false;
  const names = `${attribs.id ?? ""} ${attribs.class ?? ""}`.trim();
  if (names === "" || !classMarksBoilerplate(names, context.classVerdicts)) return false;
  return !hasDescendant(element, "main") && !hasDescendant(element, "article") && !hasHeading1(element);
}
function classMarksBoilerplate(names, verdicts) {
  const known = verdicts.get(names);
  if (known !== void 0) return known;
  const words = names.replace(/([a-z])([A-Z])/gu, "$1 $2").toLowerCase().split(/[\s_-]+/u);
  const verdict = words.some((word) => BOILERPLATE_WORDS.has(word));
  verdicts.set(names, verdict);
  return verdict;
}
function hasDescendant(element, tag) {
  for (const child of element.children) {
    if (child instanceof Element && (child.name === tag || hasDescendant(child, tag))) {
      return true;
    }
  }
  return false;
}
function hasHeading(element) {
  return ["h1", "h2", "h3", "h4", "h5", "h6"].some((tag) => hasDescendant(element, tag));
}
function hasHeading1(element) {
  return hasDescendant(element, "h1");
}

// apps/server/src/ai/ingest/html-blocks.ts
var BLOCK_CONTAINERS = /* @__PURE__ */ new Set([
  "html",
  "body",
  "main",
  "article",
  "section",
  "div",
  "blockquote",
  "figure",
  "figcaption",
  "details",
  "summary",
  "address",
  "center",
  "hgroup",
  "fieldset",
  "li",
  "dd",
  "dt",
  "caption",
  "hr"
]);
var HEADING_LEVEL = /* @__PURE__ */ new Map([
  ["h1", 1],
  ["h2", 2],
  ["h3", 3],
  ["h4", 4],
  ["h5", 5],
  ["h6", 6]
]);
function htmlBlocks(container, context) {
  const blocks = [];
  let inline = "";
  const flush = () => {
    const text = normalizeInline(inline);
    if (text !== "") blocks.push({ kind: "paragraph", text });
    inline = "";
  };
  const walk = (node) => {
    if (node instanceof Text) {
      inline += collapse(node.data);
      return;
    }
    if (!(node instanceof Element2) || isBoilerplate(node, context)) return;
    const tag = node.name;
    const level = HEADING_LEVEL.get(tag);
    if (level !== void 0) {
      flush();
      const text = normalizeInline(inlineText(node, context)).replace(/\n/gu, " ");
      if (text !== "") blocks.push({ kind: "heading", level, text });
    } else if (tag === "p") {
      flush();
      const text = normalizeInline(inlineText(node, context));
      if (text !== "") blocks.push({ kind: "paragraph", text });
    } else if (tag === "ul" || tag === "ol" || tag === "dl") {
      flush();
      const items = tag === "dl" ? definitionItems(node, context) : listItems(node, 0, context);
      if (items.length > 0) blocks.push({ kind: "list", items });
    } else if (tag === "pre") {
      flush();
      const text = preText(node).replace(/^\n+|\s+$/gu, "");
      if (text !== "") blocks.push({ kind: "code", text });
    } else if (tag === "table" && !hasDescendant(node, "table")) {
      flush();
      blocks.push(...tableBlocks(node, context));
    } else if (tag === "br") {
      inline += "\n";
    } else if (tag === "img") {
    } else if (BLOCK_CONTAINERS.has(tag) || tag === "table") {
      flush();
      for (const child of node.children) walk(child);
      flush();
    } else {
      for (const child of node.children) walk(child);
    }
  };
  for (const child of container.children) walk(child);
  flush();
  return blocks;
}
function inlineText(element, context, nestedLists) {
  let text = "";
  const visit = (node) => {
    if (node instanceof Text) {
      text += collapse(node.data);
      return;
    }
    if (!(node instanceof Element2) || isBoilerplate(node, context)) return;
    const tag = node.name;
    if (nestedLists !== void 0 && (tag === "ul" || tag === "ol")) {
      nestedLists.push(node);
      return;
    }
    if (tag === "br") {
      text += "\n";
      return;
    }
    const block = BLOCK_CONTAINERS.has(tag) || tag === "p" || HEADING_LEVEL.has(tag);
    if (block) text += "\n";
    for (const child of node.children) visit(child);
    if (block) text += "\n";
  };
  for (const child of element.children) visit(child);
  return text;
}
function listItems(list, depth, context) {
  const items = [];
  const indent = "  ".repeat(depth);
  for (const child of list.children) {
    if (!(child instanceof Element2) || isBoilerplate(child, context)) continue;
    const tag = child.name;
    if (tag === "ul" || tag === "ol") {
      items.push(...listItems(child, depth + 1, context));
      continue;
    }
    const nested = [];
    const text = normalizeInline(inlineText(child, context, nested)).replace(/\n/gu, " ");
    if (text !== "") items.push(indent + text);
    for (const sub of nested) items.push(...listItems(sub, depth + 1, context));
  }
  return items;
}
function definitionItems(list, context) {
  const items = [];
  let term = "";
  for (const child of list.children) {
    if (!(child instanceof Element2) || isBoilerplate(child, context)) continue;
    const text = normalizeInline(inlineText(child, context)).replace(/\n/gu, " ");
    if (text === "") continue;
    if (child.name === "dt") {
      if (term !== "") items.push(term);
      term = text;
    } else {
      items.push(term === "" ? text : `${term}: ${text}`);
      term = "";
    }
  }
  if (term !== "") items.push(term);
  return items;
}
function tableBlocks(table, context) {
  const blocks = [];
  const rows = [];
  const collect = (element, inHead) => {
    for (const child of element.children) {
      if (!(child instanceof Element2)) continue;
      const tag = child.name;
      if (tag === "caption") {
        const text = normalizeInline(inlineText(child, context)).replace(/\n/gu, " ");
        if (text !== "") blocks.push({ kind: "paragraph", text });
      } else if (tag === "thead" || tag === "tbody" || tag === "tfoot") {
        collect(child, tag === "thead");
      } else if (tag === "tr") {
        const cells = child.children.filter(
          (cell) => cell instanceof Element2 && (cell.name === "td" || cell.name === "th")
        );
        const texts = cells.map(
          (cell) => normalizeInline(inlineText(cell, context)).replace(/\n/gu, " ")
        );
        if (texts.some((text) => text !== "")) {
          rows.push({ cells: texts, isHeader: inHead || cells.every((c) => c.name === "th") });
        }
      }
    }
  };
  collect(table, false);
  const [first, ...rest] = rows;
  if (first === void 0) return blocks;
  const headerless = rest.length === 0 && !first.isHeader;
  blocks.push({
    kind: "table",
    header: headerless ? [] : first.cells,
    rows: (headerless ? rows : rest).map((row) => row.cells)
  });
  return blocks;
}
function preText(element) {
  let text = "";
  const visit = (node) => {
    if (node instanceof Text) text += node.data;
    else if (node instanceof Element2) {
      if (node.name === "br") text += "\n";
      else for (const child of node.children) visit(child);
    }
  };
  visit(element);
  return text.replace(/\r\n?/gu, "\n");
}
function collapse(text) {
  return text.replace(/\s{2,}|[^\S ]/gu, " ");
}
function normalizeInline(text) {
  const spaced = text.replace(/[^\S\n]{2,}|[^\S \n]/gu, " ");
  return (spaced.includes("\n") ? spaced.replace(/ ?\n\s*/gu, "\n") : spaced).trim();
}

// apps/server/src/ai/ingest/html.ts
function extractHtml(html2, baseUrl) {
  const root = parseDocument(html2);
  const scan = scanPage(root.children);
  const base = resolveBase(scan.baseHref, baseUrl);
  const classVerdicts = /* @__PURE__ */ new Map();
  const content = chooseContent(scan);
  const page = scan.body ?? root;
  let blocks = htmlBlocks(content ?? page, {
    inContentElement: content !== null,
    classVerdicts
  });
  if (blocks.length === 0 && content !== null) {
    blocks = htmlBlocks(page, { inContentElement: false, classVerdicts });
  }
  const firstHeading = blocks.find((block) => block.kind === "heading");
  const title = scan.title || scan.ogTitle || (firstHeading?.text ?? "");
  return {
    title,
    blocks,
    links: absoluteLinks(scan.hrefs, base),
    canonical: scan.canonicalHref === null ? null : absoluteUrl(scan.canonicalHref, base),
    lang: scan.lang
  };
}
function scanPage(nodes) {
  const scan = {
    title: "",
    ogTitle: "",
    lang: null,
    baseHref: null,
    canonicalHref: null,
    hrefs: [],
    mains: [],
    roleMains: [],
    articles: [],
    body: null
  };
  const stack = [...nodes].reverse();
  for (let node = stack.pop(); node !== void 0; node = stack.pop()) {
    if (!(node instanceof Element3)) continue;
    const { name, attribs } = node;
    if (name === "a") {
      if (attribs.href !== void 0) scan.hrefs.push(attribs.href);
    } else if (name === "main") scan.mains.push(node);
    else if (name === "article") scan.articles.push(node);
    else if (name === "body") scan.body ??= node;
    else if (name === "title") scan.title ||= cleanText(textOf(node));
    else if (name === "html") scan.lang ??= nonEmpty(attribs.lang);
    else if (name === "base") scan.baseHref ??= attribs.href ?? null;
    else if (name === "link" && /\bcanonical\b/iu.test(attribs.rel ?? "")) {
      scan.canonicalHref ??= attribs.href ?? null;
    } else if (name === "meta" && attribs.property === "og:title") {
      scan.ogTitle ||= cleanText(attribs.content ?? "");
    }
    if (attribs.role?.toLowerCase() === "main") scan.roleMains.push(node);
    if (name === "svg") continue;
    const { children } = node;
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child !== void 0) stack.push(child);
    }
  }
  return scan;
}
function nonEmpty(value) {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}
function textOf(node) {
  if (node instanceof Text2) return node.data;
  if (node instanceof Element3) return node.children.map(textOf).join("");
  return "";
}
function chooseContent(scan) {
  const context = { inContentElement: true, classVerdicts: /* @__PURE__ */ new Map() };
  const visible = (element) => !isBoilerplate(element, context);
  const main = scan.mains.find(visible) ?? scan.roleMains.find(visible);
  if (main !== void 0) return main;
  const articles = scan.articles.filter(visible).map((element) => ({ element, size: textOf(element).length })).sort((a, b) => b.size - a.size);
  const [largest, second] = articles;
  if (largest === void 0) return null;
  return second === void 0 || largest.size >= 2 * second.size ? largest.element : null;
}
function cleanText(text) {
  return normalizeInline(text).replace(/\n/gu, " ");
}
function resolveBase(baseHref, baseUrl) {
  if (baseHref === null) return baseUrl;
  return absoluteUrl(baseHref, baseUrl) ?? baseUrl;
}
function absoluteUrl(href, base) {
  const trimmed = href.trim();
  if (trimmed === "") return null;
  let url;
  try {
    url = new URL(trimmed, base);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  return url.href;
}
function absoluteLinks(hrefs, base) {
  const seen = /* @__PURE__ */ new Set();
  for (const href of hrefs) {
    if (href.trimStart().startsWith("#")) continue;
    const url = absoluteUrl(href, base);
    if (url !== null) seen.add(url);
  }
  return [...seen];
}

// apps/server/src/ai/ingest/tokens.ts
import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";
var TEXT_ONLY = { disallowedSpecial: /* @__PURE__ */ new Set() };
function countTokens(text) {
  if (text === "") return 0;
  return countCl100k(text, TEXT_ONLY);
}

// apps/server/src/ai/ingest/text-split.ts
var SENTENCE_BOUNDARY = /(?<=(?:[.!?…]["'”’)\]]*\s|[。！？][」』）"”’]*|\n)\s*)(?=\S)/u;
var LINE_BOUNDARY = /(?<=\n)/u;
var WORD_BOUNDARY = /(?<=\s)(?=\S)/u;
var MAX_CHARS_PER_TOKEN = 32;
function splitText(text, maxTokens, overlapTokens, mode = "prose") {
  const finish = (raw) => mode === "lines" ? raw.replace(/^\n+/u, "").trimEnd() : raw.trim();
  const trimmed = finish(text);
  if (trimmed.trim() === "") return [];
  if (countTokens(trimmed) <= maxTokens) return [trimmed];
  const overlap = Math.max(0, Math.min(overlapTokens, Math.floor(maxTokens / 2)));
  const units = toUnits(trimmed, maxTokens - overlap, mode);
  const pieces = [];
  let prefix = "";
  let index = 0;
  while (index < units.length) {
    let raw = prefix;
    let estimate = prefix === "" ? 0 : countTokens(prefix);
    const start = index;
    while (index < units.length) {
      const unit = units[index];
      if (unit === void 0) break;
      if (index > start && estimate + unit.tokens > maxTokens) break;
      raw += unit.text;
      estimate += unit.tokens;
      index += 1;
    }
    while (index - start > 1 && countTokens(finish(raw)) > maxTokens) {
      index -= 1;
      const unit = units[index];
      if (unit === void 0) break;
      raw = raw.slice(0, raw.length - unit.text.length);
    }
    if (prefix !== "" && countTokens(finish(raw)) > maxTokens) raw = raw.slice(prefix.length);
    pieces.push(finish(raw));
    prefix = index < units.length && overlap > 0 ? overlapTail(raw, overlap, mode) : "";
  }
  return pieces;
}
function toUnits(text, budget, mode) {
  const units = [];
  for (const sentence of text.split(mode === "lines" ? LINE_BOUNDARY : SENTENCE_BOUNDARY)) {
    const tokens = countTokens(sentence);
    if (tokens <= budget) {
      units.push({ text: sentence, tokens });
      continue;
    }
    for (const word of sentence.split(WORD_BOUNDARY)) {
      const wordTokens = countTokens(word);
      if (wordTokens <= budget) units.push({ text: word, tokens: wordTokens });
      else for (const part of hardSplit(word, budget)) units.push(part);
    }
  }
  return units;
}
function hardSplit(text, budget) {
  const parts = [];
  let rest = text;
  while (rest !== "") {
    const window = Math.min(rest.length, budget * MAX_CHARS_PER_TOKEN);
    let end = longestFitting(1, window, budget, (cut) => rest.slice(0, cut));
    if (isLowSurrogateAt(rest, end)) end += end > 1 ? -1 : 1;
    const part = rest.slice(0, end);
    parts.push({ text: part, tokens: countTokens(part) });
    rest = rest.slice(end);
  }
  return parts;
}
function longestFitting(low, high, budget, textAt) {
  let best = low;
  let lo = low;
  let hi = high;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countTokens(textAt(mid)) <= budget) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
function isLowSurrogateAt(text, index) {
  const code = text.charCodeAt(index);
  return code >= 56320 && code <= 57343;
}
function overlapTail(raw, budget, mode) {
  const starts = [];
  const pattern = mode === "lines" ? /(?<=\n)[^\n]/gu : /(?<=\s)\S/gu;
  for (const match of raw.matchAll(pattern)) starts.push(match.index);
  const tailFrom = (start2) => raw.slice(start2).trim();
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const start2 = starts[mid] ?? raw.length;
    if (countTokens(tailFrom(start2)) <= budget) {
      found = start2;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (found !== -1) return mode === "lines" ? raw.slice(found) : raw.slice(found).trimStart();
  if (mode === "lines") return "";
  const trimmed = raw.trimEnd();
  const size = longestFitting(
    0,
    Math.min(trimmed.length - 1, budget * MAX_CHARS_PER_TOKEN),
    budget,
    (length) => trimmed.slice(trimmed.length - length)
  );
  let start = trimmed.length - size;
  if (isLowSurrogateAt(trimmed, start)) start += 1;
  return raw.slice(start);
}

// apps/server/src/ai/ingest/chunk.ts
var DEFAULT_MAX_TOKENS = 500;
var DEFAULT_OVERLAP_TOKENS = 50;
var BLOCK_SEPARATOR = "\n\n";
function chunkDocument(doc2, options = {}) {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 16) {
    throw new RangeError(`maxTokens must be an integer of at least 16, got ${maxTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0) {
    throw new RangeError(`overlapTokens must be a non-negative integer, got ${overlapTokens}`);
  }
  const chunks2 = [];
  const headings = [];
  let pending = [];
  let pendingTokens = 0;
  let section = null;
  const emit = (piece) => {
    chunks2.push({ text: piece.text, tokens: piece.tokens, section, ordinal: chunks2.length });
  };
  const flush = () => {
    for (const packed of packExactly(pending, maxTokens)) emit(packed);
    pending = [];
    pendingTokens = 0;
  };
  for (const block of doc2.blocks) {
    if (block.kind === "heading") {
      const text = block.text.trim();
      if (text === "") continue;
      flush();
      while (headings.length > 0 && (headings.at(-1)?.level ?? 0) >= block.level) headings.pop();
      headings.push({ level: block.level, text });
      section = headings.map((heading) => heading.text).join(" > ");
      continue;
    }
    const pieces = blockPieces(block, maxTokens, overlapTokens);
    const [only] = pieces;
    if (pieces.length === 1 && only !== void 0) {
      if (pending.length > 0 && pendingTokens + 1 + only.tokens > maxTokens) flush();
      pending.push(only);
      pendingTokens += (pending.length > 1 ? 1 : 0) + only.tokens;
    } else {
      flush();
      for (const piece of pieces) emit(piece);
    }
  }
  flush();
  return chunks2;
}
function packExactly(pieces, maxTokens) {
  if (pieces.length === 0) return [];
  const all = joinPieces(pieces);
  if (all.tokens <= maxTokens) return [all];
  const out = [];
  let group = [];
  for (const piece of pieces) {
    const candidate = [...group, piece];
    if (group.length === 0 || joinPieces(candidate).tokens <= maxTokens) {
      group = candidate;
      continue;
    }
    out.push(joinPieces(group));
    group = [piece];
  }
  if (group.length > 0) out.push(joinPieces(group));
  return out;
}
function joinPieces(group) {
  const [only] = group;
  if (group.length === 1 && only !== void 0) return only;
  const text = group.map((p) => p.text).join(BLOCK_SEPARATOR);
  return { text, tokens: countTokens(text) };
}
function blockPieces(block, maxTokens, overlapTokens) {
  if (block.kind === "heading") return [];
  const whole = block.kind === "code" ? block.text.replace(/^\n+/u, "").trimEnd() : renderBlock(block).trim();
  if (whole.trim() === "") return [];
  const tokens = countTokens(whole);
  if (tokens <= maxTokens) return [{ text: whole, tokens }];
  let texts;
  switch (block.kind) {
    case "paragraph":
      texts = splitText(whole, maxTokens, overlapTokens, "prose");
      break;
    case "code":
      texts = splitText(whole, maxTokens, overlapTokens, "lines");
      break;
    case "list":
      texts = packLines([], listLines(block.items), maxTokens, overlapTokens);
      break;
    case "table":
      texts = packLines(renderTableHeader(block.header), block.rows.map(renderRow), maxTokens, 0);
      break;
  }
  return texts.filter((text) => text !== "").map((text) => ({ text, tokens: countTokens(text) }));
}
function packLines(head, lines, maxTokens, overlapTokens) {
  const whole = [...head, ...lines].join("\n").trim();
  if (lines.length === 0) return head.length > 0 ? [whole] : [];
  if (countTokens(whole) <= maxTokens) return [whole];
  const headText = head.join("\n");
  const headTokens = head.length > 0 ? countTokens(headText) + 1 : 0;
  const pieces = [];
  let current = [];
  let currentTokens = headTokens;
  const close = () => {
    if (current.length > 0) pieces.push([...head, ...current].join("\n"));
    current = [];
    currentTokens = headTokens;
  };
  for (const line of lines) {
    const tokens = countTokens(line) + 1;
    if (headTokens + tokens > maxTokens) {
      close();
      const alone = head.length > 0 ? `${headText}
${line}` : line;
      pieces.push(...splitText(alone, maxTokens, overlapTokens, "prose"));
      continue;
    }
    if (currentTokens + tokens > maxTokens) close();
    current.push(line);
    currentTokens += tokens;
  }
  close();
  return pieces.flatMap(
    (piece) => countTokens(piece) <= maxTokens ? [piece] : splitText(piece, maxTokens, overlapTokens, "lines")
  );
}
function listLines(items) {
  return items.filter((item) => item.trim() !== "").map(renderListItem);
}
function renderListItem(item) {
  const indent = /^\s*/u.exec(item)?.[0] ?? "";
  return `${indent}- ${item.slice(indent.length)}`;
}
function renderTableHeader(header) {
  if (header.length === 0) return [];
  return [renderRow(header), renderRow(header.map(() => "---"))];
}
function renderRow(cells) {
  const escaped = cells.map((cell) => cell.replace(/\s+/gu, " ").trim().replaceAll("|", "\\|"));
  return `| ${escaped.join(" | ")} |`;
}
function renderBlock(block) {
  switch (block.kind) {
    case "heading":
    case "paragraph":
    case "code":
      return block.text;
    case "list":
      return listLines(block.items).join("\n");
    case "table":
      return [...renderTableHeader(block.header), ...block.rows.map(renderRow)].join("\n");
  }
}

// apps/server/src/ai/ingest/bench.ts
var para = (i) => `<p class="article-body__paragraph text-base leading-7" data-v-1a2b3c>Our <a class="link link--inline" href="/features/routing?utm_source=blog#x">routing engine</a> assigns conversation ${i} to the <strong>right team</strong>, keeps the customer's context and <em>history</em>, and escalates when an SLA is at risk. Agents see suggestions from the knowledge base inline.</p>`;
var nav = Array.from({ length: 80 }, (_, i) => `<li class="menu-item menu-item-type-post_type"><a class="nav-link" href="/section/${i}/">Section ${i}</a></li>`).join("");
var body = Array.from({ length: 12 }, (_, s) => `<section class="content-section" id="s${s}"><h2 class="heading heading--lg">Topic ${s}</h2>${Array.from({ length: 5 }, (_2, i) => para(s * 10 + i)).join("")}<ul class="feature-list">${Array.from({ length: 4 }, (_2, j) => `<li class="feature-list__item"><span class="icon" aria-hidden="true"><svg viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5-10-5z"/></svg></span>Feature ${j} of topic ${s}</li>`).join("")}</ul></section>`).join("");
var html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme \u2014 Routing</title><link rel="canonical" href="https://acme.example/routing"><script type="application/ld+json">${JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ name: `Item ${i}`, url: `https://acme.example/${i}` })) })}</script><style>${".a{color:red}".repeat(200)}</style></head><body><header class="site-header"><nav class="main-nav"><ul>${nav}</ul></nav></header><div id="cookie-consent" class="cookie-banner">We use cookies <button>OK</button></div><main id="content"><article><h1>Routing</h1>${body}</article></main><footer class="site-footer"><ul>${nav.slice(0, 6e3)}</ul></footer><script>${"console.log(1);".repeat(300)}</script></body></html>`;
console.log("bytes", html.length);
var time = (label, fn, runs = 300) => {
  for (let i = 0; i < 30; i++) fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(label, ((performance.now() - t) / runs).toFixed(2), "ms");
};
for (let r = 0; r < 2; r++) {
  time("extractHtml", () => extractHtml(html, "https://acme.example/routing"));
  const doc2 = extractHtml(html, "https://acme.example/routing");
  time("chunkDocument", () => chunkDocument(doc2));
  time("extractHtml+chunkDocument", () => chunkDocument(extractHtml(html, "https://acme.example/routing")));
}
var doc = extractHtml(html, "https://acme.example/routing");
var chunks = chunkDocument(doc);
console.log("blocks", doc.blocks.length, "links", doc.links.length, "chunks", chunks.length, "tokens", chunks.reduce((a, c) => a + c.tokens, 0), doc.title, doc.canonical);
console.log(chunks[0]);
