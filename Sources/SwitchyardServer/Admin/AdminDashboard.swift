/// The page `GET /` serves: a self-contained live dashboard (no external assets, docs/ADMIN.md
/// "Dashboard"). It follows `GET /events` (one snapshot a second; the browser's `EventSource`
/// reconnects by itself) and passes on the `?token=` it was opened with.
///
/// Per instance: the state in colour, words, an icon and a border pattern (readable without colour),
/// requests per second, the window's error rate and p50/p99, sparklines of the last five minutes
/// (accumulated by the page from the events it received: they restart when the page is loaded),
/// the breaker with its reason and cooldown, and the health history as a strip of tall (passed) and
/// short (failed) bars. Below: the last transitions, and the reactions when the proxy has any.
/// Elements carry `data-state`, `data-flapping`, `data-breaker`, `data-conn` and `data-events`
/// attributes that the browser test asserts on. One column at phone width.
///
/// Served as `parts` in order (a few static strings rather than one very long literal).
enum AdminDashboard {
    static let parts: [StaticString] = [head, AdminDashboard.script, tail]

    static let head: StaticString = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Switchyard</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        :root{--ok:#1e7b34;--bad:#b42318;--warn:#a15c00;--flap:#6d3fb0;--muted:#5f6368;--line:#d9dce1}
        *{box-sizing:border-box}
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;padding:1rem;
          color:#1d1d1f;background:#f4f5f7}
        header{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:baseline;margin-bottom:.5rem}
        h1{font-size:1.35rem;margin:0} h2{font-size:1.1rem;margin:1rem 0 .4rem}
        #conn{padding:.05rem .55rem;border-radius:1rem;border:1px solid currentColor;color:var(--bad);font-weight:600}
        #conn::before{content:"\25CB  "} #conn[data-conn=live]{color:var(--ok)} #conn[data-conn=live]::before{content:"\25CF  "}
        #conn[data-conn=paused]{color:var(--muted)} #conn[data-conn=paused]::before{content:"\275A\275A  "}
        #summary{color:var(--muted)}
        .svc-meta{color:var(--muted);margin:-.2rem 0 .5rem}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr));gap:.75rem}
        .inst{background:#fff;border:1px solid var(--line);border-left:10px solid var(--ok);border-radius:6px;
          padding:.6rem .75rem;min-width:0}
        .inst.st-unhealthy{border-left-color:var(--bad);
          background:repeating-linear-gradient(135deg,#fff 0 9px,#fbe3e1 9px 18px)}
        .inst.st-open{border-left:10px double var(--bad);background:#fbe3e1}
        .inst.st-half_open{border-left:10px dashed var(--warn)}
        .inst.flapping{border-left:10px dotted var(--flap);
          background:repeating-linear-gradient(90deg,#fff 0 14px,#efe7fb 14px 28px)}
        .top{display:flex;flex-wrap:wrap;gap:.3rem .6rem;align-items:center}
        .badge{font-weight:700;padding:.1rem .5rem;border-radius:4px;color:#fff;background:var(--ok);white-space:nowrap}
        .st-unhealthy .badge,.st-open .badge{background:var(--bad)} .st-half_open .badge{background:var(--warn)}
        .flapping .badge{background:var(--flap)}
        .url{word-break:break-all;font-size:.85rem}
        .nums{display:grid;grid-template-columns:repeat(5,1fr);gap:.3rem;margin:.5rem 0}
        .nums div{min-width:0} dt{font-size:.72rem;color:var(--muted)}
        dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
        .sparks{display:grid;grid-template-columns:2fr 1fr;gap:.5rem}
        figure{margin:0} figcaption{font-size:.72rem;color:var(--muted)}
        svg.spark{display:block;width:100%;height:42px;background:#fafbfc;border:1px solid #e6e8eb}
        polyline{fill:none;stroke-width:1.6}
        .p50{stroke:#1f5fbf;color:#1f5fbf} .p99{stroke:#c2410c;color:#c2410c;stroke-dasharray:5 3} .rps{stroke:#333}
        .breaker{margin:.4rem 0;font-size:.85rem} .breaker[data-breaker=open]{font-weight:700;color:var(--bad)}
        .breaker[data-breaker=half_open]{font-weight:700;color:var(--warn)}
        .health{display:grid;grid-template-columns:1fr;gap:.15rem;font-size:.8rem;color:var(--muted)}
        svg.strip{display:block;width:100%;height:16px} .strip .ok{fill:var(--ok)} .strip .bad{fill:var(--bad)}
        ol.log{list-style:none;padding:0;margin:0;background:#fff;border:1px solid var(--line);border-radius:6px}
        ol.log li{padding:.3rem .6rem;border-bottom:1px solid #eef0f2;overflow-wrap:anywhere}
        ol.log li:last-child{border-bottom:0} time{font-variant-numeric:tabular-nums;color:var(--muted)}
        .muted{color:var(--muted)}
        .table{overflow-x:auto} table{border-collapse:collapse;background:#fff;min-width:100%}
        th,td{padding:.25rem .6rem;border-bottom:1px solid #eef0f2;text-align:left;white-space:nowrap}
        footer{margin-top:1.5rem;color:var(--muted);font-size:.85rem} code{background:#e9ebee;padding:0 .25rem}
        @media (max-width:520px){body{padding:.5rem}.nums{grid-template-columns:repeat(3,1fr)}.sparks{grid-template-columns:1fr}}
        </style></head><body data-events="0">
        <header><h1>Switchyard</h1><span id="conn" data-conn="connecting" role="status" aria-live="polite">connecting</span>
        <span id="summary"></span></header>
        <main id="services"></main>
        <h2>Last transitions</h2><ol class="log" id="transitions"><li class="muted">none yet</li></ol>
        <h2>Reactions</h2><div id="reactions" data-reactions="none"><p class="muted">no reactions configured</p></div>
        <footer>Live from <code>GET /events</code> (one snapshot a second). Sparklines cover the last five minutes this page
        has seen. Also: <a href="/stats">/stats</a> <a href="/dump">/dump</a> <a href="/metrics">/metrics</a>
        <a href="/health">/health</a></footer>

        """#

    static let tail: StaticString = #"""
        </body></html>

        """#
}
