extension AdminDashboard {
    /// The page's script: follows `/events`, keeps per-instance series for the sparklines, renders.
    static let script: StaticString = #"""
        <script>
        'use strict';
        const $ = id => document.getElementById(id);
        const params = new URLSearchParams(location.search);
        const token = params.get('token');
        // ?updates=N stops after N events: a still picture (headless browsers wait for the network to be idle).
        const stopAfter = Number(params.get('updates')) || 0;
        const eventsURL = '/events' + (token ? '?token=' + encodeURIComponent(token) : '');
        const SVG = 'http://www.w3.org/2000/svg';
        const POINTS = 300;          // five minutes of one-second events
        const STRIP = 60;            // EventsDocument.stripLength
        const STATES = {
          healthy: ['✔', 'healthy'], unhealthy: ['✖', 'UNHEALTHY'],
          open: ['⊘', 'OPEN (breaker)'], half_open: ['◐', 'HALF-OPEN (probing)'],
        };
        const series = new Map();

        function h(tag, attrs, ...kids) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, v);
          for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
          return e;
        }
        function svg(tag, attrs) {
          const e = document.createElementNS(SVG, tag);
          for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
          return e;
        }
        const num = v => v === null || v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
        const pct = v => (v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0) + '%';
        const clock = ms => new Date(ms).toTimeString().slice(0, 8);
        function age(seconds) {
          const s = Math.floor(seconds), d = Math.floor(s / 86400), hr = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
          return d ? `${d}d ${hr}h` : hr ? `${hr}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
        }

        function remember(key, i) {
          let s = series.get(key);
          if (!s) { s = {p50: [], p99: [], rps: []}; series.set(key, s); }
          s.p50.push(i.p50_ms); s.p99.push(i.p99_ms); s.rps.push(i.rps ?? 0);
          for (const a of [s.p50, s.p99, s.rps]) if (a.length > POINTS) a.shift();
          return s;
        }

        // Polylines right-aligned on a time axis of one minute, growing to POINTS seconds as events
        // arrive, scaled to the largest value shown.
        function spark(lines, label) {
          const span = Math.max(60, ...lines.map(l => l.values.length));
          const W = 300, H = 40, step = W / (span - 1);
          const max = Math.max(0, ...lines.flatMap(l => l.values));
          const e = svg('svg', {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'spark', role: 'img',
                                'aria-label': label});
          for (const l of lines) {
            const x0 = W - (l.values.length - 1) * step;
            const pts = l.values.map((v, n) => `${(x0 + n * step).toFixed(1)},${(H - 2 - (max ? v / max : 0) * (H - 4)).toFixed(1)}`);
            if (pts.length === 1) pts.push(`${W},${pts[0].split(',')[1]}`);
            e.append(svg('polyline', {points: pts.join(' '), class: l.cls, 'vector-effect': 'non-scaling-stroke'}));
          }
          return [e, max];
        }

        // One bar per health round, oldest first: tall = passed, short = failed (readable without colour).
        function strip(text) {
          const e = svg('svg', {viewBox: `0 0 ${STRIP * 5} 16`, preserveAspectRatio: 'xMaxYMid meet', class: 'strip',
                                role: 'img', 'aria-label': `health history: ${text || 'no rounds yet'}`});
          [...text].forEach((c, n) => {
            const x = (STRIP - text.length + n) * 5;
            e.append(svg('rect', c === '+' ? {x, y: 0, width: 4, height: 16, class: 'ok'}
                                           : {x, y: 11, width: 4, height: 5, class: 'bad'}));
          });
          return e;
        }

        function card(svc, i) {
          const s = remember(svc.name + ' ' + i.url, i);
          const [icon, word] = STATES[i.state] || ['?', i.state];
          const badge = i.flapping ? `⚠ FLAPPING (now ${word})` : `${icon} ${word}`;
          const b = i.breaker;
          let breaker = `breaker ${b.state.replace('_', '-')}`;
          if (b.reason) breaker += ` · ${b.reason}`;
          if (b.cooldown_left_ms !== null) breaker += ` · cooldown ${Math.ceil(b.cooldown_left_ms / 1000)} s left`;
          if (b.trips) breaker += ` · ${b.trips} trip${b.trips === 1 ? '' : 's'}`;
          const [lat, latMax] = spark([{values: s.p50, cls: 'p50'}, {values: s.p99, cls: 'p99'}], 'p50 and p99 latency');
          const [rps, rpsMax] = spark([{values: s.rps, cls: 'rps'}], 'requests per second');
          const figure = (name, value, field) => h('div', {}, h('dt', {}, name), h('dd', {'data-field': field}, value));
          const hc = i.health;
          return h('article', {class: `inst st-${i.state}` + (i.flapping ? ' flapping' : ''), 'data-service': svc.name,
                               'data-url': i.url, 'data-state': i.state, 'data-flapping': String(i.flapping)},
            h('div', {class: 'top'}, h('span', {class: 'badge'}, badge), h('code', {class: 'url'}, i.url)),
            h('dl', {class: 'nums'}, figure('req/s', num(i.rps), 'rps'), figure('errors', pct(i.error_rate), 'error-rate'),
              figure('p50 ms', num(i.p50_ms), 'p50'), figure('p99 ms', num(i.p99_ms), 'p99'),
              figure('in flight', String(i.in_flight), 'in-flight')),
            h('div', {class: 'sparks'},
              h('figure', {}, lat, h('figcaption', {}, 'latency ', h('span', {class: 'p50'}, '━ p50'), ' ',
                h('span', {class: 'p99'}, '┅ p99'), ` · max ${num(latMax)} ms`)),
              h('figure', {}, rps, h('figcaption', {}, `req/s · max ${num(rpsMax)}`))),
            h('p', {class: 'breaker', 'data-breaker': b.state}, breaker),
            hc ? h('div', {class: 'health', 'data-strip': hc.strip}, strip(hc.strip),
                   h('span', {}, `health ${hc.verdict}` + (hc.consecutive_failures ? ` · ${hc.consecutive_failures} failed in a row` : '')
                     + (hc.last ? ` · last: ${hc.last}` : '')))
               : h('p', {class: 'health muted'}, 'no active health check'));
        }

        function render(d) {
          const counts = {}, seen = new Set();
          const services = d.services.map(svc => {
            for (const i of svc.instances) {
              const k = i.flapping ? 'flapping' : i.state.replace('_', '-');
              counts[k] = (counts[k] || 0) + 1;
              seen.add(svc.name + ' ' + i.url);
            }
            return h('section', {'data-service': svc.name}, h('h2', {}, svc.name),
              h('p', {class: 'svc-meta'}, `${svc.eligible} of ${svc.instances.length} instances take traffic`),
              h('div', {class: 'grid'}, svc.instances.map(i => card(svc, i))));
          });
          $('services').replaceChildren(...services);
          // Instances a reload or discovery removed take their series with them.
          for (const key of series.keys()) if (!seen.has(key)) series.delete(key);
          $('summary').textContent = `v${d.version} · up ${age(d.uptime_seconds)} · ` +
            Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ') + ` · updated ${clock(d.now_unix_ms)}` +
            (d.draining ? ' · DRAINING' : '');
          const t = d.transitions.slice().reverse().map(x => h('li', {'data-to': x.to}, h('time', {}, clock(x.at_unix_ms)), ' ',
            h('b', {}, x.subject), ` ${x.from || '·'} → ${x.to}`, x.reason ? h('span', {class: 'muted'}, ` (${x.reason})`) : null));
          $('transitions').replaceChildren(...(t.length ? t : [h('li', {class: 'muted'}, 'none yet')]));
          renderReactions(d.reactions);
        }

        function renderReactions(r) {
          const box = $('reactions');
          if (!r || !r.configured || r.configured.length === 0) {
            box.dataset.reactions = 'none';
            box.replaceChildren(h('p', {class: 'muted'}, 'no reactions configured'));
            return;
          }
          box.dataset.reactions = String(r.configured.length);
          const rows = r.configured.map(c => h('tr', {'data-reaction': c.name}, h('td', {}, c.name), h('td', {}, c.kind),
            h('td', {}, (c.on || []).join(', ')), h('td', {}, c.service ?? 'every service'), h('td', {}, String(c.executed)),
            h('td', {}, String(c.failed)), h('td', {}, String(c.skipped)), h('td', {}, c.running ? 'running' : '')));
          const mark = {executed: '✔', failed: '✖', skipped: '↷'};
          const recent = (r.recent || []).slice().reverse().slice(0, 20).map(x => h('li', {'data-outcome': x.outcome},
            h('time', {}, clock(Date.parse(x.at))), ' ', h('b', {}, `${mark[x.outcome] || ''} ${x.outcome}`), ` ${x.reaction} (${x.kind}) on ${x.event} `,
            `${x.service ?? ''}${x.instance ? ' ' + x.instance : ''}`, x.detail ? h('span', {class: 'muted'}, ` · ${x.detail}`) : null));
          box.replaceChildren(
            h('div', {class: 'table'}, h('table', {}, h('tr', {}, ['name', 'kind', 'on', 'service', 'executed', 'failed', 'skipped', '']
              .map(x => h('th', {}, x))), rows)),
            h('h2', {}, 'Recent reactions'),
            h('ol', {class: 'log'}, recent.length ? recent : [h('li', {class: 'muted'}, 'none yet')]));
        }

        let source = null, received = 0, lastAt = 0;
        function setConn(state, text) { const c = $('conn'); c.dataset.conn = state; c.textContent = text; }
        function connect() {
          setConn('connecting', 'connecting');
          source = new EventSource(eventsURL);
          source.onmessage = ev => {
            received += 1; lastAt = Date.now();
            document.body.dataset.events = String(received);
            setConn('live', 'live');
            try {
              render(JSON.parse(ev.data));
              delete document.body.dataset.error;
            } catch (e) {
              document.body.dataset.error = String(e);
              $('summary').textContent = 'cannot show this update: ' + e;
            }
            if (stopAfter && received >= stopAfter) {
              source.close();
              setConn('paused', `paused after ${received} updates (?updates=${stopAfter})`);
            }
          };
          // EventSource retries network errors itself (retry: 2000); a refused answer closes it for good.
          source.onerror = () => {
            if (source.readyState !== EventSource.CLOSED) { setConn('reconnecting', 'reconnecting'); return; }
            source.close();
            fetch(eventsURL, {method: 'HEAD', cache: 'no-store'}).then(r => {
              setConn(r.status === 401 ? 'unauthorized' : 'down', r.status === 401
                ? 'needs the admin token: open this page as /?token=…'
                : r.status === 503 ? 'too many dashboards open; retrying' : `disconnected (HTTP ${r.status}); retrying`);
            }, () => setConn('down', 'admin listener unreachable; retrying'));
            setTimeout(connect, 5000);
          };
        }
        setInterval(() => {
          if ($('conn').dataset.conn === 'live' && Date.now() - lastAt > 5000) setConn('stale', 'no update for 5 s');
        }, 1000);
        connect();
        </script>

        """#
}
