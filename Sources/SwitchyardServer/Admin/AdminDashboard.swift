/// The page `GET /` serves: a self-contained live dashboard (no external assets) that polls
/// `/stats` every two seconds and lists services, instances, states and latencies, with links to
/// the other endpoints.
enum AdminDashboard {
    static let html: StaticString = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Switchyard</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
        table{border-collapse:collapse;margin:.5em 0 1.5em}
        th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right}
        th:first-child,td:first-child{text-align:left}
        .healthy{color:#186a3b}.unhealthy,.open{color:#b03a2e}.half_open{color:#b9770e}
        code{background:#f4f4f4;padding:0 .3em}
        </style></head><body>
        <h1>Switchyard</h1>
        <p id="summary">loading&hellip;</p>
        <div id="services"></div>
        <p>Endpoints: <a href="/health"><code>GET /health</code></a> <a href="/stats"><code>GET /stats</code></a>
        <a href="/dump"><code>GET /dump</code></a> <a href="/metrics"><code>GET /metrics</code></a>
        <code>POST /reload</code></p>
        <script>
        const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        async function refresh() {
          try {
            const s = await (await fetch('/stats', {cache: 'no-store'})).json();
            document.getElementById('summary').textContent =
              `version ${s.version}, up ${Math.round(s.uptime_seconds)} s, ${s.client_connections} client connections, ` +
              `${s.reloads} reloads (${s.reload_failures} failed)` + (s.draining ? ', DRAINING' : '');
            let html = '';
            for (const svc of s.services) {
              html += `<h2>${esc(svc.name)}</h2><p>routes ${svc.routes.map(esc).join(', ')}; ${esc(svc.balancer)} / ` +
                `${esc(svc.supplier)}; ${svc.eligible} of ${svc.instances.length} eligible</p><table><tr><th>instance</th>` +
                '<th>state</th><th>in flight</th><th>window req</th><th>error rate</th><th>p50 ms</th><th>p99 ms</th>' +
                '<th>total req</th><th>trips</th><th>last check</th></tr>';
              for (const i of svc.instances) {
                const last = i.health && i.health.last ? esc(i.health.last.detail) : '';
                html += `<tr><td>${esc(i.url)}</td><td class="${esc(i.state)}">${esc(i.state)}</td><td>${i.in_flight}</td>` +
                  `<td>${i.window.requests}</td><td>${(i.window.error_rate * 100).toFixed(1)}%</td>` +
                  `<td>${i.window.p50_ms}</td><td>${i.window.p99_ms}</td><td>${i.totals.requests}</td>` +
                  `<td>${i.breaker.trips}</td><td>${last}</td></tr>`;
              }
              html += '</table>';
            }
            document.getElementById('services').innerHTML = html;
          } catch (e) {
            document.getElementById('summary').textContent = 'cannot reach /stats: ' + e;
          }
        }
        refresh();
        setInterval(refresh, 2000);
        </script></body></html>

        """
}
