// End-to-end test of the whosaid web viewer in headless Chromium.
//
// Run by scripts/browser-tests.sh, which starts `whosaid serve` on a corpus and sets:
//   WHOSAID_URL      the server's base URL (http://127.0.0.1:PORT)
//   WHOSAID_EXAMPLE  examples/harbor-strike.txt
//   SCREENSHOT_DIR   where to write the pages' screenshots
//   CHROMIUM         the browser (default /usr/bin/chromium, Debian's package)
//   BROWSER_TMP      a scratch directory for the browser profile
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.WHOSAID_URL;
assert.ok(BASE, 'WHOSAID_URL must name the running server');
const EXAMPLE = readFileSync(process.env.WHOSAID_EXAMPLE || new URL('../examples/harbor-strike.txt', import.meta.url), 'utf8');
const SHOTS = process.env.SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'whosaid-shots-'));
const VIEWPORT = { width: 1280, height: 900 };
const URL_DOC = 'https://news.example/2025/03/20/port-talks-resume';

let context;
let page;
let profile;
const problems = []; // page errors, console errors, requests that left the server

before(async () => {
  profile = mkdtempSync(join(process.env.BROWSER_TMP || tmpdir(), 'chromium-profile-'));
  // A fresh, empty profile (playwright passes it to Chromium as --user-data-dir).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
  });
  // The viewer must work offline: any request that is not to the server fails the test.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(BASE)) return route.continue();
    problems.push(`request outside the server: ${url}`);
    return route.abort();
  });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Whether the element is entirely inside the viewport. */
const inViewport = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
});

/** The text of a quotation's highlighted content (all its pieces, in order). */
const quoteText = (id) => page.evaluate((qid) =>
  [...document.querySelectorAll('#article-text mark.q-content')]
    .filter((el) => el.dataset.q.split(' ').includes(qid))
    .map((el) => el.textContent).join(''), id);

async function shot(name) {
  await page.evaluate(() => document.fonts && document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, name), fullPage: false });
}

async function extract(text, date) {
  await page.goto(BASE + '/');
  await page.fill('#article', text);
  if (date) await page.fill('#date', date);
  await page.click('#extract-button');
  await page.waitForSelector('#result .reader, #result .error');
}

test('the extract view highlights the quotations of the pasted example and lists its speakers', async () => {
  await extract(EXAMPLE, '2025-03-14');
  assert.equal(await page.locator('#result .error').count(), 0);

  const ids = await page.$$eval('#article-text mark.q-content', (els) =>
    [...new Set(els.flatMap((el) => el.dataset.q.split(' ')))]);
  assert.ok(ids.length >= 6, `only ${ids.length} highlighted quotations`);
  const marked = await page.$$eval('#article-text mark.q-content', (els) => els.map((e) => e.textContent).join('\n'));
  assert.match(marked, /Every day this port stays closed/);
  assert.match(marked, /We came to the table in good faith/);
  assert.ok(await page.locator('#article-text .q-speaker').count() >= 4, 'speakers are marked');
  assert.ok(await page.locator('#article-text .q-cue').count() >= 4, 'cues are marked');

  const speakers = await page.$$eval('.speaker-list .speaker .name', (els) => els.map((e) => e.textContent));
  assert.ok(speakers.includes('Daniel Okafor'), `speakers: ${speakers}`);
  assert.ok(speakers.includes('Teresa Lindahl'), `speakers: ${speakers}`);
  assert.equal(await page.locator('.quote-link').count(), ids.length, 'every quotation is in the side list');

  // Each quotation has its speaker's colour.
  const okafor = page.locator('.speaker', { has: page.locator('.name', { hasText: 'Daniel Okafor' }) });
  const firstId = await okafor.locator('.quote-link').first().getAttribute('data-q');
  const swatch = await okafor.locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
  const mark = await page.locator(`#quote-${firstId}`).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(mark, swatch);
  assert.match(await quoteText(firstId), /Every day this port stays closed/);

  assert.equal(await inViewport(page.locator('#result .summary')), true, 'the result is scrolled into view');
  await shot('extract.png');
});

test('clicking a quotation in the side list scrolls to it and highlights it', async () => {
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const last = page.locator('.quote-link').last();
  const id = await last.getAttribute('data-q');
  const target = page.locator(`#quote-${id}`);
  assert.equal(await inViewport(target), false, 'the last quotation starts below the fold');
  await last.click();
  await page.waitForFunction((qid) => document.getElementById('quote-' + qid).classList.contains('active'), id);
  assert.equal(await inViewport(target), true, 'scrolled into view');
  assert.equal(await last.getAttribute('aria-current'), 'true');
  assert.equal(await page.evaluate(() => location.hash), '#' + id);
  assert.equal(await page.locator('#article-text .active').first().getAttribute('data-q').then((q) => q.split(' ').includes(id)), true);
  await page.setViewportSize(VIEWPORT);
});

test('spans with astral characters land on the right characters', async () => {
  // Characters outside the Basic Multilingual Plane are one code point (the API's unit)
  // but two UTF-16 units (JavaScript's): every mark must still cover exactly its span.
  const text = 'Emoji 😀 Row\n\nThe 𝒜 council met on 😀 day. “The 😀 policy is 𝒮𝓉𝓊𝓅𝒾𝒹,” said Mayor Daniel Okafor.\n';
  const response = await fetch(BASE + '/v1/extract', { method: 'POST', body: text, headers: { 'content-type': 'text/plain' } });
  const record = await response.json();
  assert.equal(record.quotes.length, 1);
  const [q] = record.quotes;
  assert.match(q.content.map((c) => c.text).join(''), /𝒮𝓉𝓊𝓅𝒾𝒹/);

  await extract(text);
  assert.equal(await quoteText(q.id), q.content.map((c) => c.text).join(''));
  const speaker = await page.$$eval('#article-text .q-speaker', (els) => els.map((e) => e.textContent).join(''));
  assert.equal(speaker, q.speaker.text);
  const cue = await page.$$eval('#article-text .q-cue', (els) => els.map((e) => e.textContent).join(''));
  assert.equal(cue, q.cue.text);
  const map = await page.evaluate(() => {
    const cp = window.whosaid.codePoints('a😀b');
    return [cp.length, cp.utf16(0), cp.utf16(1), cp.utf16(2), cp.utf16(3), cp.utf16(9)];
  });
  assert.deepEqual(map, [3, 0, 1, 3, 4, 4]);
});

test('the search page finds quotations with the words highlighted and filters them', async () => {
  await page.goto(BASE + '/search');
  await page.waitForSelector('.top-speakers li a');
  await page.fill('#q', 'port');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'port');
  await page.waitForSelector('#results .hit');
  assert.ok(await page.locator('#results .hit').count() >= 2);
  const marks = await page.$$eval('#results .hit blockquote mark', (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.length > 0 && marks.every((m) => m.startsWith('port')), `marks: ${marks}`);
  assert.match(await page.textContent('#results .result-count'), /quotation/);

  await page.fill('#speaker', 'Okafor');
  await page.selectOption('#kind', 'direct');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('kind') === 'direct');
  await page.waitForSelector('#results .hit');
  const who = await page.$$eval('#results .hit .hit-speaker', (els) => els.map((e) => e.textContent));
  assert.ok(who.length >= 1 && who.every((w) => w === 'Daniel Okafor'), `speakers: ${who}`);

  // The broad search for the screenshot.
  await page.goto(BASE + '/search?q=port');
  await page.waitForSelector('#results .hit');
  await page.waitForSelector('.top-speakers li a');
  await shot('search.png');
});

test('a speaker page shows the name, titles, count and a timeline', async () => {
  await page.goto(BASE + '/search?speaker=Okafor');
  await page.waitForSelector('#results .hit a.hit-speaker');
  await page.locator('#results .hit a.hit-speaker', { hasText: 'Daniel Okafor' }).first().click();
  await page.waitForURL(/\/speakers\/\d+$/);
  await page.waitForSelector('.speaker-name');
  assert.match(await page.textContent('.speaker-name'), /Daniel Okafor/);
  assert.match(await page.textContent('.facts .titles'), /Mayor/i);
  assert.match(await page.textContent('.facts .quote-count'), /^\d+ \(/);
  const bars = await page.locator('.timeline svg rect.bar-rect').count();
  assert.ok(bars >= 3, `${bars} bars: the corpus quotes him on several days`);
  assert.match(await page.getAttribute('.timeline svg', 'aria-label'), /Timeline: \d+ dated quotations by day/);
  assert.ok(await page.locator('.by-date h3').count() >= 3);
  await shot('speaker.png');
});

test('a document page renders the stored text with its quotations, also for an id that is a URL', async () => {
  await page.locator('.by-date a[href*="news.example"]').first().click();
  await page.waitForSelector('#article-text mark.q-content');
  assert.match(await page.textContent('.doc-title'), /Port Talks Resume/);
  assert.match(await page.textContent('.doc-meta code'), new RegExp(URL_DOC.replace(/[.?/]/g, '\\$&')));
  const hash = await page.evaluate(() => location.hash.slice(1));
  assert.ok(hash, 'the link names the quotation');
  assert.equal(await page.locator(`#quote-${hash}.active`).count(), 1, 'the linked quotation is highlighted');

  await page.goto(BASE + '/documents/' + encodeURIComponent(URL_DOC));
  await page.waitForSelector('#article-text mark.q-content');
  assert.match(await page.textContent('.doc-title'), /Port Talks Resume/);

  await page.goto(BASE + '/documents/harbor-strike');
  await page.waitForSelector('#article-text mark.q-content');
  const speakers = await page.$$eval('.speaker-list .speaker a.name', (els) => els.map((e) => e.textContent));
  assert.ok(speakers.includes('Daniel Okafor'), 'speakers link to their pages');
  await page.locator('.quote-link').nth(2).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('document.png');

  await page.goto(BASE + '/documents/no-such-document');
  await page.waitForSelector('.error');
  assert.match(await page.textContent('.error'), /no document with id/);
  problems.splice(0, problems.length, ...problems.filter((p) => !/404/.test(p)));
});

test('nothing failed in the page and nothing was fetched from elsewhere', () => {
  assert.deepEqual(problems, []);
});
