// Text cut off by a box that clips its overflow (overflow: hidden or clip): every text node whose
// laid-out lines reach outside such a box. Visually hidden text (a 1 px box) is meant to be clipped.
// Returns one line per box.
() => {
  const clips = ['hidden', 'clip'];
  const out = [];
  const hidden = (el, box) => { for (let e = el; e && e !== box; e = e.parentElement) { const r = e.getBoundingClientRect(); if (r.width <= 1 || r.height <= 1) return true; } return false; };
  for (const box of document.querySelectorAll('body *')) {
    const s = getComputedStyle(box);
    const cx = clips.includes(s.overflowX), cy = clips.includes(s.overflowY);
    if (!cx && !cy) continue;
    const b = box.getBoundingClientRect();
    if (b.width <= 1 || b.height <= 1) continue;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.textContent.trim() || hidden(t.parentElement, box)) continue;
      const range = document.createRange(); range.selectNodeContents(t);
      const cut = [...range.getClientRects()].some(r => r.width > 0 && r.height > 0 &&
        ((cx && (r.right > b.right + 1 || r.left < b.left - 1)) || (cy && (r.bottom > b.bottom + 1 || r.top < b.top - 1))));
      if (cut) { out.push(`${box.tagName.toLowerCase()}.${[...box.classList].join('.')}: "${t.textContent.trim().slice(0, 40)}"`); break; }
    }
  }
  return out;
}
