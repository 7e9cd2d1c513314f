// A run's artifacts: a tree listed one folder at a time (artifacts/list), previews of text, JSON
// (pretty-printed) and images, and downloads through get-artifact with the credentials.
import { artifactBlob, get } from './api.js';
import { bytes, errorBox, fill, h, saveBlob } from './dom.js';

const TEXT = /\.(txt|log|md|csv|tsv|yaml|yml|py|sh|ini|cfg|toml|xml|html)$|(^|\/)(MLmodel|requirements\.txt|conda\.yaml)$/i;
const JSON_FILE = /\.(json|jsonl)$/i;
const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
const PREVIEW_LIMIT = 2 * 1024 * 1024;

export function artifactBrowser(runId) {
  const tree = h('nav', { class: 'tree', 'aria-label': 'Artifact files' });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a file to preview it.'));
  let current = null;

  async function folder(path) {
    const answer = await get('mlflow/artifacts/list', { run_id: runId, path: path || undefined });
    const files = (answer.files || []).sort((a, b) => (b.is_dir - a.is_dir) || a.path.localeCompare(b.path));
    return h('ul', {}, files.map((file) => {
      const base = file.path.split('/').pop();
      if (file.is_dir) {
        const children = h('div');
        let open = false;
        const button = h('button', { type: 'button', 'aria-expanded': 'false', 'data-path': file.path, onclick: async () => {
          open = !open;
          button.setAttribute('aria-expanded', String(open));
          button.firstChild.textContent = open ? '▾ ' : '▸ ';
          if (!open) { fill(children); return; }
          try { fill(children, await folder(file.path)); } catch (error) { fill(children, errorBox(error)); }
        } }, h('span', { 'aria-hidden': 'true' }, '▸ '), base + '/');
        return h('li', {}, button, children);
      }
      const button = h('button', { type: 'button', 'data-path': file.path, onclick: () => show(file, button) }, base);
      return h('li', {}, button, h('span', { class: 'muted' }, ' ' + bytes(file.file_size)));
    }));
  }

  async function show(file, button) {
    if (current) current.removeAttribute('aria-current');
    current = button;
    button.setAttribute('aria-current', 'true');
    const name = file.path.split('/').pop();
    const download = h('button', { type: 'button', onclick: async () => {
      try { saveBlob(await artifactBlob(runId, file.path), name); } catch (error) { preview.append(errorBox(error)); }
    } }, 'Download');
    const head = h('div', { class: 'toolbar' }, h('strong', {}, file.path), h('span', { class: 'muted' }, bytes(file.file_size)), download);
    const previewable = IMAGE.test(name) || JSON_FILE.test(name) || TEXT.test(file.path);
    if (!previewable || Number(file.file_size) > PREVIEW_LIMIT) {
      fill(preview, head, h('p', { class: 'muted' }, previewable ? 'Too large to preview.' : 'No preview for this kind of file.'));
      return;
    }
    fill(preview, head, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const blob = await artifactBlob(runId, file.path);
      if (current !== button) return;
      let body;
      if (IMAGE.test(name)) {
        body = h('img', { src: URL.createObjectURL(blob), alt: file.path });
      } else {
        let text = await blob.text();
        if (/\.json$/i.test(name)) {
          try { text = JSON.stringify(JSON.parse(text), null, 2); } catch { /* shown as written */ }
        }
        body = h('pre', { tabindex: '0' }, h('code', {}, text));
      }
      fill(preview, head, body);
    } catch (error) {
      fill(preview, head, errorBox(error));
    }
  }

  folder('').then((list) => fill(tree, list.children.length ? list : h('p', { class: 'muted' }, 'No artifacts.')),
    (error) => fill(tree, errorBox(error)));
  return h('div', { class: 'artifacts' }, tree, preview);
}
