// Renders every Markdown report of a folder as GitHub shows it and fails on rendering defects.
//
//   node render.mjs [DIR]        (DIR defaults to tests/render/out)
//
// Each DIR/<name>.md goes through cmark-gfm with GitHub's extensions, into a page styled by
// github-markdown-css at the width of GitHub's file view, with its ```mermaid blocks drawn by
// Mermaid 11, in headless Chromium. Raw HTML is let through (--unsafe, with GitHub's tag filter)
// so that any HTML a report leaks shows up as an element and is caught; GitHub would strip it
// instead and the text would silently vanish. Writes DIR/<name>.html and DIR/<name>.png.
//
// Text from the hostile fixture (tests/fixtures/render-hostile) carries the marker ZZHOSTILE;
// such text may only appear as plain text in paragraphs, lists and table cells (or the report's
// title), and each line of its literals.txt must be shown character for character.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, 'out'));
const chromium = process.env.KAM_CHROMIUM ?? '/usr/bin/chromium';
const MARKER = 'ZZHOSTILE';
const literalsFile =
  process.env.KAM_RENDER_LITERALS ?? path.join(here, '..', 'fixtures', 'render-hostile', 'literals.txt');
const literals = fs
  .readFileSync(literalsFile, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
// Each literal with its marker, the ZZHOSTILE-… word in it.
const probes = literals
  .map((literal) => ({
    literal: literal.replace(/\s+/g, ' '),
    marker: literal.match(new RegExp(`${MARKER}[\\w-]*`))?.[0],
  }))
  .filter((p) => p.marker);

// Reports meant to be read on a page: none of their tables may need a horizontal scroll bar.
// (The wide analyses, margin by period, retention, cohorts and abc, may scroll.)
const mustFitPage = (name) => /^(hostile-)?(brief-.+|kpi-.+|accounts|margin)$/.test(name);

const css = path.join(here, 'node_modules', 'github-markdown-css', 'github-markdown-light.css');
const mermaidJs = path.join(here, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text, re) => (text.match(re) ?? []).length;
const short = (s, n = 90) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

// GitHub's Markdown: cmark-gfm with the extensions github.com enables.
function markdownToHtml(md) {
  const args = ['--extension', 'table', '--extension', 'strikethrough', '--extension', 'autolink'];
  args.push('--extension', 'tagfilter', '--unsafe');
  const html = execFileSync('cmark-gfm', args, { input: md, encoding: 'utf8' });
  // ```mermaid blocks become <pre class="mermaid"> with the diagram's text, as Mermaid wants them.
  return html.replace(
    /<pre lang="mermaid"><code>([\s\S]*?)<\/code><\/pre>|<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    (_, a, b) => `<pre class="mermaid">${a ?? b}</pre>`,
  );
}

function page(name, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(name)}</title>
<link rel="stylesheet" href="${pathToFileURL(css)}">
<style>
.markdown-body { box-sizing: border-box; min-width: 200px; max-width: 980px; margin: 0 auto; padding: 45px; }
</style>
<script src="${pathToFileURL(mermaidJs)}"></script>
<script>mermaid.initialize({ startOnLoad: false });</script>
</head>
<body>
<article class="markdown-body">
${body}
</article>
</body>
</html>
`;
}

// Tables of the Markdown source: a row whose cell count differs from the header's. GitHub pads
// or drops cells silently, so this is only visible in the source.
function tableRowProblems(md) {
  const problems = [];
  const lines = md.split('\n');
  const delimiter = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$/;
  const cells = (line) => {
    let s = line.trim();
    if (s.startsWith('|')) s = s.slice(1);
    if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
    return count(s, /(?<!\\)\|/g) + 1;
  };
  const startsBlock = (l) => /^(#{1,6}\s|```|~~~|>|[-*+]\s|\d+[.)]\s)/.test(l);
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].includes('|') || !delimiter.test(lines[i + 1].trim())) continue;
    const want = cells(lines[i]);
    let j = i + 2;
    for (; j < lines.length && lines[j].trim() !== '' && !startsBlock(lines[j]); j++) {
      const got = cells(lines[j]);
      if (got !== want) {
        problems.push(`Markdown line ${j + 1}: table row with ${got} cells, header ${want}: ${short(lines[j])}`);
      }
    }
    i = j - 1;
  }
  return problems;
}

// Runs in the page: draws the diagrams and inspects the rendered article.
async function inspect({ MARKER, fitPage, literals }) {
  const fails = [];
  const short = (s, n = 90) => {
    const t = s.replace(/\s+/g, ' ').trim();
    return t.length > n ? `${t.slice(0, n - 1)}…` : t;
  };
  const art = document.querySelector('article.markdown-body');

  // Mermaid, one diagram at a time so that every broken one is named.
  const diagrams = [...art.querySelectorAll('pre.mermaid')];
  if (diagrams.length > 0) {
    if (typeof mermaid === 'undefined') {
      fails.push('Mermaid did not load');
    } else {
      for (const [i, el] of diagrams.entries()) {
        const what = `Mermaid diagram ${i + 1} (${short(el.textContent.trim().split('\n')[0], 30)})`;
        try {
          await mermaid.run({ nodes: [el] });
        } catch (e) {
          fails.push(`${what}: ${short(String(e?.message ?? e), 200)}`);
        }
        const svg = el.querySelector('svg');
        if (!svg) {
          fails.push(`${what}: not drawn`);
          continue;
        }
        if (svg.getAttribute('aria-roledescription') === 'error' || /Syntax error/i.test(svg.textContent)) {
          fails.push(`${what}: shows Mermaid's "Syntax error in text" instead of the diagram`);
        }
        const bad = [];
        for (const node of [svg, ...svg.querySelectorAll('*')]) {
          for (const a of node.attributes) {
            if (/NaN|Infinity/.test(a.value)) bad.push(`<${node.tagName} ${a.name}="${short(a.value, 60)}">`);
          }
        }
        if (bad.length > 0) fails.push(`${what}: ${bad.length} SVG attribute(s) with NaN, e.g. ${bad[0]}`);
      }
    }
  }

  // Elements: only those the reports' Markdown makes; inside diagrams, only Mermaid's own.
  const STRUCTURE = new Set(
    'H1 H2 H3 H4 H5 H6 P UL OL LI TABLE THEAD TBODY TR TH TD STRONG EM CODE PRE BR HR A BLOCKQUOTE'.split(' '),
  );
  const LABEL_HTML = new Set(['DIV', 'SPAN', 'P', 'BR', 'STYLE']);
  const SVG_FORBIDDEN = new Set(['script', 'a', 'image', 'iframe', 'use']);
  const SVGNS = 'http://www.w3.org/2000/svg';
  const leaked = new Set();
  for (const el of art.querySelectorAll('*')) {
    const diagram = el.closest('pre.mermaid');
    if (diagram === el) continue;
    if (diagram) {
      const ok = el.namespaceURI === SVGNS ? !SVG_FORBIDDEN.has(el.localName) : LABEL_HTML.has(el.tagName);
      if (!ok) {
        fails.push(`HTML from the text in a Mermaid diagram: <${el.localName}> in "${short(el.closest('.node,.label,g')?.textContent ?? el.textContent, 70)}"`);
        leaked.add(el);
      }
    } else if (!STRUCTURE.has(el.tagName)) {
      fails.push(`raw HTML element <${el.localName}>: ${short(el.outerHTML, 80)}`);
      leaked.add(el);
    }
  }

  // Text from the data: plain text of paragraphs, lists and cells, and inside the headings kam
  // makes (the report's title, a section per owner or account), never a heading of its own: a
  // heading whose text starts with the data's marker was made by the data ("# ZZHOSTILE-h …").
  const title = art.firstElementChild?.tagName === 'H1' ? art.firstElementChild : null;
  const madeByKam = (el) => /^H\d$/.test(el.tagName) && !el.textContent.trim().startsWith(MARKER);
  const TEXT_OK = new Set('P LI UL OL TABLE THEAD TBODY TR TH TD STRONG EM BLOCKQUOTE'.split(' '));
  const reported = new Set();
  const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.nodeValue.includes(MARKER) || t.parentElement.closest('pre.mermaid')) continue;
    for (let el = t.parentElement; el && el !== art; el = el.parentElement) {
      if (TEXT_OK.has(el.tagName) || el === title || madeByKam(el) || leaked.has(el)) continue;
      if (el.tagName === 'CODE' && !el.closest('pre')) continue;
      if (reported.has(el)) break;
      reported.add(el);
      const kind = /^H\d$/.test(el.tagName)
        ? `heading <${el.localName}> made from the text`
        : el.tagName === 'PRE' || el.tagName === 'CODE'
          ? 'code block opened by the text'
          : el.tagName === 'A'
            ? 'link made from the text'
            : `the text inside <${el.localName}>`;
      fails.push(`${kind}: "${short(el.textContent, 70)}"`);
      break;
    }
  }
  for (const a of art.querySelectorAll('a')) {
    if ((a.textContent + (a.getAttribute('href') ?? '')).includes(MARKER) && !reported.has(a)) {
      fails.push(`link made from the text: "${short(a.textContent, 60)}" → ${a.getAttribute('href')}`);
    }
  }

  // Tables: every row as many cells as the header; on reports read as a page, no scrolling.
  const contentWidth =
    art.clientWidth - parseFloat(getComputedStyle(art).paddingLeft) - parseFloat(getComputedStyle(art).paddingRight);
  for (const [i, table] of [...art.querySelectorAll('table')].entries()) {
    const head = [...table.querySelectorAll('thead tr > *')].map((c) => c.textContent.trim());
    const what = `table ${i + 1} (${short(head.slice(0, 3).join(' | '), 50)})`;
    for (const [r, tr] of [...table.querySelectorAll('tbody tr')].entries()) {
      if (tr.children.length !== head.length) {
        fails.push(`${what}: row ${r + 1} has ${tr.children.length} cells, the header ${head.length}`);
      }
    }
    const width = Math.max(table.scrollWidth, table.getBoundingClientRect().width);
    if (fitPage && (table.scrollWidth > table.clientWidth + 1 || width > contentWidth + 1)) {
      fails.push(`${what}: ${table.scrollWidth} px wide, the page has ${Math.round(contentWidth)} px (${head.length} columns; scrolls sideways)`);
    }
  }

  // The literals: how often each is shown, and where its marker is shown without it.
  const textOf = (root) => {
    let s = '';
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = w.nextNode(); t; t = w.nextNode()) if (!t.parentElement.closest('style, script')) s += t.nodeValue;
    return s.replace(/\s+/g, ' ');
  };
  const count = (s, sub) => s.split(sub).length - 1;
  const countWord = (s, word) => count(s.replace(new RegExp(`${word}[\\w-]+`, 'g'), ''), word);
  const BLOCKS = 'p, li, th, td, h1, h2, h3, h4, h5, h6, pre:not(.mermaid), blockquote, text, foreignObject';
  const leaves = [...art.querySelectorAll(BLOCKS)].filter((b) => !b.querySelector(BLOCKS));
  const text = textOf(art);
  const shown = literals.map(({ literal, marker }) => {
    const where = [];
    for (const b of leaves) {
      const t = textOf(b);
      if (countWord(t, marker) > count(t, literal)) {
        const diagram = b.closest('pre.mermaid');
        const n = diagram ? [...art.querySelectorAll('pre.mermaid')].indexOf(diagram) + 1 : 0;
        const i = t.search(new RegExp(`${marker}(?![\\w-])`));
        const at = i > 15 ? t.lastIndexOf(' ', i - 15) + 1 : 0;
        const snippet = `${at > 0 ? '…' : ''}${short(t.slice(at), 60)}`;
        where.push(`${diagram ? `Mermaid diagram ${n}` : `<${b.localName}>`} "${snippet}"`);
      }
    }
    return { literal, marker, shown: count(text, literal), where };
  });
  return { fails, shown };
}

async function renderOne(browser, name, md) {
  const fails = [];
  const htmlFile = path.join(dir, `${name}.html`);
  fs.writeFileSync(htmlFile, page(name, markdownToHtml(md)));

  const tab = await browser.newPage();
  await tab.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  await tab.setRequestInterception(true);
  tab.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('file:') || url.startsWith('data:')) return req.continue();
    fails.push(`the page requested ${short(url, 80)}`);
    return req.abort();
  });
  tab.on('requestfailed', (req) => {
    if (req.url().startsWith('file:')) fails.push(`could not load ${short(req.url(), 80)} (${req.failure()?.errorText})`);
  });
  tab.on('console', (msg) => {
    if (['error', 'warn', 'warning'].includes(msg.type()) && /NaN|error/i.test(msg.text())) {
      fails.push(`console ${msg.type()}: ${short(msg.text(), 200)}`);
    }
  });
  tab.on('pageerror', (err) => fails.push(`page error: ${short(String(err?.message ?? err), 200)}`));
  tab.on('dialog', async (d) => {
    fails.push(`a script from the report ran: ${d.type()}(${short(d.message(), 40)})`);
    await d.dismiss();
  });

  await tab.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
  const result = await tab.evaluate(inspect, { MARKER, fitPage: mustFitPage(name), literals: probes });
  fails.push(...result.fails);
  fails.push(...tableRowProblems(md));

  // Each literal of the fixture as often on the page as kam wrote its marker.
  for (const { literal, marker, shown, where } of result.shown) {
    const written = count(md, new RegExp(`${escapeRe(marker)}(?![\\w-])`, 'g'));
    if (shown < written) {
      const at = where.length > 0 ? `; e.g. ${where.slice(0, 2).join(', ')}` : '';
      fails.push(`text not shown as written: ${JSON.stringify(literal)} (written ${written}×, shown ${shown}×${at})`);
    }
  }

  await new Promise((r) => setTimeout(r, 100));
  await tab.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  await tab.close();
  return fails;
}

const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort();
if (files.length === 0) {
  console.error(`no .md files in ${dir}`);
  process.exit(1);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-render-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let passed = 0;
let failed = 0;
try {
  for (const file of files) {
    const name = file.slice(0, -3);
    let fails;
    try {
      fails = await renderOne(browser, name, fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (e) {
      fails = [`could not render: ${e?.message ?? e}`];
    }
    // The same problem many times over is listed once, with its count.
    const counts = new Map();
    for (const f of fails) counts.set(f, (counts.get(f) ?? 0) + 1);
    if (counts.size === 0) {
      passed++;
      console.log(`ok    ${name}`);
    } else {
      failed++;
      console.log(`FAIL  ${name}`);
      for (const [f, n] of counts) console.log(`      - ${f}${n > 1 ? ` (${n}×)` : ''}`);
    }
  }
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`pages and screenshots in ${path.relative(process.cwd(), dir) || '.'}/ (${Math.round(performance.now() / 1000)} s)`);
console.log(`render: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
