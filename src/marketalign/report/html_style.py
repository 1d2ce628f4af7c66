"""The HTML report's only stylesheet: one column on a phone, contents beside the results on a laptop."""

CSS = """
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --bg: #ffffff; --panel: #f4f6f9;
  --line: #d9dee7; --accent: #1f5fbf; --warn-bg: #fff4e5; --warn-line: #e8a33d; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ef; --muted: #a3abba; --bg: #14171d; --panel: #1d222b; --line: #343b48;
    --accent: #7fb0ff; --warn-bg: #3a2a12; --warn-line: #c98a2b; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
a { color: var(--accent); }
code, .key, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.86em; }
header.top { padding: 1.2rem 1rem 0.6rem; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 0.3rem; font-size: 1.5rem; line-height: 1.25; }
.lead, .note, figcaption, .count, .path { color: var(--muted); }
.path { margin: 0 0 0.4rem; font-size: 0.9rem; }
h1, h2, h3 { overflow-wrap: break-word; }
.lead { margin: 0.2rem 0; }
.layout { display: block; }
nav.toc { padding: 0.6rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
nav.toc h2 { font-size: 1rem; margin: 0.2rem 0 0.4rem; }
nav.toc ol { margin: 0; padding-left: 1.1rem; }
nav.toc li { margin: 0.15rem 0; }
.count { font-size: 0.85em; white-space: nowrap; }
main { padding: 0 1rem 2rem; min-width: 0; }
section.result { border-bottom: 1px solid var(--line); padding: 1rem 0 1.2rem; }
section.result > h2 { font-size: 1.25rem; margin: 0.2rem 0 0.2rem; line-height: 1.3; }
section.root-title { padding-top: 1.2rem; }
section.root-title > h2 { font-size: 1.35rem; margin: 0; }
h3 { font-size: 1.02rem; margin: 1.1rem 0 0.4rem; }
h4 { font-size: 0.95rem; margin: 0.9rem 0 0.3rem; font-weight: 600; }
.table-scroll { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: 0.88rem; }
th, td { padding: 0.3rem 0.55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data th { white-space: nowrap; }
table.data td { overflow-wrap: normal; min-width: 4rem; max-width: 28rem; }
table.kv { width: 100%; }
table.kv td.key { width: 40%; color: var(--muted); }
table.kv td { overflow-wrap: anywhere; }
figure { margin: 0.6rem 0 1.2rem; }
figure img { display: block; max-width: 100%; height: auto; background: #ffffff; border: 1px solid var(--line);
  border-radius: 6px; }
figcaption { font-size: 0.9rem; margin-top: 0.3rem; }
details { margin: 0.4rem 0; }
summary { cursor: pointer; }
pre { background: var(--panel); padding: 0.6rem; border-radius: 6px; overflow: auto; max-height: 30rem;
  white-space: pre; }
.problems { background: var(--warn-bg); border-left: 4px solid var(--warn-line); padding: 0.5rem 0.8rem;
  margin: 0.8rem 0; border-radius: 4px; }
.problems ul { margin: 0.2rem 0; padding-left: 1.1rem; }
section.headlines { padding: 0.8rem 1rem 1rem; border-bottom: 1px solid var(--line); }
section.headlines > h2 { font-size: 1.35rem; margin: 0 0 0.2rem; }
ol.headlines { list-style: none; margin: 0.4rem 0 0; padding: 0; display: grid; gap: 0.45rem;
  grid-template-columns: minmax(0, 1fr); }
li.hl { min-width: 0; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 6px; background: var(--panel); }
li.hl.violated, li.hl.unreadable, li.hl.no-summary { border-left-color: var(--warn-line); }
li.hl.not-run { border-left-color: var(--line); }
.hl-step { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.86em; }
.hl .status { float: right; font-size: 0.8rem; color: var(--muted); margin-left: 0.5rem; }
.hl-title, .hl .claim { display: block; font-size: 0.85rem; color: var(--muted); }
.hl .number { display: block; font-variant-numeric: tabular-nums; }
@media (min-width: 1000px) { ol.headlines { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
footer { padding: 1rem; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 599px) {
  table.kv td, table.kv td.key { display: block; width: auto; border-bottom: 0; }
  table.kv td.key { padding-bottom: 0; }
  table.kv tr { display: block; border-bottom: 1px solid var(--line); }
}
@media (min-width: 1000px) {
  .layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); align-items: start; }
  nav.toc { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; border-bottom: 0;
    border-right: 1px solid var(--line); }
  main { padding: 0 1.6rem 2rem; max-width: 72rem; }
  header.top { padding: 1.4rem 1.6rem 0.8rem; }
  section.headlines { padding: 0.8rem 1.6rem 1.2rem; }
}
@media print { nav.toc { display: none; } .layout { display: block; } }
""".strip()
