// whosaid viewer: plain JavaScript, no framework, no external resources.
//
// Every viewer path answers the same HTML page; this script reads the path, fetches what
// it needs from the JSON API (/v1/...) and draws the view with DOM calls (never
// innerHTML, so text from articles cannot inject markup).
//
// Spans in the API are [start, end) in Unicode code points; JavaScript strings are indexed
// in UTF-16 code units. `codePoints` builds the map from one to the other once per text.
'use strict';

(() => {
  // ---------------------------------------------------------------- small helpers

  /** Creates an element: h('a', {href: '/x', class: 'y'}, 'text', child, ...). */
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'style') for (const [p, v] of Object.entries(value)) el.style.setProperty(p, v);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const kid of kids.flat()) if (kid) el.append(kid instanceof Node ? kid : String(kid));
    return el;
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + 's'}`;
  const documentHref = (id, quote) =>
    '/documents/' + encodeURIComponent(id) + (quote ? '#' + encodeURIComponent(quote) : '');
  const speakerHref = (id) => '/speakers/' + encodeURIComponent(id);

  function shorten(text, max) {
    const chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
  }

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  /** Fetches from the API; throws ApiError with the server's message on failure. */
  async function api(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError('The server cannot be reached (' + e.message + ').', 0);
    }
    const type = response.headers.get('content-type') || '';
    const body = type.startsWith('application/json') ? await response.json() : await response.text();
    if (!response.ok) {
      const message = body && body.error ? body.error.message : 'HTTP ' + response.status;
      throw new ApiError(message, response.status);
    }
    return { body, headers: response.headers };
  }

  const errorBox = (e) => h('div', { class: 'error', role: 'alert' }, e.message || String(e));

  // ---------------------------------------------------------------- colours

  // Pairs of (background, border/ink) that keep dark text readable on the background.
  const PALETTE = [
    ['#ffe08a', '#9a6700'], ['#b6e3ff', '#0550ae'], ['#ffc1cc', '#bf3989'],
    ['#b4f1c4', '#1a7f37'], ['#d8c8ff', '#6639ba'], ['#ffcba4', '#bc4c00'],
    ['#a5f0e8', '#0f766e'], ['#eadbb0', '#7d5a00'], ['#f5c2f0', '#8e1f8a'],
    ['#d2e6a8', '#4d6b00'],
  ];
  const GREY = ['#e6e6e6', '#57606a'];
  function colour(i) {
    if (i < PALETTE.length) return PALETTE[i];
    const hue = Math.round((i * 137.508) % 360);
    return [`hsl(${hue} 85% 85%)`, `hsl(${hue} 70% 28%)`];
  }
  const colourStyle = ([bg, fg]) => ({ '--bg': bg, '--fg': fg });

  // ---------------------------------------------------------------- annotated text

  /**
   * Maps code-point offsets of `text` to UTF-16 offsets: utf16(i) for i in 0..=length.
   * Offsets past the end clamp to the end.
   */
  function codePoints(text) {
    const map = new Uint32Array(text.length + 1);
    let cp = 0;
    let u = 0;
    while (u < text.length) {
      map[cp++] = u;
      const c = text.charCodeAt(u);
      const pair = c >= 0xd800 && c <= 0xdbff && u + 1 < text.length &&
        (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00;
      u += pair ? 2 : 1;
    }
    map[cp] = u;
    const length = cp;
    return { length, utf16: (i) => map[Math.max(0, Math.min(i, length))] };
  }

  /**
   * Groups a record's quotations by who says them: an entity, a speaker written without
   * an entity, or nobody. Returns voices in order of first quotation, each with a colour.
   */
  function voicesOf(record) {
    const entities = new Map(record.entities.map((e) => [e.id, e]));
    const voices = new Map();
    for (const q of record.quotes) {
      const sp = q.speaker;
      let key;
      let voice;
      if (sp && sp.entity && entities.has(sp.entity)) {
        key = 'entity:' + sp.entity;
        const e = entities.get(sp.entity);
        voice = { key, entity: e, name: e.name, kind: e.kind, titles: e.titles };
      } else if (sp) {
        key = 'text:' + sp.text.toLowerCase();
        voice = { key, name: sp.text, kind: null, titles: [] };
      } else {
        key = 'none';
        voice = { key, name: 'Unattributed', kind: null, titles: [] };
      }
      if (!voices.has(key)) voices.set(key, Object.assign(voice, { quotes: [] }));
      voices.get(key).quotes.push(q);
    }
    let i = 0;
    const list = [...voices.values()];
    for (const v of list) v.colour = v.key === 'none' ? GREY : colour(i++);
    return list;
  }

  const ROLE_ORDER = { content: 0, speaker: 1, cue: 2 };

  /** The article with its quotations marked: content, cue and speaker spans. */
  function annotatedText(text, record, voices, onPick) {
    const cps = codePoints(text);
    const voiceOf = new Map();
    for (const v of voices) for (const q of v.quotes) voiceOf.set(q.id, v);

    const marks = [];
    for (const q of record.quotes) {
      for (const piece of q.content) marks.push({ q, role: 'content', span: piece.span });
      if (q.cue) marks.push({ q, role: 'cue', span: q.cue.span });
      if (q.speaker) marks.push({ q, role: 'speaker', span: q.speaker.span });
    }
    const cut = new Set([0, cps.length]);
    for (const m of marks) {
      m.start = Math.max(0, Math.min(m.span[0], cps.length));
      m.end = Math.max(m.start, Math.min(m.span[1], cps.length));
      cut.add(m.start);
      cut.add(m.end);
    }
    const bounds = [...cut].sort((a, b) => a - b);
    const index = new Map(bounds.map((b, i) => [b, i]));
    const buckets = bounds.map(() => []);
    for (const m of marks) {
      for (let i = index.get(m.start); i < index.get(m.end); i++) buckets[i].push(m);
    }

    const root = h('div', { class: 'article', id: 'article-text', tabindex: '-1' });
    const anchored = new Set();
    for (let i = 0; i + 1 < bounds.length; i++) {
      const piece = text.slice(cps.utf16(bounds[i]), cps.utf16(bounds[i + 1]));
      const here = buckets[i];
      if (here.length === 0) {
        root.append(piece);
        continue;
      }
      here.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
      const main = here[0];
      const roles = new Set(here.map((m) => m.role));
      const ids = [...new Set(here.map((m) => m.q.id))];
      const voice = voiceOf.get(main.q.id);
      const el = h(roles.has('content') ? 'mark' : 'span', {
        class: [...roles].map((r) => 'q-' + r).join(' '),
        style: colourStyle(voice.colour),
        dataset: { q: ids.join(' ') },
        title: `${main.q.id} · ${main.q.kind} · ${voice.name}` +
          (main.role === 'content' ? '' : ` (${main.role})`),
      }, piece);
      if (main.role === 'content' && !anchored.has(main.q.id)) {
        anchored.add(main.q.id);
        el.id = 'quote-' + main.q.id;
      }
      el.addEventListener('click', () => onPick(main.q.id, false));
      root.append(el);
    }
    return root;
  }

  /** The side list: each voice with its colour, titles and quotations. */
  function speakerList(voices, speakerIds, onPick) {
    const named = voices.filter((v) => v.key !== 'none').length;
    return h('section', { class: 'card speakers', 'aria-labelledby': 'speakers-heading' },
      h('h2', { id: 'speakers-heading' }, 'Speakers ', h('span', { class: 'muted' }, `(${named})`)),
      h('ol', { class: 'speaker-list' }, voices.map((v) => {
        const sid = v.entity && speakerIds ? speakerIds[v.entity.id] : undefined;
        const name = sid !== undefined
          ? h('a', { class: 'name', href: speakerHref(sid) }, v.name)
          : h('strong', { class: 'name' }, v.name);
        return h('li', { class: 'speaker', style: colourStyle(v.colour), dataset: { voice: v.key } },
          h('div', { class: 'who' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), name,
            v.kind && v.kind !== 'unknown' ? h('span', { class: 'badge' }, v.kind) : null,
            h('span', { class: 'muted' }, plural(v.quotes.length, 'quotation'))),
          v.titles.length ? h('div', { class: 'titles' }, v.titles.join(' · ')) : null,
          h('ul', {}, v.quotes.map((q) => h('li', {},
            h('button', {
              type: 'button', class: 'quote-link', dataset: { q: q.id },
              onclick: () => onPick(q.id, true),
            }, `“${shorten(q.text, 140)}” `, h('span', { class: 'badge ' + q.kind }, q.kind))))));
      })));
  }

  /**
   * Draws a record over its text: a legend, the annotated article and the speaker list.
   * Returns the element and a function that selects a quotation.
   */
  function reader(text, record, speakerIds) {
    const voices = voicesOf(record);
    let articleEl;
    let listEl;
    const pick = (id, scroll) => {
      for (const el of document.querySelectorAll('.active')) el.classList.remove('active');
      for (const el of document.querySelectorAll('.quote-link[aria-current]')) el.removeAttribute('aria-current');
      const parts = [...articleEl.querySelectorAll('[data-q]')]
        .filter((el) => el.dataset.q.split(' ').includes(id));
      for (const el of parts) el.classList.add('active');
      const button = listEl.querySelector(`.quote-link[data-q="${CSS.escape(id)}"]`);
      if (button) button.setAttribute('aria-current', 'true');
      const target = articleEl.querySelector('#' + CSS.escape('quote-' + id)) || parts[0];
      if (target && scroll) target.scrollIntoView({ block: 'center' });
      else if (button && !scroll) button.scrollIntoView({ block: 'nearest' });
      history.replaceState(history.state, '', '#' + encodeURIComponent(id));
    };
    articleEl = annotatedText(text, record, voices, pick);
    listEl = speakerList(voices, speakerIds, pick);
    const legend = h('p', { class: 'legend' },
      h('span', {}, h('mark', { class: 'q-content sample' }, 'quotation')),
      h('span', {}, h('span', { class: 'q-speaker sample' }, 'speaker')),
      h('span', {}, h('span', { class: 'q-cue sample' }, 'cue')),
      h('span', {}, 'Each speaker has a colour; click a quotation to find it.'));
    const el = h('div', {}, legend, h('div', { class: 'reader' },
      h('section', { 'aria-label': 'Article with quotations marked' }, articleEl), listEl));
    return { el, pick, voices };
  }

  function recordSummary(record, voices) {
    const m = record.meta;
    const items = [];
    if (m.headline) items.push(h('span', {}, h('b', {}, 'Headline: '), m.headline));
    if (m.dateline) items.push(h('span', {}, h('b', {}, 'Dateline: '), m.dateline.text + (m.agency ? ` (${m.agency})` : '')));
    if (m.published) items.push(h('span', {}, h('b', {}, 'Published: '), m.published));
    if (m.source) items.push(h('span', {}, h('b', {}, 'Source: '), m.source));
    const named = voices.filter((v) => v.key !== 'none').length;
    items.push(h('span', { class: 'counts' }, h('b', {}, plural(record.quotes.length, 'quotation')),
      ' by ', plural(named, 'speaker')));
    return h('div', { class: 'summary' }, items);
  }

  /** Selects the quotation named in the URL's fragment (#Q3), if any. */
  function pickFromHash(pick) {
    const id = decodeURIComponent(location.hash.slice(1));
    if (id && document.getElementById('quote-' + id)) pick(id, true);
  }

  // ---------------------------------------------------------------- pages

  async function extractPage(root) {
    document.title = 'Extract · whosaid';
    const textarea = h('textarea', {
      id: 'article', name: 'text', required: true, spellcheck: 'false',
      placeholder: 'Paste the text of a news report: headline, dateline, paragraphs…',
    });
    const file = h('input', { type: 'file', id: 'file', accept: '.txt,text/plain' });
    const date = h('input', { type: 'date', id: 'date', name: 'date' });
    const status = h('span', { id: 'status', class: 'muted', role: 'status', 'aria-live': 'polite' });
    const button = h('button', { type: 'submit', id: 'extract-button' }, 'Find quotations');
    const result = h('div', { id: 'result' });
    file.addEventListener('change', async () => {
      const f = file.files && file.files[0];
      if (!f) return;
      textarea.value = await f.text();
      status.textContent = `Loaded ${f.name}.`;
    });
    const form = h('form', { class: 'card', id: 'extract-form' },
      h('label', { for: 'article' }, 'Article text'), textarea,
      h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'file' }, '…or upload a text file'), file),
        h('div', { class: 'field' }, h('label', { for: 'date' }, 'Publication date (optional)'), date)),
      h('div', { class: 'actions' }, button, status));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!textarea.value.trim()) {
        status.textContent = 'Paste or upload an article first.';
        return;
      }
      button.disabled = true;
      status.textContent = 'Reading the article…';
      result.replaceChildren();
      const body = { text: textarea.value };
      if (date.value) body.date = date.value;
      try {
        const { body: record, headers } = await api('/v1/extract', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const view = reader(body.text, record, null);
        const warning = headers.get('x-whosaid-warning');
        result.replaceChildren(
          warning ? h('div', { class: 'warning', role: 'status' }, warning) : '',
          recordSummary(record, view.voices), view.el);
        status.textContent = `Found ${plural(record.quotes.length, 'quotation')}.`;
        result.scrollIntoView({ block: 'start' });
      } catch (e) {
        result.replaceChildren(errorBox(e));
        status.textContent = '';
      } finally {
        button.disabled = false;
      }
    });
    root.replaceChildren(
      h('h1', {}, 'Who said what?'),
      h('p', { class: 'muted' }, 'Paste a news article or upload a text file: whosaid marks every quotation, its cue and its speaker, and lists the speakers with what they said.'),
      form, result);
  }

  function snippet(text) {
    const out = [];
    let last = 0;
    for (const m of text.matchAll(/\u0002([^\u0003]*)\u0003/g)) {
      out.push(text.slice(last, m.index), h('mark', {}, m[1]));
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  }

  function hitItem(hit) {
    const who = hit.speaker_id !== null && hit.speaker_id !== undefined
      ? h('a', { href: speakerHref(hit.speaker_id), class: 'hit-speaker' }, hit.speaker_name || hit.speaker.text)
      : h('span', { class: 'hit-speaker' }, hit.speaker ? hit.speaker.text : 'unattributed');
    return h('li', { class: 'hit' },
      h('blockquote', {}, '“', snippet(hit.snippet), '”'),
      h('div', { class: 'meta' },
        h('span', { class: 'badge ' + hit.kind }, hit.kind), who,
        hit.cue ? h('span', {}, hit.cue.text) : null,
        h('span', {}, hit.date || 'undated'),
        h('a', { href: documentHref(hit.doc_id, hit.id), class: 'hit-doc' }, shorten(hit.doc_id, 60)),
        hit.group_size > 1 ? h('span', {}, `also in ${plural(hit.group_size - 1, 'other document')}`) : null));
  }

  const SEARCH_FIELDS = ['q', 'speaker', 'since', 'until', 'kind'];
  const PAGE_SIZE = 20;

  async function searchPage(root) {
    document.title = 'Search · whosaid';
    const params = new URLSearchParams(location.search);
    const field = (id, label, input, wide) =>
      h('div', { class: wide ? 'field wide' : 'field' }, h('label', { for: id }, label), input);
    const inputs = {
      q: h('input', { type: 'search', id: 'q', name: 'q', placeholder: 'words, "a phrase", prefix*' }),
      speaker: h('input', { type: 'text', id: 'speaker', name: 'speaker', placeholder: 'name' }),
      since: h('input', { type: 'date', id: 'since', name: 'since' }),
      until: h('input', { type: 'date', id: 'until', name: 'until' }),
      kind: h('select', { id: 'kind', name: 'kind' },
        h('option', { value: '' }, 'any'), h('option', { value: 'direct' }, 'direct'),
        h('option', { value: 'indirect' }, 'indirect'), h('option', { value: 'mixed' }, 'mixed')),
    };
    for (const name of SEARCH_FIELDS) inputs[name].value = params.get(name) || '';
    const form = h('form', { class: 'card', id: 'search-form', role: 'search' },
      h('div', { class: 'row' },
        field('q', 'Words', inputs.q, true), field('speaker', 'Speaker', inputs.speaker),
        field('since', 'Since', inputs.since), field('until', 'Until', inputs.until),
        field('kind', 'Kind', inputs.kind),
        h('div', {}, h('button', { type: 'submit' }, 'Search'))));
    const results = h('section', { id: 'results', 'aria-live': 'polite', 'aria-label': 'Results' });
    const top = h('ol', { class: 'top-speakers' });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const name of SEARCH_FIELDS) if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
      history.pushState(null, '', '/search' + (next.toString() ? '?' + next : ''));
      runSearch(next, results);
    });
    root.replaceChildren(h('h1', {}, 'Search quotations'), form,
      h('div', { class: 'layout' }, results,
        h('aside', { class: 'card', 'aria-labelledby': 'top-heading' },
          h('h2', { id: 'top-heading' }, 'Most quoted'), top)));
    runSearch(params, results);
    try {
      const { body } = await api('/v1/speakers?limit=15');
      top.replaceChildren(...body.speakers.map((s) => h('li', {},
        h('a', { href: speakerHref(s.id) }, s.name), h('span', { class: 'muted' }, String(s.quote_count)))));
    } catch (e) {
      top.replaceChildren(errorBox(e));
    }
  }

  async function runSearch(params, results) {
    const query = new URLSearchParams();
    for (const name of SEARCH_FIELDS) if (params.get(name)) query.set(name, params.get(name));
    const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    query.set('limit', String(PAGE_SIZE));
    if (offset) query.set('offset', String(offset));
    results.replaceChildren(h('p', { class: 'muted' }, 'Searching…'));
    try {
      const { body } = await api('/v1/quotes?' + query);
      const pageLink = (to, label) => {
        const p = new URLSearchParams(params);
        if (to) p.set('offset', String(to)); else p.delete('offset');
        return h('a', { href: '/search?' + p, class: 'button secondary' }, label);
      };
      const end = offset + body.quotes.length;
      results.replaceChildren(
        h('p', { class: 'result-count' }, body.total === 0 ? 'No quotation matches.'
          : `${plural(body.total, 'quotation')}` + (body.total > body.quotes.length ? ` · showing ${offset + 1}–${end}` : '')),
        h('ol', { class: 'hits' }, body.quotes.map(hitItem)),
        h('div', { class: 'pager' },
          offset > 0 ? pageLink(Math.max(0, offset - PAGE_SIZE), '← Previous') : null,
          end < body.total ? pageLink(end, 'Next →') : null));
    } catch (e) {
      results.replaceChildren(errorBox(e));
    }
  }

  async function speakersPage(root) {
    document.title = 'Speakers · whosaid';
    root.replaceChildren(h('h1', {}, 'Most quoted speakers'), h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { body } = await api('/v1/speakers?limit=100');
      root.replaceChildren(h('h1', {}, 'Most quoted speakers'),
        h('table', { class: 'list' },
          h('thead', {}, h('tr', {}, ['Speaker', 'Kind', 'Titles', 'Quotations', 'First', 'Last'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, body.speakers.map((s) => h('tr', {},
            h('td', {}, h('a', { href: speakerHref(s.id) }, s.name)),
            h('td', {}, s.kind), h('td', {}, s.titles.slice(0, 3).join(' · ')),
            h('td', { class: 'num' }, String(s.quote_count)),
            h('td', {}, s.first_date || '—'), h('td', {}, s.last_date || '—'))))));
    } catch (e) {
      root.replaceChildren(h('h1', {}, 'Most quoted speakers'), errorBox(e));
    }
  }

  // ---------------------------------------------------------------- timeline

  const DAY = 86400000;
  const toDay = (s) => Date.parse(s + 'T00:00:00Z');
  const fromDay = (t) => new Date(t).toISOString().slice(0, 10);

  /** Buckets of dated quotations, consecutive from the first to the last. */
  function buckets(dates) {
    const sorted = [...dates].sort();
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    const spanDays = (toDay(last) - toDay(first)) / DAY;
    const unit = spanDays <= 92 ? 'day' : spanDays <= 3 * 366 ? 'month' : 'year';
    const keyOf = (d) => (unit === 'day' ? d : unit === 'month' ? d.slice(0, 7) : d.slice(0, 4));
    const keys = [];
    if (unit === 'day') {
      for (let t = toDay(first); t <= toDay(last); t += DAY) keys.push(fromDay(t));
    } else if (unit === 'month') {
      let [y, m] = first.split('-').map(Number);
      const end = keyOf(last);
      for (;;) {
        const key = `${y}-${String(m).padStart(2, '0')}`;
        keys.push(key);
        if (key >= end) break;
        m += 1;
        if (m > 12) { m = 1; y += 1; }
      }
    } else {
      for (let y = Number(first.slice(0, 4)); y <= Number(last.slice(0, 4)); y++) keys.push(String(y));
    }
    const counts = new Map(keys.map((k) => [k, 0]));
    for (const d of sorted) counts.set(keyOf(d), counts.get(keyOf(d)) + 1);
    return { unit, keys, counts, keyOf };
  }

  function timeline(quotes) {
    const dates = quotes.map((q) => q.date).filter(Boolean);
    const undated = quotes.length - dates.length;
    if (dates.length === 0) {
      return { el: h('p', { class: 'muted' }, 'None of these quotations is dated.'), keyOf: null };
    }
    const b = buckets(dates);
    const max = Math.max(...b.counts.values());
    const width = 900;
    const height = 180;
    const left = 34;
    const bottom = 26;
    const plotW = width - left - 10;
    const plotH = height - bottom - 12;
    const step = plotW / b.keys.length;
    const barW = Math.max(2, Math.min(48, step * 0.8));
    const label = `Timeline: ${plural(dates.length, 'dated quotation')} by ${b.unit} from ${b.keys[0]} to ${b.keys[b.keys.length - 1]}`;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'timeline-chart' },
      svg('title', {}, label),
      svg('line', { class: 'axis', x1: left, y1: 12 + plotH, x2: width - 10, y2: 12 + plotH }),
      svg('text', { x: left - 6, y: 20, 'text-anchor': 'end' }, String(max)),
      svg('text', { x: left - 6, y: 12 + plotH, 'text-anchor': 'end' }, '0'));
    b.keys.forEach((key, i) => {
      const n = b.counts.get(key);
      const x = left + i * step + (step - barW) / 2;
      if (n > 0) {
        const barH = Math.max(3, (n / max) * plotH);
        chart.append(svg('a', { href: '#d-' + key },
          svg('rect', { class: 'bar-rect', x: x.toFixed(1), y: (12 + plotH - barH).toFixed(1), width: barW.toFixed(1), height: barH.toFixed(1), rx: 2 },
            svg('title', {}, `${key}: ${plural(n, 'quotation')}`))));
      }
    });
    const tick = (i, anchor) => svg('text', {
      x: (left + i * step + step / 2).toFixed(1), y: height - 8, 'text-anchor': anchor,
    }, b.keys[i]);
    chart.append(tick(0, b.keys.length === 1 ? 'middle' : 'start'));
    if (b.keys.length > 1) chart.append(tick(b.keys.length - 1, 'end'));
    const note = undated ? h('p', { class: 'muted' }, `${plural(undated, 'undated quotation')} not shown.`) : null;
    return { el: h('div', { class: 'timeline' }, chart, note), keyOf: b.keyOf };
  }

  async function speakerPage(root, id) {
    document.title = 'Speaker · whosaid';
    root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    let body;
    try {
      ({ body } = await api('/v1/speakers/' + encodeURIComponent(id)));
    } catch (e) {
      root.replaceChildren(h('h1', {}, 'Speaker'), errorBox(e));
      return;
    }
    const s = body.speaker;
    document.title = `${s.name} · whosaid`;
    const aliases = s.aliases.filter((a) => a !== s.name).slice(0, 8);
    const facts = h('dl', { class: 'facts' },
      h('dt', {}, 'Quotations'),
      h('dd', { class: 'quote-count' }, `${s.quote_count} (${s.kinds.direct} direct, ${s.kinds.indirect} indirect, ${s.kinds.mixed} mixed)`),
      h('dt', {}, 'Titles'), h('dd', { class: 'titles' }, s.titles.length ? s.titles.join(' · ') : '—'),
      aliases.length ? [h('dt', {}, 'Also written'), h('dd', {}, aliases.join(' · '))] : null,
      h('dt', {}, 'Seen'), h('dd', {}, s.first_date ? `${s.first_date} to ${s.last_date}` : 'undated'));
    const tl = timeline(body.quotes);
    const groups = new Map();
    for (const q of body.quotes) {
      const key = q.date && tl.keyOf ? tl.keyOf(q.date) : 'undated';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(q);
    }
    const list = h('div', { class: 'by-date' }, [...groups.entries()].map(([key, qs]) => [
      h('h3', { id: 'd-' + key }, key === 'undated' ? 'Undated' : key),
      h('ul', {}, qs.map((q) => h('li', {},
        h('span', { class: 'badge ' + q.kind }, q.kind), ' “', shorten(q.text, 300), '” ',
        h('a', { href: documentHref(q.doc_id, q.id), class: 'muted' }, shorten(q.doc_id, 50))))),
    ]));
    root.replaceChildren(
      h('h1', { class: 'speaker-name' }, s.name, ' ', h('span', { class: 'badge' }, s.kind)),
      h('section', { class: 'card' }, facts),
      h('section', { class: 'card', 'aria-labelledby': 'tl-heading' }, h('h2', { id: 'tl-heading' }, 'Timeline'), tl.el),
      h('section', { class: 'card', 'aria-labelledby': 'q-heading' }, h('h2', { id: 'q-heading' }, 'Quotations by date'), list));
  }

  async function documentPage(root, id) {
    document.title = 'Document · whosaid';
    root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    let doc;
    try {
      ({ body: doc } = await api('/v1/documents/' + encodeURIComponent(id)));
    } catch (e) {
      root.replaceChildren(h('h1', {}, 'Document'), errorBox(e));
      return;
    }
    document.title = `${doc.title || doc.id} · whosaid`;
    const view = reader(doc.text, doc.record, doc.entity_speakers);
    const isWeb = doc.url && /^https?:\/\//i.test(doc.url);
    root.replaceChildren(
      h('h1', { class: 'doc-title' }, doc.title || doc.id),
      h('p', { class: 'muted doc-meta' },
        h('span', {}, 'Id: ', h('code', {}, doc.id)), doc.date ? ` · ${doc.date}` : '',
        isWeb ? [' · ', h('a', { href: doc.url, rel: 'noopener noreferrer' }, 'original')] : null),
      recordSummary(doc.record, view.voices), view.el);
    pickFromHash(view.pick);
  }

  // ---------------------------------------------------------------- routing

  function noCorpus(root) {
    root.replaceChildren(h('h1', {}, 'No corpus'),
      h('p', {}, 'This server runs without a corpus store, so there is nothing to search. ',
        'Index articles with ', h('code', {}, 'whosaid index --db corpus.db ARTICLES'),
        ' and start it with ', h('code', {}, 'whosaid serve --db corpus.db'), '.'),
      h('p', {}, h('a', { href: '/' }, 'Extract quotations from one article instead.')));
  }

  const ROUTES = [
    [/^\/$/, 'extract', (root) => extractPage(root)],
    [/^\/search\/?$/, 'search', (root) => searchPage(root), true],
    [/^\/speakers\/?$/, 'speakers', (root) => speakersPage(root), true],
    [/^\/speakers\/([^/]+)\/?$/, 'speakers', (root, m) => speakerPage(root, decodeURIComponent(m[1])), true],
    [/^\/documents\/(.+)$/, null, (root, m) => documentPage(root, decodeURIComponent(m[1])), true],
  ];

  let info = null;

  async function route() {
    const root = document.getElementById('main');
    if (!info) {
      try {
        info = (await api('/v1/info')).body;
      } catch (e) {
        info = { corpus: null };
      }
      for (const a of document.querySelectorAll('[data-corpus]')) a.hidden = !info.corpus;
    }
    for (const [pattern, nav, draw, needsCorpus] of ROUTES) {
      const m = location.pathname.match(pattern);
      if (!m) continue;
      for (const a of document.querySelectorAll('[data-nav]')) {
        if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
      if (needsCorpus && !info.corpus) return noCorpus(root);
      return draw(root, m);
    }
    root.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/' }, 'Back to the start.')));
  }

  window.addEventListener('popstate', () => {
    if (location.pathname.startsWith('/search')) route();
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', route);
  else route();

  // For the end-to-end test and the curious: the code-point map, testable in a console.
  window.whosaid = { codePoints };
})();
